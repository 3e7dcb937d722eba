import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";

const author = {
  id: "5",
  username: "u",
  discriminator: "0",
  global_name: null,
  avatar: null,
};

/** The id of a message sent `ms` after 2024-01-01 (plus a counter). */
function idAt(ms: number, n: number): string {
  return String(
    (BigInt(1_704_067_200_000 + ms - 1_420_070_400_000) << 22n) + BigInt(n),
  );
}

function message(id: string): Record<string, unknown> {
  return {
    id,
    channel_id: "2",
    author,
    content: id,
    timestamp: "2024-01-01T00:00:00.000000+00:00",
  };
}

// Times (s) of the messages, in arrival order (one out of order).
const TIMES = [0, 10, 30, 65, 64, 70, 200, 201, 260.5, 261];
const OPTIONS = {
  resources: ["messages" as const],
  messages: { perChannel: 100, maxAge: 60_000 },
};

function expected(): string[] {
  // Recomputed here: after each arrival, drop what is more than 60 s older
  // than the newest message so far, or than the one before it when the
  // newest is more than 60 s after every other (at 200 s: the messages up
  // to 70 s go with the next one, at 201 s).
  let kept: [number, string][] = [];
  TIMES.forEach((t, n) => {
    kept.push([t, idAt(t * 1000, n)]);
    const times = kept.map(([time]) => time).sort((a, b) => b - a);
    const newest = times[0]!, before = times[1] ?? newest;
    const from = newest - before > 60 ? before : newest;
    kept = kept.filter(([time]) => time >= from - 60);
  });
  return kept.sort((a, b) => a[0] - b[0]).map(([, id]) => id);
}

Deno.test("MemoryCache: messages.maxAge drops messages older than the newest by more than maxAge", () => {
  const cache = new MemoryCache(OPTIONS);
  TIMES.forEach((t, n) =>
    cache.apply("MESSAGE_CREATE", message(idAt(t * 1000, n)))
  );
  assert.deepEqual(cache.channelMessages("2").map((m) => m.id), expected());
  assert.throws(
    () => new MemoryCache({ messages: { maxAge: 0 } }),
    RangeError,
  );
});

Deno.test(redisStoreTest(
  "RedisCache: messages.maxAge keeps the same messages as the memory store",
  13,
  async (redis) => {
    const cache = new RedisCache(redis, OPTIONS);
    await cache.applyBatch(
      TIMES.map((t, n) => ({
        event: "MESSAGE_CREATE",
        data: message(idAt(t * 1000, n)),
      })),
    );
    await cache.flush();
    assert.deepEqual(
      (await cache.channelMessages("2")).map((m) => m.id),
      expected(),
    );
    assert.equal(
      await redis.scard("message_keys"),
      expected().length,
    );
  },
));

// One message whose id is far in the future (a valid snowflake: its time is
// in 2154), among real ones an hour apart at most.
const FUTURE = "18446744073709551615";
const WITH_FUTURE = [
  idAt(0, 0),
  FUTURE,
  ...[1, 2, 3].map((s) => idAt(s * 1000, s)),
];
const AGE_OPTIONS = {
  resources: ["messages" as const],
  messages: { maxAge: 3_600_000 },
};

Deno.test("MemoryCache: one message id from the future does not make every real message of its channel too old", () => {
  const cache = new MemoryCache(AGE_OPTIONS);
  for (const id of WITH_FUTURE) cache.apply("MESSAGE_CREATE", message(id));
  assert.deepEqual(
    cache.channelMessages("2").map((m) => m.id),
    [...WITH_FUTURE.filter((id) => id !== FUTURE), FUTURE],
  );
  // A newest message alone, more than maxAge after the others, drops them
  // with the next one.
  const later = idAt(7_200_000, 9);
  cache.apply("MESSAGE_DELETE", { id: FUTURE, channel_id: "2" });
  cache.apply("MESSAGE_CREATE", message(later));
  assert.equal(cache.channelMessages("2").length, 5);
  cache.apply("MESSAGE_CREATE", message(idAt(7_201_000, 10)));
  assert.deepEqual(
    cache.channelMessages("2").map((m) => m.id),
    [later, idAt(7_201_000, 10)],
  );
});

Deno.test(redisStoreTest(
  "RedisCache: one message id from the future does not empty its channel either, one by one or in a batch (whose later events see the messages kept)",
  13,
  async (redis) => {
    const memory = new MemoryCache(AGE_OPTIONS);
    for (const id of WITH_FUTURE) memory.apply("MESSAGE_CREATE", message(id));
    const kept = memory.channelMessages("2").map((m) => m.id);
    for (const batched of [false, true]) {
      await redis.flushdb();
      const cache = new RedisCache(redis, AGE_OPTIONS);
      const creates = WITH_FUTURE.map((id) => ({
        event: "MESSAGE_CREATE",
        data: message(id),
      }));
      const remove = {
        event: "MESSAGE_DELETE",
        data: { id: WITH_FUTURE[0], channel_id: "2" },
      };
      let old: unknown;
      if (batched) {
        old = (await cache.applyBatch([...creates, remove])).at(-1)!.old;
      } else {
        for (const { event, data } of creates) await cache.apply(event, data);
        await cache.flush();
        assert.deepEqual(
          (await cache.channelMessages("2")).map((m) => m.id),
          kept,
        );
        old = (await cache.apply(remove.event, remove.data)).old;
      }
      await cache.flush();
      assert.equal((old as { id?: string })?.id, WITH_FUTURE[0], `${batched}`);
      assert.deepEqual(
        (await cache.channelMessages("2")).map((m) => m.id),
        kept.slice(1),
        `batched ${batched}`,
      );
    }
  },
));

Deno.test(redisStoreTest(
  "RedisCache: behind one message id from the future, a message exactly maxAge before the newest other one is kept and one a millisecond older dropped, as in the memory store",
  13,
  async (redis) => {
    const future = idAt(10_000_000, 0);
    const older = idAt(1_000, 1); // 60,001 ms before the newest other
    const atBound = idAt(1_001, 2); // 60,000 ms before it
    const newest = idAt(61_001, 3);
    const memory = new MemoryCache(OPTIONS);
    const cache = new RedisCache(redis, OPTIONS);
    for (const id of [future, older, atBound, newest]) {
      memory.apply("MESSAGE_CREATE", message(id));
      await cache.apply("MESSAGE_CREATE", message(id));
    }
    await cache.flush();
    const kept = [atBound, newest, future];
    assert.deepEqual(memory.channelMessages("2").map((m) => m.id), kept);
    assert.deepEqual(
      (await cache.channelMessages("2")).map((m) => m.id),
      kept,
    );
  },
));
