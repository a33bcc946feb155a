/** `LimiterGate` on Redis: bucket queues, places and global counters shared by every rest-proxy instance. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { GLOBAL_WINDOW_MS } from '../limiter/globalLimits.js';
import type { GateAnswer, GateRequest, GateUpdate, LimiterGate } from '../limiter/LimiterGate.js';
import { RENEW, RESERVE, SENT, UPDATE } from './scripts.js';

type ScriptedRedis = Redis & {
  swReserve(...args: (string | number)[]): Promise<[number, number, string, string, string?]>;
  swSent(bucket: string, ticket: string): Promise<number>;
  swUpdate(...args: (string | number)[]): Promise<number>;
  swRenew(...args: (string | number)[]): Promise<number>;
};

export interface RedisGateOptions {
  /** Key prefix, e.g. `shardwire:rest:`. */
  prefix?: string;
  /** Told of a failed update (the next answer corrects the state). */
  onError?: (error: unknown) => void;
  /**
   * How long a waiting ticket or a place in flight outlives its instance's last renewal (default
   * 3 s): an instance that died holds up its buckets' queues for at most this long.
   */
  leaseMs?: number;
  /**
   * How long a place let through holds the next ticket of another instance back when its `sent`
   * never comes, its instance having died between the two (default 500 ms).
   */
  sentWaitMs?: number;
}

const KEY_TTL_MS = 15 * 60_000;
/** How long a global place is held for a request whose answer never comes (an instance that died). */
const IN_FLIGHT_HOLD_MS = 60_000;
/**
 * The wait of a ticket behind another live one while the bucket has room: the one ahead is being
 * asked for by its instance right now, so the turn comes soon.
 */
const BEHIND_WAIT_MS = 2;

export class RedisGate implements LimiterGate {
  readonly #redis: ScriptedRedis;
  readonly #prefix: string;
  readonly #onError: (error: unknown) => void;
  readonly #leaseMs: number;
  readonly #sentWaitMs: number;
  /** Tickets this instance holds (waiting or in flight), by bucket key: their leases are renewed. */
  readonly #held = new Map<string, Set<string>>();
  readonly #renewal: ReturnType<typeof setInterval>;
  /** Names this instance in the shared queues: its own tickets follow each other without waiting for `sent`. */
  readonly #instance = randomUUID();

  constructor(redis: Redis, options: RedisGateOptions = {}) {
    redis.defineCommand('swReserve', { numberOfKeys: 6, lua: RESERVE });
    redis.defineCommand('swUpdate', { numberOfKeys: 4, lua: UPDATE });
    redis.defineCommand('swRenew', { lua: RENEW });
    redis.defineCommand('swSent', { numberOfKeys: 1, lua: SENT });
    this.#redis = redis as ScriptedRedis;
    this.#prefix = options.prefix ?? 'shardwire:rest:';
    this.#onError = options.onError ?? (() => {});
    this.#leaseMs = options.leaseMs ?? 3_000;
    this.#sentWaitMs = options.sentWaitMs ?? 500;
    this.#renewal = setInterval(() => this.#renew(), this.#leaseMs / 3);
    this.#renewal.unref();
  }

  async reserve(request: GateRequest): Promise<GateAnswer> {
    const { bucketKey, identity } = request;
    const [waitMs, epoch, slot, ticket, movedTo] = await this.#redis.swReserve(
      this.#key('b', bucketKey),
      this.#key('gs', identity),
      this.#key('gb', identity),
      this.#key('q', bucketKey),
      this.#leasesKey(bucketKey, 'w'),
      this.#leasesKey(bucketKey, 'f'),
      request.globalLimit,
      request.exempt ? '1' : '0',
      KEY_TTL_MS,
      GLOBAL_WINDOW_MS,
      IN_FLIGHT_HOLD_MS,
      request.ticket ?? '',
      request.priority,
      this.#leaseMs,
      BEHIND_WAIT_MS,
      this.#sentWaitMs,
      this.#instance,
    );
    if (movedTo !== undefined) {
      if (request.ticket !== undefined) this.#release(bucketKey, request.ticket);
      return { waitMs: Number(waitMs), epoch: Number(epoch), ticket, movedTo };
    }
    this.#hold(bucketKey, ticket, request.ticket);
    const answer: GateAnswer = { waitMs: Number(waitMs), epoch: Number(epoch), ticket };
    if (slot) answer.globalSlot = slot;
    return answer;
  }

  update(bucketKey: string, identity: string, update: GateUpdate): void {
    this.#release(bucketKey, update.ticket);
    const limits = update.limits;
    this.#redis
      .swUpdate(
        this.#key('b', bucketKey),
        this.#key('gb', identity),
        this.#key('gs', identity),
        this.#leasesKey(bucketKey, 'f'),
        update.epoch,
        limits ? '1' : '0',
        limits?.limit ?? 0,
        limits?.remaining ?? 0,
        limits?.resetAfterMs ?? 0,
        update.unlimited ? '1' : '0',
        update.blockedMs ?? 0,
        update.globalBlockedMs ?? 0,
        KEY_TTL_MS,
        update.globalSlot ?? '',
        update.ticket,
        update.bucketHash ?? '',
      )
      .catch(this.#onError);
  }

  sent(bucketKey: string, ticket: string): void {
    this.#redis.swSent(this.#key('b', bucketKey), ticket).catch(this.#onError);
  }

  leave(bucketKey: string, ticket: string): void {
    this.#release(bucketKey, ticket);
    this.#redis.zrem(this.#key('q', bucketKey), ticket).catch(this.#onError);
    this.#redis.hdel(this.#leasesKey(bucketKey, 'w'), ticket).catch(this.#onError);
  }

  close(): void {
    clearInterval(this.#renewal);
  }

  #key(kind: string, name: string): string {
    return `${this.#prefix}${kind}:${name}`;
  }

  #leasesKey(bucketKey: string, kind: 'w' | 'f'): string {
    return this.#key(kind, bucketKey);
  }

  #hold(bucketKey: string, ticket: string, previous: string | undefined): void {
    let tickets = this.#held.get(bucketKey);
    if (!tickets) {
      tickets = new Set();
      this.#held.set(bucketKey, tickets);
    }
    if (previous !== undefined && previous !== ticket) tickets.delete(previous);
    tickets.add(ticket);
  }

  #release(bucketKey: string, ticket: string): void {
    const tickets = this.#held.get(bucketKey);
    if (!tickets) return;
    tickets.delete(ticket);
    if (tickets.size === 0) this.#held.delete(bucketKey);
  }

  /** One call renews every lease this instance holds. */
  #renew(): void {
    if (this.#held.size === 0) return;
    const keys: string[] = [];
    const args: (string | number)[] = [this.#leaseMs];
    for (const [bucketKey, tickets] of this.#held) {
      keys.push(this.#leasesKey(bucketKey, 'w'), this.#leasesKey(bucketKey, 'f'));
      args.push(tickets.size, ...tickets);
    }
    this.#redis.swRenew(keys.length, ...keys, ...args).catch(this.#onError);
  }
}
