// A number given as a string (read from an environment variable, say) is
// refused by RedisIdentifyQueue, and its message shows the string quoted
// ('maxConcurrency="16"', with shownQuoted from base/option_checks.ts, as
// MemoryIdentifyQueue does): unquoted ('maxConcurrency=16') it read as if
// 16 itself were refused. Nothing is sent to Redis.
import assert from "node:assert/strict";
import type { RedisConnection } from "../../redis/connection.ts";
import { RedisIdentifyQueue } from "../../redis/identify_queue.ts";

/** The constructor only keeps the connection before these checks. */
const redis = {} as unknown as RedisConnection;

const LIMIT = {
  total: 1000,
  remaining: 1000,
  reset_after: 60_000,
  max_concurrency: 2,
};

for (
  const [name, options] of [
    ["maxConcurrency", { maxConcurrency: "16" }],
    ["intervalMs", { intervalMs: "5000" }],
    ["pollMs", { pollMs: "500" }],
    ["remaining", { sessionStartLimit: { ...LIMIT, remaining: "1000" } }],
    ["max_concurrency", {
      sessionStartLimit: { ...LIMIT, max_concurrency: "16" },
    }],
  ] as const
) {
  Deno.test(`RedisIdentifyQueue: '${name}' given as a string is shown quoted in its message`, () => {
    assert.throws(
      () =>
        new RedisIdentifyQueue(redis, {
          maxConcurrency: 2,
          ...options,
        } as never),
      (error: Error) => {
        assert.match(error.message, new RegExp(`'${name}="\\d+"'`));
        return true;
      },
    );
  });
}
