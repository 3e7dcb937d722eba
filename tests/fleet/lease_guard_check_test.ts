// LeaseGuard.check(), asked as a shard moves toward a connection: it fires
// the guard at once when the leases' deadline passed while the guard's
// timer could not run (a suspend stops the monotonic clock its timer is
// on), and does nothing while the leases are safe. On a VirtualScheduler
// with the runtime's clocks replaced (see _suspended_machine.ts).
import assert from "node:assert/strict";
import { FleetClock } from "../../fleet/fleet_clock.ts";
import { LeaseGuard } from "../../fleet/lease_guard.ts";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { SuspendedMachine } from "./_suspended_machine.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

Deno.test("LeaseGuard: check() fires at once after a suspend with no renewal in flight, not before, and once", async () => {
  const virtual = new VirtualScheduler({ start: 1_000_000 });
  const machine = new SuspendedMachine(virtual);
  machine.install();
  try {
    const clock = new FleetClock(machine.scheduler, true);
    const fired: { why: string; late: boolean }[] = [];
    const guard = new LeaseGuard(
      clock.scheduler,
      { ttlMs: 15_000, renewMs: 5_000 },
      (why, late) => fired.push({ why, late }),
    );
    const sentAt = clock.stamp();
    guard.arm(sentAt);
    await virtual.advance(1_000);
    guard.check();
    assert.equal(fired.length, 0, "fired with the leases safe");
    machine.suspend(60_000);
    guard.check();
    assert.equal(fired.length, 1, "did not fire at the check");
    assert.match(fired[0]!.why, /jumped \d+ ms ahead/);
    assert.equal(fired[0]!.late, true, "waits for Redis with leases gone");
    assert.equal(guard.safeUntil(0), undefined, "still armed");
    // Its timer was cleared: no second fire when it comes due.
    await virtual.advance(20_000);
    guard.check();
    assert.equal(fired.length, 1, "fired twice");
  } finally {
    machine.uninstall();
  }
});

Deno.test("LeaseGuard: a renewal answered at once across a 12 s forward step is blamed on the clock, not on Redis", async () => {
  const virtual = new VirtualScheduler({ start: 1_000_000 });
  const machine = new SuspendedMachine(virtual);
  machine.install();
  try {
    const clock = new FleetClock(machine.scheduler, true);
    const guard = new LeaseGuard(
      clock.scheduler,
      { ttlMs: 15_000, renewMs: 5_000 },
      () => {},
      () => {},
    );
    const sentAt = clock.stamp();
    machine.suspend(12_000); // the wall clock steps while Redis answers
    await virtual.advance(5);
    const lines = await captureStderr(async () => {
      guard.arm(sentAt);
      await virtual.advance(0);
    });
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0]!, /wall clock jumped \d+ ms ahead/);
    assert.doesNotMatch(lines[0]!, /Redis answered/);
    guard.disarm();
  } finally {
    machine.uninstall();
  }
});

Deno.test("LeaseGuard: safeUntil is the renewal's deadline (its TTL less the renew period after it was sent) on a clock the offset ahead, and undefined once disarmed", async () => {
  const virtual = new VirtualScheduler({ start: 1_000_000 });
  const guard = new LeaseGuard(
    virtual,
    { ttlMs: 15_000, renewMs: 5_000 },
    () => {},
  );
  assert.equal(guard.safeUntil(0), undefined, "not armed yet");
  const sentAt = virtual.now();
  await virtual.advance(300); // the renewal's round trip
  guard.arm(sentAt);
  assert.equal(guard.safeUntil(0), sentAt + 10_000);
  assert.equal(guard.safeUntil(250), sentAt + 10_250);
  assert.equal(guard.safeUntil(-250), sentAt + 9_750);
  guard.disarm();
  assert.equal(guard.safeUntil(0), undefined);
});

Deno.test("LeaseGuard: a start allowed by a renewal is refused once the guard is disarmed (closing), however much of the lease is left", () => {
  const virtual = new VirtualScheduler({ start: 1_000_000 });
  const guard = new LeaseGuard(
    virtual,
    { ttlMs: 15_000, renewMs: 5_000 },
    () => {},
  );
  const sentAt = virtual.now();
  guard.arm(sentAt);
  const mayStart = guard.startable(sentAt);
  assert.equal(mayStart(), true);
  guard.disarm();
  assert.equal(mayStart(), false);
});

Deno.test("LeaseGuard: writeBack stops waiting for a session store that never answers when the renewal's leases stop being safe", async () => {
  const virtual = new VirtualScheduler({ start: 1_000_000 });
  const guard = new LeaseGuard(
    virtual,
    { ttlMs: 15_000, renewMs: 5_000 },
    () => {},
  );
  const sentAt = virtual.now();
  guard.parked.keep([{
    shardId: 0,
    shardCount: 2,
    sessionId: "s0",
    sequence: 3,
    savedAt: sentAt,
  }], sentAt + 60_000);
  const store = new MemorySessionStore();
  let asked = 0;
  store.loadAll = (): Promise<SavedSession[]> => {
    asked++;
    return new Promise<SavedSession[]>(() => {}); // a frozen store
  };
  let done = false;
  const written = guard.writeBack(
    store,
    { count: 2, shards: new Map() },
    sentAt,
    sentAt,
  ).then(() => void (done = true));
  await virtual.advance(9_999);
  assert.equal(asked, 1);
  assert.equal(done, false, "gave up while the leases were safe");
  await virtual.advance(1); // the renewal's deadline: TTL less a renewal
  await written;
  assert.equal(done, true);
});
