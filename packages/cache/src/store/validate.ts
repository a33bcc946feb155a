/** Every id a write is keyed by must be a snowflake, whatever the backend does with it. */
import type { Op } from './Store.js';

const SNOWFLAKE = /^\d{1,20}$/;

function check(what: string, id: unknown): void {
  if (
    typeof id !== 'string' ||
    !SNOWFLAKE.test(id) ||
    BigInt(id) === 0n ||
    BigInt(id) > 0xffffffffffffffffn
  ) {
    throw new TypeError(`${what} is not a snowflake: ${JSON.stringify(id)}`);
  }
}

export function validateOp(op: Op): void {
  if ('guildId' in op) check('guild id', op.guildId);
  switch (op.type) {
    case 'channel.put':
      check('channel id', op.channel.id);
      break;
    case 'channel.drop':
      check('channel id', op.channelId);
      break;
    case 'role.put':
      check('role id', op.role.id);
      break;
    case 'role.drop':
      check('role id', op.roleId);
      break;
    case 'member.put':
    case 'member.drop':
      check('user id', op.userId);
      break;
    case 'user.put':
      check('user id', op.user.id);
      break;
    case 'emoji.put':
      check('emoji id', op.emoji.id);
      break;
    case 'voice.put':
      check('user id', op.state.user_id);
      break;
    case 'voice.drop':
      check('user id', op.userId);
      break;
    default:
      break;
  }
}
