// FleetShards refuses wrong options when it is created, naming the option,
// instead of failing later: a TTL Lua cannot write back (10000.5, 1e15,
// Infinity) made every lease unreadable, a renewal every microsecond
// flooded Redis, a bad pool id or shard option crashed a tick.
import assert from "node:assert/strict";
import { assertFleetOptions } from "../../fleet/fleet_options_check.ts";
import { FleetShards } from "../../fleet/fleet_shards.ts";
import type { FleetShardsOptions } from "../../fleet/fleet_shards_options.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** The constructor only keeps the connection: nothing is sent to it. */
const redis = {
  eval: () => Promise.reject(new Error("not connected")),
} as unknown as RedisConnection;

function base(): FleetShardsOptions {
  return {
    redis,
    shard: { token: "t", intents: 1 },
    shardCount: 4,
    identifyQueue: new MemoryIdentifyQueue(),
    sessionStore: new MemorySessionStore(),
  };
}

const refused: [string, Record<string, unknown>, string, ErrorConstructor][] = [
  ["leaseTtlMs", { leaseTtlMs: Infinity }, "leaseTtlMs", RangeError],
  ["leaseTtlMs", { leaseTtlMs: 1e15 }, "leaseTtlMs", RangeError],
  ["leaseTtlMs", { leaseTtlMs: 10_000.5 }, "leaseTtlMs", RangeError],
  ["leaseTtlMs", { leaseTtlMs: "15000" }, "leaseTtlMs", RangeError],
  ["leaseTtlMs", { leaseTtlMs: NaN }, "leaseTtlMs", RangeError],
  ["leaseTtlMs", { leaseTtlMs: 0 }, "leaseTtlMs", RangeError],
  ["renewMs", { renewMs: 1e-6 }, "renewMs", RangeError],
  ["renewMs", { renewMs: 0 }, "renewMs", RangeError],
  ["renewMs", { renewMs: 2_500.5 }, "renewMs", RangeError],
  ["renewMs", { leaseTtlMs: 15_000, renewMs: 15_000 }, "renewMs", RangeError],
  ["renewMs", { leaseTtlMs: 15_000, renewMs: 5_001 }, "renewMs", RangeError],
  ["clock", { clock: "bogus" }, "clock", RangeError],
  ["prefix", { prefix: "" }, "prefix", TypeError],
  ["prefix", { prefix: 7 }, "prefix", TypeError],
  ["pool", { pool: "0,1" }, "pool", TypeError],
  ["pool[]", { pool: [-1] }, "pool[]", RangeError],
  ["pool[]", { pool: [NaN] }, "pool[]", RangeError],
  ["pool[]", { pool: [1.5] }, "pool[]", RangeError],
  ["pool[]", { pool: ["1"] }, "pool[]", RangeError],
  ["pool[]", { pool: [65_536] }, "pool[]", RangeError],
  ["pool[]", { pool: [0, 1, 0] }, "pool[]", RangeError],
  ["shardCount", { shardCount: 0 }, "shardCount", RangeError],
  ["shardCount", { shardCount: "4" }, "shardCount", RangeError],
  ["redis", { redis: undefined }, "redis", TypeError],
  ["identifyQueue", { identifyQueue: undefined }, "identifyQueue", TypeError],
  ["identifyQueue", { identifyQueue: {} }, "identifyQueue", TypeError],
  ["sessionStore", { sessionStore: undefined }, "sessionStore", TypeError],
  [
    "sessionStore",
    { sessionStore: { load(): void {} } },
    "sessionStore",
    TypeError,
  ],
  ["scheduler", { scheduler: { now: () => 0 } }, "scheduler", TypeError],
  ["shard", { shard: undefined }, "shard", TypeError],
  [
    "shard.token",
    { shard: { token: "", intents: 1 } },
    "shard.token",
    TypeError,
  ],
  [
    "shard.intents",
    { shard: { token: "t", intents: -1 } },
    "shard.intents",
    RangeError,
  ],
  [
    "shard.largeThreshold",
    { shard: { token: "t", intents: 1, largeThreshold: 1000 } },
    "shard.largeThreshold",
    RangeError,
  ],
  [
    "shard.gatewayUrl",
    { shard: { token: "t", intents: 1, gatewayUrl: "nope" } },
    "shard.gatewayUrl",
    TypeError,
  ],
];

Deno.test("FleetShards: wrong options are refused at construction, naming the option", () => {
  for (const [what, over, name, type] of refused) {
    const options = { ...base(), ...over } as unknown as FleetShardsOptions;
    assert.throws(
      () => new FleetShards(options),
      (error: unknown) => {
        assert.ok(error instanceof type, `${what}: ${error}`);
        assert.match(
          (error as Error).message,
          new RegExp(
            `^Cannot create fleet as '${
              name.replace(/[.[\]]/g, "\\$&")
            }' must be`,
          ),
        );
        return true;
      },
      `${what} ${Deno.inspect(over)} was accepted`,
    );
  }
});

Deno.test("FleetShards: a wrong value is shown in the message, a token never", () => {
  assert.throws(
    () => assertFleetOptions({ ...base(), leaseTtlMs: 10_000.5 }),
    /current value 'leaseTtlMs=10000\.5'/,
  );
  assert.throws(
    () =>
      assertFleetOptions({
        ...base(),
        shard: { token: "secret-token", intents: -1 },
      }),
    (error: unknown) => !(error as Error).message.includes("secret-token"),
  );
});

Deno.test("FleetShards: documented values are accepted", () => {
  const accepted: Partial<FleetShardsOptions>[] = [
    {},
    { leaseTtlMs: 15_000, renewMs: 5_000 },
    { leaseTtlMs: 10_000 }, // renewMs defaults to 3333.3...
    { leaseTtlMs: 3, renewMs: 1 },
    { leaseTtlMs: 2 ** 31 - 1 },
    { clock: "redis" },
    { clock: "scheduler", scheduler: new VirtualScheduler() },
    { prefix: "mybot:fleet" },
    // No shard (a process that only reshards, say); after resharding down,
    // a pool with no shard below the count is empty too.
    { pool: [] },
    // Ids at or above the count: the fleet may reshard up to them.
    { pool: [3, 2, 9, 65_535] },
    {
      shard: {
        token: "t",
        intents: 513,
        gatewayUrl: "wss://gateway.discord.gg",
        largeThreshold: 250,
      },
    },
  ];
  for (const over of accepted) {
    new FleetShards({ ...base(), ...over } as FleetShardsOptions);
  }
});
