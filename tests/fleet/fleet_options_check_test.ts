// FleetShards refuses wrong options when it is created, naming the option,
// instead of failing later: a TTL Lua cannot write back (10000.5, 1e15,
// Infinity) made every lease unreadable, a renewal every microsecond
// flooded Redis, a bad pool id or shard option crashed a tick.
import assert from "node:assert/strict";
import { assertFleetOptions } from "../../fleet/fleet_options_check.ts";
import { FleetShards } from "../../fleet/fleet_shards.ts";
import {
  ReshardError,
  ReshardingShards,
  type ReshardingShardsOptions,
} from "../../fleet/resharding_shards.ts";
import type { WatchRecommendedOptions } from "../../fleet/watch_recommended.ts";
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
  ["clock", { clock: "bogus" }, "clock", TypeError],
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
    // The count's bounds: one shard, and the most Discord recommends.
    { shardCount: 1 },
    { shardCount: 65_536 },
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

function reshardingBase(): ReshardingShardsOptions {
  return {
    shard: { token: "t", intents: 1 },
    shardCount: 2,
    identifyQueue: new MemoryIdentifyQueue(),
    onDispatch: () => {},
  };
}

Deno.test("ReshardingShards: wrong options are refused at construction, as FleetShards refuses them", () => {
  const reshardingRefused: [
    Record<string, unknown>,
    string,
    ErrorConstructor,
  ][] = [
    [{ shard: undefined }, "shard", TypeError],
    [{ shard: { token: "", intents: 1 } }, "shard.token", TypeError],
    [{ shard: { token: "t", intents: -1 } }, "shard.intents", RangeError],
    [
      { shard: { token: "t", intents: 1, timeouts: { connect: 0 } } },
      "shard.timeouts.connect",
      RangeError,
    ],
    [{ identifyQueue: undefined }, "identifyQueue", TypeError],
    [{ identifyQueue: {} }, "identifyQueue", TypeError],
    [{ onDispatch: undefined }, "onDispatch", TypeError],
    [{ scheduler: { now: () => 0 } }, "scheduler", TypeError],
    [{ shardCount: 0 }, "shardCount", RangeError],
    [{ shardCount: 65_537 }, "shardCount", RangeError],
  ];
  for (const [over, name, type] of reshardingRefused) {
    const options = {
      ...reshardingBase(),
      ...over,
    } as unknown as ReshardingShardsOptions;
    assert.throws(
      () => new ReshardingShards(options),
      (error: unknown) => {
        assert.ok(error instanceof type, `${name}: ${error}`);
        assert.match(
          (error as Error).message,
          new RegExp(
            `^Cannot create ReshardingShards as '${
              name.replace(/[.[\]]/g, "\\$&")
            }' must be`,
          ),
        );
        return true;
      },
      `${name} ${Deno.inspect(over)} was accepted`,
    );
  }
  assert.throws(
    () => new ReshardingShards(undefined as never),
    /^TypeError: Cannot create ReshardingShards as its options must be an object/,
  );
  new ReshardingShards({
    ...reshardingBase(),
    scheduler: new VirtualScheduler(),
  });
});

/** Session start budgets that would never refuse a reshard. */
const BAD_BUDGETS: unknown[] = [NaN, -1, 1.5, Infinity, "5", null];

Deno.test("ReshardingShards.reshard refuses a sessionStartsLeft that is not an integer >= 0, before anything else", async () => {
  const shards = new ReshardingShards({
    ...reshardingBase(),
    scheduler: new VirtualScheduler(),
  });
  for (const left of BAD_BUDGETS) {
    await assert.rejects(
      shards.reshard(3, { sessionStartsLeft: left as number }),
      (error: unknown) => {
        assert.ok(error instanceof RangeError, `${String(left)}: ${error}`);
        assert.match(
          error.message,
          /^Cannot reshard to 3 shards as 'sessionStartsLeft' must be an integer >= 0 .*: current value 'sessionStartsLeft=/,
        );
        return true;
      },
    );
  }
  // A good budget gets as far as the start check, made before the budget
  // is: a budget too small for the new set is not what is said.
  await assert.rejects(
    shards.reshard(3, { sessionStartsLeft: 0 }),
    (error: unknown) =>
      error instanceof ReshardError &&
      error.message === "Cannot reshard before start()",
  );
});

Deno.test("FleetShards.reshard refuses a sessionStartsLeft that is not an integer >= 0, before asking Redis", async () => {
  const fleet = new FleetShards({
    ...base(),
    scheduler: new VirtualScheduler(),
  });
  for (const left of BAD_BUDGETS) {
    await assert.rejects(
      fleet.reshard(8, { sessionStartsLeft: left as number }),
      (error: unknown) => {
        assert.ok(error instanceof RangeError, `${String(left)}: ${error}`);
        assert.match(
          error.message,
          /^Cannot reshard to 8 shards as 'sessionStartsLeft' must be an integer >= 0/,
        );
        return true;
      },
    );
  }
  await assert.rejects(
    fleet.reshard(8, { sessionStartsLeft: 7 }),
    /^ReshardError: Cannot reshard the fleet to 8 shards: 8 session starts are needed and only 7 are left/,
  );
});

Deno.test("watchRecommended refuses an interval under a minute or past a timer's longest wait, and a missing fetch", async () => {
  const clock = new VirtualScheduler();
  const watchers: [string, (o: WatchRecommendedOptions) => () => void][] = [
    [
      "ReshardingShards",
      (o) =>
        new ReshardingShards({ ...reshardingBase(), scheduler: clock })
          .watchRecommended(o),
    ],
    [
      "FleetShards",
      (o) =>
        new FleetShards({ ...base(), scheduler: clock }).watchRecommended(o),
    ],
  ];
  let asked = 0;
  const fetch = () => {
    asked++;
    return Promise.resolve({
      shards: 1,
      session_start_limit: { remaining: 9 },
    });
  };
  for (const [who, watch] of watchers) {
    // 0, NaN and -5 asked GET /gateway/bot about 460 times a second.
    for (
      const intervalMs of [
        0,
        NaN,
        -5,
        1_000,
        59_999,
        60_000.5,
        "60000",
        2 ** 31,
        Infinity,
      ]
    ) {
      assert.throws(
        () => watch({ fetch, intervalMs: intervalMs as number }),
        (error: unknown) => {
          assert.ok(
            error instanceof RangeError,
            `${who} ${intervalMs}: ${error}`,
          );
          assert.match(
            error.message,
            /^Cannot create recommended shard count watch as 'intervalMs' must be an integer from 60000 to 2147483647: current value 'intervalMs=/,
          );
          return true;
        },
        `${who}: intervalMs=${String(intervalMs)} was accepted`,
      );
    }
    for (const bad of [{}, { fetch: "GET /gateway/bot" }]) {
      assert.throws(
        () => watch(bad as never),
        /^TypeError: Cannot create recommended shard count watch as 'fetch' must be a function/,
      );
    }
    assert.throws(() => watch(undefined as never), TypeError);
  }
  assert.equal(clock.pending, 0, "no refused watch left a timer");
  assert.equal(asked, 0);
  // The bounds and the default are taken: the default asks once an hour.
  const stops = watchers.flatMap(([, watch]) => [
    watch({ fetch, intervalMs: 60_000 }),
    watch({ fetch, intervalMs: 2 ** 31 - 1 }),
    watch({ fetch }),
  ]);
  await clock.advance(3_600_000);
  assert.equal(asked, 2 * 60 + 2 * 1);
  for (const stop of stops) stop();
  assert.equal(clock.pending, 0);
});
