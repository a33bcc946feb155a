/**
 * The loss test (issue 7): publishes envelopes while consumer processes are SIGKILLed and
 * restarted, and optionally while the broker server restarts; then checks that every envelope was
 * handled, counted by id (duplicates are allowed: delivery is at least once, consumers dedupe).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Broker } from '../Broker.js';
import { restart, type ServerControl } from './servers.js';

export interface LossOptions {
  url: string;
  openPublisher(): Promise<Broker>;
  envelopes: number;
  consumers: number;
  /** SIGKILL one consumer (and start a new one) this often while publishing. */
  killEveryMs: number;
  /** Restart this server once, when half the envelopes are published. */
  server?: ServerControl;
  /** How long the server stays down. */
  downMs?: number;
  /** Publish at most this many envelopes a second (spreads the kills over the run); no limit by default. */
  ratePerSecond?: number;
  /** How long to wait, after publishing, for the last envelopes. */
  settleMs: number;
  /** Explains where missing envelopes are (in the broker? waiting? delivered but not acked?). */
  diagnose?(missing: string[]): Promise<unknown>;
}

/** Writes a full run's figures next to the benchmarks (CI-sized runs leave the committed file alone). */
export function recordLossResult(backend: string, options: LossOptions, result: LossResult): void {
  const file = fileURLToPath(
    new URL(`../../../../bench/results/broker-loss-${backend}.json`, import.meta.url),
  );
  const { openPublisher: _open, server, url: _url, ...config } = options;
  const record = {
    backend,
    date: new Date().toISOString(),
    config: { ...config, server: server?.name },
    result,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

export interface LossResult {
  published: number;
  distinctHandled: number;
  missing: number;
  duplicates: number;
  unknown: number;
  kills: number;
  restarts: number;
  seconds: number;
  /** How long it waited, after the last publish was confirmed, for the last envelopes to be handled. */
  waitedMs: number;
  /** The missing ids as ranges (`e10-e12`), and what `diagnose` found (only when some are missing). */
  missingIds?: string[];
  diagnosis?: unknown;
}

const child = fileURLToPath(new URL('./lossConsumer.mjs', import.meta.url));
const GROUP = 'loss';

/**
 * Starts a consumer process (`lossConsumer.mjs`, settings in `env`) and resolves once it consumes;
 * it is in `children` from its start (so that a test can kill it even if it never gets ready) to its exit.
 */
export async function startConsumerProcess(
  env: Record<string, string>,
  children: Set<ChildProcess>,
): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [child], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    proc.once('exit', (code) => reject(new Error(`consumer exited with ${code} before it was ready`)));
  });
  return proc;
}

export async function runLossTest(options: LossOptions): Promise<LossResult> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'shardwire-loss-'));
  const children = new Set<ChildProcess>();
  let kills = 0;
  let restarts = 0;
  let logIndex = 0;

  const spawnConsumer = async (): Promise<void> => {
    await startConsumerProcess(
      { BROKER_URL: options.url, GROUP, LOG: join(dir, `c${logIndex++}.log`) },
      children,
    );
  };

  const publisher = await options.openPublisher();
  try {
    await publisher.declareGroup(GROUP, 'loss.#');
    for (let i = 0; i < options.consumers; i++) await spawnConsumer();

    let published = 0;
    let publishing = true;
    const killer = (async () => {
      while (publishing) {
        await new Promise((resolve) => setTimeout(resolve, options.killEveryMs));
        if (!publishing) break;
        const victim = [...children][Math.floor(Math.random() * children.size)];
        if (!victim) continue;
        victim.kill('SIGKILL');
        kills++;
        // The server may be down right now: keep trying to bring a consumer back.
        for (;;) {
          try {
            await spawnConsumer();
            break;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
      }
    })();

    // The publishing rate counts from here: starting the consumers can take seconds on a busy
    // machine, and counting from before would publish everything at once, before the first kill.
    const publishingFrom = Date.now();
    let restarting: Promise<void> | undefined;
    const window = 1_000;
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < options.envelopes; i++) {
      if (options.server && !restarting && i === Math.floor(options.envelopes / 2)) {
        restarts++;
        restarting = restart(options.server, options.downMs ?? 2_000);
      }
      const p = publisher
        .publish(`loss.e${i % 7}`, { n: i, pad: 'x'.repeat(200) }, { messageId: `e${i}` })
        .then(() => {
          published++;
        });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= window) await Promise.race(inFlight);
      if (options.ratePerSecond) {
        const due = publishingFrom + ((i + 1) * 1000) / options.ratePerSecond;
        if (due > Date.now() + 5) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
    }
    await Promise.all(inFlight);
    await restarting;
    publishing = false;
    await killer;

    const deadline = Date.now() + options.settleMs;
    let seen = readIds(dir);
    while (countKnown(seen, options.envelopes) < options.envelopes && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = readIds(dir);
    }
    const waitedMs = Date.now() - (deadline - options.settleMs);
    let diagnosis: unknown;
    const missingBeforeStop = missingIds(seen, options.envelopes);
    if (missingBeforeStop.length > 0 && options.diagnose)
      diagnosis = await options.diagnose(missingBeforeStop);
    await stopAll(children);
    seen = readIds(dir);
    const distinct = countKnown(seen, options.envelopes);
    let duplicates = 0;
    let unknown = 0;
    for (const [id, count] of seen) {
      if (!isKnown(id, options.envelopes)) unknown += count;
      else duplicates += count - 1;
    }
    return {
      published,
      distinctHandled: distinct,
      missing: options.envelopes - distinct,
      duplicates,
      unknown,
      kills,
      restarts,
      seconds: (Date.now() - started) / 1000,
      waitedMs,
      ...(distinct < options.envelopes
        ? { missingIds: asRanges(missingIds(seen, options.envelopes)), diagnosis }
        : {}),
    };
  } finally {
    for (const proc of children) proc.kill('SIGKILL');
    await publisher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function readIds(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const id of text.split('\n')) if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function missingIds(seen: Map<string, number>, envelopes: number): string[] {
  const missing: string[] = [];
  for (let i = 0; i < envelopes; i++) if (!seen.has(`e${i}`)) missing.push(`e${i}`);
  return missing;
}

/** `e1, e2, e3, e7` → `e1-e3, e7`. */
export function asRanges(ids: string[]): string[] {
  const ranges: string[] = [];
  let start = -1;
  let last = -1;
  const flush = () => start >= 0 && ranges.push(start === last ? `e${start}` : `e${start}-e${last}`);
  for (const n of ids.map((id) => Number(id.slice(1)))) {
    if (start < 0 || n !== last + 1) {
      flush();
      start = n;
    }
    last = n;
  }
  flush();
  return ranges;
}

function isKnown(id: string, envelopes: number): boolean {
  const n = Number(id.slice(1));
  return id.startsWith('e') && Number.isInteger(n) && n >= 0 && n < envelopes;
}

function countKnown(seen: Map<string, number>, envelopes: number): number {
  let count = 0;
  for (const id of seen.keys()) if (isKnown(id, envelopes)) count++;
  return count;
}

async function stopAll(children: Set<ChildProcess>): Promise<void> {
  await Promise.all(
    [...children].map(
      (proc) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
          proc.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          proc.kill('SIGTERM');
        }),
    ),
  );
}
