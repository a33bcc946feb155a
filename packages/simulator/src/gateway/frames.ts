/**
 * Server-to-client WebSocket text frames (RFC 6455 5.2) written by hand: the server masks nothing
 * and negotiates no extension (Discord offers no permessage-deflate), so a frame is a 2, 4 or 10
 * byte header and the UTF-8 payload.
 */

/** The header bytes of a frame whose payload has `length` bytes. */
export function frameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Writes a final text frame's header for a `length`-byte payload at `at`; returns where the payload goes. */
export function writeFrameHeader(out: Buffer, at: number, length: number): number {
  out[at] = 0x81; // FIN, text frame
  if (length < 126) {
    out[at + 1] = length;
    return at + 2;
  }
  if (length < 65536) {
    out[at + 1] = 126;
    out.writeUInt16BE(length, at + 2);
    return at + 4;
  }
  out[at + 1] = 127;
  out.writeUInt32BE(Math.floor(length / 2 ** 32), at + 2);
  out.writeUInt32BE(length >>> 0, at + 6);
  return at + 10;
}

/** Where the payload of the frame starting at `start` begins. */
export function payloadStart(frames: Buffer, start: number): number {
  const marker = frames[start + 1]!;
  return start + (marker === 127 ? 10 : marker === 126 ? 4 : 2);
}

/** `text` as one text frame in a buffer of its own. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const out = Buffer.allocUnsafe(frameHeaderLength(length) + length);
  out.write(text, writeFrameHeader(out, 0, length), length, 'utf8');
  return out;
}
