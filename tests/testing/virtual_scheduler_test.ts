// The virtual clock nearly every shard test stands on, tested directly:
// ordering, ties, cancelling, negative delays, timers queued by timers,
// microtask flushing, runNext/runAll and their bounds, the numbers it
// refuses, delays clamped as the real scheduler clamps them, and overlapping
// advances.
import assert from "node:assert/strict";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { MAX_TIMER_DELAY } from "../../base/scheduler.ts";
import { Gen } from "../_fakes/prng.ts";

Deno.test("VirtualScheduler starts where told and moves only when driven", async () => {
  const clock = new VirtualScheduler({ start: 1_000 });
  assert.equal(clock.now(), 1_000);
  let fired = false;
  clock.setTimeout(() => fired = true, 10);
  await clock.flushMicrotasks();
  assert.equal(clock.now(), 1_000);
  assert.equal(fired, false);
  await clock.advance(9);
  assert.equal(fired, false);
  await clock.advance(1);
  assert.equal(fired, true);
  assert.equal(clock.now(), 1_010);
});

Deno.test("VirtualScheduler runs timers by due time, ties in the order set, each at its own time", async () => {
  const clock = new VirtualScheduler();
  const log: string[] = [];
  const at = (name: string) => () => log.push(`${name}@${clock.now()}`);
  clock.setTimeout(at("c"), 30);
  clock.setTimeout(at("a1"), 10);
  clock.setTimeout(at("b"), 20);
  clock.setTimeout(at("a2"), 10);
  assert.equal(clock.nextDue, 10);
  await clock.advance(100);
  assert.deepEqual(log, ["a1@10", "a2@10", "b@20", "c@30"]);
  assert.equal(clock.now(), 100, "advance ends at its target");
  assert.equal(clock.nextDue, undefined);
});

Deno.test("VirtualScheduler clamps negative delays to now and ignores unknown handles", async () => {
  const clock = new VirtualScheduler({ start: 50 });
  const fired: number[] = [];
  clock.setTimeout(() => fired.push(clock.now()), -20);
  assert.equal(clock.nextDue, 50);
  clock.clearTimeout(12_345);
  await clock.advance(0);
  assert.deepEqual(fired, [50]);
  // As a negative delay: `advance(due - now())` after the due time ran.
  await clock.advance(-10);
  assert.equal(clock.now(), 50, "a negative advance does not go back");
});

Deno.test("VirtualScheduler takes NaN, Infinity and huge delays as the real scheduler does", async () => {
  // `due: now + Math.max(0, delay)` made a NaN timer's due NaN, which broke
  // the heap (timers ran out of order at wrong times), and an Infinity one
  // moved now() to Infinity for good. realScheduler clamps with
  // clampTimerDelay: NaN runs at once, anything above 2^31 - 1 at 2^31 - 1.
  const clock = new VirtualScheduler();
  const log: string[] = [];
  const at = (name: string) => () => log.push(`${name}@${clock.now()}`);
  clock.setTimeout(at("a100"), 100);
  clock.setTimeout(at("nan"), NaN);
  clock.setTimeout(at("c50"), 50);
  clock.setTimeout(at("d10"), 10);
  assert.equal(clock.nextDue, 0);
  await clock.advance(0);
  assert.deepEqual(log, ["nan@0"]);
  await clock.advance(200);
  assert.deepEqual(log, ["nan@0", "d10@10", "c50@50", "a100@100"]);

  const far = new VirtualScheduler();
  const fired: string[] = [];
  far.setTimeout(() => fired.push(`inf@${far.now()}`), Infinity);
  far.setTimeout(() => fired.push(`huge@${far.now()}`), 2 ** 40);
  assert.equal(far.nextDue, MAX_TIMER_DELAY);
  assert.equal(await far.runAll(), 2);
  assert.deepEqual(fired, [
    `inf@${MAX_TIMER_DELAY}`,
    `huge@${MAX_TIMER_DELAY}`,
  ]);
  assert.equal(far.now(), MAX_TIMER_DELAY);
  far.setTimeout(() => fired.push(`later@${far.now()}`), 10);
  await far.advance(5);
  assert.equal(fired.length, 2, "a 10 ms timer does not run 5 ms on");
  await far.advance(5);
  assert.equal(fired.at(-1), `later@${MAX_TIMER_DELAY + 10}`);
});

Deno.test("VirtualScheduler's clock never goes back when advances overlap, and every due timer runs in order", async () => {
  // advance() ended with `now = target`: advance(10) started beside
  // advance(1000) took the clock from 500 (a timer's time) back to 10.
  const clock = new VirtualScheduler();
  const seen: number[] = [];
  const sample = (): void => {
    const now = clock.now();
    if (seen.at(-1) !== now) seen.push(now);
  };
  const log: string[] = [];
  clock.setTimeout(() => {
    log.push(`t500@${clock.now()}`);
    // A promise chain the timer starts watches the clock.
    void (async () => {
      for (let i = 0; i < 300; i++) {
        sample();
        await null;
      }
    })();
    clock.setTimeout(() => log.push(`t500+0@${clock.now()}`), 0);
    clock.setTimeout(() => log.push(`t500+100@${clock.now()}`), 100);
  }, 500);
  clock.setTimeout(() => log.push(`t900@${clock.now()}`), 900);
  const long = clock.advance(1_000);
  const short = clock.advance(10).then(sample);
  await Promise.all([long, short]);
  sample();
  assert.deepEqual(log, [
    "t500@500",
    "t500+0@500",
    "t500+100@600",
    "t900@900",
  ]);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i]! > seen[i - 1]!, `the clock went back: ${seen}`);
  }
  assert.equal(clock.now(), 1_000);
  assert.equal(clock.pending, 0);

  // A timer that starts an advance of its own (not awaited).
  const nested = new VirtualScheduler();
  const times: number[] = [];
  nested.setTimeout(() => void nested.advance(0), 100);
  nested.setTimeout(() => times.push(nested.now()), 300);
  await nested.advance(400);
  assert.deepEqual(times, [300]);
  assert.equal(nested.now(), 400);
});

Deno.test("VirtualScheduler.advance refuses NaN and infinite times instead of hanging", async () => {
  // With a repeating timer (a heartbeat), advance(NaN) and
  // advance(Infinity) ran it forever; after advance(NaN) with none, now()
  // was NaN for good.
  const clock = new VirtualScheduler({ start: 5 });
  for (const ms of [NaN, Infinity, -Infinity, "10"]) {
    await assert.rejects(
      clock.advance(ms as number),
      (error: unknown) => {
        assert.ok(error instanceof RangeError, `${String(ms)}: ${error}`);
        assert.match(
          error.message,
          /^Cannot advance VirtualScheduler as 'ms' must be a finite number: current value 'ms=/,
        );
        return true;
      },
    );
  }
  assert.equal(clock.now(), 5);
  await clock.advance(0);
  await clock.advance(0.5);
  assert.equal(clock.now(), 5.5);
});

Deno.test("VirtualScheduler refuses a start that is not a finite number >= 0 and microtaskTurns that are not an integer from 0 to 1,000,000", () => {
  for (const start of [NaN, Infinity, -1, "0"]) {
    assert.throws(
      () => new VirtualScheduler({ start: start as number }),
      /^RangeError: Cannot create VirtualScheduler as 'start' must be a finite number >= 0: current value 'start=/,
      `start=${String(start)} was accepted`,
    );
  }
  for (const microtaskTurns of [Infinity, NaN, -1, 1.5, 1_000_001, "64"]) {
    assert.throws(
      () => new VirtualScheduler({ microtaskTurns: microtaskTurns as number }),
      /^RangeError: Cannot create VirtualScheduler as 'microtaskTurns' must be an integer from 0 to 1000000: current value 'microtaskTurns=/,
      `microtaskTurns=${String(microtaskTurns)} was accepted`,
    );
  }
  assert.equal(new VirtualScheduler({ start: 0.5 }).now(), 0.5);
  new VirtualScheduler({ microtaskTurns: 0 });
  new VirtualScheduler({ microtaskTurns: 1_000_000 });
});

Deno.test("VirtualScheduler refuses a key that is not one of its options", () => {
  // Ignored, a misspelt start left the clock at 0.
  assert.throws(
    () => new VirtualScheduler({ starts: 1000 } as never),
    {
      name: "TypeError",
      message:
        "Cannot create VirtualScheduler as 'starts' is not one of its options (did you mean 'start'?)",
    },
  );
  assert.throws(
    () => new VirtualScheduler({ microtasks: 0 } as never),
    /^TypeError: Cannot create VirtualScheduler as 'microtasks' is not one of its options/,
  );
});

Deno.test("VirtualScheduler cancels a timer, also from inside another timer due at the same time", async () => {
  const clock = new VirtualScheduler();
  const fired: string[] = [];
  const cancelled = clock.setTimeout(() => fired.push("cancelled"), 5);
  clock.clearTimeout(cancelled);
  let second = 0;
  clock.setTimeout(() => {
    fired.push("first");
    clock.clearTimeout(second);
  }, 10);
  second = clock.setTimeout(() => fired.push("second"), 10);
  assert.equal(clock.pending, 2);
  await clock.advance(10);
  assert.deepEqual(fired, ["first"]);
  assert.equal(clock.pending, 0);
});

Deno.test("VirtualScheduler runs a timer set by a timer within the same advance when due", async () => {
  const clock = new VirtualScheduler();
  const fired: number[] = [];
  clock.setTimeout(() => {
    fired.push(clock.now());
    clock.setTimeout(() => fired.push(clock.now()), 15);
    clock.setTimeout(() => fired.push(clock.now()), 500);
  }, 10);
  await clock.advance(100);
  assert.deepEqual(fired, [10, 25]);
  assert.equal(clock.pending, 1);
  assert.equal(clock.nextDue, 510);
});

Deno.test("VirtualScheduler flushes promise chains a timer starts before the next timer runs", async () => {
  const clock = new VirtualScheduler();
  const log: string[] = [];
  clock.setTimeout(() => {
    Promise.resolve().then(() => Promise.resolve()).then(() =>
      log.push("chain")
    );
  }, 10);
  clock.setTimeout(() => log.push("next"), 10);
  await clock.advance(10);
  assert.deepEqual(log, ["chain", "next"]);
});

Deno.test("VirtualScheduler.flushMicrotasks yields exactly microtaskTurns turns", async () => {
  const depth = async (clock: VirtualScheduler): Promise<number> => {
    let turns = 0;
    let stop = false;
    const spin = async (): Promise<void> => {
      while (!stop && turns < 1_000) {
        turns++;
        await Promise.resolve();
      }
    };
    const spinning = spin();
    await clock.flushMicrotasks();
    stop = true;
    await spinning;
    return turns;
  };
  const few = await depth(new VirtualScheduler({ microtaskTurns: 3 }));
  const many = await depth(new VirtualScheduler({ microtaskTurns: 30 }));
  assert.ok(few <= 5, `3 turns let a chain advance ${few} steps`);
  assert.ok(many >= 30, `30 turns let a chain advance ${many} steps`);
});

Deno.test("VirtualScheduler.runNext jumps to the earliest timer and reports when none is left", async () => {
  const clock = new VirtualScheduler();
  const fired: number[] = [];
  clock.setTimeout(() => fired.push(clock.now()), 700);
  clock.setTimeout(() => fired.push(clock.now()), 300);
  assert.equal(await clock.runNext(), true);
  assert.deepEqual(fired, [300]);
  assert.equal(clock.now(), 300);
  assert.equal(await clock.runNext(), true);
  assert.equal(clock.now(), 700);
  assert.equal(await clock.runNext(), false);
  assert.equal(clock.now(), 700, "no timer: the clock stays");
});

Deno.test("VirtualScheduler.runAll stops at its limit for a timer that re-arms forever", async () => {
  const clock = new VirtualScheduler();
  let beats = 0;
  const beat = (): void => {
    beats++;
    clock.setTimeout(beat, 1_000);
  };
  clock.setTimeout(beat, 1_000);
  assert.equal(await clock.runAll(25), 25);
  assert.equal(beats, 25);
  assert.equal(clock.now(), 25_000);
  assert.equal(clock.pending, 1);
  const once = new VirtualScheduler();
  once.setTimeout(() => {}, 1);
  once.setTimeout(() => {}, 2);
  assert.equal(await once.runAll(), 2);
  assert.equal(once.pending, 0);
});

Deno.test("VirtualScheduler runs timers in due-then-set order through random sets, clears and timers that set timers", async () => {
  for (let seed = 1; seed <= 20; seed++) {
    const gen = new Gen(seed);
    const clock = new VirtualScheduler({ microtaskTurns: 1 });
    interface Entry {
      id: number;
      due: number;
      order: number;
      state: "pending" | "cleared" | "ran";
    }
    const model: Entry[] = [];
    const ran: Entry[] = [];
    let order = 0;
    const set = (delay: number): void => {
      const entry: Entry = {
        id: 0,
        due: clock.now() + delay,
        order: order++,
        state: "pending",
      };
      entry.id = clock.setTimeout(() => {
        assert.equal(entry.state, "pending", "a cleared or run timer ran");
        assert.equal(clock.now(), entry.due);
        entry.state = "ran";
        ran.push(entry);
        // Some timers set another, as a heartbeat does.
        if (gen.chance(0.2)) set(gen.int(50));
      }, delay);
      model.push(entry);
    };
    const pending = () => model.filter((t) => t.state === "pending");
    for (let step = 0; step < 400; step++) {
      const roll = gen.int(10);
      if (roll < 6) set(gen.int(100));
      else if (roll < 8) {
        const live = pending();
        const victim = live[gen.int(live.length)];
        if (victim) {
          clock.clearTimeout(victim.id);
          victim.state = "cleared";
        }
      } else {
        await clock.advance(gen.int(40));
        // Nothing due is left behind.
        assert.ok(pending().every((t) => t.due > clock.now()));
      }
      assert.equal(clock.pending, pending().length);
    }
    await clock.runAll();
    assert.equal(clock.pending, 0);
    // A timer is set at or after the due time of every timer run before it
    // (the clock never goes back), so the whole run is sorted by due time,
    // then by the order timers were set.
    for (let i = 1; i < ran.length; i++) {
      const [a, b] = [ran[i - 1]!, ran[i]!];
      assert.ok(a.due < b.due || (a.due === b.due && a.order < b.order));
    }
    assert.equal(ran.length, model.filter((t) => t.state !== "cleared").length);
  }
});

Deno.test("VirtualScheduler.advance throws, naming the loop, when a timer sets itself again with delay 0 (it would hang the test), and time moves on for timers that do not", async () => {
  const scheduler = new VirtualScheduler();
  let polls = 0;
  const poll = (): void => {
    polls++;
    scheduler.setTimeout(poll, 0);
  };
  scheduler.setTimeout(poll, 10);
  await assert.rejects(
    scheduler.advance(1_000),
    (error: unknown) =>
      error instanceof RangeError &&
      /100000 timers set at t=10 ran there without the clock moving \(a timer that sets itself again with delay 0/
        .test(error.message),
  );
  // The first was set at t=0; the 100,000 after it at t=10 itself.
  assert.equal(polls, 100_001);
  // 120,000 timers set earlier for one instant (a timeout per request) all
  // run there.
  const many = new VirtualScheduler();
  let ran = 0;
  for (let i = 0; i < 120_000; i++) many.setTimeout(() => ran++, 15_000);
  await many.advance(15_000);
  assert.equal(ran, 120_000);
  // A timer re-armed 1 ms later runs 1,000 times in a second, no error.
  const other = new VirtualScheduler();
  let ticks = 0;
  const tick = (): void => {
    ticks++;
    other.setTimeout(tick, 1);
  };
  other.setTimeout(tick, 1);
  await other.advance(1_000);
  assert.equal(ticks, 1_000);
});
