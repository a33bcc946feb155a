/** When to warn about the daily session start budget (pure). */

/** A warning when the budget has just crossed 10 % or 1 % of the total, or is at 0; else undefined. */
export function budgetWarning(remaining: number, total: number): string | undefined {
  if (remaining <= 0) return 'session start limit used up: further identifies wait for the reset';
  if (remaining === Math.floor(total / 100)) return `session start limit low: ${remaining} of ${total} left`;
  if (remaining === Math.floor(total / 10))
    return `session start limit at 10%: ${remaining} of ${total} left`;
  return undefined;
}
