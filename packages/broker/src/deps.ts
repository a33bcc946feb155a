/** What a backend may be given from outside: a logger, a metrics registry, a clock. */
import type { Clock, Logger, Registry } from '@shardwire/core';

export interface BrokerDeps {
  logger?: Logger;
  /** Broker metrics are registered here (`/metrics`); several brokers may share one registry. */
  registry?: Registry;
  /** Time for message ages and timeouts; the system clock by default. */
  clock?: Clock;
}

/** Fraction of a group's `maxLength` at which a warning is logged. */
export const QUEUE_FILL_WARNING = 0.8;
