// RedisIdentifyQueue and RedisSessionStore refuse a key that is none of
// their options, as MemoryIdentifyQueue does: a misspelt `interval` left
// every process pacing IDENTIFY at 5 s, and a `prefix` (KvSessionStore's
// option) left the sessions under the key every other bot on the Redis
// uses. Nothing is sent to Redis.
import assert from "node:assert/strict";
import type { RedisConnection } from "../../redis/connection.ts";
import {
  RedisIdentifyQueue,
  type RedisIdentifyQueueOptions,
} from "../../redis/identify_queue.ts";
import {
  RedisSessionStore,
  type RedisSessionStoreOptions,
} from "../../redis/session_store.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** The constructors only keep the connection. */
const redis = {} as unknown as RedisConnection;

Deno.test("RedisIdentifyQueue: every option is accepted, and a key that is none of them is refused, naming the nearest", () => {
  // Every option but the budget (stored at once): the type makes the list
  // complete, so an option added to it must be added here and taken.
  const every: Required<Omit<RedisIdentifyQueueOptions, "sessionStartLimit">> =
    {
      prefix: "mybot:identify",
      maxConcurrency: 16,
      intervalMs: 5_000,
      pollMs: 500,
      livenessMs: 5_000,
      clock: "scheduler",
      scheduler: new VirtualScheduler(),
    };
  new RedisIdentifyQueue(redis, every);
  for (
    const [over, message] of [
      [
        { interval: 1 },
        "Cannot create identify queue as 'interval' is not one of its options (did you mean 'intervalMs'?)",
      ],
      [
        { maxConcurency: 16 },
        "Cannot create identify queue as 'maxConcurency' is not one of its options (did you mean 'maxConcurrency'?)",
      ],
      [
        { shardCount: 16 },
        "Cannot create identify queue as 'shardCount' is not one of its options; the options are 'prefix', 'maxConcurrency', 'intervalMs', 'sessionStartLimit', 'pollMs', 'livenessMs', 'clock', 'scheduler'",
      ],
    ] as const
  ) {
    assert.throws(
      () => new RedisIdentifyQueue(redis, { ...every, ...over } as never),
      { name: "TypeError", message },
    );
  }
  assert.throws(
    () => new RedisIdentifyQueue(redis, "fast" as never),
    {
      name: "TypeError",
      message:
        "Cannot create identify queue as 'options' must be an object: current value 'options=fast'",
    },
  );
});

Deno.test("RedisSessionStore: every option is accepted, and a key that is none of them is refused, naming the nearest or what to give", () => {
  const every: Required<RedisSessionStoreOptions> = {
    key: "mybot:sessions",
    shardCountKey: "mybot:shards",
    localClock: { now: () => 0 },
  };
  new RedisSessionStore(redis, every);
  for (
    const [over, message] of [
      [
        { prefix: "mybot" },
        "Cannot create session store as 'prefix' is not one of its options: the sessions are under one key, 'key' (the shard count under 'shardCountKey')",
      ],
      [
        { shardCountkey: "mybot:shards" },
        "Cannot create session store as 'shardCountkey' is not one of its options (did you mean 'shardCountKey'?)",
      ],
    ] as const
  ) {
    assert.throws(
      () => new RedisSessionStore(redis, { ...every, ...over } as never),
      { name: "TypeError", message },
    );
  }
});
