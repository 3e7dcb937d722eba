/**
 * What the cache can keep ({@linkcode CacheResource}), the intents each needs,
 * and the start-up warnings for resources the intents make impossible.
 *
 * @module
 */
import { GatewayIntent } from "../types/intents.ts";

/**
 * A kind of state the cache can keep (twilight's resource flags). Users are
 * kept once each, shared by every member and message that refers to them,
 * and dropped with the last of those; `"users"` also updates them from
 * events that carry only a user (presences, USER_UPDATE).
 */
export type CacheResource =
  | "guilds"
  | "channels"
  | "roles"
  | "emojis"
  | "stickers"
  | "members"
  | "users"
  | "presences"
  | "voiceStates"
  | "messages"
  | "stageInstances"
  | "scheduledEvents"
  | "soundboardSounds"
  | "integrations";

/** Every {@linkcode CacheResource}, in a fixed order. */
export const CACHE_RESOURCES: readonly CacheResource[] = [
  "guilds",
  "channels",
  "roles",
  "emojis",
  "stickers",
  "members",
  "users",
  "presences",
  "voiceStates",
  "messages",
  "stageInstances",
  "scheduledEvents",
  "soundboardSounds",
  "integrations",
];

/**
 * The intents without which a resource never fills: any one of the listed
 * bits is enough (messages come from guild or direct messages).
 */
export const RESOURCE_INTENTS: Readonly<Record<CacheResource, number>> = {
  guilds: GatewayIntent.Guilds,
  channels: GatewayIntent.Guilds,
  roles: GatewayIntent.Guilds,
  emojis: GatewayIntent.GuildExpressions,
  stickers: GatewayIntent.GuildExpressions,
  // Without GUILD_MEMBERS members still arrive (the bot's own, message
  // authors' partial members are not cached), but no add/remove/update.
  members: GatewayIntent.GuildMembers,
  users: 0,
  presences: GatewayIntent.GuildPresences,
  voiceStates: GatewayIntent.GuildVoiceStates,
  messages: GatewayIntent.GuildMessages | GatewayIntent.DirectMessages,
  stageInstances: GatewayIntent.Guilds,
  scheduledEvents: GatewayIntent.GuildScheduledEvents,
  soundboardSounds: GatewayIntent.GuildExpressions,
  integrations: GatewayIntent.GuildIntegrations,
};

/**
 * The warnings to show at start for resources that `intents` make
 * impossible (or incomplete), one sentence each.
 *
 * @example Presences without the presence intent
 * ```ts
 * import { cacheIntentWarnings } from "@disruption/disruption/cache";
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const warnings = cacheIntentWarnings(["guilds", "presences"], GatewayIntent.Guilds);
 * assert.equal(warnings.length, 1);
 * assert.match(warnings[0]!, /presences/);
 * ```
 *
 * @param resources The resources the cache is asked to keep.
 * @param intents The intents the shards identify with.
 * @returns One message per impossible resource; empty when all can fill.
 */
export function cacheIntentWarnings(
  resources: Iterable<CacheResource>,
  intents: number,
): string[] {
  const warnings = unfillable(resources, intents).map(({ resource, lack }) =>
    `The cache keeps "${resource}", but the intents lack ${lack}: Discord sends no events that fill it. Add the intent or drop the resource.`
  );
  if (keepsContentless(resources, intents)) warnings.push(CONTENTLESS);
  return warnings;
}

/** The warning of {@linkcode keepsContentless}. */
export const CONTENTLESS =
  `The cache keeps "messages" without the MessageContent intent: cached messages of other users have empty content, embeds and attachments.`;

/**
 * The resources `intents` make impossible, each with the intents it lacks
 * (`"GuildExpressions"`, or names joined by "or").
 */
export function unfillable(
  resources: Iterable<CacheResource>,
  intents: number,
): { resource: CacheResource; lack: string }[] {
  const found: { resource: CacheResource; lack: string }[] = [];
  for (const resource of resources) {
    const needed = RESOURCE_INTENTS[resource];
    if (needed === 0 || (intents & needed) !== 0) continue;
    const lack = Object.entries(GatewayIntent)
      .filter(([, bit]) => (needed & bit) !== 0)
      .map(([name]) => name)
      .join(" or ");
    found.push({ resource, lack });
  }
  return found;
}

/** Messages are kept, received, but without their content. */
export function keepsContentless(
  resources: Iterable<CacheResource>,
  intents: number,
): boolean {
  return [...resources].includes("messages") &&
    (intents & (GatewayIntent.GuildMessages | GatewayIntent.DirectMessages)) !==
      0 &&
    (intents & GatewayIntent.MessageContent) === 0;
}
