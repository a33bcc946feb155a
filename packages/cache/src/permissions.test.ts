import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, computePermissions, type PermissionInput } from './permissions.js';

const G = '100';
const U = '200';
const R1 = '301';
const R2 = '302';
const EVERYONE = P.ViewChannel | P.SendMessages | P.ReadMessageHistory;

const input = (over: Partial<PermissionInput>): PermissionInput => ({
  guildId: G,
  ownerId: '999',
  userId: U,
  everyone: EVERYONE,
  roles: [],
  ...over,
});
const ow = (id: string, type: number, allow: bigint, deny: bigint) => ({ id, type, allow, deny });

// Rows follow developers/topics/permissions.mdx: compute_base_permissions, then compute_overwrites.
describe('computePermissions', () => {
  it.each<[string, Partial<PermissionInput>, bigint]>([
    ['the owner has every permission', { ownerId: U, everyone: 0n }, ALL_PERMISSIONS],
    ['@everyone alone', {}, EVERYONE],
    ['roles add to @everyone', { roles: [{ id: R1, permissions: P.KickMembers }] }, EVERYONE | P.KickMembers],
    [
      'ADMINISTRATOR gives everything',
      { roles: [{ id: R1, permissions: P.Administrator }] },
      ALL_PERMISSIONS,
    ],
    [
      'ADMINISTRATOR ignores channel overwrites',
      {
        roles: [{ id: R1, permissions: P.Administrator }],
        overwrites: [ow(G, 0, 0n, P.ViewChannel)],
        channelType: 0,
      },
      ALL_PERMISSIONS,
    ],
    [
      'the @everyone overwrite denies',
      { overwrites: [ow(G, 0, 0n, P.ReadMessageHistory)], channelType: 0 },
      P.ViewChannel | P.SendMessages,
    ],
    [
      'the @everyone overwrite allows',
      { overwrites: [ow(G, 0, P.AddReactions, 0n)], channelType: 0 },
      EVERYONE | P.AddReactions,
    ],
    [
      'role overwrites: allow wins over deny among roles (applied together)',
      {
        roles: [
          { id: R1, permissions: 0n },
          { id: R2, permissions: 0n },
        ],
        overwrites: [
          ow(G, 0, 0n, P.SendMessages),
          ow(R1, 0, 0n, P.AddReactions),
          ow(R2, 0, P.SendMessages | P.AddReactions, 0n),
        ],
        channelType: 0,
      },
      EVERYONE | P.AddReactions,
    ],
    [
      'a role overwrite for a role the member lacks does nothing',
      { overwrites: [ow(R1, 0, P.ManageMessages, 0n)], channelType: 0 },
      EVERYONE,
    ],
    [
      'the member overwrite comes last',
      {
        roles: [{ id: R1, permissions: 0n }],
        overwrites: [ow(R1, 0, P.ManageMessages, 0n), ow(U, 1, 0n, P.ManageMessages | P.ReadMessageHistory)],
        channelType: 0,
      },
      P.ViewChannel | P.SendMessages,
    ],
    [
      'a member overwrite with a role id does not apply as a member',
      { overwrites: [ow(U, 0, P.ManageMessages, 0n)], channelType: 0 },
      EVERYONE,
    ],
    [
      'no VIEW_CHANNEL: nothing (implicit)',
      { overwrites: [ow(G, 0, 0n, P.ViewChannel)], channelType: 0 },
      0n,
    ],
    [
      'no SEND_MESSAGES: no files, embeds, TTS, @everyone (implicit)',
      {
        everyone:
          P.ViewChannel |
          P.AttachFiles |
          P.EmbedLinks |
          P.MentionEveryone |
          P.SendTTSMessages |
          P.AddReactions,
        overwrites: [],
        channelType: 0,
      },
      P.ViewChannel | P.AddReactions,
    ],
    [
      'a voice channel keeps CONNECT without SEND_MESSAGES',
      { everyone: P.ViewChannel | P.Connect | P.Speak | P.AttachFiles, overwrites: [], channelType: 2 },
      P.ViewChannel | P.Connect | P.Speak | P.AttachFiles,
    ],
    [
      'timed out: only VIEW_CHANNEL and READ_MESSAGE_HISTORY',
      { roles: [{ id: R1, permissions: P.KickMembers }], timedOutUntil: 2000, now: 1000 },
      P.ViewChannel | P.ReadMessageHistory,
    ],
    ['a timeout in the past changes nothing', { timedOutUntil: 500, now: 1000 }, EVERYONE],
    ['timed-out owners are exempt', { ownerId: U, timedOutUntil: 2000, now: 1000 }, ALL_PERMISSIONS],
    [
      'timed-out administrators are exempt',
      { roles: [{ id: R1, permissions: P.Administrator }], timedOutUntil: 2000, now: 1000 },
      ALL_PERMISSIONS,
    ],
  ])('%s', (_name, over, expected) => {
    expect(computePermissions(input(over))).toBe(expected);
  });
});
