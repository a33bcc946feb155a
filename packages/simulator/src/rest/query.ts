/** Query-string parsing with Discord's 50035 errors for bad values. */
import { Errors, fieldError } from './errors.js';

const SNOWFLAKE = /^\d{1,20}$/;

export function snowflakeParam(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !SNOWFLAKE.test(value))
    throw Errors.invalidFormBody(
      fieldError([name], 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not snowflake.`),
    );
  return value;
}

export function intParam(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n))
    throw Errors.invalidFormBody(
      fieldError([name], 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not int.`),
    );
  if (n < min || n > max)
    throw Errors.invalidFormBody(
      fieldError(
        [name],
        n < min ? 'NUMBER_TYPE_MIN' : 'NUMBER_TYPE_MAX',
        `int value should be ${n < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}.`,
      ),
    );
  return n;
}
