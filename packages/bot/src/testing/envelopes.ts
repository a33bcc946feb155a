/** Builds envelopes and MESSAGE_CREATE payloads the way the gateway publishes them, for tests. */

import type { Broker } from '@shardwire/broker';
import { type Envelope, eventRoutingKey, SnowflakeGenerator } from '@shardwire/core';
import type { GatewayMessageCreateDispatchData } from 'discord-api-types/v10';

export const BOT_ID = '100000000000000001';
export const GUILD_ID = '200000000000000002';
export const CHANNEL_ID = '300000000000000003';
export const USER_ID = '400000000000000004';

const ids = new SnowflakeGenerator(3n);
let seq = 0;

export function envelope<D>(t: string, d: D, overrides: Partial<Envelope<D>> = {}): Envelope<D> {
  seq++;
  return {
    id: `${BOT_ID}:0:session:${seq}`,
    bot: BOT_ID,
    shard: 0,
    seq,
    t,
    d,
    receivedAt: Date.now(),
    ...overrides,
  };
}

export function message(
  content: string,
  overrides: Partial<GatewayMessageCreateDispatchData> = {},
): GatewayMessageCreateDispatchData {
  return {
    id: ids.next(),
    channel_id: CHANNEL_ID,
    guild_id: GUILD_ID,
    author: { id: USER_ID, username: 'alice', discriminator: '0', global_name: 'Alice', avatar: null },
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    ...overrides,
  } as GatewayMessageCreateDispatchData;
}

export function messageEnvelope(content: string, overrides: Partial<GatewayMessageCreateDispatchData> = {}) {
  return envelope('MESSAGE_CREATE', message(content, overrides));
}

/** Publishes an envelope as the gateway does: under `events.<t>`, with its id as the message id. */
export function publishEnvelope(broker: Broker, env: Envelope): Promise<void> {
  return broker.publish(eventRoutingKey(env.t), env, { messageId: env.id });
}
