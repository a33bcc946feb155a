/** Counters behind `GET /_sim/stats`. */
import { getOrCreate } from './state/maps.js';

/** Counters of one shard (bot, shard id and count), kept across its sessions. */
export interface ShardCounters {
  bot: string;
  shard: number;
  shardCount: number;
  /** Events `/_sim/load` made for this shard's sessions (those their intents let through). */
  generated: number;
  /** Dispatches (of any event) written to a connection, each seq of each session once. */
  dispatched: number;
  /** Dispatches of sessions that ended before they were sent (not resumed in time, or invalidated). */
  dropped: number;
  identifies: number;
  resumes: number;
}

export class SimStats {
  /** "bot/shard/count" → counters. */
  readonly shards = new Map<string, ShardCounters>();

  shard(bot: string, [shard, shardCount]: readonly [number, number]): ShardCounters {
    return getOrCreate(this.shards, `${bot}/${shard}/${shardCount}`, () => ({
      bot,
      shard,
      shardCount,
      generated: 0,
      dispatched: 0,
      dropped: 0,
      identifies: 0,
      resumes: 0,
    }));
  }

  identifies = 0;
  resumes = 0;
  /** IDENTIFYs answered with op 9 by reason (`concurrency`, `exhausted`). */
  readonly refusedIdentifies = new Map<string, number>();
  connections = 0;
  /** Gateway connections by `compress` query value ("none" without one). */
  readonly compression = new Map<string, number>();
  /** "METHOD /route/:param" → status → count. */
  readonly rest = new Map<string, Map<number, number>>();
  /** 429s by `X-RateLimit-Scope`. */
  readonly rateLimitedByScope = new Map<string, number>();
  /** Responses to banned IPs (Cloudflare's 1015). */
  bannedResponses = 0;

  rateLimited(scope: string): void {
    this.rateLimitedByScope.set(scope, (this.rateLimitedByScope.get(scope) ?? 0) + 1);
  }

  connection(compress: string | null): void {
    this.connections++;
    const key = compress || 'none';
    this.compression.set(key, (this.compression.get(key) ?? 0) + 1);
  }

  restRequest(route: string, status: number): void {
    const byStatus = getOrCreate(this.rest, route, () => new Map<number, number>());
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  restJson(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [route, byStatus] of this.rest) out[route] = Object.fromEntries(byStatus);
    return out;
  }
}
