/**
 * A bounded, append-only spool of envelopes on disk for one shard, used while the broker is
 * unreachable. Records are JSON lines; appends are fsynced in batches and each append resolves only
 * once its record is on disk. Reading goes front to back; once everything is read and published the
 * file is truncated. What is read is remembered in a small offset file, so a restarted process
 * publishes only what was not yet published (a crash in between repeats a few: ids dedupe them).
 */
import { type FileHandle, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskSpoolOptions {
  dir: string;
  /** File name stem, e.g. `shard-3`. */
  name: string;
  /** Bytes the spool may hold; an append past it waits for the spool to drain. Default 256 MiB. */
  maxBytes?: number;
  /** How long an append may wait for companions before the batch is fsynced. Default 5 ms. */
  batchMs?: number;
}

interface Pending {
  line: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class DiskSpool<T = unknown> {
  readonly #options: DiskSpoolOptions;
  readonly #path: string;
  readonly #offsetPath: string;
  #handle: FileHandle | undefined;
  /** Bytes written (and fsynced) to the file. */
  #size = 0;
  /** Bytes already handed out by `next` and acknowledged by `ack`. */
  #readOffset = 0;
  #batch: Pending[] = [];
  #batchBytes = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  /** Every change to the files (batch writes, truncation, the offset) runs on this chain, one at a time. */
  #flushing: Promise<void> = Promise.resolve();
  #spaceWaiters: (() => void)[] = [];
  #readBuffer: { offset: number; records: { record: T; end: number }[] } = { offset: 0, records: [] };

  private constructor(options: DiskSpoolOptions) {
    this.#options = options;
    this.#path = join(options.dir, `${options.name}.spool`);
    this.#offsetPath = join(options.dir, `${options.name}.offset`);
  }

  /** Opens (or creates) the spool, keeping what an earlier process left unpublished. */
  static async open<T>(options: DiskSpoolOptions): Promise<DiskSpool<T>> {
    const spool = new DiskSpool<T>(options);
    await mkdir(options.dir, { recursive: true });
    spool.#handle = await open(spool.#path, 'a+');
    const { size } = await spool.#handle.stat();
    spool.#size = size;
    spool.#readOffset = Math.min(size, await readOffsetFile(spool.#offsetPath));
    if (spool.#readOffset >= size && size > 0) await spool.#truncate();
    return spool;
  }

  /** Bytes written and not yet acknowledged. */
  get depthBytes(): number {
    return this.#size + this.#batchBytes - this.#readOffset;
  }

  get isEmpty(): boolean {
    return this.depthBytes === 0;
  }

  /** Appends a record; resolves once it is fsynced. Waits while the spool is full. */
  async append(record: T): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    const max = this.#options.maxBytes ?? 256 * 1024 * 1024;
    while (this.#size + this.#batchBytes + line.length > max && !this.isEmpty) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
    return new Promise((resolve, reject) => {
      this.#batch.push({ line, resolve, reject });
      this.#batchBytes += line.length;
      this.#flushTimer ??= setTimeout(() => this.#flush(), this.#options.batchMs ?? 5);
    });
  }

  /** Up to `limit` records after the acknowledged ones, oldest first (only fsynced ones). */
  async peek(limit: number): Promise<{ record: T; end: number }[]> {
    await this.#flushing;
    if (this.#readBuffer.offset !== this.#readOffset || this.#readBuffer.records.length === 0) {
      this.#readBuffer = {
        offset: this.#readOffset,
        records: await this.#read(this.#readOffset, 1024 * 1024),
      };
    }
    return this.#readBuffer.records.slice(0, limit);
  }

  /** The records up to byte `end` (from `peek`) are published: they will not be read again. */
  async ack(end: number): Promise<void> {
    this.#readBuffer.records = this.#readBuffer.records.filter((r) => r.end > end);
    this.#readBuffer.offset = end;
    this.#readOffset = end;
    const step = this.#flushing.then(async () => {
      // Decided in turn: a batch written before this step counts in #size, one after it lands after the truncation.
      if (this.#readOffset >= this.#size && this.#batch.length === 0) await this.#truncate();
      else await writeFile(this.#offsetPath, String(this.#readOffset));
    });
    this.#flushing = step.catch(() => {});
    await step;
  }

  async close(): Promise<void> {
    if (this.#flushTimer) {
      clearTimeout(this.#flushTimer);
      this.#flush();
    }
    await this.#flushing;
    await this.#handle?.close();
    this.#handle = undefined;
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const batch = this.#batch;
    this.#batch = [];
    const bytes = this.#batchBytes;
    this.#batchBytes = 0;
    this.#flushing = this.#flushing.then(async () => {
      try {
        await this.#handle!.write(Buffer.concat(batch.map((p) => p.line)));
        await this.#handle!.sync();
        this.#size += bytes;
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    });
  }

  async #read(from: number, maxBytes: number): Promise<{ record: T; end: number }[]> {
    const length = Math.min(maxBytes, this.#size - from);
    if (length <= 0) return [];
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.#handle!.read(buffer, 0, length, from);
    const out: { record: T; end: number }[] = [];
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf(10, start);
      if (nl === -1 || nl >= bytesRead) break;
      out.push({ record: JSON.parse(buffer.subarray(start, nl).toString()) as T, end: from + nl + 1 });
      start = nl + 1;
    }
    if (out.length === 0 && length === maxBytes) return this.#read(from, maxBytes * 2);
    return out;
  }

  async #truncate(): Promise<void> {
    await this.#handle!.truncate(0);
    this.#size = 0;
    this.#readOffset = 0;
    this.#readBuffer = { offset: 0, records: [] };
    const tmp = `${this.#offsetPath}.tmp`;
    await writeFile(tmp, '0');
    await rename(tmp, this.#offsetPath);
    for (const wake of this.#spaceWaiters.splice(0)) wake();
  }
}

async function readOffsetFile(path: string): Promise<number> {
  try {
    const value = Number((await readFile(path, 'utf8')).trim());
    return Number.isFinite(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}
