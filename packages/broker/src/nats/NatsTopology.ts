/**
 * Streams and durable consumers, declared idempotently. Events and replays share one file-backed
 * interest-retention stream (a message stays until every group bound to it has acked it); dead
 * letters have their own. Each group has a durable pull consumer per filter subject (and per
 * partition when ordered, each with one unacknowledged message at a time).
 */
import type { Logger } from '@shardwire/core';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  nanos,
  RetentionPolicy,
  StorageType,
} from 'nats';
import type { GroupOptions } from '../Broker.js';
import { type GroupShape, mergeGroup } from '../groupShape.js';
import type { NatsNames } from './subjects.js';

export interface ConsumerSpec {
  name: string;
  filter: string;
  /** Filters of the group that come first: a message they match is theirs to handle. */
  earlier: string[];
  /** The consumer of replayed dead letters (never one-at-a-time). */
  replay: boolean;
}

const UNORDERED_MAX_ACK_PENDING = 20_000;

export class NatsTopology {
  readonly groups = new Map<string, GroupShape>();

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly names: NatsNames,
    private readonly partitions: number,
    private readonly logger: Logger | undefined,
    /** How long a delivered message may go unacknowledged before JetStream gives it to another consumer. */
    private readonly ackWaitMs: number,
  ) {}

  async declareStreams(): Promise<void> {
    await this.#ensureStream(this.names.stream, [this.names.eventSubjects, this.names.replaySubjects], true);
    await this.#ensureStream(this.names.deadLetterStream, [this.names.deadLetterSubjects], false);
  }

  /** The consumers a group reads from, in a fixed order (the same in every process). */
  specsOf(group: string): ConsumerSpec[] {
    const shape = this.groups.get(group);
    if (!shape) return [];
    const ordered = shape.options.ordered === true;
    const partitions = ordered ? Array.from({ length: this.partitions }, (_, i) => i) : ['*' as const];
    const filters = [
      ...new Set(
        partitions.flatMap((p) =>
          [...shape.patterns].flatMap((pattern) => this.names.eventFilters(pattern, p)),
        ),
      ),
    ].sort();
    const specs = filters.map((filter, i) => ({
      name: this.names.consumerName(group, filter),
      filter,
      earlier: filters.slice(0, i),
      replay: false,
    }));
    const replay = this.names.replayFilter(group);
    specs.push({ name: this.names.consumerName(group, replay), filter: replay, earlier: [], replay: true });
    return specs;
  }

  async declareGroup(group: string, patterns: readonly string[], options: GroupOptions): Promise<void> {
    const shape = mergeGroup(this.groups, group, patterns, options);
    const ordered = shape.options.ordered === true;
    for (const spec of this.specsOf(group)) await this.#ensureConsumer(spec, ordered && !spec.replay);
    if (shape.options.maxLength !== undefined) await this.#bound(shape.options.maxLength);
  }

  async #ensureStream(name: string, subjects: string[], interest: boolean): Promise<void> {
    try {
      const info = await this.jsm.streams.info(name);
      const missing = subjects.filter((s) => !info.config.subjects?.includes(s));
      if (missing.length > 0)
        await this.jsm.streams.update(name, {
          ...info.config,
          subjects: [...(info.config.subjects ?? []), ...missing],
        });
      return;
    } catch (error) {
      if (!/not found/i.test((error as Error).message)) throw error;
    }
    await this.jsm.streams.add({
      name,
      subjects,
      storage: StorageType.File,
      retention: interest ? RetentionPolicy.Interest : RetentionPolicy.Limits,
      discard: DiscardPolicy.New,
      duplicate_window: nanos(120_000),
    });
  }

  async #ensureConsumer(spec: ConsumerSpec, oneAtATime: boolean): Promise<void> {
    try {
      await this.jsm.consumers.info(this.names.stream, spec.name);
      return;
    } catch (error) {
      if (!/not found/i.test((error as Error).message)) throw error;
    }
    await this.jsm.consumers.add(this.names.stream, {
      durable_name: spec.name,
      filter_subject: spec.filter,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.ackWaitMs),
      deliver_policy: DeliverPolicy.New,
      max_deliver: -1,
      max_ack_pending: oneAtATime ? 1 : UNORDERED_MAX_ACK_PENDING,
    });
  }

  // JetStream bounds a stream, not a consumer: the events stream holds at most the smallest
  // maxLength of its groups, and refuses publishes past it.
  async #bound(maxLength: number): Promise<void> {
    const info = await this.jsm.streams.info(this.names.stream);
    const current = info.config.max_msgs;
    if (current !== undefined && current > 0 && current <= maxLength) return;
    await this.jsm.streams.update(this.names.stream, {
      ...info.config,
      max_msgs: maxLength,
      discard: DiscardPolicy.New,
    });
    this.logger?.info({ maxLength }, 'bounded the events stream');
  }

  /** Messages waiting for each group (pending plus delivered but not acked). */
  async depths(): Promise<Map<string, number>> {
    const depths = new Map<string, number>();
    for (const group of this.groups.keys()) {
      let total = 0;
      for (const spec of this.specsOf(group)) {
        const info = await this.jsm.consumers.info(this.names.stream, spec.name);
        total += info.num_pending + info.num_ack_pending;
      }
      depths.set(group, total);
    }
    return depths;
  }
}
