/** A real pino logger whose lines are kept in memory, so tests can assert what was logged. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@shardwire/core';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export function captureLogs(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  return { logger: createLogger({ name: 'worker-test', level: 'debug', destination }), lines };
}
