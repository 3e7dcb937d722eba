// A READY reads the held guilds of its own shard only: it walked every guild
// the cache held, all shards', so a large bot's start-up (one READY per
// shard) grew with the square of its shards. The memory store keeps its
// guilds indexed per shard count, built when a READY of that count first
// asks and kept on every guild set and removal, a reshard's count too.
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import type { CacheLookup } from "../../cache/mod.ts";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { testRedis } from "../_fakes/servers.ts";

/** A guild id on shard `shard` of `count`: Discord's (id >> 22) % count. */
function guildOn(shard: number, count: number, n: number): string {
  return String(BigInt(shard + count * n) << 22n);
}

function ready(guilds: string[], shard: [number, number]): object {
  return {
    v: 10,
    user: { id: "9", username: "bot", discriminator: "0", avatar: null },
    guilds: guilds.map((id) => ({ id, unavailable: true })),
    session_id: "s",
    resume_gateway_url: "wss://gateway.discord.gg",
    application: { id: "9", flags: 0 },
    shard,
  };
}

function create(cache: MemoryCache, id: string): void {
  cache.apply("GUILD_CREATE", {
    id,
    name: `g${id}`,
    channels: [],
    roles: [],
    members: [],
    threads: [],
    emojis: [],
  });
}

/**
 * Count the guild ids the core is handed through the cache's lookup (every
 * id of `ids("guild", "")`, and of the shard index when the cache has one).
 */
function countScanned(cache: MemoryCache): () => number {
  let scanned = 0;
  const counted = (ids: Iterable<string>): string[] => {
    const list = [...ids];
    scanned += list.length;
    return list;
  };
  const lookup = cache as CacheLookup;
  const ids = lookup.ids.bind(cache);
  lookup.ids = (kind, scope) =>
    kind === "guild" ? counted(ids(kind, scope)) : ids(kind, scope);
  const ofShard = lookup.guildIdsOfShard?.bind(cache);
  if (ofShard !== undefined) {
    lookup.guildIdsOfShard = (shard, count) => counted(ofShard(shard, count));
  }
  return () => {
    const count = scanned;
    scanned = 0;
    return count;
  };
}

const SHARDS = 8;
const PER_SHARD = 40;

/** Guild ids per shard of SHARDS, PER_SHARD each, all held. */
function fullCache(): { cache: MemoryCache; ids: string[][] } {
  const cache = new MemoryCache({ resources: ["guilds"] });
  const ids: string[][] = [];
  for (let shard = 0; shard < SHARDS; shard++) {
    ids.push([]);
    for (let n = 0; n < PER_SHARD; n++) {
      const id = guildOn(shard, SHARDS, n + 1);
      ids[shard]!.push(id);
      create(cache, id);
    }
  }
  return { cache, ids };
}

Deno.test("READY scans its own shard's held guilds only, and drops those of them it does not list", () => {
  const { cache, ids } = fullCache();
  const scanned = countScanned(cache);
  const [left, ...listed] = ids[3]!;
  // The first READY of a count builds the index (one pass, not counted as
  // the core's reads); each later one reads its shard's guilds only.
  cache.apply("READY", ready(listed, [3, SHARDS]));
  assert.ok(scanned() <= PER_SHARD, "the first READY of a count");
  assert.equal(cache.guild(left!), undefined, "its shard's unlisted guild");
  assert.equal(cache.sizes().guild, SHARDS * PER_SHARD - 1);
  for (let shard = 0; shard < SHARDS; shard++) {
    cache.apply("READY", ready(ids[shard]!.slice(1), [shard, SHARDS]));
    assert.ok(scanned() <= PER_SHARD, `shard ${shard}'s READY`);
  }
  for (let shard = 0; shard < SHARDS; shard++) {
    assert.equal(cache.guild(ids[shard]![0]!), undefined);
    assert.equal(cache.guild(ids[shard]![1]!)?.id, ids[shard]![1]);
  }
  assert.equal(cache.sizes().guild, SHARDS * (PER_SHARD - 1));
});

Deno.test("READY's shard index follows guilds created and removed since it was built", () => {
  const { cache, ids } = fullCache();
  cache.apply("READY", ready(ids[5]!, [5, SHARDS]));
  const scanned = countScanned(cache);
  // Created after the index was built: the next READY that leaves it out
  // drops it (the index learned it), and another shard's READY keeps it.
  const added = guildOn(5, SHARDS, 1000);
  create(cache, added);
  cache.apply("READY", ready(ids[4]!, [4, SHARDS]));
  assert.ok(scanned() <= PER_SHARD);
  assert.equal(cache.guild(added)?.id, added, "another shard's READY");
  cache.apply("READY", ready(ids[5]!, [5, SHARDS]));
  assert.ok(scanned() <= PER_SHARD + 1);
  assert.equal(cache.guild(added), undefined, "its own shard's READY");
  // Removed since: no longer scanned, and created again it is held again.
  const deleted = ids[5]![0]!;
  cache.apply("GUILD_DELETE", { id: deleted });
  cache.apply("READY", ready(ids[5]!.slice(1), [5, SHARDS]));
  assert.equal(scanned(), PER_SHARD - 1, "the removed guild is not scanned");
  create(cache, deleted);
  cache.apply("READY", ready(ids[5]!.slice(1), [5, SHARDS]));
  assert.equal(cache.guild(deleted), undefined, "indexed again, then dropped");
  cache.clear();
  create(cache, added);
  cache.apply("READY", ready([], [5, SHARDS]));
  assert.equal(cache.sizes().guild, 0, "cleared, the index starts again");
});

Deno.test("READY after a reshard (another shard count) scans and drops that count's shard only, and the old count's index stays right", () => {
  const { cache, ids } = fullCache();
  cache.apply("READY", ready(ids[0]!, [0, SHARDS]));
  const scanned = countScanned(cache);
  // Four shards now: shard 1 of 4 holds shards 1 and 5 of 8.
  const ofOne = [...ids[1]!, ...ids[5]!];
  const [left, ...listed] = ofOne;
  cache.apply("READY", ready(listed, [1, 4]));
  assert.ok(scanned() <= ofOne.length);
  assert.equal(cache.guild(left!), undefined);
  assert.equal(cache.sizes().guild, SHARDS * PER_SHARD - 1);
  for (const shard of [0, 2, 3, 4, 6, 7]) {
    assert.ok(ids[shard]!.every((id) => cache.guild(id) !== undefined));
  }
  // Back on eight shards: the guild removed under four is gone from the
  // eight-shard index too, and shard 1 of 8 drops its unlisted one.
  cache.apply("READY", ready(ids[1]!.slice(2), [1, SHARDS]));
  assert.ok(scanned() <= PER_SHARD - 1);
  assert.equal(cache.guild(ids[1]![1]!), undefined);
  assert.equal(cache.sizes().guild, SHARDS * PER_SHARD - 2);
  // A third count, then the first again: counts past the two kept are
  // built again when asked, and stay right.
  cache.apply("READY", ready(ids[2]!, [2, SHARDS * 2]));
  assert.equal(cache.sizes().guild, SHARDS * PER_SHARD - 2);
  const ofThree = [...ids[3]!, ...ids[7]!.slice(1)];
  cache.apply("READY", ready(ofThree, [3, 4]));
  assert.equal(cache.guild(ids[7]![0]!), undefined);
  cache.apply("READY", ready(ids[6]!.slice(1), [6, SHARDS]));
  assert.equal(cache.guild(ids[6]![0]!), undefined);
  assert.equal(cache.sizes().guild, SHARDS * PER_SHARD - 4);
});

Deno.test({
  name:
    "RedisCache: a READY in a batch drops its shard's unlisted guilds, those the batch created too, and keeps those the batch removed and created again only when listed",
  ignore: testRedis().ignore,
  fn: async () => {
    const server = new PrivateRedis();
    await server.start();
    const redis = await connectRedis({ url: server.url });
    try {
      const cache = new RedisCache(redis, { resources: ["guilds"] });
      const held = guildOn(1, 2, 1);
      const again = guildOn(1, 2, 2);
      const kept = guildOn(1, 2, 3);
      const other = guildOn(0, 2, 1);
      const created = guildOn(1, 2, 4);
      const guild = (id: string) => ({
        event: "GUILD_CREATE",
        data: { id, name: `g${id}`, channels: [], roles: [], members: [] },
      });
      await cache.applyBatch([held, again, kept, other].map(guild));
      await cache.applyBatch([
        guild(created),
        { event: "GUILD_DELETE", data: { id: again } },
        guild(again),
        { event: "READY", data: ready([kept], [1, 2]) },
      ]);
      await cache.flush();
      assert.equal(await cache.guild(held), undefined, "held, unlisted");
      assert.equal(await cache.guild(created), undefined, "created, unlisted");
      assert.equal(await cache.guild(again), undefined, "created again");
      assert.equal((await cache.guild(kept))?.id, kept, "listed");
      assert.equal((await cache.guild(other))?.id, other, "another shard's");
    } finally {
      await closeRedis(redis);
      await server.stop();
    }
  },
});
