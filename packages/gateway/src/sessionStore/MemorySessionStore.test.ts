import { sessionStoreContract } from './contract.js';
import { MemorySessionStore } from './MemorySessionStore.js';

sessionStoreContract('memory', async () => new MemorySessionStore());
