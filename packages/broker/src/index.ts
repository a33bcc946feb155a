export * from './Broker.js';
export { createBroker, schemeOf } from './createBroker.js';
export type { BrokerDeps } from './deps.js';
export * from './errors.js';
export { decodeUtf8, JsonText } from './memory/JsonText.js';
export { MemoryBroker } from './memory/MemoryBroker.js';
export { compileTopic, compileTopics, topicMatches } from './topic.js';
