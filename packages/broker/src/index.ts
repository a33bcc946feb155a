export * from './Broker.js';
