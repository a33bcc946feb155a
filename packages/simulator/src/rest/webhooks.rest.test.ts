/** Channel webhooks: created with the bot token, executed and managed with their own token. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

describe('REST webhooks', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const send = (path: string, method: string, body?: unknown) =>
    fetch(`${h.sim.restUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('creates a webhook, executes it (wait), edits and deletes its message, then the webhook', async () => {
    h = await startHarness({ guilds: 1, rateLimits: false });
    const client = await h.login(undefined, { intents: 1 | 512 | 32768 | (1 << 5) });
    const guild = client.dispatches('GUILD_CREATE')[0]!.d;
    const channelId = guild.channels[0].id;
    const rest = h.rest();
    const webhook = await rest('POST', `/channels/${channelId}/webhooks`, { name: 'alerts' });
    expect(webhook.body).toMatchObject({
      type: 1,
      channel_id: channelId,
      name: 'alerts',
      token: expect.any(String),
    });
    expect((await client.dispatch('WEBHOOKS_UPDATE')).d).toEqual({
      guild_id: guild.id,
      channel_id: channelId,
    });
    expect((await rest('POST', `/channels/${channelId}/webhooks`, { name: 'discord bot' })).status).toBe(400);
    expect((await rest('GET', `/guilds/${guild.id}/webhooks`)).body).toHaveLength(1);

    const hook = `/webhooks/${webhook.body.id}/${webhook.body.token}`;
    expect((await send(hook, 'POST', { content: 'no wait' })).status).toBe(204);
    const waited = await send(`${hook}?wait=true`, 'POST', { content: 'deploy done', username: 'CI' });
    const message = (await waited.json()) as {
      id: string;
      author: { id: string; username: string };
      webhook_id: string;
    };
    expect(message).toMatchObject({
      webhook_id: webhook.body.id,
      author: { id: webhook.body.id, username: 'CI' },
    });
    expect((await client.dispatch('MESSAGE_CREATE', (d) => d.content === 'deploy done')).d.webhook_id).toBe(
      webhook.body.id,
    );
    const edited = await send(`${hook}/messages/${message.id}`, 'PATCH', { content: 'deploy done (edited)' });
    expect(((await edited.json()) as { content: string }).content).toBe('deploy done (edited)');
    expect((await send(`${hook}/messages/${message.id}`, 'DELETE')).status).toBe(204);
    expect((await send(`${hook}/messages/${message.id}`, 'GET')).status).toBe(404);
    expect((await send(`/webhooks/${webhook.body.id}/wrong`, 'POST', { content: 'x' })).status).toBe(404);
    const viaToken = (await (await send(hook, 'GET')).json()) as Record<string, unknown>;
    expect(viaToken.token).toBeUndefined();
    expect((await rest('DELETE', `/webhooks/${webhook.body.id}`)).status).toBe(204);
    expect((await send(hook, 'POST', { content: 'gone' })).status).toBe(404);
  });
});
