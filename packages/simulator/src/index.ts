/** A local Discord: gateway, REST and a control API on one port, for development, tests and benchmarks. */

export { loadSimulatorConfig, type SimulatorConfig, simulatorSettings } from './config.js';
export { CloseCode } from './gateway/closeCodes.js';
export { PRIVILEGED_INTENTS } from './gateway/intents.js';
export { SIMULATOR_NODE_FLAGS } from './nodeFlags.js';
export {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_RESUME_WINDOW_MS,
  type RunningSimulator,
  type SimBot,
  type SimulatorOptions,
  startSimulator,
} from './simulator.js';
export { userIdOfToken } from './state/tokens.js';
export type { World } from './world/world.js';
