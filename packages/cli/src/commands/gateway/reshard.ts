/** `shardwire gateway reshard [--shards N] [--url http://127.0.0.1:8082]`: asks a running gateway to reshard and follows it. */
import { type Flags, sleep } from '@shardwire/core';

interface ReshardStatus {
  running: boolean;
  shardCount: number;
  last?:
    | { ok: true; result: { from: number; to: number; releasedAtSwitch: number } }
    | { ok: false; error: string };
}

export async function reshard(flags: Flags, env: Record<string, string | undefined>): Promise<void> {
  const base =
    typeof flags.url === 'string'
      ? flags.url
      : `http://${env.GATEWAY_HOST ?? '127.0.0.1'}:${env.GATEWAY_PORT ?? '8082'}`;
  const shards = typeof flags.shards === 'string' ? Number(flags.shards) : undefined;
  if (shards !== undefined && (!Number.isInteger(shards) || shards < 1)) {
    throw new Error('--shards: expected a positive integer');
  }
  const response = await fetch(`${base}/reshard`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(shards === undefined ? {} : { shards }),
  });
  const body = (await response.json()) as { error?: string; from?: number; to?: number | string };
  if (response.status !== 202) throw new Error(`the gateway refused: ${body.error ?? response.status}`);
  process.stdout.write(`resharding from ${body.from} to ${body.to} shards…\n`);
  for (;;) {
    await sleep(1_000);
    const status = (await (await fetch(`${base}/reshard`)).json()) as ReshardStatus;
    if (status.running) continue;
    if (!status.last?.ok) throw new Error(`reshard failed: ${status.last ? status.last.error : 'unknown'}`);
    const { from, to, releasedAtSwitch } = status.last.result;
    process.stdout.write(
      `resharded from ${from} to ${to} shards (${releasedAtSwitch} held dispatches published at the switch)\n`,
    );
    return;
  }
}
