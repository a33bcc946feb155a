/** Structured logging (pino) that never writes a token, secret or cookie. */

import { Writable } from 'node:stream';
import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

const REDACTED = '[redacted]';

// Keys whose values are secrets wherever they appear in a log object.
const SECRET_KEYS = [
  'token',
  'authorization',
  'Authorization',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'cookie',
  'Cookie',
  'set-cookie',
  'access_token',
  'refresh_token',
  'code_verifier',
];
const redactPaths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers["${key}"]`]);

// A Discord bot token: base64 user id, a timestamp part and an HMAC part.
const TOKEN_PATTERN = /\b[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}\b/g;
const BEARER_PATTERN = /\b(Bot|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

/** Blanks anything that looks like a token or an authorization header value in free text. */
export function redactSecrets(text: string): string {
  return text.replace(BEARER_PATTERN, `$1 ${REDACTED}`).replace(TOKEN_PATTERN, REDACTED);
}

export interface LoggerConfig {
  level?: LoggerOptions['level'];
  /** The service name, added to every line. */
  name: string;
  /** Write to this stream instead of stdout (tests). */
  destination?: NodeJS.WritableStream;
}

export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    name: config.name,
    level: config.level ?? 'info',
    redact: { paths: redactPaths, censor: REDACTED },
    serializers: {
      err: (err: unknown) => {
        const serialized = pino.stdSerializers.err(err as Error);
        return {
          ...serialized,
          message: redactSecrets(serialized.message),
          stack: serialized.stack ? redactSecrets(serialized.stack) : serialized.stack,
        };
      },
    },
    hooks: {
      // Messages are free text: scrub them as well as the structured fields.
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg));
        method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  return config.destination ? pino(options, config.destination as pino.DestinationStream) : pino(options);
}

/**
 * A logger that keeps each line it writes, parsed, in `lines` (redacted as any other): for tests
 * that check what a service logged, and for tools that read a log in memory.
 */
export function recordingLogger(
  name: string,
  level: LoggerOptions['level'] = 'warn',
): { logger: Logger; lines: Record<string, unknown>[]; messages: () => string[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    name,
    level,
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    }),
  });
  return { logger, lines, messages: () => lines.map((line) => String(line.msg)) };
}
