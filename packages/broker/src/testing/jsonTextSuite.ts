/**
 * A `JsonText` in a networked broker's body (`wireJson.ts`): delivered parsed, exactly as its value
 * would be; text that is not JSON makes the body undecodable, dead-lettered at once as poison while
 * the group goes on. Each networked backend's test file calls it next to its contract suite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Broker } from '../Broker.js';
import { JsonText } from '../memory/JsonText.js';
import { randomName, waitFor } from './helpers.js';

export function runJsonTextSuite(
  name: string,
  makeBroker: (namespace: string) => Promise<Broker>,
  cleanup: (namespace: string) => Promise<void>,
): void {
  describe(`JsonText bodies: ${name}`, () => {
    let namespace = randomName('jt');
    let broker: Broker | undefined;

    afterEach(async () => {
      await broker?.close();
      broker = undefined;
      await cleanup(namespace);
      namespace = randomName('jt');
    });

    it('delivers a JsonText property parsed, and dead-letters a body whose text is not JSON', async () => {
      broker = await makeBroker(namespace);
      const d = '{"content":"hi ✓","mentions":[],"author":{"id":"4","bot":false},"n":-1.5e3,"u":"\\u00e9"}';
      const got: unknown[] = [];
      await broker.consume('g', 'events.*', (delivery) => void got.push(delivery.body));
      const envelope = (id: string, text: string) => ({
        id,
        t: 'MESSAGE_CREATE',
        d: new JsonText(text),
        guildId: '9',
      });
      await broker.publish('events.MESSAGE_CREATE', envelope('1', d), { messageId: '1' });
      await broker.publish('events.MESSAGE_CREATE', envelope('2', '{"content":'), { messageId: '2' });
      await broker.publish('events.MESSAGE_CREATE', envelope('3', 'null'), { messageId: '3' });
      await waitFor(() => got.length === 2, 'the two good messages');
      // Unordered group, messages in partitions of their own: compared in id order.
      got.sort((a, b) => ((a as { id: string }).id < (b as { id: string }).id ? -1 : 1));
      expect(got).toEqual([
        JSON.parse(JSON.stringify({ ...envelope('1', d), d: JSON.parse(d) })),
        { id: '3', t: 'MESSAGE_CREATE', d: null, guildId: '9' },
      ]);
      await waitFor(
        async () => (await broker!.deadLetters.list({ group: 'g' })).length === 1,
        'the dead letter',
      );
      const [letter] = await broker.deadLetters.list({ group: 'g' });
      expect(letter).toMatchObject({
        messageId: '2',
        deliveries: 1,
        body: '{"id":"2","t":"MESSAGE_CREATE","d":{"content":,"guildId":"9"}',
      });
      expect(letter!.reason).toMatch(/^poison: undecodable body: /);
      expect(got).toHaveLength(2);
    });
  });
}
