import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";

// Checked before the connection is used: none is needed.
const redis = {} as ConstructorParameters<typeof RedisCache>[0];

/** Odd RedisCache options, and the message each must be refused with. */
const CASES: [call: string, options: Record<string, unknown>, RegExp][] = [
  [
    "onStale 5",
    { onStale: 5 },
    /^Cannot create cache as 'onStale' must be a function: current value 'onStale=number'$/,
  ],
  [
    "onStale null",
    { onStale: null },
    /^Cannot create cache as 'onStale' must be a function: current value 'onStale=object'$/,
  ],
  [
    "scheduler {}",
    { scheduler: {} },
    /^Cannot create cache as 'scheduler' must be a Scheduler .*: current value 'scheduler=object'$/,
  ],
  [
    "scheduler Symbol",
    { scheduler: Symbol("s") },
    /^Cannot create cache as 'scheduler' must be a Scheduler .*: current value 'scheduler=Symbol\(s\)'$/,
  ],
];

for (const [call, options, message] of CASES) {
  // Accepted, these failed only later: onStale at the first Redis failure
  // (the cache went stale without a word), scheduler at the first expiry.
  Deno.test(`RedisCache refuses an odd option at once: ${call}`, () => {
    assert.throws(() => new RedisCache(redis, options as never), {
      name: "TypeError",
      message,
    });
  });
}
