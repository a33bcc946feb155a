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

/**
 * The same cut when the caller knows how many payloads end in `text` (one per frame that ends with
 * the Z_SYNC_FLUSH suffix) and whether `text` ends with one, without reading every character:
 * Discord sends compact JSON, so each boundary between payloads is a `}{"`, found with `indexOf`.
 * Inside a string that sequence only appears where the string itself ends in `}{`; there are then
 * more candidates than boundaries and the exact scan (`splitPayloads`) decides. Payloads not
 * written compactly give fewer candidates and take the exact scan too.
 */
export function cutPayloads(
  text: string,
  complete: number,
  endsComplete: boolean,
): { payloads: string[]; rest: string } {
  if (complete === 0) return { payloads: [], rest: text };
  // Boundaries to find: between the complete payloads, and before a trailing incomplete one.
  const wanted = endsComplete ? complete - 1 : complete;
  const payloads: string[] = [];
  let start = 0;
  for (let at = text.indexOf('}{"'); at !== -1; at = text.indexOf('}{"', at + 3)) {
    if (payloads.length === wanted) return exact(text, complete);
    payloads.push(text.slice(start, at + 1));
    start = at + 1;
  }
  if (payloads.length !== wanted || text.charCodeAt(0) !== 123) return exact(text, complete);
  if (!endsComplete) return { payloads, rest: text.slice(start) };
  if (text.charCodeAt(text.length - 1) !== 125) return exact(text, complete);
  payloads.push(start === 0 ? text : text.slice(start));
  return { payloads, rest: '' };
}

function exact(text: string, complete: number): { payloads: string[]; rest: string } {
  const split = splitPayloads(text);
  if (split.payloads.length !== complete) {
    throw new Error(`zlib-stream: ${complete} payload ends but ${split.payloads.length} payloads inflated`);
  }
  return split;
}
