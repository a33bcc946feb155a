// The client process of the simulator-scale benchmark: SHARDS raw gateway connections (one per
// shard), IDENTIFY, heartbeats, and a count of the dispatches received. Talks to the parent by IPC.
// It shares the machine with the simulator, so once a shard is ready it only counts: a dispatch is
// told by its first bytes (`{"t":"`, where other payloads have `{"t":null`), never decoded or parsed,
// and ws skips its UTF-8 validation of the frames (a bot would decode and parse them; this one
// measures the simulator). No compression, as discord.js (@discordjs/ws 2) asks for by default.
import WebSocket from 'ws';

const url = process.env.SCALE_URL;
const token = process.env.SCALE_TOKEN;
const shards = Number(process.env.SCALE_SHARDS);
const INTENTS = 1 | 256 | 512 | 1024 | 2048 | 32768; // GUILDS, PRESENCES, MESSAGES, REACTIONS, TYPING, CONTENT
/** The sixth byte of `{"t":"...`: a dispatch (other payloads start `{"t":null`). */
const QUOTE = 0x22;
let dispatches = 0;
let lastAt = 0;
let ready = 0;
const sockets = [];

function open(shard) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/?v=10&encoding=json`, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    sockets.push(ws);
    let expected = -1;
    let guildCreates = 0;
    let heartbeat;
    ws.on('message', (data) => {
      if (data[5] === QUOTE) {
        dispatches++;
        lastAt = Date.now();
        if (expected === -1 || guildCreates < expected) {
          const payload = JSON.parse(String(data));
          if (payload.t === 'READY') expected = payload.d.guilds.length;
          if (payload.t === 'GUILD_CREATE') guildCreates++;
          if (expected !== -1 && guildCreates >= expected) {
            ready++;
            resolve();
          }
        }
        return;
      }
      const payload = JSON.parse(String(data));
      if (payload.op === 10) {
        heartbeat = setInterval(
          () => ws.send(JSON.stringify({ op: 1, d: null })),
          payload.d.heartbeat_interval,
        );
        ws.send(
          JSON.stringify({
            op: 2,
            d: {
              token,
              intents: INTENTS,
              shard: [shard, shards],
              properties: { os: 'linux', browser: 'bench', device: 'bench' },
            },
          }),
        );
      } else if (payload.op === 9) reject(new Error(`shard ${shard}: invalid session`));
    });
    ws.on('close', (code) => {
      clearInterval(heartbeat);
      if (expected === -1 || guildCreates < expected) reject(new Error(`shard ${shard}: closed ${code}`));
    });
    ws.on('error', () => {});
  });
}

const started = performance.now();
const BATCH = 50;
for (let first = 0; first < shards; first += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, shards - first) }, (_, i) => open(first + i)));
}
process.send({ type: 'ready', shards: ready, connectMs: performance.now() - started });
process.on('message', (message) => {
  if (message === 'count') process.send({ type: 'count', dispatches, lastAt, cpu: process.cpuUsage() });
  if (message === 'close') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
