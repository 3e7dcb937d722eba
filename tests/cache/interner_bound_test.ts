// The memory store's interner holds guild and role ids and one-role lists;
// its bound follows the guilds, channels and roles that can name them, not
// every member and message. Bound by every entity, a cache of many members
// kept the ids of unique channels (each created, written in and deleted)
// or unique roles until it held four per entity: the heap grew to 1.7 times
// the cache before the interner started over. Checked by structure: the
// largest map of strings keyed by themselves (the interner's) is read.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { INTERNED_FLOOR } from "../../cache/compact.ts";
import { watchCollections } from "./_collection_log.ts";
import { guildMessage } from "./_guild_message.ts";
import { user } from "./_event_sequences.ts";

const GUILD = "900000000000000001";
const MEMBERS = 20_000;
/** More new ids than the interner's floor. */
const CHURN = INTERNED_FLOOR + 5_000;

let nextId = 10n ** 17n;
const id = (): string => String(nextId++);

/**
 * A guild of MEMBERS members (with their users: 40,000 entities), and the
 * user of one of them.
 */
function bigGuild(): { cache: MemoryCache; member: Record<string, unknown> } {
  const cache = new MemoryCache();
  const users = Array.from({ length: MEMBERS }, () => user(id()));
  cache.apply("GUILD_CREATE", {
    id: GUILD,
    name: "g",
    channels: [],
    roles: [],
    members: users.map((u) => ({
      user: u,
      roles: [],
      joined_at: "2024-01-01T00:00:00.000000+00:00",
    })),
  });
  return { cache, member: users[0]! };
}

Deno.test("MemoryCache: channels created, written in and deleted, each with a new id, leave no id in the interner", () => {
  const { cache } = bigGuild();
  const author = user(id());
  const log = watchCollections(() => {
    for (let i = 0; i < CHURN; i++) {
      const channel = id();
      cache.apply("CHANNEL_CREATE", {
        id: channel,
        type: 0,
        guild_id: GUILD,
        name: "x",
      });
      cache.apply(
        "MESSAGE_CREATE",
        guildMessage(id(), channel, GUILD, { author }),
      );
      cache.apply("CHANNEL_DELETE", { id: channel, type: 0, guild_id: GUILD });
    }
  });
  assert.ok(
    log.largestSelfKeyed < 100,
    `the interner held ${log.largestSelfKeyed} strings`,
  );
  assert.equal(cache.sizes().channel, 0);
});

Deno.test("MemoryCache: a member naming a new role id in every update keeps the interner within its floor in a cache of 20,000 members and no roles", () => {
  const { cache, member } = bigGuild();
  const log = watchCollections(() => {
    for (let i = 0; i < CHURN; i++) {
      cache.apply("GUILD_MEMBER_UPDATE", {
        guild_id: GUILD,
        user: member,
        roles: [id()],
        joined_at: null,
      });
    }
  });
  // Past the limit by one value, it starts over.
  assert.ok(
    log.largestSelfKeyed <= INTERNED_FLOOR + 1,
    `the interner held ${log.largestSelfKeyed} strings`,
  );
});
