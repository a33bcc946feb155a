/** Starts a simulator and raw gateway clients for a test, and closes everything after it. */
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../simulator.js';
import { api, control, TestGatewayClient } from './gatewayClient.js';

export interface Harness {
  sim: RunningSimulator;
  /** Opens a client and waits for HELLO. */
  connect(options?: { query?: string; zlib?: boolean; url?: string }): Promise<TestGatewayClient>;
  /** Opens, identifies and waits for READY (and the GUILD_CREATEs of its shard). */
  login(token?: string, extra?: Record<string, unknown>): Promise<TestGatewayClient>;
  rest(token?: string): ReturnType<typeof api>;
  control: ReturnType<typeof control>;
  close(): Promise<void>;
}

export async function startHarness(options: SimulatorOptions = {}): Promise<Harness> {
  const sim = await startSimulator(options);
  const clients: TestGatewayClient[] = [];
  const connect: Harness['connect'] = async ({ query = '?v=10&encoding=json', zlib = false, url } = {}) => {
    const client = new TestGatewayClient(`${url ?? sim.gatewayUrl}/${query}`, { zlib });
    clients.push(client);
    await client.until(
      () => client.received.find((p) => p.op === 10) ?? (client.closeCode !== undefined && true),
    );
    return client;
  };
  return {
    sim,
    connect,
    async login(token = sim.defaultBot.token, extra = {}) {
      const client = await connect();
      client.identify(token, extra);
      const ready = await client.dispatch('READY');
      const expected = ready.d.guilds.length;
      const wantsGuilds = (((extra.intents as number | undefined) ?? 1) & 1) === 1;
      if (wantsGuilds) await client.until(() => client.dispatches('GUILD_CREATE').length >= expected);
      return client;
    },
    rest: (token = sim.defaultBot.token) => api(sim.restUrl, token),
    control: control(sim.url),
    async close() {
      for (const client of clients) client.terminate();
      await sim.close();
    },
  };
}
