/** Cuts concatenated JSON objects (`{...}{...}`) at their top-level ends (pure, table-tested). */

/**
 * Returns the complete objects and the text after the last one (an object still incomplete).
 * Tracks strings and escapes so braces inside strings do not count. Throws on text that cannot be a
 * sequence of JSON objects, so a corrupt stream is noticed rather than mis-cut.
 */
export function splitPayloads(text: string): { payloads: string[]; rest: string } {
  const payloads: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (depth === 0 && c !== 123) throw new Error('gateway payload is not a JSON object');
      depth++;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth < 0) throw new Error('unbalanced JSON in the gateway stream');
      if (depth === 0) {
        payloads.push(text.slice(start, i + 1));
        start = i + 1;
      }
    } else if (depth === 0 && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
      throw new Error('text between gateway payloads');
    }
  }
  return { payloads, rest: text.slice(start) };
}
