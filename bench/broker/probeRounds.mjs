import { randomBytes } from 'node:crypto';

/**
 * What every probe publishes: PROBE_COUNT 1 kB messages per variant and round (1,000 in flight),
 * PROBE_ROUNDS rounds, under a random name prefix.
 */
export function probeSettings() {
  return {
    COUNT: Number(process.env.PROBE_COUNT ?? 20000),
    ROUNDS: Number(process.env.PROBE_ROUNDS ?? 5),
    WINDOW: 1000,
    prefix: `probe${randomBytes(3).toString('hex')}`,
    body: Buffer.from(JSON.stringify({ id: 'e0', d: { content: 'x'.repeat(960) } })),
  };
}

// The rounds of a one-factor-at-a-time probe: every variant once per round, the order reversed
// every other round so that a noisy machine hurts all alike; prints each round and the medians
// against the first variant.
export async function probeRounds(names, rounds, publishAll, reset) {
  const rates = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      rates[name].push(Math.round(await publishAll(name)));
      await reset(name);
    }
    console.error(`round ${round}: ${names.map((n) => `${n}=${rates[n].at(-1)}`).join(' ')}`);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(rates[names[0]]);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  for (const name of names) {
    const m = median(rates[name]);
    console.log(
      `${name.padEnd(width)} median ${m}/s  (${((m / base) * 100).toFixed(0)}% of ${names[0]})  runs ${rates[name].join(' ')}`,
    );
  }
}
