export * from './Cache.js';
