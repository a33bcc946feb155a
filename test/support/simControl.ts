/** A small client of the simulator's control API (`/_sim`), for end-to-end tests and benchmarks. */

export interface SimMessage {
  id: string;
  content: string;
  author: { id: string; username: string; bot?: boolean };
  message_reference?: { message_id?: string };
}

export interface SimGuild {
  id: string;
  name: string;
  channels: { id: string; type: number }[];
}

export class SimControl {
  constructor(readonly url: string) {}

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} /_sim${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  createGuild(input: { name: string; channels?: number; members?: number }): Promise<SimGuild> {
    return this.#json('POST', '/guilds', input);
  }

  post(channelId: string, content: string): Promise<SimMessage> {
    return this.#json('POST', `/channels/${channelId}/messages`, { content });
  }

  messages(channelId: string): Promise<SimMessage[]> {
    return this.#json('GET', `/channels/${channelId}/messages`);
  }

  /** Polls the channel until `predicate` holds for its messages; fails after `timeoutMs`. */
  async waitForMessages(
    channelId: string,
    predicate: (messages: SimMessage[]) => boolean,
    timeoutMs = 20_000,
  ): Promise<SimMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const messages = await this.messages(channelId);
      if (predicate(messages)) return messages;
      if (Date.now() > deadline) {
        const tail = messages.slice(-5).map((m) => `${m.author.username}: ${m.content}`);
        throw new Error(`timed out waiting on channel ${channelId}; last messages: ${JSON.stringify(tail)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Waits for the bot's reply to one message and returns it. */
  async replyTo(channelId: string, message: SimMessage, timeoutMs?: number): Promise<SimMessage> {
    const messages = await this.waitForMessages(
      channelId,
      (all) => all.some((m) => m.message_reference?.message_id === message.id),
      timeoutMs,
    );
    return messages.find((m) => m.message_reference?.message_id === message.id)!;
  }
}

export function textChannelOf(guild: SimGuild): string {
  const channel = guild.channels.find((c) => c.type === 0);
  if (!channel) throw new Error(`guild ${guild.id} has no text channel`);
  return channel.id;
}
