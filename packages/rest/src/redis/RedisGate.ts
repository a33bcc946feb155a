/** `LimiterGate` on Redis: bucket places and global counters shared by every rest-proxy instance. */
import type { Redis } from 'ioredis';
import { GLOBAL_WINDOW_MS } from '../limiter/globalLimits.js';
import type { GateAnswer, GateUpdate, LimiterGate } from '../limiter/LimiterGate.js';
import { RESERVE, UPDATE } from './scripts.js';

type ScriptedRedis = Redis & {
  swReserve(
    bucket: string,
    global: string,
    globalBlock: string,
    limit: number,
    exempt: string,
    ttl: number,
    globalWindowMs: number,
    inFlightHoldMs: number,
  ): Promise<[number, number, string?]>;
  swUpdate(
    bucket: string,
    globalBlock: string,
    globalSlots: string,
    ...args: (string | number)[]
  ): Promise<number>;
};

export interface RedisGateOptions {
  /** Key prefix, e.g. `shardwire:rest:`. */
  prefix?: string;
  /** Told of a failed update (the next answer corrects the state). */
  onError?: (error: unknown) => void;
}

const KEY_TTL_MS = 15 * 60_000;
/** How long a global place is held for a request whose answer never comes (an instance that died). */
const IN_FLIGHT_HOLD_MS = 60_000;

export class RedisGate implements LimiterGate {
  readonly #redis: ScriptedRedis;
  readonly #prefix: string;
  readonly #onError: (error: unknown) => void;

  constructor(redis: Redis, options: RedisGateOptions = {}) {
    redis.defineCommand('swReserve', { numberOfKeys: 3, lua: RESERVE });
    redis.defineCommand('swUpdate', { numberOfKeys: 3, lua: UPDATE });
    this.#redis = redis as ScriptedRedis;
    this.#prefix = options.prefix ?? 'shardwire:rest:';
    this.#onError = options.onError ?? (() => {});
  }

  async reserve(
    bucketKey: string,
    identity: string,
    globalLimit: number,
    exempt: boolean,
  ): Promise<GateAnswer> {
    const [waitMs, epoch, slot] = await this.#redis.swReserve(
      `${this.#prefix}b:${bucketKey}`,
      `${this.#prefix}gs:${identity}`,
      `${this.#prefix}gb:${identity}`,
      globalLimit,
      exempt ? '1' : '0',
      KEY_TTL_MS,
      GLOBAL_WINDOW_MS,
      IN_FLIGHT_HOLD_MS,
    );
    const answer: GateAnswer = { waitMs: Number(waitMs), epoch: Number(epoch) };
    if (slot) answer.globalSlot = slot;
    return answer;
  }

  update(bucketKey: string, identity: string, update: GateUpdate): void {
    const limits = update.limits;
    this.#redis
      .swUpdate(
        `${this.#prefix}b:${bucketKey}`,
        `${this.#prefix}gb:${identity}`,
        `${this.#prefix}gs:${identity}`,
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
      )
      .catch(this.#onError);
  }
}
