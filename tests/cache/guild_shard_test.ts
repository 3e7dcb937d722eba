// guildShard: the shard of a held guild, for the memory store's per-shard
// index of its guilds and Redis's READY, without a BigInt per id.
import assert from "node:assert/strict";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import { guildShard } from "../../cache/_shard_guilds.ts";

Deno.test("guildShard is Discord's (id >> 22) % count without a BigInt, and undefined for an id no shard can own", () => {
  const ids = [
    "0",
    "1",
    "4194303",
    "4194304",
    "197038439483310086",
    "18446744073709551615",
    "9999999999999999999",
    "12345678901234567890",
  ];
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 48271) % 2147483647;
    const digits = 1 + (seed % 20);
    let id = String(1 + (seed % 9));
    while (id.length < digits) {
      seed = (seed * 48271) % 2147483647;
      id += String(seed % 10);
    }
    if (BigInt(id) <= (1n << 64n) - 1n) ids.push(id);
  }
  for (const id of ids) {
    for (const count of [1, 2, 7, 16, 1000, 65536, 2 ** 31 - 1]) {
      assert.equal(guildShard(id, count), shardForGuild(id, count), id);
    }
  }
  for (const id of ["18446744073709551616", "99999999999999999999", "", "a"]) {
    assert.equal(guildShard(id, 8), undefined, id);
  }
});
