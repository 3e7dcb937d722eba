/**
 * Saved sessions' dates moved between a process's clock and Redis's, for a
 * `RedisSessionStore` given a `localClock`: each machine dated them on its
 * own wall clock, so one whose clock was 2 minutes off refused every
 * session another had saved a moment before (a session start each, and the
 * events of the restart's gap lost), and its own saves, dated in the
 * future, were refused by the next restart on a correct clock. Stored on
 * Redis's clock (`TIME`), which every machine shares, a session's age is
 * the same wherever it is loaded.
 *
 * Private to the package: tested through the store
 * (`tests/redis/session_store_clock_test.ts`,
 * `tests/redis/session_store_clock_stall_test.ts`).
 *
 * @module
 */
import { shown } from "../base/option_checks.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  DEFAULT_SESSION_MAX_AGE,
  type SavedSession,
} from "../gateway/session_store.ts";
import type { RedisConnection } from "./connection.ts";
import { isPermissionError } from "./_redis_permissions.ts";
import { errorText } from "../base/error_text.ts";
import { luaTimeMs, timeReplyMs } from "./lua_now.ts";

// The store's category: these lines are about its key.
const visible = getVisibleLogger(["disruption", "redis", "session_store"]);

/** A clock sessions are dated on. */
export type LocalClock = Pick<Scheduler, "now">;

/**
 * How far ahead of Redis's clock a loaded date is said: well over the
 * rounding of {@linkcode clockShift} and a round trip.
 */
const AHEAD_SAID_MS = 5_000;

/** How many shards the warning of dates ahead names; the rest it counts. */
const NAMED_AHEAD = 10;

/**
 * What to add to a time on clock `from` to have it on clock `to`, rounded to
 * whole seconds: saved and loaded on one machine, a date comes back exactly
 * as given (the milliseconds between the two round trips would move it),
 * and on a machine whose clock agrees with Redis's a VirtualScheduler's
 * dates are stored as they are, so tests age sessions on virtual time.
 * Half a second is nothing to a 120 s age limit.
 *
 * @param from A reading of the first clock.
 * @param to A reading of the second, taken at the same moment.
 * @returns The difference, in whole seconds' milliseconds.
 */
export function clockShift(from: number, to: number): number {
  return Math.round((to - from) / 1000) * 1000;
}

/**
 * Lua replacing the write script's merge of the entries to set (a JSON
 * object in `ARGV[entries]`) into `current`, adding `ARGV[shift]` (the
 * caller's {@linkcode SessionClock} shift, "" for none) to each `saved_at`
 * other than 0 (no date). The shift is sent, not the caller's reading of
 * its clock: compared with `TIME` when the script ran, a reading taken when
 * the save was sent moved the dates by however long the script waited in
 * Redis (6 s behind a paused or busy Redis).
 *
 * @param entries The index of the entries in `ARGV`.
 * @param shift The index of the shift in `ARGV`.
 * @returns The Lua.
 */
export function luaMergeOnRedisClock(entries: number, shift: number): string {
  return `local shift = tonumber(ARGV[${shift}]) or 0
for shard, entry in pairs(cjson.decode(ARGV[${entries}])) do
  local at = entry.saved_at
  if type(at) == 'number' and at ~= 0 then entry.saved_at = at + shift end
  current[shard] = entry
end`;
}

/**
 * Lua setting `redis_ms` to Redis's clock (`TIME`, in ms) when `ARGV[shift]`
 * is not "", else 0: the write script replies with it, for the caller's
 * {@linkcode SessionClock} to learn the shift of its next save. Read last,
 * just before the reply: after the writes, not before, so nothing the
 * script does comes between it and the reply, and Redis before 5 (which
 * refuses writes after TIME in a script) runs it too.
 *
 * @param shift The index of the shift in `ARGV`.
 * @returns The Lua.
 */
export function luaRedisMs(shift: number): string {
  return `local redis_ms = 0
if ARGV[${shift}] ~= '' then
  ${luaTimeMs("redis_ms")}
end`;
}

/**
 * The stores given a `localClock`, for {@linkcode hasLocalClock}: held
 * weakly, so a store is collected as any other.
 */
const datedLocally = new WeakSet<object>();

/**
 * Whether `store` is a `RedisSessionStore` given a `localClock`: a
 * `FleetShards` dates sessions on Redis's clock itself, so such a store
 * moved them again, by the machine's skew, and the fleet refuses it.
 *
 * @param store Any value.
 * @returns `true` for such a store.
 */
export function hasLocalClock(store: unknown): boolean {
  return typeof store === "object" && store !== null &&
    datedLocally.has(store);
}

/**
 * Check a store's `localClock` option and make its {@linkcode SessionClock}.
 *
 * @param store The store.
 * @param clock The option.
 * @returns The store's clock (one that moves no date without the option).
 * @throws {TypeError} When it is given and has no `now()` method.
 */
export function sessionClock(store: object, clock: unknown): SessionClock {
  assertLocalClock(clock);
  if (clock !== undefined) datedLocally.add(store);
  return new SessionClock(clock);
}

/**
 * The store's `localClock` (none: dates stored as given) and what to add
 * to its dates to have them on Redis's clock, learned at each reply
 * carrying Redis's `TIME` (a load's, a save's).
 *
 * The local reading is taken when the reply arrives, as the cache's
 * `ExpiryClock` does: Redis reads `TIME` just before it answers, however
 * long the command waited in Redis first (a busy script, `CLIENT PAUSE`),
 * where the midpoint of the round trip put it half the wait off (3 s after
 * a 6 s stall). What remains is the reply's way back (and a stall of this
 * process's event loop while it was due), within the rounding of
 * {@linkcode clockShift}, and for a save, a step of this machine's clock
 * since the last such reply (each save's reply learns the shift again).
 */
export class SessionClock {
  /** The clock sessions are given and loaded on, if not Redis's. */
  readonly clock: LocalClock | undefined;
  /** What to add to a date on `clock` to have it on Redis's. */
  #shift: number | undefined;

  /** @param clock The store's `localClock`. */
  constructor(clock: LocalClock | undefined) {
    this.clock = clock;
  }

  /**
   * Learn the shift from Redis's clock read in a reply arriving now.
   *
   * @param clock The clock.
   * @param redisMs Redis's `TIME`, in ms.
   * @returns The shift.
   */
  #learn(clock: LocalClock, redisMs: number): number {
    this.#shift = clockShift(clock.now(), redisMs);
    return this.#shift;
  }

  /**
   * Run a save's `write`, given the shift to add to its dates (learned
   * with one `TIME` first when no reply has taught one), and learn the
   * shift again from Redis's clock in its reply; without a clock, given
   * "" (dates stored as given).
   *
   * @param redis The connection.
   * @param write The write; resolves to Redis's clock when it ran, in ms.
   * @returns A promise that resolves when the write is done.
   * @throws {Error} (as a rejection) Naming `+time` when Redis refuses a
   * command to the user; else what the write rejected with.
   */
  async save(
    redis: RedisConnection,
    write: (shift: string) => Promise<number>,
  ): Promise<void> {
    const clock = this.clock;
    if (clock === undefined) return void await write("");
    try {
      const shift = this.#shift ??
        this.#learn(clock, timeReplyMs(await redis.time()));
      this.#learn(clock, await write(String(shift)));
    } catch (error) {
      throw refused(error, "save sessions");
    }
  }

  /**
   * Run `read` with Redis's `TIME` sent alongside (one round trip), and
   * return what it read with a function moving the loaded sessions onto
   * the clock (nothing to move without one).
   *
   * @param redis The connection `read` uses.
   * @param read The read.
   * @returns What it read, and the move.
   * @throws {Error} (as a rejection) Naming `+time` when Redis refuses a
   * command to the user; else what the read rejected with.
   */
  async read<T>(
    redis: RedisConnection,
    read: () => Promise<T>,
  ): Promise<[T, (key: string, sessions: Map<number, SavedSession>) => void]> {
    const clock = this.clock;
    if (clock === undefined) return [await read(), () => {}];
    try {
      const [value, [redisNow, shift]] = await Promise.all([
        read(),
        redis.time().then((time) => {
          const redisNow = timeReplyMs(time);
          return [redisNow, this.#learn(clock, redisNow)] as const;
        }),
      ]);
      return [
        value,
        (key, sessions) => onClock(key, sessions, redisNow, -shift),
      ];
    } catch (error) {
      throw refused(error, "load sessions");
    }
  }
}

/**
 * `error`, or for a refusal by the user's ACL, an error naming what the
 * store needs: `TIME`, for `localClock`, is the command an ACL such as
 * `+@read +@write +@scripting` leaves out, and a script's refusal ("can't
 * run this command") says no name.
 */
function refused(error: unknown, action: string): unknown {
  if (!isPermissionError(error)) return error;
  return new Error(
    `Cannot ${action} as Redis refused a command to this user: a RedisSessionStore given 'localClock' needs +time in the user's ACL, besides +@read +@write +@scripting: ${
      errorText(error)
    }`,
    { cause: error },
  );
}

/** Check a store's `localClock` option: it has a `now()` method. */
function assertLocalClock(
  clock: unknown,
): asserts clock is LocalClock | undefined {
  if (
    clock === undefined ||
    typeof (clock as Partial<LocalClock> | null)?.now === "function"
  ) return;
  throw new TypeError(
    `Cannot create session store as 'localClock' must have a now() method: current value 'localClock=${
      shown(clock)
    }'`,
  );
}

/**
 * Move each session's date (other than 0, none) by `shift`, saying those
 * dated ahead of Redis's clock: written by an older version or another
 * program on a machine whose clock ran ahead, they would otherwise be
 * refused without a word once more than the age limit ahead.
 */
function onClock(
  key: string,
  sessions: Map<number, SavedSession>,
  redisNow: number,
  shift: number,
): void {
  const ahead: string[] = [];
  for (const session of sessions.values()) {
    if (session.savedAt === 0) continue;
    const lead = session.savedAt - redisNow;
    if (lead > AHEAD_SAID_MS) {
      ahead.push(`${session.shardId} (${Math.round(lead / 1000)} s)`);
    }
    session.savedAt += shift;
  }
  if (ahead.length === 0) return;
  const more = ahead.length - NAMED_AHEAD;
  visible.warn(
    "Redis key {key} holds sessions dated ahead of Redis's clock (saved on a machine whose clock runs ahead, by a store without 'localClock'): those more than {max} s ahead are refused, their shards identifying: {shards}",
    {
      key,
      max: DEFAULT_SESSION_MAX_AGE / 1000,
      shards: ahead.slice(0, NAMED_AHEAD).join(", ") +
        (more > 0 ? ` and ${more} more` : ""),
    },
  );
}
