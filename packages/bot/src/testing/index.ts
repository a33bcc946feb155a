/** Test helpers for bots built on the worker (source only; not part of the built package). */
export * from './envelopes.js';
export { FakeCache } from './FakeCache.js';
export { createHarness, type Harness, testBroker } from './harness.js';
export { captureLogs, type LogLine } from './logs.js';
export { RecordingRest } from './RecordingRest.js';
