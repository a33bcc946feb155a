import { Policy } from '../options.js';
import { StoreCache } from '../StoreCache.js';
import { runCacheContract } from '../testing/contract.js';
import { MemoryStore } from './MemoryStore.js';

runCacheContract('memory', async (options) => new StoreCache(new MemoryStore(new Policy(options)), options));
