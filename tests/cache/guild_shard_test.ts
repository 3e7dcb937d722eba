// snowflakeShard: Discord's (id >> 22) % count without a BigInt per id, for
// shardForGuild and the memory store's per-shard index of its guilds.
import assert from "node:assert/strict";
import { snowflakeShard } from "../../gateway/shard_routing.ts";

/** Discord's formula with BigInts, as written. */
function reference(id: string, count: number): number {
  return Number((BigInt(id) >> 22n) % BigInt(count));
}

Deno.test("snowflakeShard is Discord's (id >> 22) % count without a BigInt, and undefined for an id no shard can own", () => {
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
      assert.equal(snowflakeShard(id, count), reference(id, count), id);
    }
  }
  // ":" and "/" are the characters just past "9" and before "0".
  for (
    const id of [
      "18446744073709551616",
      "99999999999999999999",
      "",
      "a",
      "1:",
      "1/",
    ]
  ) {
    assert.equal(snowflakeShard(id, 8), undefined, id);
  }
});
