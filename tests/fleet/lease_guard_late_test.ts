// A lease guard whose timer runs late because the event loop was blocked (a
// handler doing synchronous work; Redis healthy) says so rather than blaming
// Redis, and while the leases have not run out it renews first, stopping the
// shards only if that renewal does not answer before they do. On a
// VirtualScheduler, the guard's loop blockable (see _blocked_loop.ts).
import assert from "node:assert/strict";
import { BLOCKED_LOOP_MS, LeaseGuard } from "../../fleet/lease_guard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { BlockedLoop } from "./_blocked_loop.ts";

const TIMES = { ttlMs: 15_000, renewMs: 5_000 };
/** The deadline of a renewal sent at 0: sentAt + ttl − renew. */
const DUE = 10_000;

/** A guard armed by a renewal sent at 0, what it fired with, its renewals. */
interface Armed {
  scheduler: VirtualScheduler;
  /** The guard's loop. */
  loop: BlockedLoop;
  guard: LeaseGuard;
  /** The `why` of each firing. */
  fired: string[];
  /** Whether each firing was late (the shards then close before unmarking). */
  lates: boolean[];
  /** How many renewals it asked for. */
  renewals: () => number;
}

/** Arm a guard at 0; `renews` answers (or not) each renewal it asks for. */
function armed(renews: (guard: LeaseGuard) => void): Armed {
  const scheduler = new VirtualScheduler();
  const loop = new BlockedLoop(scheduler);
  const fired: string[] = [];
  const lates: boolean[] = [];
  let renewals = 0;
  const guard: LeaseGuard = new LeaseGuard(
    loop,
    TIMES,
    (why, late) => {
      fired.push(why);
      lates.push(late);
    },
    () => {
      renewals++;
      renews(guard);
    },
  );
  guard.arm(0);
  return { scheduler, loop, guard, fired, lates, renewals: () => renewals };
}

Deno.test("LeaseGuard: on time with no renewal, it fires blaming Redis", async () => {
  const { scheduler, fired, lates, renewals } = armed(() => {});
  const lines = await captureStderr(() => scheduler.advance(DUE));
  assert.deepEqual(fired, ["by Redis for 10000 ms"]);
  assert.deepEqual(lates, [false]);
  assert.equal(renewals(), 0);
  assert.deepEqual(lines, []);
});

Deno.test("LeaseGuard: run 3 s late, it says the event loop was blocked, not Redis", async () => {
  const { scheduler, loop, fired, lates } = armed(() => {}); // unanswered
  await scheduler.advance(DUE - 1_000);
  // Blocked from 1 s before the deadline to 3 s past it.
  const lines = await captureStderr(() => loop.block(4_000));
  assert.equal(scheduler.now(), DUE + 3_000);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /event loop was blocked for at least 3000 ms, or the process was paused \(SIGSTOP, a VM pause; a handler doing synchronous work/,
  );
  assert.doesNotMatch(lines[0]!, /Redis/);
  // Its leases had 2 s left: nothing stopped until a second before they
  // run out (another member may take them as soon as they do).
  assert.deepEqual(fired, []);
  await scheduler.advance(999);
  assert.deepEqual(fired, []);
  await scheduler.advance(1);
  assert.equal(scheduler.now(), TIMES.ttlMs - 1_000);
  assert.deepEqual(fired, [
    "in time, the event loop blocked or the process paused for 3000 ms",
  ]);
  // A second left, not a renewal period: FleetShards closes before it
  // unmarks a resharding set's shards.
  assert.deepEqual(lates, [true]);
});

Deno.test("LeaseGuard: run late with its leases not run out, a renewal that answers stops nothing", async () => {
  const { scheduler, loop, fired, renewals } = armed((guard) => {
    // Answered a moment later, as a healthy Redis does.
    const sentAt = loop.now();
    loop.setTimeout(() => guard.arm(sentAt), 5);
  });
  await scheduler.advance(DUE - 1_000);
  await captureStderr(() => loop.block(4_000));
  assert.equal(renewals(), 1);
  // Past the old leases' end, short of the new renewal's deadline.
  await scheduler.advance(DUE - 1);
  assert.deepEqual(fired, []);
  assert.equal(renewals(), 1);
});

Deno.test("LeaseGuard: blocked past its leases' end, it stops at once, saying why", async () => {
  const { scheduler, loop, fired, renewals } = armed(() => {});
  await scheduler.advance(DUE - 1_000);
  const lines = await captureStderr(() => loop.block(7_000));
  assert.equal(renewals(), 0);
  assert.deepEqual(fired, [
    "in time, the event loop blocked or the process paused for 6000 ms",
  ]);
  assert.match(lines.join("\n"), /event loop was blocked for at least 6000 ms/);
  assert.match(lines.join("\n"), /its leases may have expired/);
});

Deno.test("LeaseGuard: run exactly BLOCKED_LOOP_MS late, it is on time: it fires blaming Redis, nothing said of the event loop", async () => {
  const { scheduler, loop, fired, lates, renewals } = armed(() => {});
  await scheduler.advance(DUE - 1_000);
  const lines = await captureStderr(() => loop.block(1_000 + BLOCKED_LOOP_MS));
  assert.equal(scheduler.now(), DUE + BLOCKED_LOOP_MS);
  assert.deepEqual(lines, []);
  assert.deepEqual(fired, ["by Redis for 10000 ms"]);
  assert.deepEqual(lates, [false]);
  assert.equal(renewals(), 0);
});
