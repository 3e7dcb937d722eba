// SHARDS_START or SHARDS_END without SHARDS_TOTAL is refused: the count
// then followed Discord's recommendation, asked by each process at its
// start, so processes started at different times could split different
// counts.
import assert from "node:assert/strict";
import { ConfigError, loadDispatchConfig } from "../../dispatch/config.ts";
import { BASE } from "./_config_refused.ts";

Deno.test("dispatch config: SHARDS_START or SHARDS_END without SHARDS_TOTAL is a configuration error naming SHARDS_TOTAL", () => {
  for (
    const range of [
      { SHARDS_START: "0", SHARDS_END: "1" },
      { SHARDS_START: "2" },
      { SHARDS_END: "3" },
    ]
  ) {
    assert.throws(() => loadDispatchConfig({ ...BASE, ...range }), (error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.equal(error.variable, "SHARDS_TOTAL");
      assert.match(error.message, /^SHARDS_TOTAL is required: .*SHARDS_START/);
      return true;
    });
  }
  // With it, or with neither (one process runs every shard), it starts.
  const split = loadDispatchConfig({
    ...BASE,
    SHARDS_START: "0",
    SHARDS_END: "1",
    SHARDS_TOTAL: "4",
  });
  assert.equal(split.shardsTotal, 4);
  assert.equal(loadDispatchConfig(BASE).shardsTotal, undefined);
  // SHARDS_START=0 alone is every shard too.
  const all = loadDispatchConfig({ ...BASE, SHARDS_START: "0" });
  assert.deepEqual([all.shardsStart, all.shardsTotal], [0, undefined]);
});
