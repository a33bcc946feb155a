// The zlib-stream bytes of a payload sequence: one deflate context, a Z_SYNC_FLUSH after each payload.
import { constants, createDeflate } from 'node:zlib';

export async function zlibStreamFrames(texts) {
  const deflate = createDeflate({ flush: constants.Z_SYNC_FLUSH });
  const frames = [];
  for (const text of texts) {
    deflate.write(text);
    await new Promise((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, resolve));
    frames.push(deflate.read());
  }
  deflate.destroy();
  return frames;
}
