export * from './Cache.js';
export { type CacheDeps, createCache } from './createCache.js';
export { MemoryStore } from './memory/MemoryStore.js';
export { type CacheOptions, type EntityName, type EntitySetting, Policy } from './options.js';
export * from './permissions.js';
export { StoreCache } from './StoreCache.js';
export type { MemberFields, Op, Store, StoreReader } from './store/Store.js';
