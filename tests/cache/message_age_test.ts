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
  // than the newest message so far.
  let kept: [number, string][] = [];
  TIMES.forEach((t, n) => {
    kept.push([t, idAt(t * 1000, n)]);
    const newest = Math.max(...kept.map(([time]) => time));
    kept = kept.filter(([time]) => time >= newest - 60);
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
