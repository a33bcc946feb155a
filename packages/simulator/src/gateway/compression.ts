/**
 * Transport compression: `zlib-stream` shares one deflate context per connection, each message ending
 * in a sync flush; `zstd-stream` sends each message as its own zstd frame.
 */
import { constants, createDeflate, type Deflate, deflateSync } from 'node:zlib';
import { Encoder as ZstdEncoder } from '@toondepauw/node-zstd';

export interface Encoder {
  /** Encodes one payload (JSON text, or its UTF-8 bytes); results come back in call order. */
  encode(payload: string | Buffer): Promise<string | Buffer>;
  close(): void;
}

export const plainEncoder: Encoder = {
  // Text, so that ws sends a text frame.
  encode: async (payload) => (typeof payload === 'string' ? payload : payload.toString('utf8')),
  close() {},
};

/** IDENTIFY's `compress: true`: every payload deflated on its own (zlib, not a stream). */
export const payloadZlibEncoder: Encoder = {
  encode: async (payload) => deflateSync(payload),
  close() {},
};

export class ZlibStreamEncoder implements Encoder {
  readonly #deflate: Deflate = createDeflate({ level: 6 });
  #chunks: Buffer[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor() {
    this.#deflate.on('data', (chunk: Buffer) => this.#chunks.push(chunk));
    this.#deflate.on('error', () => {});
  }

  encode(payload: string | Buffer): Promise<Buffer> {
    const result = this.#queue.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          this.#deflate.write(payload);
          this.#deflate.flush(constants.Z_SYNC_FLUSH, () => {
            const out = Buffer.concat(this.#chunks);
            this.#chunks = [];
            if (out.length === 0) reject(new Error('deflate produced no output'));
            else resolve(out);
          });
        }),
    );
    this.#queue = result.catch(() => {});
    return result;
  }

  close(): void {
    this.#deflate.close();
  }
}

/**
 * `zstd-stream`: Node 20's `node:zlib` has no zstd, and no maintained npm package that installs
 * without compiling offers a streaming compressor with flush, so each message is one complete zstd
 * frame (`@toondepauw/node-zstd`, prebuilt). A zstd stream may be a run of frames, so a client's
 * streaming decoder reads it as Discord's flushed stream; only the ratio is lower (no context is
 * shared between messages). Encoded synchronously: results stay in call order.
 */
const zstdEncoder = new ZstdEncoder(3);
export const zstdFramesEncoder: Encoder = {
  encode: async (payload) =>
    zstdEncoder.encodeSync(typeof payload === 'string' ? Buffer.from(payload) : payload),
  close() {},
};

/** The transport encoder for a `compress` query value, or undefined when the value is not supported. */
export function transportEncoder(compress: string | null): Encoder | undefined {
  if (compress === null || compress === '') return plainEncoder;
  if (compress === 'zlib-stream') return new ZlibStreamEncoder();
  if (compress === 'zstd-stream') return zstdFramesEncoder;
  return undefined;
}
