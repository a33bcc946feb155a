/** Typed configuration read once per service from environment variables and command-line flags. */
import { z } from 'zod';

/** One setting: where it comes from, how it is validated, and what the README says of it. */
export interface Setting<T extends z.ZodType = z.ZodType> {
  /** Environment variable, e.g. `SIM_PORT`. */
  env: string;
  /** Command-line flag without dashes, e.g. `port` for `--port`. */
  flag?: string;
  schema: T;
  /** One line for the README's configuration table. */
  doc: string;
  /** Never echoed back in errors (tokens, secrets). */
  secret?: boolean;
}

export type SettingsSpec = Record<string, Setting>;
export type ConfigOf<S extends SettingsSpec> = { [K in keyof S]: z.output<S[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export type Flags = Record<string, string | boolean | undefined>;

/**
 * Reads every setting, flags winning over the environment. A wrong value throws a `ConfigError`
 * naming the variable (and flag), what it expects and what it got; a secret's value is never shown.
 */
export function loadConfig<S extends SettingsSpec>(
  spec: S,
  sources: { env?: Record<string, string | undefined>; flags?: Flags } = {},
): ConfigOf<S> {
  const env = sources.env ?? process.env;
  const flags = sources.flags ?? {};
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(spec)) {
    const fromFlag = setting.flag === undefined ? undefined : flags[setting.flag];
    const raw = fromFlag ?? emptyToUndefined(env[setting.env]);
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) {
      out[key] = parsed.data;
      continue;
    }
    const name = setting.flag ? `${setting.env} (--${setting.flag})` : setting.env;
    const expected = parsed.error.issues.map((issue) => issue.message).join('; ');
    const got = setting.secret ? '' : `, got ${JSON.stringify(raw)}`;
    problems.push(`${name}: ${expected}${got} — ${setting.doc}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Common schemas, so every service words its errors alike. */
export const schemas = {
  port: (fallback: number) =>
    z.coerce
      .number({ message: 'expected a port number' })
      .int({ message: 'expected an integer port between 0 and 65535' })
      .min(0, { message: 'expected an integer port between 0 and 65535' })
      .max(65535, { message: 'expected an integer port between 0 and 65535' })
      .default(fallback),
  positiveInt: (fallback: number) =>
    z.coerce
      .number({ message: 'expected a positive integer' })
      .int({ message: 'expected a positive integer' })
      .positive({ message: 'expected a positive integer' })
      .default(fallback),
  nonNegativeInt: (fallback: number) =>
    z.coerce
      .number({ message: 'expected a non-negative integer' })
      .int({ message: 'expected a non-negative integer' })
      .min(0, { message: 'expected a non-negative integer' })
      .default(fallback),
  host: (fallback: string) =>
    z.string({ message: 'expected a host name or address' }).min(1).default(fallback),
  url: (protocols: string[]) =>
    z.string({ message: `expected a URL (${protocols.join(', ')})` }).refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { message: `expected a URL with scheme ${protocols.map((p) => `${p}:`).join(' or ')}` },
    ),
  logLevel: () =>
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
} as const;

/** Parses `--name value`, `--name=value` and bare `--flag` into a record; positionals are returned apart. */
export function parseArgs(argv: readonly string[]): { flags: Flags; positionals: string[] } {
  const flags: Flags = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      flags[arg.slice(2, eq)] = arg.slice(eq + 1);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags[arg.slice(2)] = next;
      i++;
    } else {
      flags[arg.slice(2)] = true;
    }
  }
  return { flags, positionals };
}
