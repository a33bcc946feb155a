/** Test helper: a `/_sim/load` of MESSAGE_CREATEs across a reshard, and the checks of its outcome. */
import { type Envelope, shardIdOf } from '@shardwire/core';
import type { RunningSimulator } from '@shardwire/simulator';
import { expect, vi } from 'vitest';
import { partitionOf } from '../reshard/partition.js';
import type { ReshardStatus } from '../reshard/routes.js';
import { stats } from './sim.js';

interface LoadStatus {
  running: boolean;
  generated: number;
}

type Received = { envelope: Envelope; at: number }[];

/** Starts the load; resolves with the arrival time of its first message in the broker. */
export async function startMessageLoad(
  sim: RunningSimulator,
  received: Received,
  load: { eventsPerSecond: number; seconds: number },
): Promise<number> {
  const answer = await fetch(`${sim.url}/_sim/load`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...load, mix: { MESSAGE_CREATE: 1 } }),
  });
  expect(answer.status).toBe(202);
  await vi.waitFor(() => expect(received.some((r) => r.envelope.t === 'MESSAGE_CREATE')).toBe(true));
  return received.find((r) => r.envelope.t === 'MESSAGE_CREATE')!.at;
}

/**
 * After the load ends: every generated message reached the broker, each exactly once after deduping
 * redeliveries by envelope id; envelopes from both shard counts (none from any other), each with
 * its stable partition; no gap of a second between two messages; `to` live sessions, of `to` shards.
 */
export async function expectReshardedLoad(
  sim: RunningSimulator,
  received: Received,
  loadStart: number,
  counts: { from: number; to: number },
): Promise<{ generated: number }> {
  let status: LoadStatus | undefined;
  await vi.waitFor(
    async () => {
      status = (await (await fetch(`${sim.url}/_sim/load`)).json()) as LoadStatus;
      expect(status.running).toBe(false);
    },
    { timeout: 15_000, interval: 200 },
  );
  const generated = status!.generated;
  const messages = () => received.filter((r) => r.envelope.t === 'MESSAGE_CREATE');
  const messageIds = () => new Set(messages().map((r) => (r.envelope.d as { id: string }).id));
  await vi.waitFor(() => expect(messageIds().size).toBe(generated), { timeout: 10_000 });

  const unique = new Map<string, Envelope>();
  for (const { envelope } of messages()) unique.set(envelope.id, envelope);
  const perMessage = new Map<string, Envelope[]>();
  for (const envelope of unique.values()) {
    const id = (envelope.d as { id: string }).id;
    perMessage.set(id, [...(perMessage.get(id) ?? []), envelope]);
  }
  expect(perMessage.size).toBe(generated);
  expect([...perMessage.values()].filter((list) => list.length > 1)).toEqual([]);

  const { from, to } = counts;
  const byCount = { from: 0, to: 0, other: 0 };
  for (const envelope of unique.values()) {
    const guild = envelope.guildId!;
    expect(envelope.partition).toBe(partitionOf(guild, 1024));
    if (envelope.shard === shardIdOf(guild, to) && envelope.shard === shardIdOf(guild, from)) continue;
    if (envelope.shard === shardIdOf(guild, from)) byCount.from++;
    else if (envelope.shard === shardIdOf(guild, to)) byCount.to++;
    else byCount.other++;
  }
  expect(byCount.from).toBeGreaterThan(0);
  expect(byCount.to).toBeGreaterThan(0);
  expect(byCount.other).toBe(0);

  const times = messages()
    .map((r) => r.at)
    .filter((at) => at >= loadStart)
    .sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
  expect(gap).toBeLessThan(1_000);

  await vi.waitFor(async () => {
    const s = await stats(sim);
    expect(s.shards).toHaveLength(to);
    expect(s.shards.every((x) => Array.isArray(x.shard) && x.shard[1] === to)).toBe(true);
  });
  return { generated };
}

/** `POST /reshard` on a gateway's ops URL (202), then waits until `GET /reshard` reports it done. */
export async function reshardOverHttp(ops: string, shards: number, timeoutMs: number): Promise<void> {
  const answer = await fetch(`${ops}/reshard`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shards }),
  });
  expect(answer.status).toBe(202);
  await vi.waitFor(
    async () => {
      const status = (await (await fetch(`${ops}/reshard`)).json()) as ReshardStatus;
      expect(status).toMatchObject({ running: false, shardCount: shards, last: { ok: true } });
    },
    { timeout: timeoutMs, interval: 100 },
  );
}
