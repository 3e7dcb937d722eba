/**
 * Checks a {@linkcode FleetShards}' options when it is created, so a wrong
 * value (from JavaScript or through `as any`) fails at once with a message
 * naming the option instead of later: a lease TTL the tick script cannot
 * write back (fractional, or so large Lua prints it with an exponent) made
 * every lease look free and two processes run every shard; a renewal every
 * microsecond flooded Redis; a bad pool id or shard option failed every
 * tick; a misspelt key (`leaseTtl`, or ShardManager's `sessionSaveInterval`)
 * left the default in force without a word, so it is refused, with the
 * nearest key or where the option belongs. The options a `ReshardingShards`
 * shares with it get the same checks ({@linkcode assertReshardingOptions}).
 * Internal to the package.
 *
 * @module
 */
import {
  assertIntegerOption,
  assertSchedulerOption,
} from "../base/option_checks.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { MAX_TIMER_DELAY } from "../base/scheduler.ts";
import {
  assertShardOptions,
  SHARD_OPTION_KEYS,
  type ShardOptions,
} from "../gateway/shard_options.ts";
import { MAX_RECOMMENDED_SHARDS } from "../handler/gateway_bot_check.ts";
import { isObject } from "../gateway/payload_guards.ts";
import { isRecord } from "../base/is_record.ts";
import { SET_BY_FLEET } from "./fleet_dispatch.ts";
import type { FleetShardsOptions } from "./fleet_shards_options.ts";
import { DEFAULT_LEASE_TTL_MS } from "./lease_times.ts";
import { checkShardCount } from "./shard_count.ts";
import { hasLocalClock } from "../redis/_session_clock.ts";

/** Who the messages say is being created. */
const WHAT = "fleet";

/**
 * Every key of a `FleetShards`' options: the compiler keeps the list
 * complete and exact.
 */
const FLEET_OPTION_KEYS = optionKeys(
  {
    redis: true,
    shard: true,
    shardCount: true,
    pool: true,
    identifyQueue: true,
    sessionStore: true,
    prefix: true,
    leaseTtlMs: true,
    renewMs: true,
    clock: true,
    scheduler: true,
  } satisfies Record<keyof FleetShardsOptions, true>,
);

/**
 * Every key of a `ReshardingShards`' options (its type, in
 * `resharding_shards.ts`, imports this module: tests/fleet keep the two
 * alike).
 */
const RESHARDING_OPTION_KEYS = optionKeys(
  {
    shard: true,
    shardCount: true,
    identifyQueue: true,
    onDispatch: true,
    scheduler: true,
  } satisfies Record<keyof CheckedReshardingOptions, true>,
);

/**
 * The keys `shard` may have: a `Shard`'s options, but those the fleet sets
 * itself (`SET_BY_FLEET`, the list `FleetShardOptions` leaves out).
 */
const SHARD_KEYS = SHARD_OPTION_KEYS.filter((key) =>
  !SET_BY_FLEET.includes(key)
);

/**
 * Where a shard option written beside `shard`, as a `ShardManager` takes
 * it, goes instead.
 */
const UNDER_SHARD: Readonly<Record<string, string>> = Object.fromEntries(
  SHARD_KEYS.map((key) => [
    key,
    `the options every shard gets go under 'shard': 'shard.${key}'`,
  ]),
);

/** Where a `FleetShards`' shards get their ids and sessions from. */
const FLEET_SETS = {
  shardId: "the fleet gives each shard its id ('pool' limits the ids)",
  session: "the fleet resumes each shard's session from its 'sessionStore'",
};

/** Where a `ReshardingShards`' shards get their ids and sessions from. */
const RESHARDING_SETS = {
  shardId: "it runs every shard id below 'shardCount'",
  session: "each shard starts its own session",
};

/** Why the options of other classes are not a `FleetShards`' own. */
const FLEET_KEY_HINTS: Readonly<Record<string, string>> = {
  ...UNDER_SHARD,
  leaseTtl: "the lease TTL is 'leaseTtlMs', in ms",
  sessionSaveInterval: "a fleet saves sessions at each renewal: 'renewMs'",
  shards: "the shard count is 'shardCount' here",
  ...FLEET_SETS,
  shardIds: "the shards this process may run are its 'pool' here",
  maxConcurrency: "the identify queue takes it (give an 'identifyQueue')",
  sessionStartLimit: "the identify queue takes it (give an 'identifyQueue')",
};

/** Why the options of other classes are not a `ReshardingShards`' own. */
const RESHARDING_KEY_HINTS: Readonly<Record<string, string>> = {
  ...UNDER_SHARD,
  ...Object.fromEntries(
    FLEET_OPTION_KEYS.filter((key) => !RESHARDING_OPTION_KEYS.includes(key))
      .map((key) => [
        key,
        `a ReshardingShards runs every shard in this process ('${key}' is an option of FleetShards)`,
      ]),
  ),
  leaseTtl:
    "a ReshardingShards runs every shard in this process ('leaseTtlMs' is an option of FleetShards)",
  shards: "the shard count is 'shardCount' here",
  ...RESHARDING_SETS,
};

/** What to give instead of the options the fleet sets on each shard. */
const SHARD_KEY_HINTS: Readonly<Record<string, string>> = {
  shardCount: "the shard count is 'shardCount', beside 'shard'",
  identifyQueue: "the queue is 'identifyQueue', beside 'shard'",
  scheduler: "the timers are 'scheduler', beside 'shard'",
};

/** {@linkcode SHARD_KEY_HINTS}, for a `FleetShards`. */
const FLEET_SHARD_KEY_HINTS: Readonly<Record<string, string>> = {
  ...SHARD_KEY_HINTS,
  ...FLEET_SETS,
};

/** {@linkcode SHARD_KEY_HINTS}, for a `ReshardingShards`. */
const RESHARDING_SHARD_KEY_HINTS: Readonly<Record<string, string>> = {
  ...SHARD_KEY_HINTS,
  ...RESHARDING_SETS,
};

/** The option fields {@linkcode assertFleetOptions} looks at. */
export interface CheckedFleetOptions {
  /** The Redis connection. */
  redis: unknown;
  /** The options every shard gets. */
  shard: unknown;
  /** The shard count the fleet starts with. */
  shardCount: unknown;
  /** The shards this process may run. */
  pool?: unknown;
  /** Paces IDENTIFY across the fleet. */
  identifyQueue: unknown;
  /** Where sessions are shared. */
  sessionStore: unknown;
  /** Where the fleet's keys live. */
  prefix?: unknown;
  /** How long a lease lasts without renewal, in ms. */
  leaseTtlMs?: unknown;
  /** How often leases are renewed, in ms. */
  renewMs?: unknown;
  /** `"redis"` or `"scheduler"`. */
  clock?: unknown;
  /** The timers. */
  scheduler?: unknown;
}

/**
 * Check the options of a `FleetShards`.
 *
 * - `shardCount`: an integer from 1 to 65,536.
 * - `leaseTtlMs`: an integer from 3 to 2^31 - 1 ms (a timer's longest
 *   wait; the lease guard waits up to that).
 * - `renewMs`: an integer from 1 ms, at most a third of `leaseTtlMs` (the
 *   default, `leaseTtlMs / 3`, may have a fraction).
 * - `pool`: a list of distinct integer shard ids from 0 to 65,535. Ids at
 *   or above `shardCount` are taken (the fleet may reshard up to them), and
 *   so is an empty list: the process runs no shard (it may still ask for
 *   reshards), as one whose pool has no id below the fleet's count after
 *   resharding down.
 * - `prefix`: a non-empty string; `clock`: `"redis"` or `"scheduler"`.
 * - `redis`, `identifyQueue`, `sessionStore` and `scheduler`: objects with
 *   the methods the fleet calls; `sessionStore` no `RedisSessionStore`
 *   given a `localClock` (the fleet dates sessions on Redis's clock).
 * - `shard`: what a `Shard` accepts (its own check), named `shard.<name>`,
 *   but for the options the fleet gives each shard itself (`shardId`,
 *   `shardCount`, `identifyQueue`, `scheduler`, `session`).
 * - No other key, here or in `shard`: a misspelt one (`leaseTtl`) would
 *   leave the default in force without a word.
 *
 * @param options The options.
 * @throws {TypeError} When an option is missing, has the wrong type or is
 * none of the options (the message names the nearest one, or says where it
 * belongs).
 * @throws {RangeError} When a number is out of range (`NaN`, `Infinity`,
 * fractional, too small or too large) or `clock` is no known clock.
 */
export function assertFleetOptions(options: CheckedFleetOptions): void {
  assertObject(WHAT, options);
  checkOptionKeys(
    `create ${WHAT}`,
    "",
    options,
    FLEET_OPTION_KEYS,
    FLEET_KEY_HINTS,
  );
  assertMethods(WHAT, "redis", options.redis, ["eval"], "a Redis connection");
  assertMethods(
    WHAT,
    "identifyQueue",
    options.identifyQueue,
    ["acquire"],
    "an IdentifyQueue (e.g. a RedisIdentifyQueue)",
  );
  assertMethods(
    WHAT,
    "sessionStore",
    options.sessionStore,
    ["load", "save"],
    "a SessionStore (e.g. a RedisSessionStore)",
  );
  // The fleet dates sessions on Redis's clock itself: the store moved
  // them again, by this machine's clock's offset from Redis's.
  if (hasLocalClock(options.sessionStore)) {
    throw new TypeError(
      `Cannot create ${WHAT} as 'sessionStore' must be a RedisSessionStore without 'localClock' (the fleet dates sessions on Redis's clock itself): current value 'sessionStore=RedisSessionStore with localClock'`,
    );
  }
  assertSchedulerOption(WHAT, options.scheduler);
  checkShardCount(options.shardCount as number, `create ${WHAT}`);
  assertTimings(options.leaseTtlMs, options.renewMs);
  assertPool(options.pool);
  const { prefix, clock } = options;
  if (prefix !== undefined && (typeof prefix !== "string" || prefix === "")) {
    throw new TypeError(
      `Cannot create ${WHAT} as 'prefix' must be a non-empty string: current value 'prefix=${
        typeof prefix === "string" ? '""' : typeof prefix
      }'`,
    );
  }
  if (clock !== undefined && clock !== "redis" && clock !== "scheduler") {
    throw new TypeError(
      `Cannot create ${WHAT} as 'clock' must be "redis" or "scheduler": current value 'clock=${
        String(clock)
      }'`,
    );
  }
  assertShard(WHAT, options.shard, FLEET_SHARD_KEY_HINTS);
}

/** The option fields {@linkcode assertReshardingOptions} looks at. */
export interface CheckedReshardingOptions {
  /** The options every shard gets. */
  shard: unknown;
  /** The shard count to start with. */
  shardCount: unknown;
  /** Paces IDENTIFY. */
  identifyQueue: unknown;
  /** Called with each event. */
  onDispatch: unknown;
  /** The timers. */
  scheduler?: unknown;
}

/**
 * Check the options of a `ReshardingShards` as a `FleetShards` checks the
 * same ones: `identifyQueue` and `scheduler` objects with the methods
 * called, `onDispatch` a function, `shardCount` an integer from 1 to
 * 65,536 and `shard` what a `Shard` accepts, named `shard.<name>`; no
 * other key, here or in `shard`.
 *
 * @param options The options.
 * @throws {TypeError} When an option is missing, has the wrong type or is
 * none of the options (the message names the nearest one, or says where it
 * belongs).
 * @throws {RangeError} When a number is out of range.
 */
export function assertReshardingOptions(
  options: CheckedReshardingOptions,
): void {
  const what = "ReshardingShards";
  assertObject(what, options);
  checkOptionKeys(
    `create ${what}`,
    "",
    options,
    RESHARDING_OPTION_KEYS,
    RESHARDING_KEY_HINTS,
  );
  assertMethods(
    what,
    "identifyQueue",
    options.identifyQueue,
    ["acquire"],
    "an IdentifyQueue (e.g. a MemoryIdentifyQueue)",
  );
  if (typeof options.onDispatch !== "function") {
    throw new TypeError(
      `Cannot create ${what} as 'onDispatch' must be a function (called with each event): current value 'onDispatch=${typeof options
        .onDispatch}'`,
    );
  }
  assertSchedulerOption(what, options.scheduler);
  checkShardCount(options.shardCount as number, `create ${what}`);
  assertShard(what, options.shard, RESHARDING_SHARD_KEY_HINTS);
}

/** Throw unless `options` is an object. */
function assertObject(what: string, options: unknown): void {
  if (isObject(options)) return;
  throw new TypeError(
    `Cannot create ${what} as its options must be an object: current value '${typeof options}'`,
  );
}

/** `leaseTtlMs` and `renewMs`, as the defaults fill them in. */
function assertTimings(leaseTtlMs: unknown, renewMs: unknown): void {
  const ttl = leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  assertIntegerOption(WHAT, "leaseTtlMs", ttl, 3, MAX_TIMER_DELAY);
  if (renewMs === undefined) return;
  assertIntegerOption(WHAT, "renewMs", renewMs, 1, MAX_TIMER_DELAY);
  if ((renewMs as number) * 3 > (ttl as number)) {
    throw new RangeError(
      `Cannot create ${WHAT} as 'renewMs' must be at most a third of 'leaseTtlMs': current values 'leaseTtlMs=${ttl}', 'renewMs=${renewMs}'`,
    );
  }
}

/** `pool`: distinct shard ids, or none. */
function assertPool(pool: unknown): void {
  if (pool === undefined) return;
  if (!Array.isArray(pool)) {
    throw new TypeError(
      `Cannot create ${WHAT} as 'pool' must be an array of shard ids: current value 'pool=${typeof pool}'`,
    );
  }
  const seen = new Set<number>();
  for (const id of pool as unknown[]) {
    assertIntegerOption(WHAT, "pool[]", id, 0, MAX_RECOMMENDED_SHARDS - 1);
    if (seen.has(id as number)) {
      // Counted twice, it skewed the fair share of every process.
      throw new RangeError(
        `Cannot create ${WHAT} as 'pool[]' must be distinct shard ids: current value 'pool[]=${id}' (listed twice)`,
      );
    }
    seen.add(id as number);
  }
}

/**
 * `shard`, with the check a `Shard` makes when the fleet starts it, said
 * now and naming `shard.<name>`. Its id and count are the fleet's: they,
 * and the other options the fleet sets on each shard, are refused here
 * (given, they were overwritten, or every shard resumed one `session`).
 */
function assertShard(
  what: string,
  shard: unknown,
  hints: Readonly<Record<string, string>>,
): void {
  if (!isRecord(shard)) {
    throw new TypeError(
      `Cannot create ${what} as 'shard' must be an object (the options every shard gets: token, intents, ...): current value 'shard=${
        Array.isArray(shard) ? "array" : shard === null ? "null" : typeof shard
      }'`,
    );
  }
  checkOptionKeys(`create ${what}`, "shard.", shard, SHARD_KEYS, hints);
  try {
    assertShardOptions({
      ...shard,
      shardId: undefined,
      shardCount: undefined,
    } as unknown as ShardOptions);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const message = error.message
      .replace(/^Cannot create shard as '/, `Cannot create ${what} as 'shard.`)
      .replace(/current value '/, "current value 'shard.");
    throw error instanceof TypeError
      ? new TypeError(message, { cause: error })
      : new RangeError(message, { cause: error });
  }
}

/** Throw unless `value` is an object with each of `methods`. */
function assertMethods(
  what: string,
  name: string,
  value: unknown,
  methods: readonly string[],
  kind: string,
): void {
  const missing = isObject(value)
    ? methods.find((method) => typeof value[method] !== "function")
    : undefined;
  if (isObject(value) && missing === undefined) return;
  throw new TypeError(
    `Cannot create ${what} as '${name}' must be ${kind}: current value '${name}=${
      isObject(value) ? `object without ${missing}()` : String(value)
    }'`,
  );
}
