/** The contract every SessionStore backend passes (run by each backend's test file). */
import { describe, expect, it } from 'vitest';
import type { SessionStore } from './SessionStore.js';

export function sessionStoreContract(name: string, make: () => Promise<SessionStore>): void {
  describe(`SessionStore contract: ${name}`, () => {
    const session = { sessionId: 'abc', resumeGatewayUrl: 'wss://resume.example', seq: 42, shardCount: 4 };

    it('loads nothing for an unknown shard', async () => {
      const store = await make();
      expect(await store.load(3)).toBeUndefined();
      await store.close();
    });

    it('keeps one session per shard and returns copies', async () => {
      const store = await make();
      await store.save(0, session);
      await store.save(1, { ...session, sessionId: 'def', seq: 7 });
      const loaded = await store.load(0);
      expect(loaded).toEqual(session);
      loaded!.seq = 1000;
      expect((await store.load(0))?.seq).toBe(42);
      expect((await store.load(1))?.sessionId).toBe('def');
      await store.close();
    });

    it('overwrites with the latest save and forgets on clear', async () => {
      const store = await make();
      await store.save(2, session);
      await store.save(2, { ...session, seq: 43 });
      expect((await store.load(2))?.seq).toBe(43);
      await store.clear(2);
      expect(await store.load(2)).toBeUndefined();
      await store.close();
    });

    it('keeps the latest shard layout, apart from the sessions, and returns copies', async () => {
      const store = await make();
      expect(await store.loadLayout()).toBeUndefined();
      await store.saveLayout({ shardCount: 8, generation: 1 });
      await store.saveLayout({ shardCount: 16, generation: 2 });
      const layout = await store.loadLayout();
      expect(layout).toEqual({ shardCount: 16, generation: 2 });
      layout!.shardCount = 3;
      expect((await store.loadLayout())?.shardCount).toBe(16);
      await store.save(0, session);
      await store.clear(0);
      expect(await store.loadLayout()).toEqual({ shardCount: 16, generation: 2 });
      await store.close();
    });
  });
}
