// The round trips RedisIdentifyQueue adds to a grant's hold: the longest of
// the latest few, each counting for ROUND_TRIP_COUNTS_MS. One slow reply
// (a Redis hiccup) held every grant of the next 8 attempts 5 s longer,
// however long after.
import assert from "node:assert/strict";
import {
  MAX_ROUND_TRIP_MS,
  ROUND_TRIP_COUNTS_MS,
  RoundTrips,
} from "../../redis/_identify_round_trips.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A reply after `ms` of the scheduler's time. */
function replyAfter(clock: VirtualScheduler, ms: number): Promise<string> {
  const reply = new Promise<string>((r) => clock.setTimeout(() => r("OK"), ms));
  return reply;
}

Deno.test("RoundTrips: one slow round trip counts for ROUND_TRIP_COUNTS_MS, not for the next 8 attempts however late", async () => {
  const clock = new VirtualScheduler();
  const trips = new RoundTrips(clock);
  assert.equal(trips.longest, 0);
  const slow = trips.time(() => replyAfter(clock, 6_000));
  await clock.advance(6_000);
  await slow;
  assert.equal(trips.longest, MAX_ROUND_TRIP_MS, "capped");
  const fast = async () => {
    const sent = trips.time(() => replyAfter(clock, 40));
    await clock.advance(40);
    await sent;
  };
  await fast();
  assert.equal(trips.longest, MAX_ROUND_TRIP_MS, "still recent");
  await clock.advance(ROUND_TRIP_COUNTS_MS);
  await fast();
  assert.equal(trips.longest, 40, "the slow one no longer counts");
  // With none recent, the latest one counts.
  await clock.advance(ROUND_TRIP_COUNTS_MS * 2);
  assert.equal(trips.longest, 40);
});
