/** Payload bytes to text. */
import { isAscii } from 'node:buffer';

/**
 * UTF-8 text of `bytes`; ASCII (most gateway payloads) is decoded as Latin-1, the same characters
 * for a plain copy, where V8's UTF-8 decoder costs several times more per small string.
 */
export function decodeText(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}
