/** Bodies of the control API. */
import { GatewayIntentBits } from 'discord-api-types/v10';
import { z } from 'zod';
import { PRIVILEGED_INTENTS } from '../gateway/intents.js';

const PRIVILEGED_NAMES: Record<string, number> = {
  GUILD_MEMBERS: GatewayIntentBits.GuildMembers,
  GUILD_PRESENCES: GatewayIntentBits.GuildPresences,
  MESSAGE_CONTENT: GatewayIntentBits.MessageContent,
};

/** A bitfield, or names: `["GUILD_MEMBERS", "MESSAGE_CONTENT"]`. */
const privilegedIntents = z.union([
  z
    .number()
    .int()
    .min(0)
    .refine((n) => (n & ~PRIVILEGED_INTENTS) === 0, {
      message: 'only GUILD_MEMBERS (2), GUILD_PRESENCES (256), MESSAGE_CONTENT (32768)',
    }),
  z
    .array(z.enum(Object.keys(PRIVILEGED_NAMES) as [string, ...string[]]))
    .transform((names) => names.reduce((bits, name) => bits | PRIVILEGED_NAMES[name]!, 0)),
]);

export const botLimitsSchema = z.object({
  /** Requests per second of this bot's global limit (Discord: 50; big bots get more). */
  globalRateLimit: z.number().int().min(1).max(100_000).optional(),
  /** `session_start_limit.max_concurrency` (Discord: 1, 16, 32, 64...). */
  maxConcurrency: z.number().int().min(1).max(1024).optional(),
  /** `session_start_limit.total`: IDENTIFYs per 24 h (Discord: 1,000). */
  sessionStartLimit: z.number().int().min(0).max(1_000_000).optional(),
  /** Interactions go to this URL (signed, verified first) instead of the gateway; null goes back to the gateway. */
  interactionsUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .optional(),
});

export const newBotSchema = botLimitsSchema.extend({
  username: z.string().min(2).max(32).optional(),
  privilegedIntents: privilegedIntents.optional(),
});

export const outageSchema = z.object({
  status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  seconds: z.number().min(0).max(86_400),
});

export const newGuildSchema = z.object({
  name: z.string().min(2).max(100).optional(),
  channels: z.number().int().min(1).max(500).optional(),
  roles: z.number().int().min(0).max(250).optional(),
  members: z.number().int().min(1).max(100_000).optional(),
  bots: z.array(z.string()).optional(),
});

export const newMemberSchema = z.object({ username: z.string().min(2).max(32).optional() });

export const simMessageSchema = z.object({
  content: z.string().max(4000),
  author_id: z.string().optional(),
  embeds: z.array(z.record(z.string(), z.unknown())).max(10).optional(),
});
