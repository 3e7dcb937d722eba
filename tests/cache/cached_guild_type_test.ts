// The type of a cached guild (the getters' and GUILD_CREATE/UPDATE/DELETE's
// ctx.old) is what the cache holds: the guild without the lists it keeps
// as their own entities (roles, emojis, stickers), with GUILD_CREATE's
// joined_at, large, unavailable and member_count, or the `{ id,
// unavailable: true }` placeholder of a guild seen only in READY or in an
// outage. `deno test` type-checks this file: the compile-time lines fail
// it when the types say otherwise; the runtime lines check the values.
import assert from "node:assert/strict";
import {
  type CachedGuild,
  MemoryCache,
  type OldState,
  type RedisCache,
} from "../../cache/mod.ts";
import type { UnavailableGuild } from "../../types/objects/guild.ts";

const G = "1000000000000000001";
const LATER = "1000000000000000002";

/** The name of a cached guild, or undefined for a placeholder. */
function nameOf(guild: CachedGuild | UnavailableGuild): string | undefined {
  // A placeholder has no name: `in` tells the two apart.
  return "name" in guild ? guild.name : undefined;
}

/** Compile-time only: the types accept what the cache hands out. */
function typesOnly(
  cache: MemoryCache,
  redis: RedisCache,
  old: OldState<"GUILD_UPDATE">,
): unknown[] {
  const placeholder = { id: G, unavailable: true } as const;
  const fromMemory: ReturnType<MemoryCache["guild"]> = placeholder;
  const fromRedis: Awaited<ReturnType<RedisCache["guild"]>> = placeholder;
  const created: OldState<"GUILD_CREATE"> = placeholder;
  const deleted: OldState<"GUILD_DELETE"> = placeholder;
  const listed: CachedGuild | UnavailableGuild = [...cache.guilds()][0]!;
  const guild = cache.guild(G);
  // @ts-expect-error -- the guild may be a placeholder without a name
  const unchecked: string = guild!.name;
  const count: number | undefined = guild !== undefined && "name" in guild
    ? guild.member_count
    : undefined;
  if (old !== undefined && "name" in old) {
    // @ts-expect-error -- roles are kept as their own entities
    void old.roles;
    // @ts-expect-error -- emojis too
    void old.emojis;
    const joined: string | undefined = old.joined_at;
    const large: boolean | undefined = old.large;
    return [joined, large];
  }
  void redis.guild(G);
  return [fromMemory, fromRedis, created, deleted, listed, unchecked, count];
}

Deno.test("MemoryCache: a created guild is a CachedGuild with GUILD_CREATE's fields, without its lists; a READY one a placeholder", () => {
  void typesOnly;
  const cache = new MemoryCache();
  cache.apply("READY", {
    v: 10,
    user: { id: "1000000000000000003", username: "bot", discriminator: "0" },
    guilds: [{ id: G, unavailable: true }, { id: LATER, unavailable: true }],
    session_id: "s",
    resume_gateway_url: "wss://gateway.discord.gg",
  });
  cache.apply("GUILD_CREATE", {
    id: G,
    name: "g",
    roles: [{ id: G, name: "@everyone" }],
    emojis: [],
    stickers: [],
    joined_at: "2024-01-01T00:00:00.000000+00:00",
    large: false,
    unavailable: false,
    member_count: 3,
  });
  const guild = cache.guild(G)!;
  assert.equal(nameOf(guild), "g");
  assert.ok("name" in guild);
  assert.equal(guild.member_count, 3);
  assert.equal(guild.unavailable, false);
  assert.equal("roles" in guild, false);
  assert.equal("emojis" in guild, false);
  assert.deepEqual(cache.guild(LATER), { id: LATER, unavailable: true });
  assert.equal(nameOf(cache.guild(LATER)!), undefined);
  assert.deepEqual([...cache.guilds()].map(nameOf).sort(), ["g", undefined]);
});
