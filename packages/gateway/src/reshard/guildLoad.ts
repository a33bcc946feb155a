/**
 * Follows a new shard's start: READY lists its guilds, then one GUILD_CREATE each (the snapshot).
 * The shard has "sent its guilds" when every listed guild arrived.
 */
export class GuildLoad {
  #pending: Set<string> | undefined;

  /** True once READY came and every guild it listed arrived. */
  get loaded(): boolean {
    return this.#pending !== undefined && this.#pending.size === 0;
  }

  get ready(): boolean {
    return this.#pending !== undefined;
  }

  /** Records the dispatch; true when it is part of the start (READY or a snapshot GUILD_CREATE). */
  observe(t: string, d: unknown): boolean {
    if (t === 'READY') {
      const guilds = (d as { guilds?: { id: string }[] } | null)?.guilds ?? [];
      this.#pending = new Set(guilds.map((g) => g.id));
      return true;
    }
    if (t === 'GUILD_CREATE' && this.#pending) {
      const id = (d as { id?: string } | null)?.id;
      if (id !== undefined && this.#pending.delete(id)) return true;
    }
    return false;
  }

  /** Gives up on guilds that never came (an outage): the shard counts as loaded. */
  giveUp(): string[] {
    const left = [...(this.#pending ?? [])];
    this.#pending = new Set();
    return left;
  }
}
