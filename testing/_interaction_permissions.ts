/**
 * The permission sets an interaction from the fake carries:
 * `app_permissions` ("permissions the app has in the source location of
 * the interaction") and the invoking member's `permissions` ("total
 * permissions of the member in the channel, including overwrites"),
 * computed from the fake's resources as Discord's permissions topic
 * computes them. Private to the test kit.
 *
 * A constant "0" told a bot checking `app_permissions` before it uploads
 * a file or sends an embed that it may do neither, in its own guild and in
 * DMs alike, where Discord says it may.
 *
 * @module
 */
import { PermissionFlags } from "../types/permissions.ts";
import type { FakeResources } from "./fake_resources.ts";
import { THREAD_TYPES } from "./_thread_types.ts";

/** Every documented permission: what an owner or an administrator has. */
const ALL = Object.values(PermissionFlags).reduce((all, bit) => all | bit, 0n);

/**
 * `app_permissions` in a DM with the app's bot user: "`ATTACH_FILES |
 * EMBED_LINKS | MENTION_EVERYONE` ... and additionally
 * `USE_EXTERNAL_EMOJIS` for DMs with the app's bot user" (interaction
 * object). The fake's DM interactions are all of that kind (context 1,
 * BOT_DM).
 */
export const BOT_DM_APP_PERMISSIONS = String(
  PermissionFlags.AttachFiles | PermissionFlags.EmbedLinks |
    PermissionFlags.MentionEveryone | PermissionFlags.UseExternalEmojis,
);

/** A permission string as stored; anything malformed counts as none. */
function bits(value: unknown): bigint {
  return typeof value === "string" && /^\d{1,78}$/.test(value)
    ? BigInt(value)
    : 0n;
}

/**
 * A user's permissions where an interaction came from. In a DM (`guildId`
 * `null`), the app's: {@linkcode BOT_DM_APP_PERMISSIONS}. In a guild
 * channel, by the permissions topic's algorithm: the guild's owner has
 * all; else the permissions of @everyone and of the user's roles, all of
 * them with ADMINISTRATOR; then the channel's overwrites (a thread's
 * parent's): the one for @everyone, the roles' together, the user's own.
 * Not modelled: the implicit removals (no VIEW_CHANNEL leaving nothing,
 * no SEND_MESSAGES taking the sending ones) and timeouts. An unknown guild
 * gives none.
 *
 * @param resources The fake's guilds, roles and channels.
 * @param guildId The guild, `null` in a DM.
 * @param channelId The channel the interaction came from.
 * @param user The user (the bot, or the invoking user) and their role IDs
 *   in the guild.
 * @returns The permission set, as Discord's decimal string.
 */
export function interactionPermissions(
  resources: FakeResources,
  guildId: string | null,
  channelId: string,
  user: { id: string; roles: readonly string[] },
): string {
  if (guildId === null) return BOT_DM_APP_PERMISSIONS;
  const { id: userId, roles } = user;
  const owner = resources.guildOwner(guildId);
  if (owner === undefined) return "0";
  if (owner === userId) return String(ALL);
  const guildRoles = new Map(
    resources.roles(guildId).map((role) => [role.id, bits(role.permissions)]),
  );
  let permissions = guildRoles.get(guildId) ?? 0n;
  for (const id of roles) permissions |= guildRoles.get(id) ?? 0n;
  if ((permissions & PermissionFlags.Administrator) !== 0n) return String(ALL);
  let channel = resources.channel(channelId);
  if (
    channel && THREAD_TYPES.has(channel.type) &&
    typeof channel.parent_id === "string"
  ) {
    channel = resources.channel(channel.parent_id);
  }
  const overwrites = new Map<string, { allow: bigint; deny: bigint }>();
  for (
    const raw of Array.isArray(channel?.permission_overwrites)
      ? channel.permission_overwrites as Record<string, unknown>[]
      : []
  ) {
    if (typeof raw?.id !== "string") continue;
    overwrites.set(raw.id, { allow: bits(raw.allow), deny: bits(raw.deny) });
  }
  const apply = (allow: bigint, deny: bigint): void => {
    permissions = (permissions & ~deny) | allow;
  };
  const everyone = overwrites.get(guildId);
  if (everyone) apply(everyone.allow, everyone.deny);
  let allow = 0n;
  let deny = 0n;
  for (const id of roles) {
    const overwrite = overwrites.get(id);
    if (overwrite) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  apply(allow, deny);
  const own = overwrites.get(userId);
  if (own) apply(own.allow, own.deny);
  return String(permissions);
}
