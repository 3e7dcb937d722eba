// The watch of Discord's recommended shard count waits at least a minute
// between checks (an hour by default); a test on a ScaledScheduler would
// wait that out in real time. This scheduler cuts the default hour, and
// only it (no other timer of the fleet or its shards is that long), to 1 s.
import type { Scheduler } from "../../base/scheduler.ts";
import { DEFAULT_WATCH_INTERVAL_MS } from "../../fleet/watch_recommended.ts";

/**
 * `scheduler`, with every wait of exactly an hour cut to 1 s.
 *
 * @param scheduler The clock the rest runs on.
 * @returns The same clock, hours cut short.
 */
export function hourIsASecond(scheduler: Scheduler): Scheduler {
  return {
    now: () => scheduler.now(),
    setTimeout: (callback, delay) =>
      scheduler.setTimeout(
        callback,
        delay === DEFAULT_WATCH_INTERVAL_MS ? 1_000 : delay,
      ),
    clearTimeout: (id) => scheduler.clearTimeout(id),
  };
}
