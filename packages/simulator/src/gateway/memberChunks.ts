/** REQUEST_GUILD_MEMBERS (op 8) answered with GUILD_MEMBERS_CHUNK dispatches of up to 1,000 members. */
import { type APIGuildMember, GatewayIntentBits } from 'discord-api-types/v10';
import { memberWithUser } from '../state/factories.js';
import type { Store } from '../state/store.js';
import { CloseCode } from './closeCodes.js';
import type { Checked } from './identify.js';

const CHUNK_SIZE = 1000;

export interface MemberChunk {
  guild_id: string;
  members: APIGuildMember[];
  chunk_index: number;
  chunk_count: number;
  not_found?: string[];
  presences?: [];
  nonce?: string;
}

/** The chunks for one request, or the close code for a malformed request or a missing intent. */
export function memberChunks(
  store: Store,
  botId: string,
  intents: number,
  d: unknown,
): Checked<MemberChunk[]> {
  if (typeof d !== 'object' || d === null)
    return { ok: false, code: CloseCode.UnknownOpcode, reason: 'bad op 8' };
  const req = d as Record<string, unknown>;
  if (typeof req.guild_id !== 'string')
    return { ok: false, code: CloseCode.UnknownOpcode, reason: 'guild_id' };
  const nonce = typeof req.nonce === 'string' ? req.nonce.slice(0, 32) : undefined;
  const guild = store.guilds.get(req.guild_id);
  const byIds = req.user_ids !== undefined;
  const query = typeof req.query === 'string' ? req.query : '';
  const limit = typeof req.limit === 'number' ? req.limit : 0;
  if (!byIds && query === '' && (intents & GatewayIntentBits.GuildMembers) === 0)
    return {
      ok: false,
      code: CloseCode.InvalidIntents,
      reason: 'requesting every member needs GUILD_MEMBERS',
    };
  const members: APIGuildMember[] = [];
  const notFound: string[] = [];
  if (guild?.botIds.has(botId)) {
    if (byIds) {
      const ids = Array.isArray(req.user_ids) ? req.user_ids : [req.user_ids];
      for (const id of ids.slice(0, 100)) {
        const record = typeof id === 'string' ? guild.members.get(id) : undefined;
        const user = typeof id === 'string' ? store.users.get(id) : undefined;
        if (record && user) members.push(memberWithUser(record, user));
        else notFound.push(String(id));
      }
    } else {
      const max = limit === 0 ? Number.POSITIVE_INFINITY : limit;
      const prefix = query.toLowerCase();
      for (const record of guild.members.values()) {
        if (members.length >= max) break;
        const user = store.users.get(record.userId);
        if (user?.username.toLowerCase().startsWith(prefix)) members.push(memberWithUser(record, user));
      }
    }
  }
  const count = Math.max(1, Math.ceil(members.length / CHUNK_SIZE));
  const chunks: MemberChunk[] = [];
  for (let i = 0; i < count; i++) {
    chunks.push({
      guild_id: req.guild_id,
      members: members.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE),
      chunk_index: i,
      chunk_count: count,
      ...(i === 0 && byIds ? { not_found: notFound } : {}),
      ...(req.presences === true ? { presences: [] } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
    });
  }
  return { ok: true, value: chunks };
}
