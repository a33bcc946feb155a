// The transport discord.js 14 asks for in this process: zlib-stream exactly when the optional native
// zlib-sync package loads from where discord.js resolves it (its only zlib-stream decoder), else JSON.
import { createRequire } from 'node:module';

export function discordjsTransport() {
  try {
    createRequire(import.meta.resolve('discord.js'))('zlib-sync');
    return 'zlib-stream';
  } catch {
    return 'json';
  }
}
