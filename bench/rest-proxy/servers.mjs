// One server of the rest-proxy benchmark per child process: `node servers.mjs <role> [upstreamUrl]`.
// Prints `READY <url>` once listening. Roles: upstream | simulator | shardwire | discordjs | bare.
// The simulator also prints `SIM <json>` first: its bot token and a channel per guild.
import { createServer } from 'node:http';

const [role, upstreamUrl] = process.argv.slice(2);
/** Keep-alive connections from each proxy to the upstream: the load generator never has more in flight. */
const UPSTREAM_CONNECTIONS = 64;
/**
 * Every server here keeps idle connections as long as shardwire's proxy does (65 s). With node:http's
 * default (5 s) the upstream dropped every proxy's 64 connections between two of its slices, and the
 * passthrough and @discordjs/proxy dropped the load generator's: each slice but shardwire's then
 * began by opening connections again.
 */
const SERVER = { keepAliveTimeout: 65_000 };
process.on('SIGINT', () => process.exit(0));

function ready(server) {
  server.listen(0, '127.0.0.1', () => console.log(`READY http://127.0.0.1:${server.address().port}`));
}

if (role === 'upstream') {
  // Answers like Discord (a message object and the rate-limit headers) with limits that never bind.
  // Built from a template (the timestamp refreshed every second): the upstream shares a core with the
  // load generator, so its cost is kept low for every contender alike.
  let id = 1_000_000_000_000_000_000n;
  let timestamp = new Date().toISOString();
  setInterval(() => {
    timestamp = new Date().toISOString();
  }, 1000).unref();
  const tail = `,"content":"benchmark","type":0,"author":{"id":"1","username":"bot","discriminator":"0","avatar":null,"bot":true},"edited_timestamp":null,"tts":false,"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false}`;
  ready(
    createServer(SERVER, (req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const channel = /\/channels\/(\d+)/.exec(req.url ?? '')?.[1] ?? '0';
        id++;
        const body = `{"id":"${id}","channel_id":"${channel}","timestamp":"${timestamp}"${tail}`;
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-ratelimit-limit': '1000000',
          'x-ratelimit-remaining': '999999',
          'x-ratelimit-reset-after': '60.000',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
          'x-ratelimit-bucket': 'bench-bucket',
        });
        res.end(body);
      });
    }),
  );
} else if (role === 'simulator') {
  const { startSimulator } = await import('../../packages/simulator/dist/index.js');
  // Limits scaled down 10,000x: headers and windows as Discord sends them, with room on every route.
  const sim = await startSimulator({ port: 0, guilds: 256, limitScale: 0.0001 });
  const channels = [...sim.world.store.guilds.values()].map((g) => sim.world.store.channelsOf(g)[0].id);
  console.log(`SIM ${JSON.stringify({ token: sim.defaultBot.token, channels })}`);
  console.log(`READY ${sim.url}`);
} else if (role === 'shardwire' || role === 'shardwire-before') {
  // `shardwire-before`: an earlier build (BENCH_BEFORE=<its dist folder>), for before/after figures in one run.
  const dist = role === 'shardwire' ? '../../packages/rest/dist' : process.env.BENCH_BEFORE;
  const { RestProxy, MemoryLimiter } = await import(`${dist}/index.js`);
  const { createLogger } = await import('../../packages/core/dist/index.js');
  // Routes with room: the global limit is raised as Discord does for large bots (same for @discordjs/proxy).
  const proxy = new RestProxy({
    upstreamUrl: `${upstreamUrl}/api`,
    limiter: new MemoryLimiter({ globalLimit: 1_000_000 }),
    connections: UPSTREAM_CONNECTIONS,
    logger: createLogger({ name: 'bench', level: 'warn' }),
  });
  const url = await proxy.listen(0, '127.0.0.1');
  console.log(`READY ${url}`);
} else if (role === 'shardwire-redis') {
  // The same proxy with its limits in Redis (REDIS_URL), as several instances run it: one Redis call
  // per request on the path. Keys under a throwaway prefix, removed on exit.
  const { randomUUID } = await import('node:crypto');
  const { startRestProxy, loadRestProxyConfig } = await import('../../packages/rest/dist/index.js');
  const prefix = `bench:rest:${randomUUID()}:`;
  const config = loadRestProxyConfig({
    env: {
      DISCORD_API_URL: `${upstreamUrl}/api`,
      REDIS_URL: process.env.REDIS_URL,
      REST_REDIS_PREFIX: prefix,
      REST_PROXY_PORT: '0',
      REST_PROXY_HOST: '127.0.0.1',
      REST_PROXY_CONNECTIONS: String(UPSTREAM_CONNECTIONS),
      REST_GLOBAL_LIMIT: '1000000',
      LOG_LEVEL: 'warn',
    },
  });
  const running = await startRestProxy(config);
  process.once('SIGTERM', async () => {
    await running.close();
    const { Redis } = await import('ioredis');
    const redis = new Redis(process.env.REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    process.exit(0);
  });
  console.log(`READY ${running.url}`);
} else if (role === 'discordjs') {
  const { REST } = await import('@discordjs/rest');
  const { proxyRequests } = await import('@discordjs/proxy');
  // Its undici agent opens connections as needed: never more than the 64 requests in flight.
  const rest = new REST({
    api: `${upstreamUrl}/api`,
    globalRequestsPerSecond: 1_000_000,
    rejectOnRateLimit: () => true,
  });
  ready(createServer(SERVER, proxyRequests(rest)));
} else if (role === 'bare') {
  // The physical limit: node:http in, an undici Pool out, no limiting, routing or metrics at all.
  // It moves bytes the way shardwire's proxy does (small bodies read whole and sent with their
  // length; the answer through undici's dispatch API straight into the response), so the two
  // differ only by what shardwire does on top.
  const { Pool } = await import('../../packages/rest/node_modules/undici/index.js');
  const pool = new Pool(upstreamUrl, { connections: UPSTREAM_CONNECTIONS, keepAliveTimeout: 30_000 });
  ready(
    createServer(SERVER, async (req, res) => {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      const body = hasBody ? await readAll(req) : null;
      let forwarding = false;
      pool.dispatch(
        { path: req.url, method: req.method, headers, body },
        {
          onRequestStart() {},
          onResponseStart(_controller, status, answerHeaders) {
            if (status < 200) return;
            forwarding = true;
            res.writeHead(status, answerHeaders);
          },
          onResponseData(controller, chunk) {
            if (!res.write(chunk)) {
              controller.pause();
              res.once('drain', () => controller.resume());
            }
          },
          onResponseEnd() {
            res.end();
          },
          onResponseError() {
            if (!forwarding) res.writeHead(502);
            res.end();
          },
        },
      );
    }),
  );
} else {
  console.error(`unknown role ${role}`);
  process.exit(2);
}

function readAll(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
