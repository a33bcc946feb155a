/** A real pino logger whose lines are kept in memory, so tests can assert what was logged. */
import { type Logger, recordingLogger } from '@shardwire/core';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export function captureLogs(): { logger: Logger; lines: LogLine[] } {
  const { logger, lines } = recordingLogger('worker-test', 'debug');
  return { logger, lines: lines as LogLine[] };
}
