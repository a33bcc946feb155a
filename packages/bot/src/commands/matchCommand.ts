/** Finds the prefix and command name at the start of a message: the command router's pure core. */

export interface CommandMatch {
  /** The prefix the message used. */
  prefix: string;
  /** The command name as typed, lower-cased. */
  name: string;
  /** Everything after the name, with the separating whitespace removed; untouched otherwise. */
  argText: string;
}

const MENTION = /^<@!?\d+>$/;

/** The prefixes that address a bot by mention: `<@id>` and the legacy nickname form `<@!id>`. */
export function mentionPrefixes(botId: string): string[] {
  return [`<@${botId}>`, `<@!${botId}>`];
}

/**
 * `prefixes` are tried longest first, so `!!` wins over `!`. The name follows the prefix directly
 * (`! ping` is not a command), except after a mention prefix, and ends at the first whitespace.
 */
export function matchCommand(content: string, prefixes: readonly string[]): CommandMatch | undefined {
  const ordered = prefixes.filter((p) => p.length > 0).sort((a, b) => b.length - a.length);
  for (const prefix of ordered) {
    if (!content.startsWith(prefix)) continue;
    // A mention prefix is usually followed by a space (`@Bot ping`); other prefixes are not.
    const rest = MENTION.test(prefix)
      ? content.slice(prefix.length).trimStart()
      : content.slice(prefix.length);
    const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(rest);
    if (!match) return undefined;
    return { prefix, name: match[1]!.toLowerCase(), argText: (match[2] ?? '').trimEnd() };
  }
  return undefined;
}
