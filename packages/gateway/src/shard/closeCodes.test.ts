import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { classifyClose, ShardFatalError } from './closeCodes.js';

describe('classifyClose', () => {
  it.each([
    [4000, 'resume'],
    [4001, 'resume'],
    [4002, 'resume'],
    [4003, 'reidentify'],
    [4004, 'fatal'],
    [4005, 'resume'],
    [4007, 'reidentify'],
    [4008, 'resume'],
    [4009, 'reidentify'],
    [4010, 'fatal'],
    [4011, 'fatal'],
    [4012, 'fatal'],
    [4013, 'fatal'],
    [4014, 'fatal'],
    [1000, 'reidentify'],
    [1001, 'reidentify'],
    [1006, 'resume'],
    [4999, 'resume'],
  ])('close %i → %s', (code, action) => {
    expect(classifyClose(code).action).toBe(action);
  });

  it('names the cause of a fatal close in the error', () => {
    const err = new ShardFatalError(3, 4014, classifyClose(4014).reason);
    expect(err.message).toBe(
      'shard 3 stopped: gateway closed with 4014 (disallowed intents: a privileged intent is not enabled for the bot)',
    );
  });
});

describe('backoffDelay', () => {
  it.each([
    [0, 0.99, 0],
    [1, 0, 500],
    [1, 1, 1_000],
    [2, 0, 1_000],
    [3, 0.5, 3_000],
    [20, 1, 60_000],
    [1000, 0, 30_000],
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, random)).toBe(expected);
  });
});
