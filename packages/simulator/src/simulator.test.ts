import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './simulator.js';
import { userIdOfToken } from './state/tokens.js';
import { api, control, TestGatewayClient } from './testing/gatewayClient.js';

describe('simulator', () => {
  let sim: RunningSimulator;
  const clients: TestGatewayClient[] = [];
  const connect = async (query = '?v=10&encoding=json', zlib = false) => {
    const client = new TestGatewayClient(`${sim.gatewayUrl}/${query}`, { zlib });
    clients.push(client);
    await client.until(() => client.received.find((p) => p.op === 10));
    return client;
  };

  beforeEach(async () => {
    sim = await startSimulator({ guilds: 2, seed: 1 });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await sim.close();
  });

  it('gives the default bot a Discord-shaped token', () => {
    expect(sim.defaultBot.token.split('.')).toHaveLength(3);
    expect(userIdOfToken(sim.defaultBot.token)).toBe(sim.defaultBot.id);
  });

  it('logs a bot in: HELLO, READY, one GUILD_CREATE per guild', async () => {
    const client = await connect();
    const hello = await client.until(() => client.received.find((p) => p.op === 10));
    expect(hello.d.heartbeat_interval).toBe(41250);
    client.identify(sim.defaultBot.token);
    const ready = await client.dispatch('READY');
    expect(ready.d.user.id).toBe(sim.defaultBot.id);
    expect(ready.d.application).toEqual({ id: sim.defaultBot.applicationId, flags: expect.any(Number) });
    expect(ready.d.guilds).toHaveLength(2);
    expect(ready.d.resume_gateway_url).toBe(sim.gatewayUrl);
    await client.until(() => client.dispatches('GUILD_CREATE').length === 2);
    const guild = client.dispatches('GUILD_CREATE')[0]!.d;
    expect(guild.channels[0].type).toBe(0);
    expect(guild.members.some((m: { user: { id: string } }) => m.user.id === sim.defaultBot.id)).toBe(true);
    expect(guild.member_count).toBeGreaterThan(1);
  });

  it('dispatches messages posted through /_sim and through REST', async () => {
    const client = await connect();
    client.identify(sim.defaultBot.token);
    const created = await client.dispatch('GUILD_CREATE');
    const channelId = created.d.channels[0].id;
    const sim_ = control(sim.url);
    const posted = await sim_('POST', `/channels/${channelId}/messages`, { content: 'hello bot' });
    expect(posted.status).toBe(201);
    const incoming = await client.dispatch('MESSAGE_CREATE');
    expect(incoming.d.content).toBe('hello bot');
    expect(incoming.d.guild_id).toBe(created.d.id);
    const rest = api(sim.restUrl, sim.defaultBot.token);
    const reply = await rest('POST', `/channels/${channelId}/messages`, { content: 'hi human' });
    expect(reply.status).toBe(200);
    expect(reply.body.author.id).toBe(sim.defaultBot.id);
    await client.dispatch('MESSAGE_CREATE', (d) => d.content === 'hi human');
    const all = await sim_('GET', `/channels/${channelId}/messages`);
    expect(all.body.map((m: { content: string }) => m.content)).toEqual(['hello bot', 'hi human']);
  });

  it('serves /gateway/bot, /users/@me and /applications/@me', async () => {
    const rest = api(sim.restUrl, sim.defaultBot.token);
    const gateway = await rest('GET', '/gateway/bot');
    expect(gateway.body).toMatchObject({
      url: sim.gatewayUrl,
      shards: 1,
      session_start_limit: { total: 1000 },
    });
    expect((await rest('GET', '/users/@me')).body.id).toBe(sim.defaultBot.id);
    expect((await rest('GET', '/applications/@me')).body.id).toBe(sim.defaultBot.applicationId);
    expect((await api(sim.restUrl, 'nope')('GET', '/users/@me')).status).toBe(401);
    expect((await rest('GET', '/nowhere')).body).toEqual({ code: 0, message: '404: Not Found' });
  });
});
