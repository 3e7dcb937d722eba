// The IdentifyQueue interface names updateSessionStartLimit, the method a
// ShardManager hands Discord's session start limit through: it once said
// the shard only calls acquire, while the manager looked the method up at
// runtime, so a custom queue had nothing to implement against (a wrong
// signature compiled, and a caller holding an IdentifyQueue could not call
// it). This file fails to type-check without it.
import assert from "node:assert/strict";
import {
  type IdentifyQueue,
  MemoryIdentifyQueue,
  type SessionStartLimit,
} from "../../gateway/identify_queue.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import type { RedisIdentifyQueue } from "../../redis/identify_queue.ts";

const LIMIT: SessionStartLimit = {
  total: 1000,
  remaining: 990,
  reset_after: 60_000,
  max_concurrency: 2,
};

/** A custom queue written against the interface alone. */
class SharedQueue implements IdentifyQueue {
  readonly limits: SessionStartLimit[] = [];
  acquire(): Promise<void> {
    return Promise.resolve();
  }
  updateSessionStartLimit(limit: SessionStartLimit): Promise<void> {
    this.limits.push(limit);
    return Promise.resolve();
  }
}

// The library's own queues implement it fully: one returns void, one a promise.
const memoryTakesLimit: MemoryIdentifyQueue extends Required<IdentifyQueue>
  ? true
  : false = true;
const redisTakesLimit: RedisIdentifyQueue extends Required<IdentifyQueue> ? true
  : false = true;

// A custom queue that gets the method's signature wrong is told so.
class WrongQueue implements IdentifyQueue {
  acquire(): Promise<void> {
    return Promise.resolve();
  }
  // @ts-expect-error: the limit is a SessionStartLimit, not a number
  updateSessionStartLimit(remaining: number): void {
    void remaining;
  }
}

Deno.test("IdentifyQueue declares updateSessionStartLimit, which ShardManager calls on a given queue", () => {
  assert.ok(memoryTakesLimit && redisTakesLimit);
  assert.ok(new WrongQueue());
  const queue = new SharedQueue();
  new ShardManager({
    token: "t",
    intents: 0,
    shardCount: 2,
    identifyQueue: queue,
    sessionStartLimit: LIMIT,
  });
  assert.deepEqual(queue.limits, [LIMIT]);
  // Callable through the interface, as an optional method.
  const asInterface: IdentifyQueue = queue;
  asInterface.updateSessionStartLimit?.({ ...LIMIT, remaining: 5 });
  assert.equal(queue.limits[1]?.remaining, 5);
  const acquireOnly: IdentifyQueue = { acquire: () => Promise.resolve() };
  assert.equal(acquireOnly.updateSessionStartLimit, undefined);
});

Deno.test("ShardManager takes a maxConcurrency passed beside a limit (as the Client passes GET /gateway/bot's) for a given queue of another count, which gets the limit's", () => {
  const queue = new MemoryIdentifyQueue({ maxConcurrency: 1 });
  new ShardManager({
    token: "t",
    intents: 0,
    shardCount: 2,
    identifyQueue: queue,
    sessionStartLimit: { ...LIMIT, max_concurrency: 16 },
    maxConcurrency: 16,
  });
  assert.equal(queue.maxConcurrency, 16);
});
