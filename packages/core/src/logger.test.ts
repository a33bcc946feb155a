import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from './logger.js';

const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz012345';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'test', destination }) };
}

describe('logger', () => {
  it('redacts secret fields, tokens in messages and in errors', () => {
    const { lines, logger } = capture();
    logger.info({ token, headers: { authorization: `Bot ${token}` } }, `connecting with ${token}`);
    logger.error({ err: new Error(`401 for Bot ${token}`) }, 'failed');
    const out = lines.join('');
    expect(out).not.toContain(token);
    expect(out).not.toContain('GAbCdE');
    expect(out).toContain('[redacted]');
  });

  it('scrubs authorization schemes in free text', () => {
    expect(redactSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
  });
});
