// What the Redis store says lost its writes: a failure of Redis (an error
// reply, a lost connection), or a fault of the cache's own code, which is
// not Redis's to look into (a RangeError of a spread past the stack was
// logged as "a Redis failure lost writes").
import assert from "node:assert/strict";
import { ReplyError } from "ioredis";
import { RedisStaleness } from "../../cache/redis_staleness.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { trackServerSession } from "../../redis/server_session.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { fakeConnection } from "../_fakes/info_connection.ts";

/** What a fresh staleness logs when `error` lost writes. */
async function said(error: unknown): Promise<string> {
  const staleness = new RedisStaleness({} as RedisConnection, undefined);
  const lines = await captureStderr(() => staleness.failed(error));
  assert.equal(staleness.stale, true);
  assert.equal(lines.length, 1, lines.join("\n"));
  return lines[0]!;
}

Deno.test("RedisStaleness: writes lost to a fault of the cache's own code (a RangeError, a TypeError, a thrown non-Error) are said to be the cache's, not Redis's, with the error", async () => {
  for (
    const [error, text] of [
      [
        new RangeError("Maximum call stack size exceeded"),
        "RangeError: Maximum call stack size exceeded",
      ],
      [
        new TypeError("Cannot read properties of undefined"),
        "TypeError: Cannot read properties of undefined",
      ],
      ["thrown text", "thrown text"],
    ] as const
  ) {
    const line = await said(error);
    assert.match(line, /a fault in the cache \(not Redis\) lost writes/);
    assert.ok(line.includes(text), line);
    assert.doesNotMatch(line, /a Redis failure/);
  }
});

Deno.test("RedisStaleness: writes lost to Redis (an error reply, a lost connection, the store's own word for one) are said to be a Redis failure", async () => {
  for (
    const error of [
      new ReplyError("OOM command not allowed when used memory > 'maxmemory'."),
      new Error("Connection is closed."),
      new Error("the connection to Redis was lost midway"),
    ]
  ) {
    const line = await said(error);
    assert.match(line, /a Redis failure lost writes/);
    assert.ok(line.includes(error.message), line);
  }
});

Deno.test("RedisStaleness: a READY whose shard is malformed (past its count, negative, not two integers) ends no staleness and throws nothing; a well-formed one, or one without shard, ends it", async () => {
  const stale = async (): Promise<RedisStaleness> => {
    const staleness = new RedisStaleness({} as RedisConnection, undefined);
    await captureStderr(() => staleness.failed(new Error("writes lost")));
    return staleness;
  };
  for (const shard of [[2, 2], [-1, 2], [0.5, 2], [0], "0", [0, 1, 2]]) {
    const staleness = await stale();
    staleness.sessionStarted({ shard }, staleness.admit());
    assert.equal(staleness.stale, true, JSON.stringify(shard));
  }
  for (const ready of [{ shard: [1, 2] }, { shard: null }, {}]) {
    const staleness = await stale();
    staleness.sessionStarted(ready, staleness.admit());
    assert.equal(staleness.stale, false, JSON.stringify(ready));
  }
});

/**
 * A staleness on a followed fake connection whose `INFO server` answers
 * `runs` (see fakeConnection), and a drop and reconnect of it.
 */
function onServer(runs: (string | Error)[]): {
  staleness: RedisStaleness;
  reconnect: () => void;
  check: () => Promise<string[]>;
} {
  const redis = fakeConnection(runs);
  trackServerSession(redis);
  const staleness = new RedisStaleness(
    redis as unknown as RedisConnection,
    undefined,
  );
  const reconnect = () => {
    redis.emit("close");
    redis.emit("ready");
  };
  const check = () => captureStderr(() => staleness.checkServer(0));
  return { staleness, reconnect, check };
}

Deno.test("RedisStaleness.checkServer: stale after a reconnect to another server process, not after one to the same, and again after the next restart", async () => {
  const { staleness, reconnect, check } = onServer([
    "aaa111",
    "aaa111",
    "bbb222",
    "bbb222",
  ]);
  reconnect();
  await check();
  assert.equal(staleness.stale, false, "the same server: nothing lost");
  reconnect();
  await check();
  assert.equal(staleness.stale, true, "another server");
  staleness.sessionStarted({}, staleness.admit());
  assert.equal(staleness.stale, false);
  reconnect();
  await check();
  assert.equal(staleness.stale, false, "bbb222 again: nothing lost");
});

Deno.test("RedisStaleness.checkServer: with INFO refused, each reconnect is taken for another server, and a check without a drop since marks nothing", async () => {
  const { staleness, reconnect, check } = onServer([
    new Error("NOPERM"),
    new Error("NOPERM"),
  ]);
  await check();
  assert.equal(staleness.stale, false, "no drop");
  reconnect();
  await check();
  assert.equal(staleness.stale, true, "which server answers cannot be known");
  staleness.sessionStarted({}, staleness.admit());
  await check();
  assert.equal(staleness.stale, false, "no drop since");
});

Deno.test("RedisStaleness: the first READY's count drops the known shard ids not below it, and a reshard drops every id of the old count, from those awaited too", async () => {
  // From the `shardIds` option: 2 is no shard of a session of 2.
  const given = new RedisStaleness({} as RedisConnection, undefined, [0, 2]);
  await captureStderr(() => given.failed(new Error("writes lost")));
  assert.deepEqual(given.awaiting.sort(), [0, 2]);
  given.sessionStarted({ shard: [0, 2] }, given.admit());
  assert.equal(given.stale, false, "shard 2 of 2 is awaited no more");
  // Two shards of 2 fed it; the next sessions are of 3 shards.
  const resharded = new RedisStaleness({} as RedisConnection, undefined);
  resharded.sessionStarted({ shard: [0, 2] }, resharded.admit());
  resharded.sessionStarted({ shard: [1, 2] }, resharded.admit());
  await captureStderr(() => resharded.failed(new Error("writes lost")));
  assert.deepEqual(resharded.awaiting.sort(), [0, 1]);
  resharded.sessionStarted({ shard: [0, 3] }, resharded.admit());
  assert.equal(resharded.stale, false, "shard 1 of 2 is awaited no more");
});
