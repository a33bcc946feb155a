export * from './config.js';
export * from './forward.js';
export * from './paths.js';
export * from './RestProxy.js';
export * from './start.js';
