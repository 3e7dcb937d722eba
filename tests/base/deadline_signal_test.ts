import assert from "node:assert/strict";
import { deadlineSignal } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/mod.ts";

Deno.test("deadlineSignal aborts at the deadline with the reason made then", async () => {
  const scheduler = new VirtualScheduler();
  let made = 0;
  const deadline = deadlineSignal(
    scheduler,
    100,
    () => new Error(`late ${++made}`),
  );
  await scheduler.advance(99);
  assert.equal(deadline.signal.aborted, false);
  assert.equal(made, 0);
  await scheduler.advance(1);
  assert.equal(deadline.expired.aborted, true);
  assert.equal(deadline.signal.aborted, true);
  assert.equal((deadline.signal.reason as Error).message, "late 1");
  assert.equal(deadline.signal.reason, deadline.expired.reason);
  deadline.end();
  assert.equal(scheduler.pending, 0);
});

Deno.test("deadlineSignal follows the caller's signal, and end stops both", async () => {
  const scheduler = new VirtualScheduler();
  const caller = new AbortController();
  const deadline = deadlineSignal(scheduler, 100, () => "late", caller.signal);
  caller.abort("stop");
  assert.equal(deadline.signal.reason, "stop");
  assert.equal(deadline.expired.aborted, false);
  deadline.end();
  assert.equal(scheduler.pending, 0);

  const before = new AbortController();
  before.abort("already");
  const early = deadlineSignal(scheduler, 100, () => "late", before.signal);
  assert.equal(early.signal.reason, "already");
  early.end();

  const later = new AbortController();
  const ended = deadlineSignal(scheduler, 100, () => "late", later.signal);
  ended.end();
  later.abort("after");
  await scheduler.advance(100);
  assert.equal(ended.signal.aborted, false);
});

Deno.test("deadlineSignal without a reason aborts with an AbortError", async () => {
  const scheduler = new VirtualScheduler();
  const deadline = deadlineSignal(scheduler, 10, () => undefined);
  await scheduler.advance(10);
  assert.equal((deadline.signal.reason as DOMException).name, "AbortError");
  deadline.end();
});
