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
 * (`tests/redis/session_store_clock_test.ts`).
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
 * object in `ARGV[entries]`) into `current`, moving each `saved_at` other
 * than 0 (no date) from the caller's clock (its reading in `ARGV[now]`) onto
 * `TIME`, rounded as {@linkcode clockShift} does; `ARGV[now]` "" stores
 * them as given.
 *
 * @param entries The index of the entries in `ARGV`.
 * @param now The index of the caller's clock reading in `ARGV`.
 * @returns The Lua.
 */
export function luaMergeOnRedisClock(entries: number, now: number): string {
  return `local shift = 0
if ARGV[${now}] ~= '' then
  local t = redis.call('TIME')
  local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  shift = math.floor((at - tonumber(ARGV[${now}])) / 1000 + 0.5) * 1000
end
for shard, entry in pairs(cjson.decode(ARGV[${entries}])) do
  local at = entry.saved_at
  if type(at) == 'number' and at ~= 0 then entry.saved_at = at + shift end
  current[shard] = entry
end`;
}

/**
 * Check a store's `localClock` option.
 *
 * @param clock The value.
 * @throws {TypeError} When it is given and has no `now()` method.
 */
export function assertLocalClock(
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
 * Run `read` with Redis's `TIME` sent alongside (one round trip), and
 * return what it read with a function moving the loaded sessions onto
 * `clock` (nothing to move without one).
 *
 * @param redis The connection `read` uses.
 * @param clock The clock to move the dates onto, if any.
 * @param read The read.
 * @returns What it read, and the move.
 */
export async function readOnClock<T>(
  redis: RedisConnection,
  clock: LocalClock | undefined,
  read: () => Promise<T>,
): Promise<[T, (key: string, sessions: Map<number, SavedSession>) => void]> {
  if (clock === undefined) return [await read(), () => {}];
  const sent = clock.now();
  const [value, [seconds, micros]] = await Promise.all([read(), redis.time()]);
  const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const shift = clockShift(redisNow, (sent + clock.now()) / 2);
  return [value, (key, sessions) => onClock(key, sessions, redisNow, shift)];
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
