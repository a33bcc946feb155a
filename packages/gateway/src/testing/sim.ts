/** Helpers for tests against the simulator: its stats, posting messages, checking nothing was lost. */
import type { Envelope } from '@shardwire/core';
import type { RunningSimulator } from '@shardwire/simulator';
import { expect } from 'vitest';

export interface SimStats {
  identifies: number;
  resumes: number;
  shards: { bot: string; shard: [number, number] | number; session: string; seq: number }[];
  /** Per shard across its sessions: load events its intents took, sent, awaiting a RESUME, lost. */
  perShard: { shard: number; generated: number; dispatched: number; pending: number; dropped: number }[];
}

export const stats = async (sim: RunningSimulator) =>
  (await (await fetch(`${sim.url}/_sim/stats`)).json()) as SimStats;

export async function postMessage(
  sim: RunningSimulator,
  channelId: string,
  content: string,
): Promise<string> {
  const response = await fetch(`${sim.url}/_sim/channels/${channelId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content }),
  });
  if (response.status !== 201) throw new Error(`post failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

export async function textChannels(sim: RunningSimulator): Promise<string[]> {
  const guilds = (await (await fetch(`${sim.url}/_sim/guilds`)).json()) as {
    id: string;
    system_channel_id: string;
  }[];
  return guilds.map((g) => g.system_channel_id);
}

/** Every seq the simulator dispatched on each live session reached the broker. */
export async function expectNothingLost(sim: RunningSimulator, received: Envelope[]): Promise<void> {
  const { shards } = await stats(sim);
  for (const session of shards) {
    const shard = Array.isArray(session.shard) ? session.shard[0] : session.shard;
    const seqs = new Set(
      received.filter((e) => e.shard === shard && e.id.includes(`:${session.session}:`)).map((e) => e.seq),
    );
    const missing = Array.from({ length: session.seq }, (_, i) => i + 1).filter((seq) => !seqs.has(seq));
    expect({ shard, missing }).toEqual({ shard, missing: [] });
  }
}

/** Posts messages to every channel in a loop (about 200/s per channel) until `stop`. */
export function startLoad(
  sim: RunningSimulator,
  channels: string[],
): { posted: string[]; stop(): Promise<void> } {
  const posted: string[] = [];
  let loading = true;
  const load = Promise.all(
    channels.map(async (channel) => {
      while (loading) {
        posted.push(await postMessage(sim, channel, 'load'));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }),
  );
  return {
    posted,
    async stop() {
      loading = false;
      await load;
    },
  };
}
