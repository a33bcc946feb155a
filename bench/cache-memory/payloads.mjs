// Deterministic Discord-shaped GUILD_CREATE payloads (the same bytes for every side of the benchmark).

/** A small seeded PRNG (mulberry32), so every child process builds identical guilds. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EPOCH = 1420070400000n;
const hex = (r, n) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');

/** A snowflake made at `ms` as Discord's are: worker 1, process 0, and a small per-millisecond increment. */
function idAt(ms, inc) {
  return (((BigInt(ms) - EPOCH) << 22n) | (1n << 17n) | BigInt(inc & 0x3)).toString();
}

/** GUILD_CREATE number `index`: `members` members, `channels` text channels, `roles` roles (+ @everyone). */
export function guildPayload(index, shape) {
  const r = rng(index + 1);
  // Strictly increasing creation times keep every id unique.
  let ms = Date.UTC(2016, 0, 1) + index * 1e7 + Math.floor(r() * 1e6);
  const base = ms;
  const next = () => {
    ms += 1 + Math.floor(r() * 5);
    return idAt(ms, Math.floor(r() * 4));
  };
  const guildId = idAt(Date.UTC(2015, 6, 1) + index * 1000, 0);
  const roles = [
    {
      id: guildId,
      name: '@everyone',
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 0,
      permissions: '2222085186637376',
      managed: false,
      mentionable: false,
      flags: 0,
    },
  ];
  for (let i = 0; i < shape.roles; i++) {
    roles.push({
      id: next(),
      name: `role ${i} ${hex(r, 4)}`,
      color: Math.floor(r() * 0xffffff),
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: r() < 0.2,
      icon: null,
      unicode_emoji: null,
      position: i + 1,
      permissions: String(Math.floor(r() * 2 ** 40)),
      managed: false,
      mentionable: r() < 0.5,
      flags: 0,
    });
  }
  const channels = [];
  for (let i = 0; i < shape.channels; i++) {
    const overwrites = [];
    if (i % 3 === 0) overwrites.push({ id: guildId, type: 0, allow: '0', deny: '2048' });
    if (i % 5 === 0)
      overwrites.push({ id: roles[1 + (i % shape.roles)].id, type: 0, allow: '3072', deny: '0' });
    channels.push({
      id: next(),
      type: 0,
      guild_id: guildId,
      name: `channel-${i}-${hex(r, 4)}`,
      position: i,
      permission_overwrites: overwrites,
      topic: r() < 0.5 ? `Topic of channel ${i}: ${hex(r, 12)}` : null,
      nsfw: false,
      last_message_id: next(),
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
    });
  }
  const members = [];
  for (let i = 0; i < shape.members; i++) {
    const userId = next();
    const picked = new Set();
    const count = Math.floor(r() * 4);
    for (let k = 0; k < count; k++) picked.add(roles[1 + Math.floor(r() * shape.roles)].id);
    members.push({
      user: {
        id: userId,
        username: `user_${hex(r, 8)}`,
        discriminator: '0',
        global_name: r() < 0.7 ? `User ${hex(r, 6)}` : null,
        avatar: r() < 0.8 ? `${r() < 0.1 ? 'a_' : ''}${hex(r, 32)}` : null,
        public_flags: r() < 0.3 ? 64 : 0,
        avatar_decoration_data: null,
      },
      nick: r() < 0.2 ? `nick ${hex(r, 5)}` : null,
      avatar: null,
      roles: [...picked],
      joined_at: new Date(base + Math.floor(r() * 1e10)).toISOString().replace('Z', '000+00:00'),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    });
  }
  return {
    id: guildId,
    name: `Guild ${index} ${hex(r, 6)}`,
    icon: hex(r, 32),
    splash: null,
    discovery_splash: null,
    owner_id: members[0]?.user.id ?? next(),
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 2,
    roles,
    emojis: [],
    stickers: [],
    features: ['COMMUNITY', 'NEWS', 'INVITE_SPLASH'],
    mfa_level: 0,
    application_id: null,
    system_channel_id: channels[0]?.id ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 1,
    premium_subscription_count: 2,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    joined_at: new Date(base).toISOString(),
    large: shape.members > 250,
    unavailable: false,
    member_count: shape.members,
    members,
    channels,
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
