// RedisIdentifyQueue refuses odd option values with a message naming the
// option: a `scheduler` that is none failed with "scheduler.now is not a
// function", a Symbol broke the message itself ("Cannot convert a Symbol
// value to a string"), and a falsy `sessionStartLimit` (NaN, 0, "", null)
// was read as "not set". Nothing is sent to Redis.
import assert from "node:assert/strict";
import type { RedisConnection } from "../../redis/connection.ts";
import { RedisIdentifyQueue } from "../../redis/identify_queue.ts";

/** The constructor only keeps the connection before these checks. */
const redis = {} as unknown as RedisConnection;

const cases: [
  label: string,
  options: Record<string, unknown>,
  errorClass: typeof TypeError | typeof RangeError,
  message: RegExp,
][] = [
  [
    "scheduler {}",
    { scheduler: {} },
    TypeError,
    /^Cannot create identify queue as 'scheduler' must be a Scheduler \(now, setTimeout and clearTimeout functions\): current value 'scheduler=object'$/,
  ],
  [
    "prefix Symbol",
    { prefix: Symbol("s") },
    TypeError,
    /^Cannot create identify queue as 'prefix' must be a non-empty string: current value 'prefix=Symbol\(s\)'$/,
  ],
  ...(["maxConcurrency", "intervalMs", "pollMs"] as const).map((
    name,
  ): [string, Record<string, unknown>, typeof RangeError, RegExp] => [
    `${name} Symbol`,
    { [name]: Symbol("s") },
    RangeError,
    new RegExp(`current value '${name}=Symbol\\(s\\)'`),
  ]),
  [
    "livenessMs Symbol",
    { livenessMs: Symbol("s") },
    RangeError,
    /current values 'livenessMs=Symbol\(s\)', 'pollMs=500'$/,
  ],
  ...[NaN, 0, "", null].map((
    value,
  ): [string, Record<string, unknown>, typeof TypeError, RegExp] => [
    `sessionStartLimit ${String(value)}`,
    { sessionStartLimit: value },
    TypeError,
    /^Cannot create identify queue as 'sessionStartLimit' must be an object/,
  ]),
];

for (const [label, options, errorClass, message] of cases) {
  Deno.test(`RedisIdentifyQueue: ${label} is refused naming the option`, () => {
    assert.throws(() => new RedisIdentifyQueue(redis, options), (error) => {
      assert.ok(
        error instanceof errorClass,
        `expected a ${errorClass.name}, got ${String(error)}`,
      );
      assert.match((error as Error).message, message);
      return true;
    });
  });
}
