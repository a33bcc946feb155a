import { describe, expect, it } from 'vitest';
import { recordingLogger, redactSecrets } from './logger.js';

const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz012345';

describe('logger', () => {
  it('redacts secret fields, tokens in messages and in errors', () => {
    const { lines, logger } = recordingLogger('test', 'info');
    logger.info({ token, headers: { authorization: `Bot ${token}` } }, `connecting with ${token}`);
    logger.error({ err: new Error(`401 for Bot ${token}`) }, 'failed');
    const out = JSON.stringify(lines);
    expect(out).not.toContain(token);
    expect(out).not.toContain('GAbCdE');
    expect(out).toContain('[redacted]');
  });

  it('scrubs authorization schemes in free text', () => {
    expect(redactSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
  });
});

describe('recordingLogger', () => {
  it('keeps each line at or above its level, parsed and redacted', () => {
    const { logger, lines, messages } = recordingLogger('test', 'warn');
    logger.info('not kept');
    logger.warn({ token: 'secret-value' }, 'kept');
    expect(messages()).toEqual(['kept']);
    expect(lines[0]).toMatchObject({ name: 'test', token: '[redacted]' });
  });
});
