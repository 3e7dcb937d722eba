// A write Redis answered, or failed, no longer counts against the backlog's
// bounds on unanswered writes: its commands and characters are given back
// either way. Kept, a Redis that had recovered (or failed a few writes)
// would have the store refuse every later batch as if it were still behind.
// The bounds themselves: writes unanswered up to them, calls are taken;
// past them, refused.
import assert from "node:assert/strict";
import {
  MAX_UNANSWERED_CHARS,
  MAX_UNANSWERED_WRITES,
  RedisBacklog,
} from "../../cache/redis_backlog.ts";
import type { WriteChunk } from "../../cache/redis_write_chunk.ts";
import type { RedisConnection } from "../../redis/connection.ts";

/**
 * A chunk of `length` commands carrying `chars` characters, answered as
 * `outcome` says ("never": not answered).
 */
function chunkOf(
  chars: number,
  outcome: "resolve" | "reject" | "never",
  length = 1,
): WriteChunk {
  const fake = {
    length,
    chars,
    send: () =>
      outcome === "resolve"
        ? Promise.resolve([])
        : outcome === "reject"
        ? Promise.reject(new Error("Redis is down"))
        : new Promise(() => {}),
  };
  return fake as unknown as WriteChunk;
}

for (const outcome of ["resolve", "reject"] as const) {
  Deno.test(`RedisBacklog: a write that ${outcome}s gives back its characters`, async () => {
    const backlog = new RedisBacklog();
    const redis = {} as RedisConnection;
    // Eight in turn weigh twice MAX_UNANSWERED_CHARS: only given back do they
    // leave room for the next call.
    const chars = MAX_UNANSWERED_CHARS / 4 + 1;
    for (let i = 0; i < 8; i++) {
      // The backlog's own handler runs before this await resumes (registered
      // first on the same promise).
      await backlog.send(chunkOf(chars, outcome), redis).catch(() => {});
    }
    assert.equal(backlog.admit(1, 1, 10), undefined);
  });
}

Deno.test("RedisBacklog: with exactly MAX_UNANSWERED_WRITES write commands unanswered a call is taken; one more, and calls are refused", () => {
  const backlog = new RedisBacklog();
  const redis = {} as RedisConnection;
  void backlog.send(chunkOf(0, "never", MAX_UNANSWERED_WRITES), redis);
  assert.equal(backlog.admit(1, 1), undefined);
  void backlog.send(chunkOf(0, "never", 1), redis);
  assert.equal(
    backlog.admit(1, 1),
    `${MAX_UNANSWERED_WRITES + 1} writes are unanswered`,
  );
});

Deno.test("RedisBacklog: with exactly MAX_UNANSWERED_CHARS characters of writes unanswered a call is taken; one more, and calls are refused", () => {
  const backlog = new RedisBacklog();
  const redis = {} as RedisConnection;
  void backlog.send(chunkOf(MAX_UNANSWERED_CHARS, "never"), redis);
  assert.equal(backlog.admit(1, 1), undefined);
  void backlog.send(chunkOf(1, "never"), redis);
  assert.equal(
    backlog.admit(1, 1),
    `2 writes of ${MAX_UNANSWERED_CHARS + 1} characters are unanswered`,
  );
});
