/** `shardwire simulator`: a local Discord (gateway, REST, control API) for development with no token. */
import { createLogger, Shutdown } from '@shardwire/core';
import { loadSimulatorConfig, simulatorSettings, startSimulator } from '@shardwire/simulator';
import type { Command } from './Command.js';

const command: Command = {
  summary: 'Run the Discord simulator: gateway, REST and a control API on one port, no token needed',
  usage:
    'shardwire simulator [--port 8080] [--host 127.0.0.1] [--guilds N] [--seed S] [--heartbeat-interval ms] [--resume-window ms] [--rate-limits true|false] [--limit-scale 1] [--invalid-request-limit 10000] [--log-level info]',
  settings: simulatorSettings,
  async run({ flags, env }) {
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

export default command;
