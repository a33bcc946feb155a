/**
 * Write-behind of one shard's confirmed position to the session store: at most one write in flight,
 * the latest value wins, so a busy shard costs one store write per round trip, not one per event.
 */
import { type Logger, sleep } from '@shardwire/core';
import type { SessionStore, StoredSession } from './SessionStore.js';

export class Checkpoint {
  #latest: StoredSession | undefined;
  #writing: Promise<void> | undefined;

  constructor(
    private readonly store: SessionStore,
    private readonly shard: number,
    private readonly logger?: Logger,
  ) {}

  update(session: StoredSession): void {
    this.#latest = session;
    this.#writing ??= this.#flush();
  }

  /** Resolves when the latest value is written. */
  async settle(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#latest) {
        const next = this.#latest;
        this.#latest = undefined;
        try {
          await this.store.save(this.shard, next);
        } catch (err) {
          this.logger?.warn({ err, shard: this.shard }, 'session store write failed');
          // Keep the newest value for the next try, unless a newer one arrived meanwhile.
          this.#latest ??= next;
          await sleep(1_000);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }
}
