// The round trips RedisIdentifyQueue adds to a grant's hold: the longest of
// the latest few, each counting for ROUND_TRIP_COUNTS_MS. One slow reply
// (a Redis hiccup) held every grant of the next 8 attempts 5 s longer,
// however long after.
import assert from "node:assert/strict";
import { ReplyError } from "ioredis";
import type { Scheduler } from "../../base/scheduler.ts";
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

/** Measure one round trip of `ms` on `clock`. */
async function measure(
  clock: VirtualScheduler,
  trips: RoundTrips,
  ms: number,
): Promise<void> {
  const sent = trips.time(() => replyAfter(clock, ms));
  await clock.advance(ms);
  await sent;
}

Deno.test("RoundTrips: a slow round trip counts while among the latest 8, and drops out with the 8th after it", async () => {
  const clock = new VirtualScheduler();
  const trips = new RoundTrips(clock);
  await measure(clock, trips, 600);
  for (let i = 1; i <= 7; i++) {
    await measure(clock, trips, 40);
    assert.equal(trips.longest, 600, `${i} fast round trip(s) after it`);
  }
  await measure(clock, trips, 40);
  assert.equal(trips.longest, 40, "8 fast round trips after it");
  // Still only the latest: a 9th takes the oldest fast one's place.
  await measure(clock, trips, 70);
  assert.equal(trips.longest, 70);
});

Deno.test("RoundTrips: a round trip of 4.5 s counts in full, for 30 s from its reply to the millisecond; over 5 s is counted as 5 s", async () => {
  // The queue's documented bounds (RedisIdentifyQueue: "5 s at most and a
  // measure counting for 30 s"): a grant's way back is a round trip, so a
  // slow link must hold its bucket that much longer.
  const clock = new VirtualScheduler();
  const trips = new RoundTrips(clock);
  await measure(clock, trips, 4_500);
  const repliedAt = clock.now();
  assert.equal(trips.longest, 4_500);
  await measure(clock, trips, 40);
  await clock.advance(repliedAt + 30_000 - clock.now());
  assert.equal(trips.longest, 4_500, "30 s after its reply");
  await clock.advance(1);
  assert.equal(trips.longest, 40, "30 s and 1 ms after its reply");
  await measure(clock, trips, 5_001);
  assert.equal(trips.longest, 5_000);
});

Deno.test("RoundTrips: an error reply is a round trip; a failed connection is none", async () => {
  const clock = new VirtualScheduler();
  const trips = new RoundTrips(clock);
  // The connection gave up after 3 s: nothing came back, nothing measured.
  const failed = trips.time(() =>
    replyAfter(clock, 3_000).then(() => {
      throw new Error("Connection is closed.");
    })
  );
  const failedSeen = assert.rejects(failed, /Connection is closed/);
  await clock.advance(3_000);
  await failedSeen;
  assert.equal(trips.longest, 0);
  // Redis refused the command (an ACL): it answered, in 300 ms.
  const refused = trips.time(() =>
    replyAfter(clock, 300).then(() => {
      throw new ReplyError("NOPERM this user has no permissions");
    })
  );
  const refusedSeen = assert.rejects(refused, ReplyError);
  await clock.advance(300);
  await refusedSeen;
  assert.equal(trips.longest, 300);
});

Deno.test("RoundTrips: ready() sends one probe for every waiter, none once a round trip is known, and probes again after a failed one", async () => {
  const clock = new VirtualScheduler();
  const trips = new RoundTrips(clock);
  let probes = 0;
  let fail = true;
  const probe = (): Promise<string> => {
    probes++;
    const failing = fail;
    return replyAfter(clock, 20).then((reply) => {
      if (failing) throw new Error("Connection is closed.");
      return reply;
    });
  };
  // The first probe fails to reach Redis: every waiter is told, and no
  // round trip is taken as known.
  const first = [trips.ready(probe), trips.ready(probe)];
  const seen = Promise.all(
    first.map((p) => assert.rejects(p, /Connection is closed/)),
  );
  await clock.advance(20);
  await seen;
  assert.equal(probes, 1, "one probe for both waiters");
  assert.equal(trips.longest, 0);
  // The next ready() probes again, and this one is answered.
  fail = false;
  const second = Promise.all([trips.ready(probe), trips.ready(probe)]);
  await clock.advance(20);
  await second;
  assert.equal(probes, 2);
  assert.equal(trips.longest, 20);
  await trips.ready(probe);
  assert.equal(probes, 2, "no probe once a round trip is known");
  // An error reply (a user whose ACL refuses PING) is a round trip too.
  const refusing = new RoundTrips(clock);
  const refused = refusing.ready(() =>
    replyAfter(clock, 70).then(() => {
      throw new ReplyError("NOPERM this user has no permissions");
    })
  );
  await clock.advance(70);
  await refused;
  assert.equal(refusing.longest, 70);
});

Deno.test("RoundTrips: a clock set back during a round trip measures 0, not a negative time", async () => {
  // The real scheduler is Date.now(): a wall clock, which NTP may step
  // back. A negative round trip would shorten a grant's hold.
  let now = 10_000;
  const clock: Scheduler = {
    now: () => now,
    setTimeout: () => 0,
    clearTimeout: () => {},
  };
  const trips = new RoundTrips(clock);
  await trips.time(() => {
    now -= 1_000;
    return Promise.resolve("OK");
  });
  assert.equal(trips.longest, 0);
});
