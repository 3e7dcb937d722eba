import assert from "node:assert/strict";
import { abortListenerCount, onAbort } from "../../base/abort_fanout.ts";
import { deadlineSignal } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/mod.ts";
import { counted } from "../_fakes/counted_listeners.ts";

Deno.test("onAbort: one listener on the signal however many wait, called in order, each once", () => {
  const controller = new AbortController();
  const counts = counted(controller.signal);
  const heard: number[] = [];
  const stops = Array.from(
    { length: 1000 },
    (_, i) => onAbort(controller.signal, () => heard.push(i)),
  );
  assert.equal(counts.added, 1);
  assert.equal(abortListenerCount(controller.signal), 1000);
  stops[1]!();
  stops[1]!(); // a second stop does nothing
  assert.equal(abortListenerCount(controller.signal), 999);
  controller.abort();
  assert.equal(heard.length, 999);
  assert.deepEqual(heard.slice(0, 3), [0, 2, 3]);
  assert.equal(abortListenerCount(controller.signal), 0);
  stops[0]!(); // after the abort: nothing
  controller.abort();
  assert.equal(heard.length, 999);
});

Deno.test("onAbort: the last stop removes the signal's listener; a listener stopped by another during the abort is not called", () => {
  const controller = new AbortController();
  const counts = counted(controller.signal);
  const stops = [1, 2, 3].map(() => onAbort(controller.signal, () => {}));
  for (const stop of stops) stop();
  assert.equal(counts.removed, 1);
  assert.equal(abortListenerCount(controller.signal), 0);
  // Listened to again: a new listener.
  const heard: string[] = [];
  let stopLater = (): void => {};
  onAbort(controller.signal, () => {
    heard.push("first");
    stopLater();
  });
  stopLater = onAbort(controller.signal, () => heard.push("stopped"));
  onAbort(controller.signal, () => heard.push("last"));
  assert.equal(counts.added, 2);
  controller.abort();
  assert.deepEqual(heard, ["first", "last"]);
});

Deno.test("onAbort: a listener that throws does not keep the others from running", async () => {
  const controller = new AbortController();
  const heard: string[] = [];
  onAbort(controller.signal, () => {
    throw new Error("boom");
  });
  onAbort(controller.signal, () => heard.push("after"));
  const thrown = new Promise<unknown>((resolve) => {
    const onError = (event: ErrorEvent): void => {
      event.preventDefault();
      globalThis.removeEventListener("error", onError);
      resolve(event.error);
    };
    globalThis.addEventListener("error", onError);
  });
  controller.abort();
  assert.deepEqual(heard, ["after"]);
  assert.equal(((await thrown) as Error).message, "boom");
});

Deno.test("deadlineSignal: attempts sharing a caller's signal add one listener to it, and end removes it with the last", () => {
  const scheduler = new VirtualScheduler();
  const caller = new AbortController();
  const counts = counted(caller.signal);
  const deadlines = Array.from(
    { length: 1000 },
    () => deadlineSignal(scheduler, 100, () => "late", caller.signal),
  );
  assert.equal(counts.added, 1);
  assert.equal(abortListenerCount(caller.signal), 1000);
  for (const deadline of deadlines.slice(500)) deadline.end();
  assert.equal(abortListenerCount(caller.signal), 500);
  caller.abort("stop");
  for (const deadline of deadlines.slice(0, 500)) {
    assert.equal(deadline.signal.reason, "stop");
    deadline.end();
  }
  for (const deadline of deadlines.slice(500)) {
    assert.equal(deadline.signal.aborted, false);
  }
  assert.equal(abortListenerCount(caller.signal), 0);

  const other = new AbortController();
  const otherCounts = counted(other.signal);
  const ended = [1, 2].map(() =>
    deadlineSignal(scheduler, 100, () => "late", other.signal)
  );
  for (const deadline of ended) deadline.end();
  assert.equal(otherCounts.added, 1);
  assert.equal(otherCounts.removed, 1);
  assert.equal(scheduler.pending, 0);
});

Deno.test("onAbort: the same function added twice runs twice, and each stop removes one", () => {
  const controller = new AbortController();
  let calls = 0;
  const listener = () => calls++;
  onAbort(controller.signal, listener);
  const stopSecond = onAbort(controller.signal, listener);
  onAbort(controller.signal, listener);
  assert.equal(abortListenerCount(controller.signal), 3);
  stopSecond();
  assert.equal(abortListenerCount(controller.signal), 2);
  controller.abort();
  assert.equal(calls, 2);
});
