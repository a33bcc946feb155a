export * from './Rest.js';
