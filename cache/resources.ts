/**
 * What the cache can keep ({@linkcode CacheResource}), the intents each needs,
 * and the start-up warnings for resources the intents make impossible.
 *
 * @module
 */
import { GatewayIntent, intentNames } from "../types/intents.ts";

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
 * Resources a GUILD_CREATE carries whatever the intents (its `emojis`,
 * `stickers`, `guild_scheduled_events`, `soundboard_sounds`, and `members`:
 * the bot's own and those in voice): without their intent they fill, then
 * no event keeps them up to date.
 */
const FILLED_BY_GUILD_CREATE: ReadonlySet<CacheResource> = new Set([
  "emojis",
  "stickers",
  "scheduledEvents",
  "soundboardSounds",
  "members",
]);

/**
 * The warnings a Client shows at start when `intents` make resources
 * impossible (or incomplete): one naming every resource no event can fill
 * and every one only GUILD_CREATE fills (with the intents each lacks), and
 * one for guild messages kept without their content. Every resource but users
 * implies guilds (a guild's entities are kept only while its GUILD_CREATE
 * is held): without the Guilds intent, each is said to need it too (DM
 * messages excepted: messages of a bot that receives guild messages need
 * it "for guild ones"), rather than guilds being named when not asked for.
 *
 * @example Presences without the presence intent
 * ```ts
 * import { cacheIntentWarnings } from "@disruption/disruption/cache";
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const warnings = cacheIntentWarnings(["guilds", "presences"], GatewayIntent.Guilds);
 * assert.equal(warnings.length, 1);
 * assert.match(warnings[0]!, /presences \(needs GuildPresences\)/);
 * ```
 *
 * @param resources The resources the cache is asked to keep (as given,
 *   without those they imply).
 * @param intents The intents the shards identify with.
 * @param narrow How to keep fewer resources, for the advice ending the
 *   first warning (the Client's `cache` option by default).
 * @returns At most two messages; empty when every resource can fill.
 */
export function cacheIntentWarnings(
  resources: Iterable<CacheResource>,
  intents: number,
  narrow = "keep only what the bot needs with `cache: { resources: [...] }`",
): string[] {
  const kept = [...resources];
  const warnings: string[] = [];
  const missing: string[] = [];
  const stale: string[] = [];
  const guilds = (intents & GatewayIntent.Guilds) !== 0;
  for (const resource of kept) {
    const needed = RESOURCE_INTENTS[resource];
    const lacking = needed !== 0 && (intents & needed) === 0;
    // Without guilds held, a resource of guilds keeps nothing: DMs, which
    // have none, only messages; a bot receiving guild messages as well as
    // DMs keeps the DMs' alone, and is told of the others.
    const guildMessages = (intents & GatewayIntent.GuildMessages) !== 0;
    const dmOnly = resource === "messages" && !guildMessages &&
      (intents & GatewayIntent.DirectMessages) !== 0;
    const unheld = !guilds && resource !== "users" &&
      needed !== GatewayIntent.Guilds && !dmOnly;
    if (!lacking && !unheld) continue;
    const dms = resource === "messages" &&
      (intents & GatewayIntent.DirectMessages) !== 0;
    const lack = [
      ...(lacking ? [intentNames(needed).join(" or ")] : []),
      ...(unheld ? [dms ? "Guilds for guild ones" : "Guilds"] : []),
    ].join(" and ");
    (FILLED_BY_GUILD_CREATE.has(resource) && !unheld ? stale : missing).push(
      `${resource} (needs ${lack})`,
    );
  }
  const parts = [
    ...(missing.length > 0
      ? [
        `${
          missing.join(", ")
        }, which the intents cannot fill (Discord sends no events for them, or no GUILD_CREATE of their guilds)`,
      ]
      : []),
    ...(stale.length > 0
      ? [
        `${
          stale.join(", ")
        }, which only each GUILD_CREATE fills and no event updates after it (they go out of date)`,
      ]
      : []),
  ];
  if (parts.length > 0) {
    warnings.push(
      `The cache keeps ${parts.join("; and ")}: add the intents, or ${narrow}`,
    );
  }
  // Content in DMs, and in messages that mention the bot, comes without
  // the intent: only guild messages lose it.
  if (
    kept.includes("messages") &&
    (intents & GatewayIntent.GuildMessages) !== 0 &&
    (intents & GatewayIntent.MessageContent) === 0
  ) {
    warnings.push(
      `The cache keeps "messages" without the MessageContent intent: guild messages of other users that do not mention the bot have empty content, embeds, attachments and components, and no poll.`,
    );
  }
  return warnings;
}

/**
 * The start-up warning for resources that keep nothing whatever the
 * intents: users are held only while a member or message refers to them
 * (`"users"` adds only the updates of those held), so `"users"` without
 * `"members"` or `"messages"` keeps none. Warned rather than refused, as
 * the cache still works (it only keeps less than asked).
 *
 * @example Users alone
 * ```ts
 * import { cacheResourceWarnings } from "./resources.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(cacheResourceWarnings(["users"]).length, 1);
 * assert.deepEqual(cacheResourceWarnings(["users", "members"]), []);
 * ```
 *
 * @param resources The resources the cache is asked to keep (as given).
 * @returns At most one message; empty when every resource can fill.
 */
export function cacheResourceWarnings(
  resources: Iterable<CacheResource>,
): string[] {
  const kept = new Set(resources);
  if (!kept.has("users") || kept.has("members") || kept.has("messages")) {
    return [];
  }
  return [
    `The cache keeps "users" without "members" or "messages": it keeps nothing, as users are held only while a cached member or message refers to them; add "members" or "messages" to \`cache.resources\`, or leave "users" out`,
  ];
}
