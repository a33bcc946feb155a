import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskSpool } from './DiskSpool.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'spool-'));
  dirs.push(dir);
  return dir;
}

describe('DiskSpool', () => {
  it('appends records durably and reads them back in order', async () => {
    const dir = await tempDir();
    const spool = await DiskSpool.open<{ n: number }>({ dir, name: 'shard-0' });
    await Promise.all(Array.from({ length: 100 }, (_, n) => spool.append({ n })));
    expect((await stat(join(dir, 'shard-0.spool'))).size).toBe(spool.depthBytes);
    const first = await spool.peek(10);
    expect(first.map((r) => r.record.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await spool.ack(first.at(-1)!.end);
    expect((await spool.peek(1))[0]!.record.n).toBe(10);
    await spool.close();
  });

  it('keeps what was not acknowledged across a reopen (a restarted process)', async () => {
    const dir = await tempDir();
    const spool = await DiskSpool.open<{ n: number }>({ dir, name: 's' });
    for (let n = 0; n < 5; n++) await spool.append({ n });
    const read = await spool.peek(2);
    await spool.ack(read[1]!.end);
    await spool.close();
    const again = await DiskSpool.open<{ n: number }>({ dir, name: 's' });
    expect((await again.peek(10)).map((r) => r.record.n)).toEqual([2, 3, 4]);
    await again.close();
  });

  it('empties the file once everything is acknowledged', async () => {
    const dir = await tempDir();
    const spool = await DiskSpool.open<string>({ dir, name: 's' });
    await spool.append('a');
    await spool.append('b');
    const read = await spool.peek(10);
    await spool.ack(read.at(-1)!.end);
    expect(spool.isEmpty).toBe(true);
    expect((await stat(join(dir, 's.spool'))).size).toBe(0);
    expect(await readFile(join(dir, 's.offset'), 'utf8')).toBe('0');
    await spool.append('c');
    expect((await spool.peek(10)).map((r) => r.record)).toEqual(['c']);
    await spool.close();
  });

  it('makes an append wait while the spool is full, until it drains', async () => {
    const dir = await tempDir();
    const spool = await DiskSpool.open<string>({ dir, name: 's', maxBytes: 20 });
    await spool.append('0123456789'); // 13 bytes with quotes and newline
    let appended = false;
    const waiting = spool.append('abcdefghij').then(() => {
      appended = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(appended).toBe(false);
    const read = await spool.peek(1);
    await spool.ack(read[0]!.end);
    await waiting;
    expect((await spool.peek(5)).map((r) => r.record)).toEqual(['abcdefghij']);
    await spool.close();
  });

  it('loses nothing appended while the last records are acknowledged (truncation race)', async () => {
    const dir = await tempDir();
    const spool = await DiskSpool.open<number>({ dir, name: 's', batchMs: 0 });
    const read: number[] = [];
    for (let n = 0; n < 200; n += 2) {
      await spool.append(n);
      const [first] = await spool.peek(1);
      const late = spool.append(n + 1);
      await new Promise((resolve) => setTimeout(resolve, n % 3)); // its batch write may be under way now
      await spool.ack(first!.end);
      read.push(first!.record);
      await late;
      const [second] = await spool.peek(1);
      expect(second?.record).toBe(n + 1);
      await spool.ack(second!.end);
      read.push(second!.record);
    }
    expect(read).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await spool.close();
  });
});
