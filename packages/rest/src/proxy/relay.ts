/** Streams an upstream answer body to the caller with backpressure, without `stream.pipeline`'s per-call AbortController. */
import type { Readable, Writable } from 'node:stream';

export function relay(from: Readable, to: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      from.off('data', onData);
      to.off('drain', onDrain);
      to.off('close', onClose);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      if (!to.write(chunk)) from.pause();
    };
    const onDrain = () => from.resume();
    // The caller left mid-answer: stop reading upstream.
    const onClose = () => {
      if (!from.readableEnded) from.destroy();
      done();
    };
    from.on('data', onData);
    to.on('drain', onDrain);
    to.once('close', onClose);
    from.once('end', () => to.end(done));
    from.once('error', () => {
      to.destroy();
      done();
    });
  });
}
