/** Names of groups and subjects: dot-separated words that every backend can carry unchanged. */
const NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function validateName(kind: 'group' | 'subject', name: string): void {
  if (typeof name !== 'string' || name.length > 200 || !NAME.test(name))
    throw new TypeError(
      `${kind} "${name}" must be dot-separated words of letters, digits, _ or - (at most 200)`,
    );
}
