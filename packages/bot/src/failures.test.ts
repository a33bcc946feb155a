import { PoisonMessageError } from '@shardwire/broker';
import { DiscordAPIError } from '@shardwire/rest';
import { describe, expect, it } from 'vitest';
import { asEnvelope, classifyFailure } from './failures.js';

const apiError = (status: number) => new DiscordAPIError(status, 0, 'nope', 'POST', '/channels/1/messages');

describe('classifyFailure', () => {
  it.each([
    [400, true],
    [403, true],
    [404, true],
    [408, false],
    [429, false],
    [500, false],
    [502, false],
  ])('Discord status %i is permanent: %s', (status, permanent) => {
    const error = apiError(status);
    const classified = classifyFailure(error);
    expect(classified instanceof PoisonMessageError).toBe(permanent);
    if (permanent) expect((classified as Error).cause).toBe(error);
    else expect(classified).toBe(error);
  });

  it('keeps other errors as they are, to be retried', () => {
    const error = new Error('ECONNRESET');
    expect(classifyFailure(error)).toBe(error);
    expect(classifyFailure('a string')).toBe('a string');
  });

  it('keeps a PoisonMessageError as it is', () => {
    const error = new PoisonMessageError('bad');
    expect(classifyFailure(error)).toBe(error);
  });
});

describe('asEnvelope', () => {
  const good = { id: '1:0:s:1', bot: '1', shard: 0, seq: 1, t: 'MESSAGE_CREATE', d: {}, receivedAt: 0 };

  it('accepts an envelope', () => {
    expect(asEnvelope(good)).toBe(good);
  });

  it.each([
    ['null', null],
    ['a string', 'MESSAGE_CREATE'],
    ['no id', { ...good, id: undefined }],
    ['an empty id', { ...good, id: '' }],
    ['no t', { ...good, t: undefined }],
    ['no d', { id: good.id, t: good.t }],
  ])('rejects %s as poison', (_, body) => {
    expect(() => asEnvelope(body)).toThrow(PoisonMessageError);
  });
});
