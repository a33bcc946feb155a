/** Discord's HTTP API, registered once per API version prefix. */
import type { FastifyInstance } from 'fastify';
import type { SessionStartLimits } from '../gateway/sessionStartLimit.js';
import type { RestContext } from './context.js';
import type { RequestStage } from './pipeline.js';
import { banRoutes } from './routes/bans.js';
import { channelRoutes } from './routes/channels.js';
import { commandRoutes } from './routes/commands.js';
import { emojiRoutes } from './routes/emojis.js';
import { gatewayRoutes } from './routes/gateway.js';
import { guildRoutes } from './routes/guilds.js';
import { interactionRoutes } from './routes/interactions.js';
import { messageRoutes } from './routes/messages.js';
import { oauth2Routes } from './routes/oauth2.js';
import { reactionRoutes } from './routes/reactions.js';
import { threadRoutes } from './routes/threads.js';
import { userRoutes } from './routes/users.js';
import { webhookRoutes } from './routes/webhooks.js';

export const API_VERSIONS = ['10', '9'] as const;

export interface ApiOptions extends RestContext {
  startLimits: SessionStartLimits;
  stages: RequestStage[];
}

export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  app.decorateRequest('bot', undefined);
  app.decorateRequest('bearer', undefined);
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    for (const stage of options.stages) {
      await stage.run(request, reply);
      if (reply.sent) return reply;
    }
  });
  const finishers = options.stages.filter((stage) => stage.done);
  if (finishers.length > 0)
    app.addHook('onResponse', async (request, reply) => {
      for (const stage of finishers) stage.done?.(request, reply);
    });
  gatewayRoutes(app, options);
  userRoutes(app, options);
  channelRoutes(app, options);
  messageRoutes(app, options);
  reactionRoutes(app, options);
  banRoutes(app, options);
  interactionRoutes(app, options);
  oauth2Routes(app, options);
  commandRoutes(app, options);
  emojiRoutes(app, options);
  threadRoutes(app, options);
  webhookRoutes(app, options);
  guildRoutes(app, options);
}
