import assert from "node:assert/strict";
import {
  BACKLOG_REPEAT_MS,
  OrderedRunner,
  STUCK_TASK_MS,
} from "../../handler/ordered_runner.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("OrderedRunner runs synchronous tasks at once", () => {
  const runner = new OrderedRunner(() => {});
  const seen: number[] = [];
  runner.push(() => void seen.push(1));
  assert.deepEqual(seen, [1]);
  assert.equal(runner.pending, 0);
});

Deno.test("OrderedRunner keeps later tasks behind an awaiting one", async () => {
  const runner = new OrderedRunner(() => {});
  const seen: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  runner.push(async () => {
    seen.push("a:start");
    await gate;
    seen.push("a:end");
  });
  runner.push(() => void seen.push("b"));
  runner.push(async () => {
    await null;
    seen.push("c");
  });
  assert.deepEqual(seen, ["a:start"]);
  assert.equal(runner.pending, 2);
  release();
  await runner.idle();
  assert.deepEqual(seen, ["a:start", "a:end", "b", "c"]);
});

Deno.test("OrderedRunner reports throws and rejections and carries on", async () => {
  const errors: unknown[] = [];
  const runner = new OrderedRunner((error) => errors.push(error));
  const seen: number[] = [];
  runner.push(() => {
    throw new Error("sync");
  });
  runner.push(() => Promise.reject(new Error("async")));
  runner.push(() => void seen.push(3));
  await runner.idle();
  assert.deepEqual(errors.map((e) => (e as Error).message), ["sync", "async"]);
  assert.deepEqual(seen, [3]);
});

Deno.test("OrderedRunner runs a task pushed by a running task after it", () => {
  const runner = new OrderedRunner(() => {});
  const seen: string[] = [];
  runner.push(() => {
    runner.push(() => void seen.push("inner"));
    seen.push("outer");
  });
  assert.deepEqual(seen, ["outer", "inner"]);
});

Deno.test("OrderedRunner.call keeps the order of push, sync and async alike", async () => {
  const errors: unknown[] = [];
  const runner = new OrderedRunner((error) => errors.push(error));
  const seen: string[] = [];
  const record = (label: string, wait: boolean): void | Promise<void> => {
    seen.push(`${label}:start`);
    if (!wait) return;
    return Promise.resolve().then(() => void seen.push(`${label}:end`));
  };
  runner.call(record, "a", false);
  assert.equal(runner.busy, false, "a synchronous call leaves it idle");
  runner.call(record, "b", true);
  assert.equal(runner.busy, true);
  runner.call(record, "c", false);
  runner.push(() => void seen.push("d"));
  runner.call(
    () => {
      throw new Error("boom");
    },
    null,
    null,
  );
  runner.call(record, "e", false);
  await runner.idle();
  assert.deepEqual(seen, [
    "a:start",
    "b:start",
    "b:end",
    "c:start",
    "d",
    "e:start",
  ]);
  assert.deepEqual(errors.map((e) => (e as Error).message), ["boom"]);
});

Deno.test("OrderedRunner.call runs what a synchronous call pushed after it", () => {
  const runner = new OrderedRunner(() => {});
  const seen: string[] = [];
  runner.call(
    (a: string, b: string) => {
      runner.call((x: string) => void seen.push(x), "inner", "");
      seen.push(a + b);
    },
    "out",
    "er",
  );
  assert.deepEqual(seen, ["outer", "inner"]);
});

Deno.test("OrderedRunner reports a growing backlog at the threshold and each doubling", async () => {
  const reports: number[] = [];
  const runner = new OrderedRunner(() => {}, {
    backlogWarning: 100,
    onBacklog: (pending) => reports.push(pending),
  });
  let release!: () => void;
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  for (let i = 0; i < 999; i++) runner.push(() => {});
  assert.equal(runner.pending, 999);
  assert.deepEqual(reports, [100, 200, 400, 800]);
  // Once the runner is idle, the count starts over.
  release();
  await runner.idle();
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  for (let i = 0; i < 150; i++) runner.push(() => {});
  assert.deepEqual(reports, [100, 200, 400, 800, 100]);
  release();
  await runner.idle();
});

Deno.test("OrderedRunner.abandon drops what waits behind a task that never settles", async () => {
  const runner = new OrderedRunner(() => {});
  let ran = 0;
  runner.push(() => new Promise<void>(() => {})); // never settles
  for (let i = 0; i < 5000; i++) runner.push(() => void ran++);
  const idle = runner.idle();
  assert.equal(runner.pending, 5000);
  assert.equal(runner.abandon(), 5000);
  assert.equal(runner.pending, 0);
  await idle; // released, although the stuck task still runs
  assert.equal(ran, 0);
  assert.equal(runner.abandon(), 0);
});

Deno.test("OrderedRunner refuses a backlog threshold that is not a positive integer", () => {
  for (const value of [0, -1, 1.5, NaN]) {
    assert.throws(
      () => new OrderedRunner(() => {}, { backlogWarning: value }),
      /'backlogWarning' must be a positive integer/,
    );
  }
});

Deno.test("OrderedRunner.idle waits for the tasks queued before it, not for those queued after", async () => {
  // Its microtask flush lets a released task's promise finish it.
  const scheduler = new VirtualScheduler();
  const runner = new OrderedRunner(() => {});
  const releases: (() => void)[] = [];
  const task = () => new Promise<void>((resolve) => releases.push(resolve));
  runner.push(task);
  runner.push(task);
  let idle = false;
  const idling = runner.idle().then(() => idle = true);
  // Steady traffic: a task queued for every one that finishes.
  for (let i = 0; i < 2; i++) {
    runner.push(task);
    releases.shift()!();
    await scheduler.flushMicrotasks();
  }
  assert.equal(idle, true, "idle() resolved while tasks kept coming");
  await idling;
  assert.ok(runner.busy, "later tasks still run");
  while (runner.busy) {
    releases.shift()?.();
    await scheduler.flushMicrotasks();
  }
});

Deno.test("OrderedRunner.onStuck: once per task unfinished for STUCK_TASK_MS with tasks behind it, on the given clock; no timer when idle or abandoned", async () => {
  const scheduler = new VirtualScheduler();
  const stuck: [number, number][] = [];
  const runner = new OrderedRunner(() => {}, {
    scheduler,
    onStuck: (pending, ms) => stuck.push([pending, ms]),
  });
  let release!: () => void;
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  assert.equal(scheduler.pending, 1, "one timer while a task awaits");
  await scheduler.advance(STUCK_TASK_MS);
  assert.deepEqual(stuck, [], "nothing waits behind it");
  runner.push(() => {});
  assert.deepEqual(stuck, [[1, STUCK_TASK_MS]]);
  runner.push(() => {});
  await scheduler.advance(STUCK_TASK_MS);
  assert.equal(stuck.length, 1, "once per task");
  release();
  await runner.idle();
  assert.equal(scheduler.pending, 0, "no timer once idle");
  // A task that finishes in time says nothing; the next one is timed anew.
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  runner.push(() => {});
  await scheduler.advance(STUCK_TASK_MS - 1);
  release();
  await runner.idle();
  assert.equal(stuck.length, 1);
  runner.push(() => new Promise<void>(() => {})); // never settles
  runner.push(() => {});
  await scheduler.advance(STUCK_TASK_MS - 1);
  assert.equal(stuck.length, 1);
  await scheduler.advance(1);
  assert.deepEqual(stuck.at(-1), [1, STUCK_TASK_MS]);
  assert.equal(runner.abandon(), 1);
  assert.equal(scheduler.pending, 0, "no timer once abandoned");
});

Deno.test("OrderedRunner.onStuck times the task running now, not the first one its timer was set for", async () => {
  const scheduler = new VirtualScheduler();
  const stuck: number[] = [];
  const runner = new OrderedRunner(() => {}, {
    scheduler,
    onStuck: (_pending, ms) => stuck.push(ms),
  });
  let release!: () => void;
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  runner.push(() => new Promise<void>(() => {})); // never settles
  runner.push(() => {});
  await scheduler.advance(20_000);
  release(); // the second task starts at 20 s
  await scheduler.advance(STUCK_TASK_MS - 1);
  assert.deepEqual(stuck, []);
  await scheduler.advance(1);
  assert.deepEqual(stuck, [STUCK_TASK_MS]);
  runner.abandon();
  assert.equal(scheduler.pending, 0);
});

Deno.test("OrderedRunner with a clock tells a backlog that fills again within a minute only past the size already told", async () => {
  const clock = new VirtualScheduler();
  const reports: number[] = [];
  const runner = new OrderedRunner(() => {}, {
    backlogWarning: 100,
    onBacklog: (pending) => reports.push(pending),
    scheduler: clock,
  });
  const burst = async (size: number) => {
    let release!: () => void;
    runner.push(() => new Promise<void>((resolve) => release = resolve));
    for (let i = 0; i < size; i++) runner.push(() => {});
    release();
    await runner.idle();
  };
  await burst(150);
  assert.deepEqual(reports, [100]);
  // The same burst again, a healthy handler catching up: said once.
  for (let i = 0; i < 5; i++) {
    await clock.advance(10_000);
    await burst(150);
  }
  assert.deepEqual(reports, [100]);
  // Larger than told: said at the next doubling.
  await burst(250);
  assert.deepEqual(reports, [100, 200]);
  // A minute after the last word, the count starts over.
  await clock.advance(BACKLOG_REPEAT_MS);
  await burst(150);
  assert.deepEqual(reports, [100, 200, 100]);
  await burst(150);
  assert.deepEqual(reports, [100, 200, 100]);
});

Deno.test("OrderedRunner.started counts the task running now with those finished, and no task queued behind it", async () => {
  const runner = new OrderedRunner(() => {});
  assert.equal(runner.started, 0);
  runner.push(() => {});
  assert.equal(runner.started, 1);
  let release!: () => void;
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  runner.push(() => {});
  assert.equal(runner.started, 2, "the awaiting task is started, not the next");
  release();
  await runner.idle();
  assert.equal(runner.started, 3);
});

Deno.test("OrderedRunner ignores an onStuck given without a scheduler: awaiting tasks run in order as without one", async () => {
  const stuck: number[] = [];
  const runner = new OrderedRunner(() => {}, {
    onStuck: (pending) => stuck.push(pending),
  });
  const seen: number[] = [];
  let release!: () => void;
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  runner.push(() => void seen.push(1));
  runner.push(() => Promise.resolve().then(() => void seen.push(2)));
  release();
  await runner.idle();
  assert.deepEqual(seen, [1, 2]);
  assert.deepEqual(stuck, []);
});

Deno.test("OrderedRunner.callUncounted on an idle runner runs its work once, at once, leaving nothing queued", () => {
  const runner = new OrderedRunner(() => {});
  const seen: string[] = [];
  runner.callUncounted(
    (a: string, b: string) => void seen.push(a + b),
    "x",
    "y",
  );
  assert.deepEqual(seen, ["xy"]);
  assert.equal(runner.busy, false);
  assert.equal(runner.pending, 0);
  assert.equal(runner.handed, 1);
  runner.push(() => void seen.push("next"));
  assert.deepEqual(seen, ["xy", "next"], "not run a second time");
  assert.equal(runner.handed, 2);
});

Deno.test("OrderedRunner.callUncounted behind a busy task runs after it and is not pending", async () => {
  const runner = new OrderedRunner(() => {});
  const seen: string[] = [];
  let release!: () => void;
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  runner.callUncounted(
    (a: string, _b: undefined) => void seen.push(a),
    "late",
    undefined,
  );
  assert.equal(runner.pending, 0);
  assert.equal(runner.handed, 2);
  assert.deepEqual(seen, []);
  release();
  await runner.idle();
  assert.deepEqual(seen, ["late"]);
  assert.equal(runner.pending, 0);
});

Deno.test("OrderedRunner.abandon counts the dropped tasks as started, and drops a queued uncounted call without counting it", async () => {
  const runner = new OrderedRunner(() => {});
  const seen: string[] = [];
  let release!: () => void;
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  runner.push(() => void seen.push("a"));
  runner.callUncounted(
    (s: string, _b: undefined) => void seen.push(s),
    "u",
    undefined,
  );
  runner.push(() => void seen.push("b"));
  assert.equal(runner.pending, 2);
  assert.equal(runner.started, 1);
  assert.equal(
    runner.abandon(),
    2,
    "the uncounted call is not among those told",
  );
  assert.equal(runner.pending, 0);
  assert.equal(runner.started, runner.handed, "dropped tasks count as started");
  release();
  await runner.idle();
  assert.equal(runner.started, 4);
  runner.push(() => void seen.push("c"));
  assert.equal(runner.pending, 0);
  assert.deepEqual(seen, ["c"]);
  assert.equal(runner.started, runner.handed);
});

Deno.test("OrderedRunner without onBacklog reports nothing for a backlog past the warning size", async () => {
  const errors: unknown[] = [];
  const runner = new OrderedRunner((error) => errors.push(error), {
    backlogWarning: 2,
  });
  let release!: () => void;
  runner.push(() => new Promise<void>((resolve) => release = resolve));
  for (let i = 0; i < 10; i++) runner.push(() => {});
  release();
  await runner.idle();
  assert.deepEqual(errors, []);
});

Deno.test("OrderedRunner counts a task that rejected as finished: started keeps up with handed", async () => {
  const errors: unknown[] = [];
  const runner = new OrderedRunner((error) => errors.push(error));
  runner.push(() => Promise.reject(new Error("boom")));
  runner.push(() => {});
  await runner.idle();
  assert.equal(errors.length, 1);
  assert.equal(runner.started, 2);
  assert.equal(runner.started, runner.handed);
});

Deno.test("OrderedRunner reports a task whose thenable's then throws and goes on to the next at once", () => {
  const errors: unknown[] = [];
  const runner = new OrderedRunner((error) => errors.push(error));
  const seen: string[] = [];
  const broken = {
    then(): never {
      throw new Error("then broke");
    },
  } as unknown as Promise<void>;
  runner.push(() => broken);
  runner.push(() => void seen.push("next"));
  assert.deepEqual(seen, ["next"]);
  assert.equal(runner.busy, false);
  assert.equal(runner.started, 2);
  assert.equal(errors.length, 1);
  assert.match(String((errors[0] as Error).message), /then broke/);
  // The same through call().
  runner.call((_a: undefined, _b: undefined) => broken, undefined, undefined);
  runner.call(
    (a: string, _b: undefined) => void seen.push(a),
    "after",
    undefined,
  );
  assert.deepEqual(seen, ["next", "after"]);
  assert.equal(runner.busy, false);
  assert.equal(errors.length, 2);
});

Deno.test("OrderedRunner.onStuck: a task started behind an overdue one is not overdue itself until STUCK_TASK_MS after its own start", async () => {
  const scheduler = new VirtualScheduler();
  const stuck: [number, number][] = [];
  const runner = new OrderedRunner(() => {}, {
    scheduler,
    onStuck: (pending, ms) => stuck.push([pending, ms]),
  });
  let releaseFirst!: () => void;
  runner.push(() => new Promise<void>((resolve) => releaseFirst = resolve));
  await scheduler.advance(STUCK_TASK_MS);
  runner.push(() => new Promise<void>(() => {})); // never settles
  assert.deepEqual(stuck, [[1, STUCK_TASK_MS]]);
  releaseFirst();
  await scheduler.flushMicrotasks();
  assert.equal(runner.pending, 0, "the second task runs");
  runner.push(() => {});
  assert.deepEqual(stuck, [[1, STUCK_TASK_MS]], "the second just started");
  assert.equal(runner.idle() instanceof Promise, true);
  assert.deepEqual(stuck, [[1, STUCK_TASK_MS]], "an idle() waiter neither");
  await scheduler.advance(STUCK_TASK_MS);
  assert.deepEqual(stuck, [[1, STUCK_TASK_MS], [1, STUCK_TASK_MS]]);
  runner.abandon();
});
