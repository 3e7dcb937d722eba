import assert from "node:assert/strict";
import {
  clampTimerDelay,
  delay,
  MAX_TIMER_DELAY,
  realScheduler,
  settlesWithin,
} from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/mod.ts";
import { counted } from "../_fakes/counted_listeners.ts";

/** Run `body` with the runtime's setTimeout recording the delays it gets. */
function recordingDelays(body: () => void): number[] {
  const delays: number[] = [];
  const original = globalThis.setTimeout;
  globalThis.setTimeout = ((_callback: () => void, delay?: number) => {
    delays.push(delay ?? 0);
    return 0;
  }) as unknown as typeof setTimeout;
  try {
    body();
  } finally {
    globalThis.setTimeout = original;
  }
  return delays;
}

Deno.test("realScheduler never hands the runtime a delay above 2^31 - 1 ms", () => {
  // A runtime turns such a delay into 1 ms: a timer that checks the clock
  // and re-arms would then fire every millisecond.
  const delays = recordingDelays(() => {
    realScheduler.setTimeout(() => {}, 2 ** 31);
    realScheduler.setTimeout(() => {}, 1e15);
    realScheduler.setTimeout(() => {}, Infinity);
    realScheduler.setTimeout(() => {}, NaN);
    realScheduler.setTimeout(() => {}, -3);
    realScheduler.setTimeout(() => {}, 1500);
  });
  assert.deepEqual(delays, [
    MAX_TIMER_DELAY,
    MAX_TIMER_DELAY,
    MAX_TIMER_DELAY,
    0,
    0,
    1500,
  ]);
});

Deno.test("clampTimerDelay keeps delays in the runtime's range", () => {
  assert.equal(MAX_TIMER_DELAY, 2147483647);
  assert.equal(clampTimerDelay(MAX_TIMER_DELAY), MAX_TIMER_DELAY);
  assert.equal(clampTimerDelay(MAX_TIMER_DELAY + 1), MAX_TIMER_DELAY);
  assert.equal(clampTimerDelay(0.5), 0.5);
  assert.equal(clampTimerDelay(-Infinity), 0);
});

/** A signal never aborted, and how many listeners are left on it. */
function countingSignal(): { signal: AbortSignal; listeners: () => number } {
  const signal = new AbortController().signal;
  const counts = counted(signal);
  return { signal, listeners: () => counts.added - counts.removed };
}

Deno.test("delay rejects at once with an aborted signal's reason, setting no timer", async () => {
  const scheduler = new VirtualScheduler();
  const reason = new Error("stopped");
  const waited = delay(scheduler, 1000, AbortSignal.abort(reason));
  assert.equal(scheduler.pending, 0);
  await assert.rejects(waited, (error) => error === reason);
});

Deno.test("delay aborted while waiting rejects with the reason and clears its timer", async () => {
  const scheduler = new VirtualScheduler();
  const controller = new AbortController();
  const waited = delay(scheduler, 1000, controller.signal);
  assert.equal(scheduler.pending, 1);
  const reason = new Error("stopped");
  controller.abort(reason);
  await assert.rejects(waited, (error) => error === reason);
  assert.equal(scheduler.pending, 0);
});

Deno.test("delay that runs out leaves no listener on its signal", async () => {
  const scheduler = new VirtualScheduler();
  const { signal, listeners } = countingSignal();
  const waited = delay(scheduler, 1000, signal);
  assert.equal(listeners(), 1);
  await scheduler.advance(1000);
  await waited;
  assert.equal(listeners(), 0);
});

Deno.test("settlesWithin: no promise has settled, a rejected one settled, an aborted signal gives up at once", async () => {
  const scheduler = new VirtualScheduler();
  assert.equal(await settlesWithin(scheduler, undefined, 1000), true);
  assert.equal(
    await settlesWithin(scheduler, Promise.reject(new Error("x")), 1000),
    true,
  );
  const never = new Promise<void>(() => {});
  const given = settlesWithin(scheduler, never, 1000, AbortSignal.abort());
  assert.equal(scheduler.pending, 0, "no timer for an aborted signal");
  assert.equal(await given, false);
});

Deno.test("settlesWithin clears its timer and its abort listener once the promise settles", async () => {
  const scheduler = new VirtualScheduler();
  const { signal, listeners } = countingSignal();
  let settle!: () => void;
  const work = new Promise<void>((resolve) => settle = resolve);
  const result = settlesWithin(scheduler, work, 1000, signal);
  assert.equal(scheduler.pending, 1);
  settle();
  assert.equal(await result, true);
  assert.equal(scheduler.pending, 0);
  assert.equal(listeners(), 0);
});
