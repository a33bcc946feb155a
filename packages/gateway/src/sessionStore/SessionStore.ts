/**
 * The session store seam: what a gateway needs to RESUME its shards after a restart. `seq` is the
 * last sequence number whose envelope the broker confirmed, never one merely received.
 */
import type { SessionInfo } from '../shard/session.js';

export interface StoredSession extends SessionInfo {
  /** The shard count the session was identified with; a different count cannot resume it. */
  shardCount: number;
}

/**
 * The bot's shard layout, written when a reshard switches: a restart with the configured count
 * starts this layout again (when the configuration can derive it), so the sessions resume.
 */
export interface ShardLayout {
  shardCount: number;
  /** Counts the reshards: 0 for the first layout, +1 per switch. */
  generation: number;
}

export interface SessionStore {
  load(shard: number): Promise<StoredSession | undefined>;
  save(shard: number, session: StoredSession): Promise<void>;
  clear(shard: number): Promise<void>;
  /** The bot's layout, or undefined when no reshard has recorded one. */
  loadLayout(): Promise<ShardLayout | undefined>;
  saveLayout(layout: ShardLayout): Promise<void>;
  close(): Promise<void>;
}
