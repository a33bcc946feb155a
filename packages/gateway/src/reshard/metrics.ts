/** Reshard metrics: reshards by outcome, the phase, dispatches held and duplicates dropped in the overlap. */
import { Counter, Gauge, type Registry } from '@shardwire/core';

export class ReshardMetrics {
  readonly reshards: Counter;
  /** 0 none, 1 the new set identifies and holds, 2 switched (the old set in its grace). */
  readonly phase: Gauge;
  readonly dropped: Counter;

  constructor(registry: Registry, held: () => number) {
    // A metric already registered (by another manager of this process) is reused.
    const spec = (n: string, help: string, labelNames: string[] = []) => ({
      name: `shardwire_gateway_${n}`,
      help,
      labelNames,
      registers: [registry],
    });
    const reuse = <M>(n: string) => registry.getSingleMetric(`shardwire_gateway_${n}`) as M | undefined;
    const counter = (n: string, help: string, labels?: string[]) =>
      reuse<Counter>(n) ?? new Counter(spec(n, help, labels));
    this.reshards = counter('reshards_total', 'Reshards finished, by outcome (done, failed)', ['outcome']);
    this.dropped = counter(
      'reshard_duplicates_dropped_total',
      'Overlap dispatches not published because the other shard set published them, by set (old, new)',
      ['set'],
    );
    this.phase =
      reuse<Gauge>('reshard_phase') ??
      new Gauge(
        spec(
          'reshard_phase',
          'Reshard: 0 none, 1 new set identifying and holding, 2 switched (old set in its grace)',
        ),
      );
    if (!reuse('reshard_held')) {
      new Gauge({
        ...spec('reshard_held', 'Dispatches the new shard set holds until the switch'),
        collect() {
          this.set(held());
        },
      });
    }
  }
}
