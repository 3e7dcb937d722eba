// A write Redis answered, or failed, no longer counts against the backlog's
// bounds on unanswered writes: its commands and characters are given back
// either way. Kept, a Redis that had recovered (or failed a few writes)
// would have the store refuse every later batch as if it were still behind.
import assert from "node:assert/strict";
import {
  MAX_UNANSWERED_CHARS,
  RedisBacklog,
} from "../../cache/redis_backlog.ts";
import type { WriteChunk } from "../../cache/redis_write_chunk.ts";
import type { RedisConnection } from "../../redis/connection.ts";

/** A chunk of one command carrying `chars` characters, answered as `outcome` says. */
function chunkOf(chars: number, outcome: "resolve" | "reject"): WriteChunk {
  const fake = {
    length: 1,
    chars,
    send: () =>
      outcome === "resolve"
        ? Promise.resolve([])
        : Promise.reject(new Error("Redis is down")),
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
