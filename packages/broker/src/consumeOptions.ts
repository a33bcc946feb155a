/** Defaults and checks for consume options, shared by every backend. */
import type { ConsumeOptions, GroupOptions } from './Broker.js';

export const DEFAULT_PREFETCH = 32;
export const DEFAULT_MAX_DELIVERIES = 5;

export function validateConsumeOptions(options: ConsumeOptions & GroupOptions) {
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  const maxDeliveries = options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
  positiveInt('prefetch', prefetch);
  positiveInt('maxDeliveries', maxDeliveries);
  if (options.maxLength !== undefined) positiveInt('maxLength', options.maxLength);
  if (options.maxAgeMs !== undefined) positiveInt('maxAgeMs', options.maxAgeMs);
  return { prefetch, maxDeliveries, ordered: options.ordered === true };
}

function positiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a positive integer, got ${value}`);
}
