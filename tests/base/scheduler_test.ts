import assert from "node:assert/strict";
import {
  clampTimerDelay,
  MAX_TIMER_DELAY,
  realScheduler,
} from "../../base/scheduler.ts";

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
