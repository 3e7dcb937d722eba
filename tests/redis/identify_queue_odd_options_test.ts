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

/** A valid session start limit, one field at a time made wrong below. */
const LIMIT = {
  total: 1000,
  remaining: 1000,
  reset_after: 60_000,
  max_concurrency: 2,
};

/** A RangeError with exactly `message`. */
function rangeError(message: string): { name: string; message: string } {
  return { name: "RangeError", message };
}

const refused: [
  label: string,
  options: Record<string, unknown>,
  expected: { name: string; message: string },
][] = [
  // A fraction made fractional buckets: shard 1 % 1.5 = bucket 1, shard
  // 2 % 1.5 = bucket 0.5, each paced apart from the others.
  [
    "maxConcurrency 1.5",
    { maxConcurrency: 1.5 },
    rangeError(
      "Cannot create identify queue as 'maxConcurrency' must be a positive integer: current value 'maxConcurrency=1.5'",
    ),
  ],
  [
    "maxConcurrency 2^53",
    { maxConcurrency: 2 ** 53 },
    rangeError(
      "Cannot create identify queue as 'maxConcurrency' must be a positive integer: current value 'maxConcurrency=9007199254740992'",
    ),
  ],
  [
    "intervalMs -0.5",
    { intervalMs: -0.5 },
    rangeError(
      "Cannot create identify queue as 'intervalMs' must be a non-negative finite number: current value 'intervalMs=-0.5'",
    ),
  ],
  [
    "intervalMs 2^31",
    { intervalMs: 2 ** 31 },
    rangeError(
      "Cannot create identify queue as 'intervalMs' must be at most 2147483647: current value 'intervalMs=2147483648'",
    ),
  ],
  // 0 made every waiter behind another ask again at once, in a loop.
  [
    "pollMs 0.5",
    { pollMs: 0.5, livenessMs: 1_000 },
    rangeError(
      "Cannot create identify queue as 'pollMs' must be a finite number of at least 1: current value 'pollMs=0.5'",
    ),
  ],
  [
    "livenessMs equal to pollMs",
    { pollMs: 500, livenessMs: 500 },
    rangeError(
      "Cannot create identify queue as 'livenessMs' must be above 'pollMs' and at most 60000: current values 'livenessMs=500', 'pollMs=500'",
    ),
  ],
  // A misspelt clock ran on Redis's clock without a word.
  [
    'clock "local"',
    { clock: "local" },
    {
      name: "TypeError",
      message:
        `Cannot create identify queue as 'clock' must be "redis" or "scheduler": current value 'clock="local"'`,
    },
  ],
  ...([
    ["total", 5n, "a non-negative integer", "5n"],
    ["remaining", 2.5, "a non-negative integer", "2.5"],
    ["remaining", {}, "a non-negative integer", "object"],
    ["remaining", 2 ** 53, "a non-negative integer", "9007199254740992"],
    ["reset_after", -0.5, "a non-negative finite number", "-0.5"],
    ["reset_after", Infinity, "a non-negative finite number", "Infinity"],
    ["reset_after", 60n, "a non-negative finite number", "60n"],
    ["max_concurrency", 2.5, "a positive integer", "2.5"],
    ["max_concurrency", 16n, "a positive integer", "16n"],
  ] as const).map((
    [field, value, rule, shown],
  ): [string, Record<string, unknown>, { name: string; message: string }] => [
    `session_start_limit.${field} ${String(value)}`,
    { sessionStartLimit: { ...LIMIT, [field]: value } },
    rangeError(
      `Cannot update session start limit as '${field}' must be ${rule}: current value '${field}=${shown}'`,
    ),
  ]),
];

for (const [label, options, expected] of refused) {
  Deno.test(`RedisIdentifyQueue: ${label} is refused with a message saying what is allowed`, () => {
    assert.throws(
      () => new RedisIdentifyQueue(redis, { maxConcurrency: 2, ...options }),
      expected,
    );
  });
}

Deno.test("RedisIdentifyQueue: the bounds themselves are allowed", () => {
  // max_concurrency 2: no assumed budget to store, so nothing is sent.
  for (
    const options of [
      { intervalMs: 2 ** 31 - 1 },
      { intervalMs: 0 },
      { pollMs: 1, livenessMs: 1.5 },
      { livenessMs: 60_000 },
      { maxConcurrency: Number.MAX_SAFE_INTEGER },
    ]
  ) {
    new RedisIdentifyQueue(redis, { maxConcurrency: 2, ...options });
  }
});

Deno.test("RedisIdentifyQueue: an update with a field out of range rejects with a RangeError, sends nothing and keeps the layout", async () => {
  const queue = new RedisIdentifyQueue(redis, { maxConcurrency: 2 });
  for (
    const [field, value] of [
      ["max_concurrency", 0],
      ["max_concurrency", 1.5],
      ["remaining", -1],
      ["reset_after", Infinity],
    ] as const
  ) {
    await assert.rejects(
      queue.updateSessionStartLimit({ ...LIMIT, [field]: value }),
      { name: "RangeError", message: new RegExp(`'${field}=`) },
    );
    assert.equal(queue.maxConcurrency, 2);
  }
});
