// The raw floor: inflate the same zlib-stream bytes and JSON.parse every payload, nothing else.
// argv: payloads file. The bytes are compressed as the replay server does, then timed.
import { readFileSync } from 'node:fs';
import { constants, inflateSync } from 'node:zlib';
import { zlibStreamFrames } from './frames.mjs';
import { startMeter } from './measure.mjs';

const payloads = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const frames = await zlibStreamFrames(payloads);
const bytes = Buffer.concat(frames);
const lengths = payloads.map((p) => Buffer.byteLength(p));
const meter = startMeter();
const text = inflateSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 1 << 20 });
let offset = 0;
let parsed = 0;
for (const length of lengths) {
  const payload = JSON.parse(text.toString('utf8', offset, offset + length));
  if (payload.op === 0) parsed++;
  offset += length;
}
process.send(meter(parsed));
process.exit(0);
