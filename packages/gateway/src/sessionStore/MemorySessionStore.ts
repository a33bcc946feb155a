/** Sessions kept in this process: resumes across reconnects and a manager restarted in process. */
import type { SessionStore, ShardLayout, StoredSession } from './SessionStore.js';

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<number, StoredSession>();
  #layout: ShardLayout | undefined;

  async load(shard: number): Promise<StoredSession | undefined> {
    const session = this.#sessions.get(shard);
    return session ? { ...session } : undefined;
  }

  async save(shard: number, session: StoredSession): Promise<void> {
    this.#sessions.set(shard, { ...session });
  }

  async clear(shard: number): Promise<void> {
    this.#sessions.delete(shard);
  }

  async loadLayout(): Promise<ShardLayout | undefined> {
    return this.#layout ? { ...this.#layout } : undefined;
  }

  async saveLayout(layout: ShardLayout): Promise<void> {
    this.#layout = { shardCount: layout.shardCount, generation: layout.generation };
  }

  async close(): Promise<void> {}
}
