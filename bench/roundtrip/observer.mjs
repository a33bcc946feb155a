// Watches the simulator's gateway as a third bot, so a reply counts the moment the simulator
// stores and dispatches it (what `GET /_sim/channels/:id/messages` would show), without polling.
import WebSocket from 'ws';

export async function observe(gatewayUrl, token) {
  const waiting = new Map();
  // Replies that arrived before anyone asked for them (the bot can beat the HTTP answer to the post).
  const early = new Map();
  const ws = new WebSocket(`${gatewayUrl}/?v=10&encoding=json`);
  let seq = null;
  let heartbeat;
  await new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (raw) => {
      const packet = JSON.parse(raw.toString());
      if (packet.s !== null && packet.s !== undefined) seq = packet.s;
      if (packet.op === 10) {
        heartbeat = setInterval(
          () => ws.send(JSON.stringify({ op: 1, d: seq })),
          packet.d.heartbeat_interval,
        );
        ws.send(
          JSON.stringify({
            op: 2,
            d: { token, intents: 1 | 512, properties: { os: 'linux', browser: 'bench', device: 'bench' } },
          }),
        );
      } else if (packet.op === 0 && packet.t === 'READY') {
        resolve();
      } else if (packet.op === 0 && packet.t === 'MESSAGE_CREATE') {
        const original = packet.d.message_reference?.message_id;
        if (!original) return;
        const done = waiting.get(original);
        if (done) {
          waiting.delete(original);
          done(packet.d);
        } else {
          early.set(original, packet.d);
        }
      }
    });
  });
  return {
    /** Resolves with the reply to message `id` when it is dispatched. */
    replyTo(id, timeoutMs = 10_000) {
      const seen = early.get(id);
      if (seen) {
        early.delete(id);
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`no reply to ${id} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, (message) => {
          clearTimeout(timer);
          resolve(message);
        });
      });
    },
    close() {
      clearInterval(heartbeat);
      ws.close(1000);
    },
  };
}
