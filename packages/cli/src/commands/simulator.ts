/** `shardwire simulator`: a local Discord (gateway, REST, control API) for development with no token. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createLogger, Shutdown } from '@shardwire/core';
import {
  loadSimulatorConfig,
  SIMULATOR_NODE_FLAGS,
  simulatorSettings,
  startSimulator,
} from '@shardwire/simulator';
import type { Command } from './Command.js';

const command: Command = {
  summary: 'Run the Discord simulator: gateway, REST and a control API on one port, no token needed',
  usage:
    'shardwire simulator [--port 8080] [--host 127.0.0.1] [--guilds N] [--seed S] [--heartbeat-interval ms] [--resume-window ms] [--rate-limits true|false] [--limit-scale 1] [--invalid-request-limit 10000] [--log-level info]',
  settings: simulatorSettings,
  async run({ flags, env }) {
    // V8 sizes its heap when the process starts: without the simulator's flags (and none of the same
    // names given by the user), run this command line again in a process that has them.
    const given = [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
    const missing = SIMULATOR_NODE_FLAGS.filter(
      (flag) => !given.some((arg) => arg.split('=')[0] === flag.split('=')[0]),
    );
    if (missing.length > 0) return runAgainWith(missing);
    const config = loadSimulatorConfig({ env, flags });
    const logger = createLogger({ name: 'simulator', level: config.logLevel });
    const sim = await startSimulator({
      port: config.port,
      host: config.host,
      guilds: config.guilds,
      ...(config.seed !== undefined ? { seed: config.seed } : {}),
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      resumeWindowMs: config.resumeWindowMs,
      rateLimits: config.rateLimits,
      limitScale: config.limitScale,
      invalidRequestLimit: config.invalidRequestLimit,
      logger,
    });
    process.stdout.write(
      [
        `Discord simulator listening on ${sim.url}`,
        `  REST base URL:  ${sim.restUrl}`,
        `  Gateway URL:    ${sim.gatewayUrl}`,
        `  Control API:    ${sim.url}/_sim`,
        `  Bot token:      ${sim.defaultBot.token}`,
        `  Bot id:         ${sim.defaultBot.id}`,
        `  Rate limits:    ${config.rateLimits ? `on${config.limitScale !== 1 ? `, windows x${config.limitScale}` : ''}` : 'off'}`,
        '',
      ].join('\n'),
    );
    const shutdown = new Shutdown(logger);
    shutdown.add('simulator', () => sim.close());
    await shutdown.untilSignal();
  },
};

/** Runs this process's command line in a child Node with `flags` added, and exits as it does. */
async function runAgainWith(flags: readonly string[]): Promise<void> {
  const child = spawn(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  // A signal for this process is the child's (a terminal's Ctrl-C reaches both; the child's shutdown
  // runs once).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const [code] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  process.exit(code ?? 1);
}

export default command;
