/** `GuardSharing` on Redis: one invalid-request count and one set of marks per outgoing IP. */
import type { Redis } from 'ioredis';
import type { GuardSharing, MarkKind } from '../guard/InvalidRequestGuard.js';
import { INVALID_RECORD } from './scripts.js';

type ScriptedRedis = Redis & {
  swInvalid(
    counts: string,
    marks: string,
    windowMs: number,
    count: number,
    mark: string,
    ttl: number,
  ): Promise<[number, string[], number]>;
};

export class RedisGuardSharing implements GuardSharing {
  readonly #redis: ScriptedRedis;
  readonly #counts: string;
  readonly #marks: string;

  constructor(
    redis: Redis,
    private readonly options: { ip: string; windowMs: number; prefix?: string; now?: () => number },
  ) {
    redis.defineCommand('swInvalid', { numberOfKeys: 2, lua: INVALID_RECORD });
    this.#redis = redis as ScriptedRedis;
    const prefix = options.prefix ?? 'shardwire:rest:';
    this.#counts = `${prefix}invalid:${options.ip}`;
    this.#marks = `${prefix}marks:${options.ip}`;
  }

  async record(count: number, mark?: { kind: MarkKind; key: string; until: number }): Promise<number> {
    const now = (this.options.now ?? Date.now)();
    const ttl = mark ? Math.max(1, mark.until - now) : 0;
    const [total] = await this.#call(count, mark ? `${mark.kind}:${mark.key}` : '', ttl);
    return total;
  }

  async snapshot() {
    const [total, marks] = await this.#call(0, '', 0);
    return { total, marks };
  }

  async #call(count: number, mark: string, ttl: number) {
    const [total, flat, redisNow] = await this.#redis.swInvalid(
      this.#counts,
      this.#marks,
      this.options.windowMs,
      count,
      mark,
      ttl,
    );
    // Marks come back in Redis's time: move them onto this process's clock.
    const skew = (this.options.now ?? Date.now)() - Number(redisNow);
    const marks: { kind: MarkKind; key: string; until: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const name = flat[i]!;
      const colon = name.indexOf(':');
      marks.push({
        kind: name.slice(0, colon) as MarkKind,
        key: name.slice(colon + 1),
        until: Number(flat[i + 1]) + skew,
      });
    }
    return [Number(total), marks] as const;
  }
}
