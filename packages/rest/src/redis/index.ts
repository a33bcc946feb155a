export * from './RedisGate.js';
export * from './RedisGuardSharing.js';
export * from './RedisHashStore.js';
