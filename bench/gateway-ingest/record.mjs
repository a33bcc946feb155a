// Records a stream from the simulator: READY, the GUILD_CREATEs and MESSAGE_CREATE payloads, as the
// simulator itself sends them; the replay server then serves many copies of this stream.

import { createLogger } from '@shardwire/core';
import { startSimulator } from '@shardwire/simulator';
import WebSocket from 'ws';

export async function recordStream({ guilds, messages }) {
  const sim = await startSimulator({
    port: 0,
    guilds,
    logger: createLogger({ name: 'sim', level: 'error' }),
  });
  try {
    const ws = new WebSocket(`${sim.gatewayUrl}/?v=10&encoding=json`);
    const dispatches = [];
    await new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (raw) => {
        const payload = JSON.parse(raw.toString());
        if (payload.op === 10) {
          ws.send(
            JSON.stringify({
              op: 2,
              d: {
                token: sim.defaultBot.token,
                intents: 513,
                properties: { os: 'linux', browser: 'b', device: 'b' },
                shard: [0, 1],
              },
            }),
          );
        }
        if (payload.op === 0) {
          dispatches.push({ t: payload.t, d: payload.d });
          if (dispatches.filter((d) => d.t === 'GUILD_CREATE').length === guilds) resolve();
        }
      });
    });
    const list = await (await fetch(`${sim.url}/_sim/guilds`)).json();
    for (let i = 0; i < messages; i++) {
      const guild = list[i % list.length];
      await fetch(`${sim.url}/_sim/channels/${guild.system_channel_id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: `message ${i}: the quick brown fox jumps over the lazy dog` }),
      });
    }
    while (dispatches.filter((d) => d.t === 'MESSAGE_CREATE').length < messages)
      await new Promise((r) => setTimeout(r, 10));
    ws.terminate();
    return {
      ready: dispatches.find((d) => d.t === 'READY').d,
      guildCreates: dispatches.filter((d) => d.t === 'GUILD_CREATE').map((d) => d.d),
      messages: dispatches.filter((d) => d.t === 'MESSAGE_CREATE').map((d) => d.d),
    };
  } finally {
    await sim.close();
  }
}

/** The whole stream as gateway payloads: READY, GUILD_CREATEs, then `total` MESSAGE_CREATEs cycling the recorded ones. */
export function buildPayloads(recorded, total) {
  const out = [];
  let seq = 0;
  out.push(JSON.stringify({ op: 0, s: ++seq, t: 'READY', d: recorded.ready }));
  for (const guild of recorded.guildCreates)
    out.push(JSON.stringify({ op: 0, s: ++seq, t: 'GUILD_CREATE', d: guild }));
  for (let i = 0; i < total; i++) {
    const template = recorded.messages[i % recorded.messages.length];
    const d = { ...template, id: String(BigInt(template.id) + BigInt(i)) };
    out.push(JSON.stringify({ op: 0, s: ++seq, t: 'MESSAGE_CREATE', d }));
  }
  return out;
}
