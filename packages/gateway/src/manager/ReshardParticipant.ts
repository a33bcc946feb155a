/**
 * A gateway process's part in a reshard of a bot split over several processes (`SHARD_IDS`): it
 * answers the coordinating process on `gateway.reshard.<bot>` (status, prepare, switch, abort), runs
 * its part (identify its new shards, hold them until loaded, wait at the barrier, switch), and fails
 * it, or switches on the stored layout, when the coordinator goes silent.
 */
import type { Broker, Subscription } from '@shardwire/broker';
import type { Clock, Logger } from '@shardwire/core';
import {
  type InstanceStatus,
  type ReshardMessage,
  type ReshardPhase,
  type ReshardReply,
  refusedCount,
} from '../reshard/coordination.js';
import type { ShardLayout } from '../sessionStore/SessionStore.js';
import type { BeforeSwitch, ReshardResult } from './Resharder.js';

/** What a participant uses of its shard manager. */
export interface ParticipantHost {
  status(): Omit<InstanceStatus, 'instance' | 'reshard'>;
  /** Runs this process's part: identify, load, `beforeSwitch`, switch, grace, close the old set. */
  reshard(to: number, beforeSwitch: BeforeSwitch): Promise<ReshardResult>;
  /** Fails the part under way (before its switch). */
  abort(reason: Error): void;
  /** The bot's layout in the shared session store: a process writes it just before it switches. */
  storedLayout(): Promise<ShardLayout | undefined>;
}

interface Part {
  coordinator: string;
  generation: number;
  to: number;
  phase: ReshardPhase;
  error?: string;
  result?: ReshardResult;
  /** When the coordinator was last heard of for this reshard. */
  heardAt: number;
  release?: () => void;
}

export interface ParticipantOptions {
  instance: string;
  clock: Clock;
  /** A part not yet switched fails when the coordinator is silent this long. Default 30,000 ms. */
  coordinatorTimeoutMs?: number;
  logger?: Logger;
}

/** How many times a part given up looks again at the stored layout (one coordinator timeout apart). */
const FOLLOW_LOOKS = 10;

export class ReshardParticipant {
  #part: Part | undefined;
  #subscription: Subscription | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #followTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly broker: Broker,
    private readonly subject: string,
    private readonly host: ParticipantHost,
    private readonly options: ParticipantOptions,
  ) {}

  async start(): Promise<void> {
    this.#subscription = await this.broker.respond<ReshardMessage, InstanceStatus | ReshardReply>(
      this.subject,
      (message) => this.#handle(message),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.#watchdog);
    clearTimeout(this.#followTimer);
    await this.#subscription?.close();
  }

  #handle(message: ReshardMessage): InstanceStatus | ReshardReply {
    const part = this.#part;
    const now = this.options.clock.now();
    const instance = this.options.instance;
    if (part && 'generation' in message && message.generation === part.generation) part.heardAt = now;
    switch (message.type) {
      case 'status': {
        const { generation, phase, error, result } = part ?? {};
        return {
          instance,
          ...this.host.status(),
          ...(part
            ? {
                reshard: {
                  generation: generation!,
                  phase: phase!,
                  ...(error ? { error } : {}),
                  ...(result ? { result } : {}),
                },
              }
            : {}),
        };
      }
      case 'prepare':
        return this.#prepare(message.coordinator, message.to, message.generation);
      case 'switch': {
        if (part?.generation !== message.generation || part.coordinator !== message.coordinator) {
          return { instance, ok: false, error: 'no such reshard here' };
        }
        if (part.phase === 'loaded') {
          part.phase = 'switching';
          part.release?.();
        }
        if (part.phase === 'switching' || part.phase === 'done') return { instance, ok: true };
        return { instance, ok: false, error: part.error ?? `not loaded yet (${part.phase})` };
      }
      case 'abort':
        if (
          part?.generation === message.generation &&
          part.coordinator === message.coordinator &&
          (part.phase === 'loading' || part.phase === 'loaded')
        ) {
          this.host.abort(new Error(`the coordinating process aborted the reshard: ${message.reason}`));
        }
        return { instance, ok: true };
    }
  }

  #prepare(coordinator: string, to: number, generation: number): ReshardReply {
    const instance = this.options.instance;
    const running = this.#part?.phase;
    if (running === 'loading' || running === 'loaded' || running === 'switching') {
      return { instance, ok: false, error: 'a reshard is already under way here' };
    }
    const status = this.host.status();
    if (generation !== status.generation + 1 || refusedCount(to, status.shardCount, [status.shards])) {
      return {
        instance,
        ok: false,
        error: `cannot take reshard ${generation} to ${to} shards: this process runs ${status.shardCount} (generation ${status.generation})`,
      };
    }
    const part: Part = { coordinator, generation, to, phase: 'loading', heardAt: this.options.clock.now() };
    this.#part = part;
    const barrier: BeforeSwitch = (signal) => {
      part.phase = 'loaded';
      return new Promise<void>((resolve, reject) => {
        part.release = resolve;
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    };
    this.#settle(part, this.host.reshard(to, barrier));
    this.#watch(part);
    return { instance, ok: true };
  }

  /**
   * When the coordinator goes silent (it crashed, or this process was cut off from the broker), a
   * part still loading fails: the coordinator switches no one before every part is loaded. A loaded
   * part asks the shared session store first: a process writes the new layout just before it
   * switches, and only on the coordinator's word, so a stored layout of this generation means the
   * others switched (or are switching), and this part switches too rather than leave the bot on
   * two layouts. Otherwise it fails (its old set keeps publishing) and follows a layout stored later
   * (`#follow`).
   */
  #watch(part: Part): void {
    clearInterval(this.#watchdog);
    const limit = this.options.coordinatorTimeoutMs ?? 30_000;
    let checking = false;
    this.#watchdog = setInterval(
      () => {
        if (part.phase !== 'loading' && part.phase !== 'loaded') {
          clearInterval(this.#watchdog);
          return;
        }
        if (checking || this.options.clock.now() - part.heardAt < limit) return;
        checking = true;
        void this.#onSilence(part, limit).finally(() => {
          checking = false;
        });
      },
      Math.min(1_000, limit),
    );
    this.#watchdog.unref();
  }

  async #onSilence(part: Part, limit: number): Promise<void> {
    const { logger } = this.options;
    const fields = { generation: part.generation, to: part.to };
    if (part.phase === 'loaded') {
      const layout = await this.host.storedLayout().catch((err: unknown) => {
        logger?.warn({ err }, 'reshard: could not read the stored layout');
        return undefined;
      });
      if (part.phase !== 'loaded') return;
      if (layout?.generation === part.generation && layout.shardCount === part.to) {
        logger?.warn(
          fields,
          'reshard: the coordinating process went silent after the switch was decided (the new layout is stored): switching',
        );
        part.phase = 'switching';
        part.release?.();
        return;
      }
    }
    logger?.error(fields, 'reshard: the coordinating process went silent');
    this.host.abort(new Error(`no word from the coordinating process for ${limit} ms`));
    this.#followLater(part, limit, FOLLOW_LOOKS);
  }

  #followLater(part: Part, limit: number, looks: number): void {
    clearTimeout(this.#followTimer);
    this.#followTimer = setTimeout(() => void this.#follow(part, limit, looks), limit);
    this.#followTimer.unref();
  }

  /**
   * A part given up for silence while the others still switched (the coordinator ordered it late,
   * or this process missed it and could not read the layout then): the stored layout is looked at
   * again, `looks` times, one timeout apart; once it says this reshard happened, this process
   * reshards its own shards to it alone (identifying them anew; its old set publishes until then),
   * so the bot does not stay on two layouts until this process restarts.
   */
  async #follow(given: Part, limit: number, looks: number): Promise<void> {
    if (this.#part !== given) return;
    const layout = await this.host.storedLayout().catch(() => undefined);
    if (this.#part !== given || this.host.status().generation !== given.generation - 1) return;
    const stored = layout?.generation === given.generation && layout.shardCount === given.to;
    // Not stored yet, or the part given up not yet closed: look again later.
    if (!stored || given.phase !== 'failed') {
      if (looks > 1) this.#followLater(given, limit, looks - 1);
      return;
    }
    this.options.logger?.warn(
      { generation: given.generation, to: given.to },
      'reshard: the others switched after this process gave up its part: resharding its own shards to the stored layout alone',
    );
    const { coordinator, generation, to } = given;
    const part: Part = { coordinator, generation, to, phase: 'switching', heardAt: this.options.clock.now() };
    this.#part = part;
    this.#settle(
      part,
      this.host.reshard(given.to, async () => {}),
    );
  }

  #settle(part: Part, running: Promise<ReshardResult>): void {
    running.then(
      (result) => {
        part.phase = 'done';
        part.result = result;
      },
      (err: unknown) => {
        part.phase = 'failed';
        part.error = (err as Error).message;
      },
    );
  }
}
