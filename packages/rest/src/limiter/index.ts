export * from './globalLimits.js';
export * from './headers.js';
export * from './identity.js';
export * from './Limiter.js';
export * from './LimiterGate.js';
export * from './MemoryLimiter.js';
