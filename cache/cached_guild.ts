/**
 * The type of a guild as the cache holds it ({@linkcode CachedGuild}).
 *
 * @module
 */
import type { Guild } from "../types/objects/guild.ts";

/**
 * A guild as cached (`cache.guild()`, `cache.guilds()`, the old state of
 * GUILD_CREATE, GUILD_UPDATE and GUILD_DELETE): the documented guild fields
 * the events brought, without the lists the cache keeps as entities of
 * their own (`roles`, `emojis`, `stickers`: read them with their getters),
 * and with GUILD_CREATE's `joined_at`, `large`, `unavailable` and
 * `member_count` (kept current by member events). These are optional: a
 * guild cached by another program, or patched before its GUILD_CREATE, may
 * lack them. `unavailable` is `false` once created and `true` while the
 * guild is in an outage, when it keeps what was known.
 *
 * A guild seen only in READY (or first in an outage) is cached as the
 * placeholder `{ id, unavailable: true }` (an `UnavailableGuildCreate`), so
 * the getters give `CachedGuild | UnavailableGuildCreate`. `"name" in
 * guild` tells them apart (a placeholder has no name); `!guild.unavailable`
 * narrows to an available `CachedGuild`.
 *
 * @example Tell a placeholder from a created guild
 * ```ts
 * import { type CachedGuild, MemoryCache } from "@disruption/disruption/cache";
 * import type { UnavailableGuildCreate } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * function describe(guild: CachedGuild | UnavailableGuildCreate): string {
 *   if (!("name" in guild)) return `guild ${guild.id} not loaded yet`;
 *   return `${guild.name} (${guild.member_count ?? "?"} members)`;
 * }
 * const cache = new MemoryCache();
 * cache.apply("GUILD_CREATE", { id: "1", unavailable: true });
 * assert.equal(describe(cache.guild("1")!), "guild 1 not loaded yet");
 * cache.apply("GUILD_CREATE", { id: "1", name: "Home", member_count: 3 });
 * assert.equal(describe(cache.guild("1")!), "Home (3 members)");
 * ```
 */
export interface CachedGuild
  extends Omit<Guild, "roles" | "emojis" | "stickers"> {
  /** When the bot joined the guild (GUILD_CREATE). */
  joined_at?: string;
  /** Whether the guild is large (GUILD_CREATE). */
  large?: boolean;
  /** `false` once created; `true` during an outage (fields kept). */
  unavailable?: boolean;
  /** Total number of members (GUILD_CREATE, kept current). */
  member_count?: number;
}
