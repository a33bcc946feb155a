export * from './InvalidRequestGuard.js';
export * from './SlidingCount.js';
