// FleetShards and ReshardingShards refuse a key that is none of their
// options, as ShardManager and the Client do: a misspelt `leaseTtl`, or
// ShardManager's `sessionSaveInterval`, was ignored and the fleet ran with
// the default timings. The message names the nearest key, or says where
// the option belongs; in `shard`, the options the fleet sets on each shard
// itself are refused too (given, they were overwritten, or every shard
// resumed one session).
import assert from "node:assert/strict";
import { FleetShards } from "../../fleet/fleet_shards.ts";
import type { FleetShardsOptions } from "../../fleet/fleet_shards_options.ts";
import {
  ReshardingShards,
  type ReshardingShardsOptions,
} from "../../fleet/resharding_shards.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** The constructor only keeps the connection: nothing is sent to it. */
const redis = {
  eval: () => Promise.reject(new Error("not connected")),
} as unknown as RedisConnection;

/**
 * Every option, each given: the type makes the list complete and exact, so
 * an option added to the type must be added here, and then the key check
 * must take it.
 */
function everyFleetOption(): Required<FleetShardsOptions> {
  return {
    redis,
    shard: {
      token: "t",
      intents: 1,
      gatewayUrl: "wss://gateway.discord.gg",
      largeThreshold: 50,
    },
    shardCount: 4,
    pool: [0, 1],
    identifyQueue: new MemoryIdentifyQueue(),
    sessionStore: new MemorySessionStore(),
    prefix: "mybot:fleet",
    leaseTtlMs: 15_000,
    renewMs: 5_000,
    clock: "scheduler",
    scheduler: new VirtualScheduler(),
  };
}

/** {@linkcode everyFleetOption}, for a `ReshardingShards`. */
function everyReshardingOption(): Required<ReshardingShardsOptions> {
  return {
    shard: { token: "t", intents: 1 },
    shardCount: 2,
    identifyQueue: new MemoryIdentifyQueue(),
    onDispatch: () => {},
    scheduler: new VirtualScheduler(),
  };
}

/** `over` on top of the options, refused with exactly `message`. */
function refuses(
  create: (options: never) => unknown,
  base: Record<string, unknown>,
  cases: [over: Record<string, unknown>, message: string][],
): void {
  for (const [over, message] of cases) {
    assert.throws(
      () => create({ ...base, ...over } as never),
      { name: "TypeError", message },
      `${Deno.inspect(over)} was accepted`,
    );
  }
}

Deno.test("FleetShards: every option is accepted, and shard options a Shard takes in 'shard'", () => {
  new FleetShards(everyFleetOption());
  const shard: FleetShardsOptions["shard"] = {
    ...everyFleetOption().shard,
    compress: "zlib-stream",
    maxInflatedBytes: 1 << 20,
    timeouts: { connect: 5_000 },
  };
  new FleetShards({ ...everyFleetOption(), shard });
});

Deno.test("FleetShards: a key that is none of its options is refused, naming the nearest or where it belongs", () => {
  const fleet = "Cannot create fleet as";
  refuses((o) => new FleetShards(o), { ...everyFleetOption() }, [
    [
      { leaseTtl: 60_000 },
      `${fleet} 'leaseTtl' is not one of its options: the lease TTL is 'leaseTtlMs', in ms`,
    ],
    [
      { sessionSaveInterval: 1_000 },
      `${fleet} 'sessionSaveInterval' is not one of its options: a fleet saves sessions at each renewal: 'renewMs'`,
    ],
    [
      { renewInterval: 1_000 },
      `${fleet} 'renewInterval' is not one of its options; the options are 'redis', 'shard', 'shardCount', 'pool', 'identifyQueue', 'sessionStore', 'prefix', 'leaseTtlMs', 'renewMs', 'clock', 'scheduler'`,
    ],
    [
      { prefx: "mybot" },
      `${fleet} 'prefx' is not one of its options (did you mean 'prefix'?)`,
    ],
    [
      { shards: 4 },
      `${fleet} 'shards' is not one of its options: the shard count is 'shardCount' here`,
    ],
    [
      { shardIds: [0] },
      `${fleet} 'shardIds' is not one of its options: the shards this process may run are its 'pool' here`,
    ],
    // Written beside 'shard', as a ShardManager takes it.
    [
      { intents: 513 },
      `${fleet} 'intents' is not one of its options: the options every shard gets go under 'shard': 'shard.intents'`,
    ],
    [
      { maxConcurrency: 16 },
      `${fleet} 'maxConcurrency' is not one of its options: the identify queue takes it (give an 'identifyQueue')`,
    ],
  ]);
});

Deno.test("FleetShards: in 'shard', a misspelt key and the options the fleet sets on each shard are refused", () => {
  const fleet = "Cannot create fleet as";
  const shard = { token: "secret-token", intents: 1 };
  const cases: [Record<string, unknown>, string][] = [
    [
      { compres: true },
      `${fleet} 'shard.compres' is not one of its options (did you mean 'shard.compress'?)`,
    ],
    [
      { shardId: 3 },
      `${fleet} 'shard.shardId' is not one of its options: the fleet gives each shard its id ('pool' limits the ids)`,
    ],
    [
      { shardCount: 4 },
      `${fleet} 'shard.shardCount' is not one of its options: the shard count is 'shardCount', beside 'shard'`,
    ],
    [
      { identifyQueue: new MemoryIdentifyQueue() },
      `${fleet} 'shard.identifyQueue' is not one of its options: the queue is 'identifyQueue', beside 'shard'`,
    ],
    [
      { scheduler: new VirtualScheduler() },
      `${fleet} 'shard.scheduler' is not one of its options: the timers are 'scheduler', beside 'shard'`,
    ],
    [
      { session: { sessionId: "s", sequence: 1 } },
      `${fleet} 'shard.session' is not one of its options: the fleet resumes each shard's session from its 'sessionStore'`,
    ],
  ];
  refuses(
    (o) => new FleetShards(o),
    { ...everyFleetOption() },
    cases.map(([over, message]) => [{ shard: { ...shard, ...over } }, message]),
  );
});

Deno.test("ReshardingShards: every option is accepted, and a key that is none of them is refused", () => {
  new ReshardingShards(everyReshardingOption());
  const what = "Cannot create ReshardingShards as";
  refuses((o) => new ReshardingShards(o), { ...everyReshardingOption() }, [
    [
      { onDispach: () => {} },
      `${what} 'onDispach' is not one of its options (did you mean 'onDispatch'?)`,
    ],
    [
      { leaseTtl: 5 },
      `${what} 'leaseTtl' is not one of its options: a ReshardingShards runs every shard in this process ('leaseTtlMs' is an option of FleetShards)`,
    ],
    [
      { redis },
      `${what} 'redis' is not one of its options: a ReshardingShards runs every shard in this process ('redis' is an option of FleetShards)`,
    ],
    [
      { shards: 4 },
      `${what} 'shards' is not one of its options: the shard count is 'shardCount' here`,
    ],
    [
      { token: "t" },
      `${what} 'token' is not one of its options: the options every shard gets go under 'shard': 'shard.token'`,
    ],
    [
      { shard: { token: "t", intents: 1, shardId: 0 } },
      `${what} 'shard.shardId' is not one of its options: it runs every shard id below 'shardCount'`,
    ],
    [
      { shard: { token: "t", intents: 1, session: {} } },
      `${what} 'shard.session' is not one of its options: each shard starts its own session`,
    ],
  ]);
});
