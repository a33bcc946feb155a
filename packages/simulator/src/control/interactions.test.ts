/** Interactions end to end: over the gateway with callback and webhook, and over a signed HTTP endpoint. */
import { createPublicKey, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '@shardwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

const post = (url: string, body: unknown, method = 'POST') =>
  fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** An app's interactions endpoint: checks Discord's Ed25519 signature with the app's verify_key. */
async function endpoint(
  verifyKeyHex: string,
  checkSignatures = true,
): Promise<{ url: string; server: Server }> {
  const key = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(verifyKeyHex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(request.headers['x-signature-ed25519'] ?? '');
      const timestamp = String(request.headers['x-signature-timestamp'] ?? '');
      const valid = verify(null, Buffer.from(timestamp + body), key, Buffer.from(signature, 'hex'));
      if (checkSignatures && !valid) {
        response.writeHead(401).end('invalid request signature');
        return;
      }
      const interaction = JSON.parse(body);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          interaction.type === 1
            ? { type: 1 }
            : { type: 4, data: { content: `http: ${interaction.data.name}` } },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/interactions`, server };
}

describe('interactions', () => {
  let h: Harness;
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('over the gateway: INTERACTION_CREATE, callback once within 3 s, original response and follow-ups', async () => {
    const clock = new ManualClock(Date.now());
    h = await startHarness({ guilds: 1, clock });
    const client = await h.login(undefined, { intents: 1 | 512 });
    const channelId = client.dispatches('GUILD_CREATE')[0]!.d.channels[0].id;
    const created = await h.control('POST', '/interactions', {
      channel_id: channelId,
      data: { name: 'ping', type: 1 },
    });
    expect(created.status).toBe(201);
    expect(created.body.delivered).toBe('gateway');
    const event = await client.dispatch('INTERACTION_CREATE');
    expect(event.d).toMatchObject({
      id: created.body.id,
      application_id: h.sim.defaultBot.applicationId,
      type: 2,
      data: { name: 'ping' },
      channel_id: channelId,
      member: { user: { id: expect.any(String) } },
    });
    const { id, token } = event.d;
    const callback = `${h.sim.restUrl}/interactions/${id}/${token}/callback`;
    expect((await post(callback, { type: 4, data: { content: 'pong' } })).status).toBe(204);
    const again = await post(callback, { type: 4, data: { content: 'twice' } });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { code: number }).code).toBe(40060);
    const message = await client.dispatch('MESSAGE_CREATE', (d) => d.content === 'pong');
    expect(message.d).toMatchObject({
      type: 20,
      interaction_metadata: { id, name: 'ping' },
      webhook_id: h.sim.defaultBot.applicationId,
    });

    const hook = `${h.sim.restUrl}/webhooks/${h.sim.defaultBot.applicationId}/${token}`;
    const followup = await post(hook, { content: 'more' });
    expect(followup.status).toBe(200);
    const edited = await post(`${hook}/messages/@original`, { content: 'pong!' }, 'PATCH');
    expect(((await edited.json()) as { content: string }).content).toBe('pong!');
    const state = (await h.control('GET', `/interactions/${id}`)).body;
    expect(state).toMatchObject({ responded: true, response: { type: 4 }, original: { content: 'pong!' } });
    expect(state.followups.map((m: { content: string }) => m.content)).toEqual(['more']);
    expect(
      (await post(`${h.sim.restUrl}/webhooks/${h.sim.defaultBot.applicationId}/wrong`, { content: 'x' }))
        .status,
    ).toBe(404);

    // Past 3 s without an answer the interaction is gone for its callback.
    const late = await h.control('POST', '/interactions', { channel_id: channelId, data: { name: 'slow' } });
    clock.advance(3001);
    const tooLate = await post(`${h.sim.restUrl}/interactions/${late.body.id}/${late.body.token}/callback`, {
      type: 5,
    });
    expect(tooLate.status).toBe(404);
    expect(((await tooLate.json()) as { code: number }).code).toBe(10062);
  });

  it('over HTTP: the endpoint is verified with a signed and a badly signed PING, then gets signed interactions', async () => {
    h = await startHarness({ guilds: 1 });
    const app = await h.rest()('GET', '/applications/@me');
    expect(app.body.verify_key).toMatch(/^[0-9a-f]{64}$/);
    const careless = await endpoint(app.body.verify_key, false);
    servers.push(careless.server);
    const refused = await h.control('PATCH', `/bots/${h.sim.defaultBot.id}`, {
      interactionsUrl: careless.url,
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.errors)).toContain('badly signed PING got 200');

    const good = await endpoint(app.body.verify_key);
    servers.push(good.server);
    expect(
      (await h.control('PATCH', `/bots/${h.sim.defaultBot.id}`, { interactionsUrl: good.url })).status,
    ).toBe(200);
    expect((await h.rest()('GET', '/applications/@me')).body.interactions_endpoint_url).toBe(good.url);
    const channelId = (await h.control('GET', '/guilds')).body[0].channels[0].id;
    const created = await h.control('POST', '/interactions', {
      channel_id: channelId,
      data: { name: 'hello' },
    });
    expect(created.body).toMatchObject({
      delivered: 'http',
      responded: true,
      original: { content: 'http: hello' },
    });
    expect(created.body.error).toBeUndefined();

    await h.control('PATCH', `/bots/${h.sim.defaultBot.id}`, { interactionsUrl: null });
    expect(
      (await h.control('POST', '/interactions', { channel_id: channelId, data: { name: 'x' } })).body
        .delivered,
    ).toBe('gateway');
  });
});
