/**
 * Broker URL options of the networked backends: `?prefix=`, `?partitions=`, `?publishBuffer=`,
 * `?publishChannels=`, `?ackWaitMs=`.
 */

export interface BrokerUrlOptions {
  /** The URL without shardwire's own parameters, for the client library. */
  clientUrl: string;
  /** Namespace for exchanges, queues, streams and subjects. Default `shardwire`. */
  prefix: string;
  /** Partitions for `ordered` groups. Default 16. */
  partitions: number;
  /** Publishes held in memory while disconnected before `publish` waits. Default 10,000. */
  publishBuffer: number;
  /** RabbitMQ: confirm channels the partitions are published on. Default 2. */
  publishChannels: number;
  /** NATS: how long a delivered message may stay unacknowledged before redelivery. Default 30,000. */
  ackWaitMs: number;
  /** `host:port` only, safe to log. */
  display: string;
}

const OWN = ['prefix', 'partitions', 'publishBuffer', 'publishChannels', 'ackWaitMs'] as const;

export function parseBrokerUrl(url: string): BrokerUrlOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('BROKER_URL is not a valid URL');
  }
  const params = parsed.searchParams;
  const prefix = params.get('prefix') ?? 'shardwire';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(prefix))
    throw new Error(`BROKER_URL prefix must be 1-64 letters, digits, _ or -, got "${prefix}"`);
  const partitions = intParam(params, 'partitions', 16, 1, 1024);
  const publishBuffer = intParam(params, 'publishBuffer', 10_000, 1, 10_000_000);
  const publishChannels = intParam(params, 'publishChannels', 2, 1, 64);
  const ackWaitMs = intParam(params, 'ackWaitMs', 30_000, 1_000, 3_600_000);
  for (const name of OWN) params.delete(name);
  return {
    clientUrl: parsed.toString(),
    prefix,
    partitions,
    publishBuffer,
    publishChannels,
    ackWaitMs,
    display: `${parsed.hostname}:${parsed.port || '(default port)'}`,
  };
}

function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`BROKER_URL ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}
