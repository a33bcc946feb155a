/** Channel webhooks: created by a bot, executed with their token (messages by the webhook, not a user). */
import { randomBytes } from 'node:crypto';
import type { APIUser } from 'discord-api-types/v10';
import type { ChannelRecord, MessageRecord } from '../state/records.js';
import type { MessageData } from './interactionFlow.js';
import { createMessage } from './messages.js';
import type { World } from './world.js';

export interface Webhook {
  id: string;
  type: 1;
  guild_id: string;
  channel_id: string;
  name: string;
  avatar: null;
  token: string;
  application_id: null;
  user: APIUser;
}

export class Webhooks {
  readonly #byId = new Map<string, Webhook>();
  /** Message ids each webhook sent (it may edit and delete only those). */
  readonly #sent = new Map<string, Set<string>>();

  create(world: World, channel: ChannelRecord, name: string, creator: APIUser): Webhook {
    const webhook: Webhook = {
      id: world.ids.next(),
      type: 1,
      guild_id: channel.guild_id,
      channel_id: channel.id,
      name,
      avatar: null,
      token: randomBytes(48).toString('base64url'),
      application_id: null,
      user: creator,
    };
    this.#byId.set(webhook.id, webhook);
    return webhook;
  }

  get(id: string): Webhook | undefined {
    return this.#byId.get(id);
  }

  byToken(id: string, token: string): Webhook | undefined {
    const webhook = this.#byId.get(id);
    return webhook && webhook.token === token ? webhook : undefined;
  }

  ofChannel(channelId: string): Webhook[] {
    return [...this.#byId.values()].filter((w) => w.channel_id === channelId);
  }

  ofGuild(guildId: string): Webhook[] {
    return [...this.#byId.values()].filter((w) => w.guild_id === guildId);
  }

  delete(id: string): boolean {
    this.#sent.delete(id);
    return this.#byId.delete(id);
  }

  sent(webhookId: string, messageId: string): boolean {
    return this.#sent.get(webhookId)?.has(messageId) ?? false;
  }

  forget(webhookId: string, messageId: string): void {
    this.#sent.get(webhookId)?.delete(messageId);
  }

  /** Executes: a message in the webhook's channel whose author is the webhook (`username` may override its name). */
  execute(
    world: World,
    webhook: Webhook,
    data: MessageData & { username?: string },
    baseUrl: string,
  ): MessageRecord | undefined {
    const channel = world.store.channels.get(webhook.channel_id);
    if (!channel) return undefined;
    const author: APIUser = {
      id: webhook.id,
      username: data.username ?? webhook.name,
      discriminator: '0000',
      global_name: null,
      avatar: null,
      bot: true,
    };
    const record = createMessage(
      world,
      channel,
      author,
      {
        ...(data.content !== undefined ? { content: data.content } : {}),
        ...(data.embeds ? { embeds: data.embeds } : {}),
        ...(data.components ? { components: data.components } : {}),
        fields: { webhook_id: webhook.id, ...(data.flags !== undefined ? { flags: data.flags } : {}) },
      },
      baseUrl,
    );
    let sent = this.#sent.get(webhook.id);
    if (!sent) {
      sent = new Set();
      this.#sent.set(webhook.id, sent);
    }
    sent.add(record.message.id);
    return record;
  }
}
