/** Discord's error bodies: `{ code, message, errors? }` with its JSON error codes. */
import type { z } from 'zod';

export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  body(): { code: number; message: string; errors?: unknown } {
    return {
      code: this.code,
      message: this.message,
      ...(this.errors !== undefined ? { errors: this.errors } : {}),
    };
  }
}

/** A 429 raised inside a route (per-resource `shared` limits): its own headers and Discord's rate-limit body. */
export class RateLimitedError extends DiscordHttpError {
  constructor(
    readonly headers: Record<string, string>,
    readonly rateLimitBody: { message: string; retry_after: number; global: boolean },
  ) {
    super(429, 0, rateLimitBody.message);
  }

  override body(): { code: number; message: string } {
    return this.rateLimitBody as unknown as { code: number; message: string };
  }
}

export const Errors = {
  unauthorized: () => new DiscordHttpError(401, 0, '401: Unauthorized'),
  notFound: () => new DiscordHttpError(404, 0, '404: Not Found'),
  methodNotAllowed: () => new DiscordHttpError(405, 0, '405: Method Not Allowed'),
  unknownChannel: () => new DiscordHttpError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => new DiscordHttpError(404, 10004, 'Unknown Guild'),
  unknownMember: () => new DiscordHttpError(404, 10007, 'Unknown Member'),
  unknownMessage: () => new DiscordHttpError(404, 10008, 'Unknown Message'),
  unknownRole: () => new DiscordHttpError(404, 10011, 'Unknown Role'),
  unknownUser: () => new DiscordHttpError(404, 10013, 'Unknown User'),
  unknownApplication: () => new DiscordHttpError(404, 10002, 'Unknown Application'),
  missingAccess: () => new DiscordHttpError(403, 50001, 'Missing Access'),
  emptyMessage: () => new DiscordHttpError(400, 50006, 'Cannot send an empty message'),
  notAuthor: () => new DiscordHttpError(403, 50005, 'Cannot edit a message authored by another user'),
  invalidJson: () => new DiscordHttpError(400, 50109, 'The request body contains invalid JSON.'),
  tooOldToBulkDelete: () =>
    new DiscordHttpError(400, 50034, 'You can only bulk delete messages that are under 14 days old.'),
  threadArchived: () =>
    new DiscordHttpError(400, 50083, 'Operation cannot be performed on an archived thread'),
  invalidFormBody: (errors: unknown) => new DiscordHttpError(400, 50035, 'Invalid Form Body', errors),
};

/** One field error in Discord's nested `{ field: { _errors: [{ code, message }] } }` form. */
export function fieldError(
  path: (string | number)[],
  code: string,
  message: string,
): Record<string, unknown> {
  let node: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) node = { [String(key)]: node };
  return node;
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (key === '_errors' && Array.isArray(existing) && Array.isArray(value)) existing.push(...value);
    else if (existing && typeof existing === 'object' && value && typeof value === 'object')
      merge(existing as Record<string, unknown>, value as Record<string, unknown>);
    else into[key] = value;
  }
  return into;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function codeOf(issue: z.core.$ZodIssue, input: unknown): { code: string; message: string } {
  switch (issue.code) {
    case 'invalid_type': {
      const value = valueAt(input, issue.path);
      return value === undefined || value === null
        ? { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }
        : {
            code: `${issue.expected.toUpperCase()}_TYPE_CONVERT`,
            message: `Must be a valid ${issue.expected}.`,
          };
    }
    case 'too_big':
      return issue.origin === 'number'
        ? { code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${issue.maximum}.` }
        : { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${issue.maximum} or fewer in length.` };
    case 'too_small':
      return issue.origin === 'number'
        ? {
            code: 'NUMBER_TYPE_MIN',
            message: `int value should be greater than or equal to ${issue.minimum}.`,
          }
        : { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${issue.minimum} or more in length.` };
    default:
      return { code: 'BASE_TYPE_INVALID', message: issue.message };
  }
}

/** Zod issues as a Discord 50035 Invalid Form Body error. */
export function formError(error: z.ZodError, input: unknown): DiscordHttpError {
  const errors: Record<string, unknown> = {};
  for (const issue of error.issues) {
    const { code, message } = codeOf(issue, input);
    merge(errors, fieldError(issue.path as (string | number)[], code, message));
  }
  return Errors.invalidFormBody(errors);
}

/** Parses a body with `schema`, throwing Discord's 50035 on failure. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw formError(result.error, body ?? {});
  return result.data;
}
