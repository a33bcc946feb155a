/**
 * Resharding a bot split over several processes (`SHARD_IDS`). Each process runs a participant
 * (`ReshardParticipant.ts`) answering on `gateway.reshard.<bot>`; the process that decides (POST /reshard, the timer on the
 * owner of shard 0, a 4011) coordinates over the broker's broadcast: it checks that every process
 * answers and that together they cover the layout once, asks each to identify its part of the new
 * set (a count at which each keeps exactly its own guilds and dedupes locally: `refusedCount`),
 * waits until every part is loaded, then tells all to switch, and gathers their results.
 */
import { randomUUID } from 'node:crypto';
import type { Broker } from '@shardwire/broker';
import { type Clock, type Logger, sleep } from '@shardwire/core';
import {
  type InstanceStatus,
  planReshard,
  type ReshardMessage,
  type ReshardReply,
  type ReshardRequest,
} from '../reshard/coordination.js';
import type { ReshardResult } from './Resharder.js';

/** What every process of the bot runs, as they answer within `timeoutMs` (AMQP and NATS wait all of it). */
export function askStatuses(broker: Broker, subject: string, timeoutMs = 1_000): Promise<InstanceStatus[]> {
  return broker.broadcast<ReshardMessage, InstanceStatus>(subject, { type: 'status' }, { timeoutMs });
}

export interface CoordinateOptions {
  clock: Clock;
  /** How long each broadcast gathers replies (AMQP and NATS wait all of it). Default 1,000 ms. */
  replyTimeoutMs?: number;
  /** Pause between two status rounds. Default 250 ms. */
  pollMs?: number;
  /** Status rounds a process may miss in a row before the reshard is given up. Default 10. */
  missLimit?: number;
  logger?: Logger;
}

/** Coordinates one reshard of every process of the bot; resolves when each closed its old set. */
export async function coordinateReshard(
  broker: Broker,
  subject: string,
  request: ReshardRequest,
  options: CoordinateOptions,
): Promise<ReshardResult> {
  const { logger, clock } = options;
  const timeoutMs = options.replyTimeoutMs ?? 1_000;
  const ask = <Res>(message: ReshardMessage) =>
    broker.broadcast<ReshardMessage, Res>(subject, message, { timeoutMs });
  const plan = planReshard(await askStatuses(broker, subject, timeoutMs), request);
  const { from, to, generation, instances } = plan;
  const coordinator = randomUUID();
  logger?.info(
    { from, to, generation, processes: instances.length },
    `resharding ${instances.length} processes from ${from} to ${to} shards`,
  );
  const abort = async (reason: string) => {
    await ask<ReshardReply>({ type: 'abort', coordinator, generation, reason }).catch(() => []);
    logger?.error({ from, to, generation, reason }, 'reshard aborted: every process keeps its old set');
    return new Error(`reshard aborted: ${reason}`);
  };

  const prepared = await ask<ReshardReply>({ type: 'prepare', coordinator, to, generation });
  const refusals = instances
    .map((id) => {
      const reply = prepared.find((r) => r.instance === id);
      if (!reply) return `${id}: no answer`;
      return reply.ok ? undefined : `${id}: ${reply.error}`;
    })
    .filter((r) => r !== undefined);
  if (refusals.length > 0) throw await abort(refusals.join('; '));

  const misses = new Map<string, number>();
  /** One status round: each process's part, or an error naming the process that failed or vanished. */
  const round = async (): Promise<Map<string, NonNullable<InstanceStatus['reshard']>>> => {
    await sleep(options.pollMs ?? 250, undefined, clock);
    const statuses = await ask<InstanceStatus>({ type: 'status', generation });
    const parts = new Map<string, NonNullable<InstanceStatus['reshard']>>();
    for (const id of instances) {
      const status = statuses.find((s) => s.instance === id);
      if (!status) {
        const missed = (misses.get(id) ?? 0) + 1;
        misses.set(id, missed);
        if (missed > (options.missLimit ?? 10)) throw new Error(`process ${id} stopped answering`);
        continue;
      }
      misses.delete(id);
      const part = status.reshard;
      if (part?.generation !== generation) throw new Error(`process ${id} lost the reshard (restarted?)`);
      if (part.phase === 'failed') throw new Error(`process ${id} failed: ${part.error}`);
      parts.set(id, part);
    }
    return parts;
  };

  // Every part loaded (new shards READY with their guilds, dispatches held) before anyone switches.
  try {
    for (;;) {
      const parts = await round();
      if (parts.size === instances.length && [...parts.values()].every((p) => p.phase !== 'loading')) break;
    }
  } catch (err) {
    throw await abort((err as Error).message);
  }

  // The switch: each process switches its own shards at once; asked again until every one has.
  logger?.info({ from, to, generation }, 'reshard: every process is loaded, switching');
  let parts = new Map<string, NonNullable<InstanceStatus['reshard']>>();
  try {
    await ask<ReshardReply>({ type: 'switch', coordinator, generation });
    for (;;) {
      parts = await round();
      if (parts.size === instances.length && [...parts.values()].every((p) => p.phase === 'done')) break;
      if ([...parts.values()].some((p) => p.phase === 'loaded'))
        await ask<ReshardReply>({ type: 'switch', coordinator, generation });
    }
  } catch (err) {
    // Past the switch nothing is rolled back: each process's guilds stay on its own shards either way.
    logger?.error({ err, from, to, generation }, 'reshard: a process did not finish after the switch');
    throw new Error(`reshard incomplete after the switch: ${(err as Error).message}`);
  }
  const results = [...parts.values()].map((p) => p.result!);
  return {
    from,
    to,
    releasedAtSwitch: results.reduce((n, r) => n + r.releasedAtSwitch, 0),
    missingGuilds: results.flatMap((r) => r.missingGuilds),
  };
}
