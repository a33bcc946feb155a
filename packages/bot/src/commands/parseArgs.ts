/**
 * Splits a command's argument text into words: whitespace separates, double quotes (straight or
 * curly, as phone keyboards type them) group, a backslash escapes the next character.
 */

const OPENING_QUOTES: Record<string, string> = { '"': '"', '\u201c': '\u201d', '\u201e': '\u201d' };

export function parseArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  // A word has started even when it is empty (`""` is one empty argument).
  let inWord = false;
  let closing: string | undefined;

  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (closing !== undefined) {
      if (char === closing || (closing === '\u201d' && char === '"')) closing = undefined;
      else current += char;
    } else if (OPENING_QUOTES[char] !== undefined) {
      closing = OPENING_QUOTES[char];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  // An unterminated quote runs to the end of the text.
  if (inWord) args.push(current);
  return args;
}
