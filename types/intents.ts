/**
 * Gateway intents: the bits of IDENTIFY's `intents` field.
 *
 * @example Combine intents
 * ```ts
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const intents = GatewayIntent.Guilds | GatewayIntent.GuildMessages;
 * assert.equal(intents, 513);
 * ```
 */
export const GatewayIntent = {
  /** Guild, role, channel, thread and stage-instance events. */
  Guilds: 1 << 0,
  /** Member add/update/remove (privileged). */
  GuildMembers: 1 << 1,
  /** Bans and audit-log entries. */
  GuildModeration: 1 << 2,
  /** Emoji, sticker and soundboard-sound updates. */
  GuildExpressions: 1 << 3,
  /** Integration events. */
  GuildIntegrations: 1 << 4,
  /** Webhook updates. */
  GuildWebhooks: 1 << 5,
  /** Invite create/delete. */
  GuildInvites: 1 << 6,
  /** Voice states and voice channel effects. */
  GuildVoiceStates: 1 << 7,
  /** Presence updates (privileged). */
  GuildPresences: 1 << 8,
  /** Guild message create/update/delete. */
  GuildMessages: 1 << 9,
  /** Guild message reactions. */
  GuildMessageReactions: 1 << 10,
  /** Guild typing indicators. */
  GuildMessageTyping: 1 << 11,
  /** Direct message create/update/delete and DM pins. */
  DirectMessages: 1 << 12,
  /** Direct message reactions. */
  DirectMessageReactions: 1 << 13,
  /** Direct message typing indicators. */
  DirectMessageTyping: 1 << 14,
  /** Fills message content fields (privileged); gates no event. */
  MessageContent: 1 << 15,
  /** Scheduled events. */
  GuildScheduledEvents: 1 << 16,
  /** Auto-moderation rule create/update/delete. */
  AutoModerationConfiguration: 1 << 20,
  /** Auto-moderation action executions. */
  AutoModerationExecution: 1 << 21,
  /** Guild poll votes. */
  GuildMessagePolls: 1 << 24,
  /** Direct message poll votes. */
  DirectMessagePolls: 1 << 25,
} as const;

/** The name of a gateway intent, as a key of {@linkcode GatewayIntent}. */
export type GatewayIntentName = keyof typeof GatewayIntent;

/** Every documented intent bit ORed together (`0x331FFFF`). */
export const ALL_INTENTS: number = Object.values(GatewayIntent).reduce(
  (all, bit) => all | bit,
  0,
);

/** The privileged intents, which must be enabled in the Developer Portal. */
export const PRIVILEGED_INTENTS: number = GatewayIntent.GuildMembers |
  GatewayIntent.GuildPresences | GatewayIntent.MessageContent;

/** Every documented intent that is not privileged. */
export const NON_PRIVILEGED_INTENTS: number = ALL_INTENTS & ~PRIVILEGED_INTENTS;

/**
 * Whether `intents` is a valid intents value: a non-negative integer that uses
 * only documented bits.
 *
 * @param intents The value to check.
 * @returns `true` when Discord would accept the bitfield.
 *
 * @example Usage
 * ```ts
 * import { isValidIntents } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isValidIntents(513), true);
 * assert.equal(isValidIntents(1 << 17), false);
 * ```
 */
export function isValidIntents(intents: number): boolean {
  return Number.isInteger(intents) && intents >= 0 &&
    intents <= 0xffffffff && (intents & ~ALL_INTENTS) === 0;
}

/**
 * The names of the documented intents set in `bits`, lowest bit first
 * (undocumented bits are left out), for logs and error messages.
 *
 * @param bits An intents bitfield.
 * @returns The names, as keys of {@linkcode GatewayIntent}.
 *
 * @example Name an intents value
 * ```ts
 * import { GatewayIntent, intentNames } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(intentNames(513), ["Guilds", "GuildMessages"]);
 * assert.deepEqual(intentNames(GatewayIntent.GuildMembers | (1 << 17)), [
 *   "GuildMembers",
 * ]);
 * assert.deepEqual(intentNames(0), []);
 * ```
 */
export function intentNames(bits: number): GatewayIntentName[] {
  return (Object.keys(GatewayIntent) as GatewayIntentName[]).filter((name) =>
    (bits & GatewayIntent[name]) !== 0
  );
}
