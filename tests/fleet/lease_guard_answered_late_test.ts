// A renewal answered after its deadline had passed (Redis slow, or back
// after an outage answering one sent long ago, or the clock stepped forward
// while it was in flight) is blamed on Redis, not on the event loop: its
// lateness counts from when the guard's timer was set. Counted from the
// deadline, a renewal answered a minute late read as "the event loop was
// blocked for 58 s" (an operator sent to look for a synchronous handler).
// As for a blocked loop, the guard renews first while the leases that
// renewal set are good, and stops at once when they may have expired. On a
// VirtualScheduler.
import assert from "node:assert/strict";
import type { Scheduler } from "../../base/scheduler.ts";
import { LeaseGuard } from "../../fleet/lease_guard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const TIMES = { ttlMs: 15_000, renewMs: 5_000 };

/** A guard on `clock`, what it fired with and how many renewals it asked. */
function guardOn(clock: Scheduler): {
  guard: LeaseGuard;
  fired: { why: string; late: boolean }[];
  renewals: () => number;
} {
  const fired: { why: string; late: boolean }[] = [];
  let renewals = 0;
  const guard = new LeaseGuard(
    clock,
    TIMES,
    (why, late) => fired.push({ why, late }),
    () => void renewals++,
  );
  return { guard, fired, renewals: () => renewals };
}

Deno.test("LeaseGuard: a renewal answered 58 s after it was sent stops the shards at once (its leases may have expired), blamed on Redis, not the event loop", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const { guard, fired, renewals } = guardOn(scheduler);
  const sentAt = scheduler.now();
  await scheduler.advance(58_000); // Redis silent, then back
  const lines = await captureStderr(async () => {
    guard.arm(sentAt);
    await scheduler.advance(0);
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.doesNotMatch(lines[0]!, /event loop/);
  assert.match(lines[0]!, /Redis answered a lease renewal after 58000 ms/);
  assert.match(lines[0]!, /stopping its shards/);
  assert.deepEqual(fired, [{
    why: "in time, Redis answered after 58000 ms",
    late: true,
  }]);
  assert.equal(renewals(), 0);
});

Deno.test("LeaseGuard: a renewal answered 11 s after it was sent (past the 10 s deadline, its leases good 3 s more) renews first and stops only if no renewal answers", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const { guard, fired, renewals } = guardOn(scheduler);
  const sentAt = scheduler.now();
  await scheduler.advance(11_000);
  const lines = await captureStderr(async () => {
    guard.arm(sentAt);
    await scheduler.advance(0);
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.doesNotMatch(lines[0]!, /event loop/);
  assert.match(lines[0]!, /renewing now; .* within 3000 ms/);
  assert.equal(renewals(), 1);
  assert.equal(fired.length, 0);
  // The renewal asked answers in time: armed again, nothing fires.
  const renewedAt = scheduler.now();
  await scheduler.advance(100);
  guard.arm(renewedAt);
  await scheduler.advance(5_000);
  assert.equal(fired.length, 0);
  // Unanswered from then on: fires at that renewal's deadline.
  await scheduler.advance(5_000);
  assert.equal(fired.length, 1);
  assert.equal(fired[0]!.late, false);
});

Deno.test("LeaseGuard: the clock stepped forward while a renewal was in flight does not blame the event loop", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  let offset = 0;
  const clock: Scheduler = {
    now: () => scheduler.now() + offset,
    setTimeout: (callback, delay) => scheduler.setTimeout(callback, delay),
    clearTimeout: (id) => scheduler.clearTimeout(id),
  };
  const { guard, fired } = guardOn(clock);
  const sentAt = clock.now();
  await scheduler.advance(20);
  offset += 30_000; // stepped forward, the renewal answered after it
  const lines = await captureStderr(async () => {
    guard.arm(sentAt);
    await scheduler.advance(0);
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.doesNotMatch(lines[0]!, /event loop/);
  assert.equal(fired.length, 1);
});

Deno.test("LeaseGuard: a renewal answered at its deadline exactly counts as late: blamed on Redis, it renews rather than stopping the shards on time", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const { guard, fired, renewals } = guardOn(scheduler);
  const sentAt = scheduler.now();
  await scheduler.advance(TIMES.ttlMs - TIMES.renewMs);
  const lines = await captureStderr(async () => {
    guard.arm(sentAt);
    await scheduler.advance(0);
  });
  assert.match(
    lines.join("\n"),
    /Redis answered a lease renewal after 10000 ms/,
  );
  assert.deepEqual(fired, []);
  assert.equal(renewals(), 1);
  guard.disarm();
});
