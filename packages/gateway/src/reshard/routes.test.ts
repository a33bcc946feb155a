import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReshardResult } from '../manager/Resharder.js';
import { refusedCount } from './coordination.js';
import { type Reshardable, registerReshardRoutes } from './routes.js';

const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** A manager whose reshard finishes when the test says so. */
function fakeManager(refuse?: string) {
  let finish: ((result: ReshardResult) => void) | undefined;
  const calls: (number | undefined)[] = [];
  const manager: Reshardable & { resharding: boolean; shardCount: number } = {
    shardCount: 4,
    resharding: false,
    reshard(count) {
      calls.push(count);
      if (refuse) return Promise.reject(new Error(refuse));
      manager.resharding = true;
      return new Promise((resolve) => {
        finish = (result) => {
          manager.resharding = false;
          manager.shardCount = result.to;
          resolve(result);
        };
      });
    },
  };
  return { manager, calls, finish: (r: ReshardResult) => finish!(r) };
}

function app(manager: Reshardable) {
  const server = Fastify();
  apps.push(server);
  registerReshardRoutes(server, manager);
  return server;
}

describe('POST /reshard', () => {
  it('starts a reshard, refuses a second one, reports the result', async () => {
    const { manager, calls, finish } = fakeManager();
    const server = app(manager);
    const first = await server.inject({ method: 'POST', url: '/reshard', payload: { shards: 8 } });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ running: true, from: 4, to: 8 });
    const second = await server.inject({ method: 'POST', url: '/reshard?shards=16' });
    expect(second.statusCode).toBe(409);
    expect(calls).toEqual([8]);
    finish({ from: 4, to: 8, releasedAtSwitch: 3, missingGuilds: [] });
    await vi.waitFor(async () => {
      const status = (await server.inject({ method: 'GET', url: '/reshard' })).json();
      expect(status).toEqual({
        running: false,
        shardCount: 8,
        last: { ok: true, result: { from: 4, to: 8, releasedAtSwitch: 3, missingGuilds: [] } },
      });
    });
  });

  it('answers bad input with 400 and a refusal with 409', async () => {
    const bad = app(fakeManager().manager);
    for (const payload of [{ shards: 0 }, { shards: 'many' }, { shard: 2 }]) {
      expect((await bad.inject({ method: 'POST', url: '/reshard', payload })).statusCode).toBe(400);
    }
    const refusing = app(fakeManager(refusedCount(12, 8, [[0, 1, 2, 3]])!.message).manager);
    const answer = await refusing.inject({ method: 'POST', url: '/reshard', payload: { shards: 12 } });
    expect(answer.statusCode).toBe(409);
    expect(answer.json().error).toMatch(/12 shards: shards 0 and 4 of the 8 running .*: 16, …/);
  });
});
