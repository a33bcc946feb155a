// One side of the cache-memory benchmark in a fresh process: load the guilds, report the bytes retained.
// Usage: node --expose-gc child.mjs <side> <guilds> <members> <channels> <roles> [redisUrl]
import { guildPayload } from './payloads.mjs';

const [side, guildsArg, membersArg, channelsArg, rolesArg, redisUrl] = process.argv.slice(2);
const guilds = Number(guildsArg);
const shape = { members: Number(membersArg), channels: Number(channelsArg), roles: Number(rolesArg) };

async function settle() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

async function measure(load) {
  const before = await settle();
  const keep = await load();
  const after = await settle();
  return { bytes: after - before, keep };
}

async function discordjs() {
  const { Client, GatewayIntentBits } = await import('discord.js');
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers] });
  const { bytes } = await measure(async () => {
    for (let i = 0; i < guilds; i++) {
      const data = guildPayload(i, shape);
      data.shardId = 0;
      client.guilds._add(data);
    }
  });
  if (client.guilds.cache.size !== guilds) throw new Error('discord.js did not cache every guild');
  const members = client.guilds.cache.reduce((n, g) => n + g.members.cache.size, 0);
  if (members !== guilds * shape.members) throw new Error(`discord.js cached ${members} members`);
  await client.destroy();
  return bytes;
}

async function shardwire() {
  const { createCache } = await import('@shardwire/cache');
  const cache = await createCache('memory:');
  const { bytes } = await measure(async () => {
    for (let i = 0; i < guilds; i++) await cache.apply('GUILD_CREATE', guildPayload(i, shape), 0);
  });
  const stats = await cache.stats();
  if (stats.entities.guilds !== guilds || stats.entities.members !== guilds * shape.members) {
    throw new Error(`shardwire cached ${JSON.stringify(stats.entities)}`);
  }
  await cache.close();
  return bytes;
}

async function redis() {
  const { createCache } = await import('@shardwire/cache');
  const { Redis } = await import('ioredis');
  const admin = new Redis(redisUrl);
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))[1]);
  const cache = await createCache(redisUrl, { keyPrefix: 'bench' });
  const before = await usedMemory();
  for (let i = 0; i < guilds; i++) await cache.apply('GUILD_CREATE', guildPayload(i, shape), 0);
  const after = await usedMemory();
  const stats = await cache.stats();
  if (stats.entities.guilds !== guilds || stats.entities.members !== guilds * shape.members) {
    throw new Error(`shardwire:redis cached ${JSON.stringify(stats.entities)}`);
  }
  await admin.flushdb();
  await cache.close();
  await admin.quit();
  return after - before;
}

/** The floor: every kept field packed (ids as 8 bytes, hashes as 16), nothing else. */
async function packed() {
  const { Policy } = await import('@shardwire/cache');
  const p = new Policy();
  let bytes = 0;
  for (let i = 0; i < guilds; i++) {
    const {
      channels,
      roles,
      members,
      emojis,
      threads: _t,
      voice_states: _v,
      ...guild
    } = guildPayload(i, shape);
    bytes += p.guild.encode(guild).length;
    for (const c of channels) bytes += p.channel.encode(c).length;
    for (const r of roles) bytes += p.role.encode(r).length;
    for (const e of emojis) bytes += p.emoji.encode(e).length;
    for (const { user, ...member } of members)
      bytes += p.member.encode(member).length + p.user.encode(user).length;
  }
  return bytes;
}

const sides = { 'discord.js': discordjs, shardwire, 'shardwire:redis': redis, 'limit:packed-fields': packed };
const bytes = await sides[side]();
process.stdout.write(`${JSON.stringify({ side, bytes })}\n`);
process.exit(0);
