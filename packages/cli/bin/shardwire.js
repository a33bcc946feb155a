#!/usr/bin/env node
// Committed shim, so npm links the bin at install time, before `npm run build` makes dist/.
import('../dist/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    console.error('shardwire is not built yet: run `npm run build` in the repository root first.');
    process.exit(1);
  }
  throw err;
});
