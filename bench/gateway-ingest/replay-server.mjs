// A gateway that replays one recorded simulator stream to every connection, as fast as the client
// reads it: zlib-stream when the client asks for it (same bytes for every connection), else JSON.
// Serves GET /api/v10/gateway/bot too. Runs in its own process: argv[2] = payloads file.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { zlibStreamFrames } from './frames.mjs';

// With argv[3] = "<shards>x<max_concurrency>" it only answers each IDENTIFY with READY (start-up runs).
const startup = process.argv[3]
  ? { shards: Number(process.argv[3].split('x')[0]), maxConcurrency: Number(process.argv[3].split('x')[1]) }
  : undefined;
const payloads = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const hello = JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } });

const compressed = await zlibStreamFrames([hello, ...payloads]);

const server = createServer((req, res) => {
  if (req.url?.startsWith('/api/v10/gateway/bot')) {
    const { port } = server.address();
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        url: `ws://127.0.0.1:${port}`,
        shards: startup ? startup.shards : 1,
        session_start_limit: {
          total: 1000,
          remaining: 1000,
          reset_after: 86_400_000,
          max_concurrency: startup ? startup.maxConcurrency : 1,
        },
      }),
    );
    return;
  }
  res.statusCode = 404;
  res.end('{}');
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const zlib = new URL(req.url, 'ws://x').searchParams.get('compress') === 'zlib-stream';
  // Start-up runs speak plain JSON: their READY is not part of the recorded zlib stream.
  const frames = zlib && !startup ? compressed : [hello, ...payloads];
  ws.send(frames[0]);
  ws.on('message', async (raw) => {
    const payload = JSON.parse(raw.toString());
    if (payload.op === 1) {
      // Heartbeat ACKs would break the shared zlib byte stream; the bench is shorter than the interval.
      if (!zlib) ws.send(JSON.stringify({ op: 11 }));
      return;
    }
    if (payload.op !== 2) return;
    if (startup) {
      const ready = { ...JSON.parse(payloads[0]).d, guilds: [], shard: payload.d.shard };
      ws.send(JSON.stringify({ op: 0, s: 1, t: 'READY', d: ready }));
      return;
    }
    for (let i = 1; i < frames.length; i++) {
      ws.send(frames[i]);
      if (ws.bufferedAmount > 4 * 1024 * 1024) {
        while (ws.bufferedAmount > 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port, bytes: compressed.reduce((n, f) => n + f.length, 0) });
});
