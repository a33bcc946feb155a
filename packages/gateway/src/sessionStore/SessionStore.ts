/**
 * The session store seam: what a gateway needs to RESUME its shards after a restart. `seq` is the
 * last sequence number whose envelope the broker confirmed, never one merely received.
 */
import type { SessionInfo } from '../shard/session.js';

export interface StoredSession extends SessionInfo {
  /** The shard count the session was identified with; a different count cannot resume it. */
  shardCount: number;
}

export interface SessionStore {
  load(shard: number): Promise<StoredSession | undefined>;
  save(shard: number, session: StoredSession): Promise<void>;
  clear(shard: number): Promise<void>;
  close(): Promise<void>;
}
