import assert from "node:assert/strict";
import { ForwardClock } from "../../base/forward_clock.ts";

/**
 * A ForwardClock over a wall clock the test sets to a time (not the shared
 * `steppedClock`, which steps a virtual clock by an offset).
 */
function forwardClockOver(start: number): {
  clock: ForwardClock;
  set: (now: number) => void;
} {
  let wall = start;
  const clock = new ForwardClock({
    now: () => wall,
    setTimeout: () => 0,
    clearTimeout: () => {},
  });
  return { clock, set: (now) => wall = now };
}

Deno.test("ForwardClock: a reached time moves the clock to it, and time goes on from there", () => {
  const { clock, set } = forwardClockOver(1_000);
  assert.equal(clock.now(), 1_000);
  clock.reached(2_000); // a timer armed for 2000 fired while the wall read 1000
  set(1_010);
  assert.equal(clock.now(), 2_010);
  assert.equal(clock.toScheduler(2_010), 1_010);
});

Deno.test("ForwardClock: a step back right after a reached time does not take the clock back", () => {
  const { clock, set } = forwardClockOver(1_000);
  clock.now();
  clock.reached(3_000);
  set(950);
  assert.equal(clock.now(), 3_000);
  clock.reached(2_500); // already past: nothing moves
  assert.equal(clock.now(), 3_000);
});
