// Preloaded (--require) into the discord.js side measured on plain JSON: `zlib-sync` (an optional
// package, installed here) cannot be loaded, so discord.js asks for no transport compression, as it
// does wherever the package is not installed.
const Module = require('node:module');

const load = Module._load;
Module._load = function loadWithoutZlibSync(request, ...rest) {
  if (request === 'zlib-sync') {
    throw Object.assign(new Error("Cannot find module 'zlib-sync'"), { code: 'MODULE_NOT_FOUND' });
  }
  return load.call(this, request, ...rest);
};
