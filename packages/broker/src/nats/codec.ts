/** How a message looks in NATS: JSON payload, `Nats-Msg-Id` for dedupe, shardwire's `Sw-` headers. */
import { type MsgHdrs, headers as natsHeaders } from 'nats';

export const H = {
  msgId: 'Nats-Msg-Id',
  /** The message's own id when `Nats-Msg-Id` had to be another (replays). */
  originalId: 'Sw-Msg-Id',
  /** Set when the publisher gave no id and one was made up for dedupe. */
  anonymous: 'Sw-Anon',
  partitionKey: 'Sw-Pk',
  group: 'Sw-Group',
  reason: 'Sw-Reason',
  routingKey: 'Sw-Key',
  deliveries: 'Sw-Deliveries',
  deadAt: 'Sw-Dead-At',
} as const;

/** NATS headers from the entries that have a value; none at all when there are none (cheaper on the wire). */
export function makeHeaders(entries: Record<string, string | undefined>): MsgHdrs | undefined {
  let h: MsgHdrs | undefined;
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    h ??= natsHeaders();
    h.set(key, value);
  }
  return h;
}

/** Headers a publisher set, without NATS's and shardwire's own. */
export function userHeaders(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const key of h.keys()) {
    if (key === H.msgId || key.startsWith('Sw-') || key.startsWith('Nats-')) continue;
    out[key] = h.get(key);
  }
  return out;
}

/** The id the publisher gave the message, if any. */
export function messageIdOf(h: MsgHdrs | undefined): string | undefined {
  if (!h) return undefined;
  if (h.has(H.originalId)) return h.get(H.originalId);
  if (h.has(H.anonymous) || !h.has(H.msgId)) return undefined;
  return h.get(H.msgId);
}

export function header(h: MsgHdrs | undefined, key: string): string | undefined {
  return h?.has(key) ? h.get(key) : undefined;
}
