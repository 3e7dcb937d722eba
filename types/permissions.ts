/**
 * Permissions: Discord's permission bits as bigints, and small helpers to
 * read Discord's string bitfields (`"2147483648"`), test them and combine
 * them. Bits above 31 exist, so numbers cannot hold them; bigints can.
 *
 * @module
 */

/**
 * Every documented permission bit, as a bigint. Discord sends permission
 * sets as decimal strings (a role's `permissions`, an overwrite's `allow`
 * and `deny`, an interaction's `app_permissions`); read them with
 * {@linkcode parsePermissions} or test them with {@linkcode hasPermission}.
 *
 * @example Test a role's permissions
 * ```ts
 * import { hasPermission, PermissionFlags } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const role = { permissions: "3072" }; // VIEW_CHANNEL | SEND_MESSAGES
 * assert.ok(hasPermission(role.permissions, PermissionFlags.ViewChannel));
 * assert.ok(!hasPermission(role.permissions, PermissionFlags.BanMembers));
 * ```
 */
export const PermissionFlags = {
  /** Allows creation of instant invites. */
  CreateInstantInvite: 1n << 0n,
  /** Allows kicking members. */
  KickMembers: 1n << 1n,
  /** Allows banning members. */
  BanMembers: 1n << 2n,
  /** Allows all permissions and bypasses channel permission overwrites. */
  Administrator: 1n << 3n,
  /** Allows management and editing of channels. */
  ManageChannels: 1n << 4n,
  /** Allows management and editing of the guild. */
  ManageGuild: 1n << 5n,
  /** Allows for adding new reactions to messages. This permission does not apply to reacting with an existing reaction on a message. */
  AddReactions: 1n << 6n,
  /** Allows for viewing of audit logs. */
  ViewAuditLog: 1n << 7n,
  /** Allows for using priority speaker in a voice channel. */
  PrioritySpeaker: 1n << 8n,
  /** Allows the user to go live. */
  Stream: 1n << 9n,
  /** Allows guild members to view a channel, which includes reading messages in text channels and joining voice channels. */
  ViewChannel: 1n << 10n,
  /** Allows for sending messages in a channel and creating threads in a forum (does not allow sending messages in threads). */
  SendMessages: 1n << 11n,
  /** Allows for sending of `/tts` messages. */
  SendTtsMessages: 1n << 12n,
  /** Allows for deletion of other users messages. */
  ManageMessages: 1n << 13n,
  /** Links sent by users with this permission will be auto-embedded. */
  EmbedLinks: 1n << 14n,
  /** Allows for uploading images and files. */
  AttachFiles: 1n << 15n,
  /** Allows for reading of message history. */
  ReadMessageHistory: 1n << 16n,
  /** Allows for using the `@everyone` tag to notify all users in a channel, and the `@here` tag to notify all online users in a channel. */
  MentionEveryone: 1n << 17n,
  /** Allows the usage of custom emojis from other servers. */
  UseExternalEmojis: 1n << 18n,
  /** Allows for viewing guild insights. */
  ViewGuildInsights: 1n << 19n,
  /** Allows for joining of a voice channel. */
  Connect: 1n << 20n,
  /** Allows for speaking in a voice channel. */
  Speak: 1n << 21n,
  /** Allows for muting members in a voice channel. */
  MuteMembers: 1n << 22n,
  /** Allows for deafening of members in a voice channel. */
  DeafenMembers: 1n << 23n,
  /** Allows for moving of members between voice channels. */
  MoveMembers: 1n << 24n,
  /** Allows for using voice-activity-detection in a voice channel. */
  UseVad: 1n << 25n,
  /** Allows for modification of own nickname. */
  ChangeNickname: 1n << 26n,
  /** Allows for modification of other users nicknames. */
  ManageNicknames: 1n << 27n,
  /** Allows management and editing of roles. */
  ManageRoles: 1n << 28n,
  /** Allows management and editing of webhooks. */
  ManageWebhooks: 1n << 29n,
  /** Allows for editing and deleting emojis, stickers, and soundboard sounds created by all users. */
  ManageGuildExpressions: 1n << 30n,
  /** Allows members to use application commands, including slash commands and context menu commands. */
  UseApplicationCommands: 1n << 31n,
  /** Allows for requesting to speak in stage channels. */
  RequestToSpeak: 1n << 32n,
  /** Allows for editing and deleting scheduled events created by all users. */
  ManageEvents: 1n << 33n,
  /** Allows for deleting and archiving threads, and viewing all private threads. */
  ManageThreads: 1n << 34n,
  /** Allows for creating public and announcement threads. */
  CreatePublicThreads: 1n << 35n,
  /** Allows for creating private threads. */
  CreatePrivateThreads: 1n << 36n,
  /** Allows the usage of custom stickers from other servers. */
  UseExternalStickers: 1n << 37n,
  /** Allows for sending messages in threads. */
  SendMessagesInThreads: 1n << 38n,
  /** Allows for using Activities (applications with the `EMBEDDED` flag). */
  UseEmbeddedActivities: 1n << 39n,
  /** Allows for timing out users to prevent them from sending or reacting to messages in chat and threads, and from speaking in voice and stage channels. */
  ModerateMembers: 1n << 40n,
  /** Allows for viewing role subscription insights. */
  ViewCreatorMonetizationAnalytics: 1n << 41n,
  /** Allows for using soundboard in a voice channel. */
  UseSoundboard: 1n << 42n,
  /** Allows for creating emojis, stickers, and soundboard sounds, and editing and deleting those created by the current user. */
  CreateGuildExpressions: 1n << 43n,
  /** Allows for creating scheduled events, and editing and deleting those created by the current user. */
  CreateEvents: 1n << 44n,
  /** Allows the usage of custom soundboard sounds from other servers. */
  UseExternalSounds: 1n << 45n,
  /** Allows sending voice messages. */
  SendVoiceMessages: 1n << 46n,
  /** Allows setting voice channel status. */
  SetVoiceChannelStatus: 1n << 48n,
  /** Allows sending polls. */
  SendPolls: 1n << 49n,
  /** Allows user-installed apps to send public responses. When disabled, users will still be allowed to use their apps but the responses will be ephemeral. This only applies to apps not also installed to the server. */
  UseExternalApps: 1n << 50n,
  /** Allows pinning and unpinning messages. */
  PinMessages: 1n << 51n,
  /** Allows bypassing slowmode restrictions. */
  BypassSlowmode: 1n << 52n,
} as const;

/** The name of a permission, as a key of {@linkcode PermissionFlags}. */
export type PermissionFlagName = keyof typeof PermissionFlags;

/**
 * A permission set as Discord sends it (a decimal string) or as a bigint
 * (one flag of {@linkcode PermissionFlags}, or several combined).
 */
export type PermissionSet = string | bigint;

/** Longest decimal string accepted: 2^256 has 78 digits, far above any bit Discord uses. */
const MAX_PERMISSION_DIGITS = 78;

/**
 * Reads a permission set: a decimal string as Discord sends it, or a
 * bigint (returned as is).
 *
 * @param permissions The permission set, e.g. a role's `permissions`.
 * @returns The permission bits.
 * @throws {TypeError} When a string is not a non-negative decimal integer
 * of at most 78 digits (Discord never sends anything else).
 * @throws {RangeError} When a bigint is negative.
 *
 * @example Parse a role's permissions
 * ```ts
 * import { parsePermissions, PermissionFlags } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parsePermissions("8"), PermissionFlags.Administrator);
 * assert.throws(() => parsePermissions("0x8"), TypeError);
 * ```
 */
export function parsePermissions(permissions: PermissionSet): bigint {
  if (typeof permissions === "bigint") {
    if (permissions < 0n) {
      throw new RangeError(
        `A permission set cannot be negative (got ${permissions})`,
      );
    }
    return permissions;
  }
  if (
    typeof permissions !== "string" ||
    permissions.length > MAX_PERMISSION_DIGITS ||
    !/^[0-9]+$/.test(permissions)
  ) {
    throw new TypeError(
      `A permission set must be a decimal string of digits (got ${
        describe(permissions)
      })`,
    );
  }
  return BigInt(permissions);
}

/**
 * Combines permission sets and flags into one set (a bitwise OR).
 *
 * @param permissions Flags of {@linkcode PermissionFlags}, bigints or
 * Discord's decimal strings.
 * @returns The union of the bits, as a bigint; `0n` for none.
 * @throws {TypeError} When a string is not a decimal integer (see
 * {@linkcode parsePermissions}).
 *
 * @example Ask for the permissions a bot needs
 * ```ts
 * import { combinePermissions, PermissionFlags } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const needed = combinePermissions(
 *   PermissionFlags.ViewChannel,
 *   PermissionFlags.SendMessages,
 * );
 * assert.equal(needed, 3072n);
 * assert.equal(needed.toString(), "3072"); // as Discord's REST API takes it
 * ```
 */
export function combinePermissions(...permissions: PermissionSet[]): bigint {
  let bits = 0n;
  for (const permission of permissions) bits |= parsePermissions(permission);
  return bits;
}

/**
 * Whether a permission set grants every one of the given flags. A set with
 * {@linkcode PermissionFlags.Administrator} grants every permission, as in
 * Discord's own computation; to test raw bits, compare
 * `parsePermissions(set) & flag` instead.
 *
 * @param permissions The set to test: Discord's decimal string (a role's
 * `permissions`, an interaction's `app_permissions`) or a bigint.
 * @param flags The flags that must all be granted (none: always true).
 * @returns True when every flag is in the set, or the set has ADMINISTRATOR.
 * @throws {TypeError} When a string is not a decimal integer (see
 * {@linkcode parsePermissions}).
 *
 * @example Check the bot may reply where it was invoked
 * ```ts
 * import { hasPermission, PermissionFlags } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const appPermissions = "2048"; // SEND_MESSAGES only
 * assert.ok(hasPermission(appPermissions, PermissionFlags.SendMessages));
 * assert.ok(
 *   !hasPermission(
 *     appPermissions,
 *     PermissionFlags.SendMessages,
 *     PermissionFlags.EmbedLinks,
 *   ),
 * );
 * assert.ok(hasPermission("8", PermissionFlags.BanMembers)); // administrator
 * ```
 */
export function hasPermission(
  permissions: PermissionSet,
  ...flags: PermissionSet[]
): boolean {
  const bits = parsePermissions(permissions);
  const wanted = combinePermissions(...flags);
  if ((bits & PermissionFlags.Administrator) !== 0n) return true;
  return (bits & wanted) === wanted;
}

/**
 * The names of the documented permissions in a set, lowest bit first
 * (undocumented bits are left out), for logs and error messages.
 *
 * @param permissions Discord's decimal string or a bigint.
 * @returns The names, as keys of {@linkcode PermissionFlags}.
 * @throws {TypeError} When a string is not a decimal integer (see
 * {@linkcode parsePermissions}).
 *
 * @example Name a role's permissions
 * ```ts
 * import { permissionNames } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(permissionNames("3072"), ["ViewChannel", "SendMessages"]);
 * ```
 */
export function permissionNames(
  permissions: PermissionSet,
): PermissionFlagName[] {
  const bits = parsePermissions(permissions);
  const names: PermissionFlagName[] = [];
  for (const [name, flag] of PERMISSION_ENTRIES) {
    if ((bits & flag) !== 0n) names.push(name);
  }
  return names;
}

const PERMISSION_ENTRIES = Object.entries(PermissionFlags) as [
  PermissionFlagName,
  bigint,
][];

function describe(value: unknown): string {
  if (typeof value !== "string") return typeof value;
  return value.length > 40
    ? `a ${value.length}-character string`
    : JSON.stringify(value);
}
