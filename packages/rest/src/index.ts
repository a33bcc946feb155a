export * from './client/RestClient.js';
export * from './guard/index.js';
export * from './limiter/index.js';
export * from './proxy/index.js';
export * from './Rest.js';
export * from './redis/index.js';
export * from './routes.js';
