import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReshardStatus } from '@shardwire/gateway';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reshard } from './reshard.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  vi.restoreAllMocks();
});

/** A gateway's /reshard that answers POST with `post`, then GET running once, then `last`. */
async function gateway(post: { status: number; body: unknown }, last: ReshardStatus['last']) {
  const posts: unknown[] = [];
  let gets = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST') {
        posts.push(JSON.parse(body));
        res.statusCode = post.status;
        res.end(JSON.stringify(post.body));
        return;
      }
      gets++;
      res.end(
        JSON.stringify(
          gets === 1 ? { running: true, shardCount: 4 } : { running: false, shardCount: 8, last },
        ),
      );
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts };
}

describe('shardwire gateway reshard', () => {
  it('asks the gateway for N shards and waits for the result', async () => {
    const { url, posts } = await gateway(
      { status: 202, body: { running: true, from: 4, to: 8 } },
      { ok: true, result: { from: 4, to: 8, releasedAtSwitch: 2, missingGuilds: [] } },
    );
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await reshard({ url, shards: '8' }, {});
    expect(posts).toEqual([{ shards: 8 }]);
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toMatch(/resharded from 4 to 8 shards/);
  });

  it('fails with the gateway’s reason, or its refusal', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const failing = await gateway(
      { status: 202, body: {} },
      { ok: false, error: 'a new shard stopped: 4013' },
    );
    await expect(reshard({ url: failing.url }, {})).rejects.toThrow(
      /reshard failed: a new shard stopped: 4013/,
    );
    const refusing = await gateway(
      { status: 409, body: { error: 'a reshard is already under way' } },
      undefined,
    );
    await expect(reshard({ url: refusing.url }, {})).rejects.toThrow(
      /refused: a reshard is already under way/,
    );
  });

  it('refuses a bad --shards before calling anything', async () => {
    await expect(reshard({ url: 'http://127.0.0.1:1', shards: 'x' }, {})).rejects.toThrow(/--shards/);
  });
});
