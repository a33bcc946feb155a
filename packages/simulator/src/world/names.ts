/** Readable names for simulated guilds, channels, roles and members. */
import type { Random } from '../state/random.js';

const ADJECTIVES = [
  'quiet',
  'amber',
  'brisk',
  'cosmic',
  'dusty',
  'eager',
  'fuzzy',
  'gentle',
  'hidden',
  'icy',
];
const NOUNS = [
  'harbor',
  'meadow',
  'forge',
  'lantern',
  'orchard',
  'summit',
  'canyon',
  'atlas',
  'beacon',
  'grove',
];
const CHANNELS = [
  'general',
  'random',
  'help',
  'announcements',
  'off-topic',
  'dev',
  'music',
  'memes',
  'art',
  'games',
];
const ROLES = [
  'Moderator',
  'Member',
  'Helper',
  'VIP',
  'Artist',
  'Developer',
  'Gamer',
  'Reader',
  'Guest',
  'Bot Tester',
];
const PEOPLE = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'oscar',
];

export function guildName(random: Random): string {
  return `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}`;
}

export function channelName(index: number): string {
  return index < CHANNELS.length ? CHANNELS[index]! : `channel-${index}`;
}

export function roleName(index: number): string {
  return index < ROLES.length ? ROLES[index]! : `role-${index}`;
}

export function userName(random: Random): string {
  return `${random.pick(PEOPLE)}${random.int(10_000)}`;
}
