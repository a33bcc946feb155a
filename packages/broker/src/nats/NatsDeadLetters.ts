/**
 * Dead letters in their own JetStream stream (subject per group). A letter's id is its stream
 * sequence. Replay publishes it to the group's replay subject, which only that group consumes.
 */
import { randomUUID } from 'node:crypto';
import type { JetStreamManager, JsMsg, StoredMsg } from 'nats';
import type { DeadLetter, DeadLetterQueue } from '../Broker.js';
import { H, header, makeHeaders, messageIdOf, userHeaders } from './codec.js';
import type { NatsPublisher } from './NatsPublisher.js';
import type { NatsNames } from './subjects.js';

export class NatsDeadLetters implements DeadLetterQueue {
  constructor(
    private readonly jsm: JetStreamManager,
    private readonly names: NatsNames,
    private readonly publisher: NatsPublisher,
  ) {}

  /** Moves a message to the dead-letter stream (durably) before it is acked in its group. */
  async bury(
    group: string,
    message: JsMsg,
    routingKey: string,
    deliveries: number,
    reason: string,
  ): Promise<void> {
    const headers = makeHeaders({
      ...userHeaders(message.headers),
      [H.originalId]: messageIdOf(message.headers),
      [H.partitionKey]: header(message.headers, H.partitionKey),
      [H.group]: group,
      [H.reason]: reason,
      [H.routingKey]: routingKey,
      [H.deliveries]: String(deliveries),
      [H.deadAt]: String(Date.now()),
    });
    await this.publisher.publish(
      this.names.deadLetterSubject(group),
      message.data,
      randomUUID(),
      headers,
      routingKey,
      false,
    );
  }

  async list(options: { group?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    await this.#each(options.group, async (stored) => {
      letters.push(toLetter(stored));
      return letters.length < (options.limit ?? Number.POSITIVE_INFINITY);
    });
    return letters;
  }

  async replay(options: { group?: string; ids?: string[] } = {}): Promise<number> {
    const wanted = options.ids ? new Set(options.ids) : undefined;
    let count = 0;
    await this.#each(options.group, async (stored) => {
      if (wanted && !wanted.has(String(stored.seq))) return true;
      const letter = toLetter(stored);
      const headers = makeHeaders({
        ...userHeaders(stored.header),
        [H.originalId]: letter.messageId,
        [H.anonymous]: letter.messageId === undefined ? '1' : undefined,
        [H.partitionKey]: header(stored.header, H.partitionKey),
      });
      await this.publisher.publish(
        this.names.replaySubject(letter.group, letter.routingKey),
        stored.data,
        randomUUID(),
        headers,
        letter.routingKey,
        false,
      );
      await this.jsm.streams.deleteMessage(this.names.deadLetterStream, stored.seq, false);
      count++;
      return true;
    });
    return count;
  }

  async purge(options: { group?: string } = {}): Promise<number> {
    const filter = options.group === undefined ? undefined : this.names.deadLetterSubject(options.group);
    const response = await this.jsm.streams.purge(
      this.names.deadLetterStream,
      filter ? { filter } : undefined,
    );
    return response.purged;
  }

  /** Visits stored letters in order (of one group's subject when given) until `visit` returns false. */
  async #each(group: string | undefined, visit: (stored: StoredMsg) => Promise<boolean>): Promise<void> {
    const info = await this.jsm.streams.info(this.names.deadLetterStream);
    if (info.state.messages === 0) return;
    const subject = group === undefined ? undefined : this.names.deadLetterSubject(group);
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      let stored: StoredMsg;
      try {
        stored = await this.jsm.streams.getMessage(this.names.deadLetterStream, { seq });
      } catch (error) {
        if (/no message found|not found/i.test((error as Error).message)) continue;
        throw error;
      }
      if (subject !== undefined && stored.subject !== subject) continue;
      if (!(await visit(stored))) return;
    }
  }
}

function toLetter(stored: StoredMsg): DeadLetter {
  const h = stored.header;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(stored.data).toString('utf8'));
  } catch {
    body = Buffer.from(stored.data).toString('utf8');
  }
  return {
    id: String(stored.seq),
    group: header(h, H.group) ?? '(unknown)',
    routingKey: header(h, H.routingKey) ?? '',
    body,
    messageId: header(h, H.originalId),
    reason: header(h, H.reason) ?? 'unknown',
    deliveries: Number(header(h, H.deliveries) ?? 0),
    deadAt: Number(header(h, H.deadAt) ?? stored.time.getTime()),
  };
}
