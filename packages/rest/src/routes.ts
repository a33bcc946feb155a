/** Method + path → the rate-limit route of a request: ids replaced, the major parameter kept apart. */
import { createHash } from 'node:crypto';
import { snowflakeTimestamp } from '@shardwire/core';

export interface Route {
  /**
   * `METHOD /template`, the same for every major parameter (`POST /channels/:channel/messages`).
   * Discord's bucket hashes are learned per bucket route; it is also the metrics label.
   */
  bucketRoute: string;
  /** The top-level resource the limit is counted for: a channel, guild, webhook+token, or `global`. */
  major: string;
  /** An interaction callback: it jumps the queue of its bucket's neighbours. */
  interaction: boolean;
  /** Not counted against the bot's global limit (interaction callbacks, webhooks with a token). */
  globalExempt: boolean;
  /** A webhook addressed by its token, so a 404 means the webhook is gone. */
  webhookWithToken: boolean;
}

const SNOWFLAKE = /^\d{16,20}$/;
const TEN_SECONDS = 10_000;
const FOURTEEN_DAYS = 14 * 24 * 60 * 60 * 1000;

/** A short digest that keys a webhook or interaction token without ever keeping the token itself. */
export function tokenDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 16);
}

/**
 * The route of `method path` (path under the API version, query allowed). `now` decides whether a
 * message delete falls in the under-10-seconds or over-14-days buckets.
 */
export function routeOf(method: string, path: string, now: number = Date.now()): Route {
  const verb = method.toUpperCase();
  const query = path.indexOf('?');
  const parts = (query === -1 ? path : path.slice(0, query)).split('/').filter((part) => part !== '');
  const head = parts[0] ?? '';
  const id = parts[1];
  let major = 'global';
  let interaction = false;
  let webhookWithToken = false;
  const template: string[] = [];

  if ((head === 'channels' || head === 'guilds') && id !== undefined && SNOWFLAKE.test(id)) {
    major = id;
    template.push(head, head === 'channels' ? ':channel' : ':guild');
  } else if (head === 'webhooks' && id !== undefined) {
    const token = parts[2];
    webhookWithToken = token !== undefined;
    major = token === undefined ? id : `${id}/${tokenDigest(token)}`;
    template.push(head, ':webhook', ...(token === undefined ? [] : [':token']));
  } else if (head === 'interactions' && id !== undefined && parts[2] !== undefined) {
    major = `${id}/${tokenDigest(parts[2])}`;
    interaction = parts[3] === 'callback';
    template.push(head, ':interaction', ':token');
  } else if ((head === 'invites' || head === 'template') && id !== undefined) {
    template.push(head, ':code');
  } else if (head !== '') {
    template.push(head);
    if (id !== undefined) template.push(SNOWFLAKE.test(id) ? ':id' : id);
  }
  const rest = parts.slice(template.length);
  for (let i = 0; i < rest.length; i++) {
    const part = rest[i]!;
    const previous = i === 0 ? template[template.length - 1] : rest[i - 1];
    if (part === 'reactions' && head === 'channels') {
      template.push('reactions', ...reactionTail(verb, rest.slice(i + 1)));
      break;
    }
    if (SNOWFLAKE.test(part)) {
      template.push(':id');
      if (verb === 'DELETE' && previous === 'messages' && head === 'channels' && i === rest.length - 1) {
        template[template.length - 1] += messageAgeMark(part, now);
      }
    } else if (previous === 'templates' && head === 'guilds') {
      template.push(':code');
    } else {
      template.push(part);
    }
  }
  return {
    bucketRoute: `${verb} /${template.join('/')}`,
    major,
    interaction,
    globalExempt: interaction || webhookWithToken,
    webhookWithToken,
  };
}

// Every reaction route of one message shares a limit whatever the emoji or user; adding and removing
// one reaction (own or someone's) share one more.
function reactionTail(verb: string, tail: string[]): string[] {
  if (tail.length === 0) return [];
  if (tail.length >= 2 && (verb === 'PUT' || verb === 'DELETE')) return [':emoji', ':user'];
  return [':emoji'];
}

function messageAgeMark(id: string, now: number): string {
  const age = now - snowflakeTimestamp(id);
  if (age < TEN_SECONDS) return '(new)';
  if (age > FOURTEEN_DAYS) return '(old)';
  return '';
}
