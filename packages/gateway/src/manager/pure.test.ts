import { describe, expect, it } from 'vitest';
import { formatProgress, identifyFloorMs, startupProgress } from './progress.js';

describe('startupProgress', () => {
  it.each([
    [0, 16, 0, 1_000, undefined, '0/16 shards ready'],
    [4, 16, 0, 20_000, 60_000, '4/16 shards ready, about 60 s left'],
    [16, 16, 0, 80_000, 0, '16/16 shards ready'],
  ])('%i of %i', (ready, total, startedAt, now, eta, text) => {
    const progress = startupProgress(ready, total, startedAt, now);
    expect(progress.etaMs).toBe(eta);
    expect(formatProgress(progress)).toBe(text);
  });

  it.each([
    [1, 2, 0, 50, identifyFloorMs(1, 1), '1/2 shards ready, about 1 s left'],
    [1, 16, 0, 50, identifyFloorMs(15, 1), '1/16 shards ready, about 70 s left'],
    [16, 64, 0, 100, identifyFloorMs(48, 16), '16/64 shards ready, about 10 s left'],
  ])('%i of %i with the identify floor', (ready, total, startedAt, now, floor, text) => {
    const progress = startupProgress(ready, total, startedAt, now, floor);
    expect(formatProgress(progress)).toBe(text);
  });
});
