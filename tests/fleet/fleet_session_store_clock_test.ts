// FleetShards dates sessions on Redis's clock itself: a RedisSessionStore
// given a `localClock` moved them again, by the machine's skew, so the
// fleet refuses such a store when it is created.
import assert from "node:assert/strict";
import { FleetShards } from "../../fleet/fleet_shards.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { realScheduler } from "../../base/scheduler.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import { RedisSessionStore } from "../../redis/session_store.ts";

/** The constructors only keep the connection: nothing is sent to it. */
const redis = {
  eval: () => Promise.reject(new Error("not connected")),
} as unknown as RedisConnection;

const options = (sessionStore: RedisSessionStore) => ({
  redis,
  shard: { token: "t", intents: 1 },
  shardCount: 4,
  identifyQueue: new MemoryIdentifyQueue(),
  sessionStore,
});

Deno.test("FleetShards: refuses a RedisSessionStore given a localClock", () => {
  const store = new RedisSessionStore(redis, { localClock: realScheduler });
  assert.throws(
    () => new FleetShards(options(store)),
    (error: unknown) =>
      error instanceof TypeError &&
      /sessionStore/.test(error.message) &&
      /localClock/.test(error.message),
  );
});

Deno.test("FleetShards: takes a RedisSessionStore without a localClock", () => {
  new FleetShards(options(new RedisSessionStore(redis)));
});
