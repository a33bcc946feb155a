/**
 * Interactions: created through `/_sim/interactions`, delivered over the gateway (INTERACTION_CREATE)
 * or POSTed to the app's interactions URL signed with its Ed25519 key. The first answer must come
 * within 3 s (callback or the HTTP response); the token then serves the original response and
 * follow-ups for 15 minutes.
 */
import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type { APIUser } from 'discord-api-types/v10';
import type { BotRecord, ChannelRecord, MessageRecord } from '../state/records.js';

export const INTERACTION_DEADLINE_MS = 3000;
export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

export interface InteractionRecord {
  id: string;
  token: string;
  bot: BotRecord;
  channel: ChannelRecord;
  user: APIUser;
  type: number;
  data: Record<string, unknown>;
  createdAt: number;
  /** The first answer's callback type, once answered. */
  response: { type: number; data?: unknown } | undefined;
  original: MessageRecord | undefined;
  followups: MessageRecord[];
}

/** An app's Ed25519 key pair: `verify_key` is the raw public key in hex, as Discord shows it. */
export interface AppKeys {
  publicKeyHex: string;
  privateKey: KeyObject;
}

export function makeAppKeys(): AppKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  // SPKI for Ed25519 is a 12-byte header then the 32-byte key.
  return { publicKeyHex: der.subarray(der.length - 32).toString('hex'), privateKey };
}

/** Discord's signature: Ed25519 over `timestamp + body`, hex. */
export function signInteraction(keys: AppKeys, timestamp: string, body: string): string {
  return sign(null, Buffer.from(timestamp + body), keys.privateKey).toString('hex');
}

export class Interactions {
  readonly #byId = new Map<string, InteractionRecord>();
  readonly #keys = new Map<string, AppKeys>();
  /** Apps that answer over HTTP: bot id → URL. */
  readonly urls = new Map<string, string>();

  keysOf(botId: string): AppKeys {
    let keys = this.#keys.get(botId);
    if (!keys) {
      keys = makeAppKeys();
      this.#keys.set(botId, keys);
    }
    return keys;
  }

  add(record: Omit<InteractionRecord, 'token' | 'response' | 'original' | 'followups'>): InteractionRecord {
    const full: InteractionRecord = {
      ...record,
      token: `aW50ZXJhY3Rpb246${record.id}:${randomBytes(24).toString('base64url')}`,
      response: undefined,
      original: undefined,
      followups: [],
    };
    this.#byId.set(full.id, full);
    return full;
  }

  get(id: string): InteractionRecord | undefined {
    return this.#byId.get(id);
  }

  /** The interaction a token belongs to, while the token is valid. */
  byToken(token: string, now: number): InteractionRecord | undefined {
    const id = /^aW50ZXJhY3Rpb246(\d+):/.exec(token)?.[1];
    const record = id ? this.#byId.get(id) : undefined;
    if (!record || record.token !== token || now - record.createdAt > TOKEN_LIFETIME_MS) return undefined;
    return record;
  }

  /** Drops interactions whose token expired. */
  sweep(now: number): void {
    for (const [id, record] of this.#byId)
      if (now - record.createdAt > TOKEN_LIFETIME_MS) this.#byId.delete(id);
  }
}
