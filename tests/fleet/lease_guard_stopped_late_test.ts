// After the lease guard stopped a process's shards (no renewal answered in
// time), the renewal Redis answers late says renewals answer again, not
// "stopping its shards" (they were stopped already), and the first renewal
// answered in time says the shards run again, on stderr by default: the
// operator's last line was otherwise the ERR. On a VirtualScheduler.
import assert from "node:assert/strict";
import { LeaseGuard } from "../../fleet/lease_guard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const TIMES = { ttlMs: 15_000, renewMs: 5_000 };

Deno.test("LeaseGuard: a late answer after the guard fired says renewals answer again, and the next timely one that the shards run again", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const fired: string[] = [];
  const guard = new LeaseGuard(
    scheduler,
    TIMES,
    (why) => fired.push(why),
    () => {},
  );
  guard.arm(scheduler.now());
  // Redis goes silent: the guard fires at the deadline, stopping the shards.
  await scheduler.advance(5_000);
  const sentAt = scheduler.now(); // a renewal sent into the silence
  await scheduler.advance(5_000);
  assert.equal(fired.length, 1);
  // Redis comes back and answers it 45 s after it was sent.
  await scheduler.advance(40_000);
  const late = await captureStderr(async () => {
    guard.arm(sentAt);
    await scheduler.advance(0);
  });
  assert.equal(late.length, 1, late.join("\n"));
  assert.match(late[0]!, /Redis answered a lease renewal after 45000 ms/);
  assert.doesNotMatch(late[0]!, /stopping/);
  assert.match(late[0]!, /run again at the next renewal/);
  // The next renewal answers in time: the shards run again, said visibly.
  const renewedAt = scheduler.now();
  await scheduler.advance(100);
  const back = await captureStderr(async () => {
    guard.arm(renewedAt);
    await scheduler.advance(0);
  });
  assert.equal(back.length, 1, back.join("\n"));
  assert.match(back[0]!, /^\[INF\] disruption·fleet: .*run again/);
  // Said once: the renewals after it are news to no one.
  const quiet = await captureStderr(async () => {
    await scheduler.advance(4_900);
    guard.arm(scheduler.now());
    await scheduler.advance(0);
  });
  assert.deepEqual(quiet, []);
});

Deno.test("LeaseGuard: a timely renewal of a guard that never fired says nothing", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const guard = new LeaseGuard(scheduler, TIMES, () => {}, () => {});
  const lines = await captureStderr(async () => {
    for (let i = 0; i < 3; i++) {
      guard.arm(scheduler.now());
      await scheduler.advance(5_000);
    }
  });
  assert.deepEqual(lines, []);
});

Deno.test("LeaseGuard: a guard that fired with no shard to stop says no recovery after", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const guard = new LeaseGuard(scheduler, TIMES, () => false, () => {});
  guard.arm(scheduler.now());
  await scheduler.advance(10_000); // fired: nothing ran, nothing stopped
  const lines = await captureStderr(async () => {
    guard.arm(scheduler.now());
    await scheduler.advance(0);
  });
  assert.deepEqual(lines, []);
});
