/** Picks a backend by URL: `memory:`, `amqp://`/`amqps://` (RabbitMQ) or `nats://` (JetStream). */
import type { Broker } from './Broker.js';
import type { BrokerDeps } from './deps.js';

export const SUPPORTED_SCHEMES = ['memory:', 'amqp://', 'amqps://', 'nats://'] as const;

export async function createBroker(url: string, deps: BrokerDeps = {}): Promise<Broker> {
  const scheme = schemeOf(url);
  switch (scheme) {
    case 'memory:': {
      const { MemoryBroker } = await import('./memory/MemoryBroker.js');
      return new MemoryBroker(deps);
    }
    case 'amqp:':
    case 'amqps:': {
      const { AmqpBroker } = await import('./amqp/AmqpBroker.js');
      return AmqpBroker.connect(url, deps);
    }
    case 'nats:': {
      const { NatsBroker } = await import('./nats/NatsBroker.js');
      return NatsBroker.connect(url, deps);
    }
    default:
      throw new Error(
        `unsupported broker URL scheme "${scheme}" (BROKER_URL); expected one of ${SUPPORTED_SCHEMES.join(', ')}`,
      );
  }
}

/** The scheme of a broker URL, lower-cased, with its colon; throws a clear error for a malformed URL. */
export function schemeOf(url: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url ?? '');
  if (!match)
    throw new Error('broker URL (BROKER_URL) must start with a scheme such as memory:, amqp:// or nats://');
  return `${match[1]!.toLowerCase()}:`;
}
