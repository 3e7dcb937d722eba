import assert from "node:assert/strict";
import { steppedClock } from "../_fakes/stepped_clock.ts";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import {
  MemoryIdentifyQueue,
  type MemoryIdentifyQueueOptions,
  type SessionStartLimit,
} from "../../gateway/identify_queue.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { realScheduler } from "../../base/scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { Gen } from "../_fakes/prng.ts";

/** Request identifies for `shards` (in order) and record when each is granted. */
function requestAll(
  queue: MemoryIdentifyQueue,
  scheduler: VirtualScheduler,
  shards: readonly number[],
): { grants: Map<number, number>; order: number[]; done: Promise<unknown> } {
  const grants = new Map<number, number>();
  const order: number[] = [];
  const done = Promise.all(
    shards.map((shard) =>
      queue.acquire(shard).then(() => {
        grants.set(shard, scheduler.now());
        order.push(shard);
      })
    ),
  );
  return { grants, order, done };
}

function limit(
  remaining: number,
  reset_after: number,
  extra: Partial<SessionStartLimit> = {},
): SessionStartLimit {
  return { total: 1000, remaining, reset_after, max_concurrency: 1, ...extra };
}

function setup(options: Omit<MemoryIdentifyQueueOptions, "scheduler"> = {}): {
  scheduler: VirtualScheduler;
  queue: MemoryIdentifyQueue;
} {
  const scheduler = new VirtualScheduler();
  return {
    scheduler,
    // Exact multiples of 5 s read better here than the default's margin
    // (its own test is below).
    queue: new MemoryIdentifyQueue({
      scheduler,
      intervalMs: FIVE_SECONDS,
      ...options,
    }),
  };
}

const FIVE_SECONDS = 5_000;

async function captureWarnings(run: () => Promise<void>): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  await configure({
    sinks: { buffer: (record: LogRecord) => records.push(record) },
    loggers: [
      {
        category: ["disruption", "gateway", "identify_queue"],
        sinks: ["buffer"],
        lowestLevel: "debug",
      },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
    ],
  });
  try {
    await run();
  } finally {
    await reset();
  }
  return records;
}

Deno.test("MemoryIdentifyQueue paces max_concurrency 1 with 4 shards 5 s apart", async () => {
  const { scheduler, queue } = setup();
  const { grants, order, done } = requestAll(queue, scheduler, [0, 1, 2, 3]);
  await scheduler.flushMicrotasks();
  assert.deepEqual([...grants], [[0, 0]]);
  assert.equal(queue.pending, 3);
  await scheduler.runAll();
  await done;
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.deepEqual([...grants.values()], [0, 5000, 10000, 15000]);
  assert.equal(queue.pending, 0);
  assert.equal(scheduler.pending, 0);
});

Deno.test("MemoryIdentifyQueue grants 16 buckets at once with max_concurrency 16", async () => {
  const { scheduler, queue } = setup({ maxConcurrency: 16 });
  const shards = Array.from({ length: 32 }, (_, i) => i);
  const { grants, done } = requestAll(queue, scheduler, shards);
  await scheduler.advance(4999);
  assert.equal(grants.size, 16);
  await scheduler.advance(1);
  await done;
  for (const shard of shards) {
    assert.equal(grants.get(shard), shard < 16 ? 0 : 5000, `shard ${shard}`);
  }
  assert.equal(scheduler.pending, 0);
});

Deno.test("MemoryIdentifyQueue grants the first requester at once, then within a bucket lowest shard first, buckets independent", async () => {
  const { scheduler, queue } = setup({ maxConcurrency: 2 });
  // 4, 0, 2 share bucket 0; 1 and 3 share bucket 1.
  const { grants, order, done } = requestAll(queue, scheduler, [4, 0, 1, 2, 3]);
  await scheduler.runAll();
  await done;
  assert.deepEqual(order, [4, 1, 0, 3, 2]);
  assert.deepEqual(Object.fromEntries(grants), {
    4: 0,
    1: 0,
    0: 5000,
    3: 5000,
    2: 10000,
  });
});

Deno.test("MemoryIdentifyQueue measures the interval from the bucket's last grant", async () => {
  const { scheduler, queue } = setup();
  await queue.acquire(0);
  await scheduler.advance(7000);
  // 7 s since the last grant: at once.
  await queue.acquire(1);
  assert.equal(scheduler.now(), 7000);
  await scheduler.advance(2000);
  let grantedAt = -1;
  const next = queue.acquire(2).then(() => grantedAt = scheduler.now());
  await scheduler.advance(2999);
  assert.equal(grantedAt, -1);
  await scheduler.advance(1);
  await next;
  assert.equal(grantedAt, 12000);
});

Deno.test("MemoryIdentifyQueue with intervalMs 0 grants everything at once", async () => {
  const { scheduler, queue } = setup({ intervalMs: 0 });
  const { grants, done } = requestAll(queue, scheduler, [0, 1, 2]);
  await scheduler.flushMicrotasks();
  await done;
  assert.deepEqual([...grants.values()], [0, 0, 0]);
  assert.equal(scheduler.pending, 0);
});

Deno.test("MemoryIdentifyQueue waits for the reset when remaining is 0", async () => {
  const { scheduler, queue } = setup({ sessionStartLimit: limit(0, 60_000) });
  assert.equal(queue.remaining, 0);
  const records = await captureWarnings(async () => {
    let grantedAt = -1;
    const granted = queue.acquire(3).then(() => grantedAt = scheduler.now());
    await scheduler.advance(59_999);
    assert.equal(grantedAt, -1);
    assert.equal(queue.remaining, 0);
    await scheduler.advance(1);
    await granted;
    assert.equal(grantedAt, 60_000);
  });
  assert.equal(queue.remaining, 999);
  assert.equal(scheduler.pending, 0);
  assert.equal(records.length, 1);
  const [record] = records;
  assert.equal(record!.level, "warning");
  assert.deepEqual(record!.category, [
    "disruption",
    "gateway",
    "identify_queue",
  ]);
  assert.equal(record!.properties.waitMs, 60_000);
  assert.equal(record!.properties.shardId, 3);
  const text = record!.message.join("");
  assert.match(text, /waiting 60000 ms/);
  assert.match(text, /shard 3/);
});

Deno.test("MemoryIdentifyQueue spends remaining, then waits for the reset", async (t) => {
  await t.step(
    "reset after the interval: the third waits for the reset",
    async () => {
      const { scheduler, queue } = setup({
        sessionStartLimit: limit(2, 60_000),
      });
      const records = await captureWarnings(async () => {
        const { grants, done } = requestAll(queue, scheduler, [0, 1, 2]);
        await scheduler.runAll();
        await done;
        assert.deepEqual([...grants.values()], [0, 5000, 60_000]);
      });
      assert.equal(records.length, 1);
      // Shard 2's turn in its bucket comes at 10000; from there 50 s remain.
      assert.equal(records[0]!.properties.waitMs, 50_000);
      assert.equal(queue.remaining, 999);
    },
  );
  await t.step(
    "reset before the interval: the interval still applies",
    async () => {
      const { scheduler, queue } = setup({ sessionStartLimit: limit(1, 3000) });
      const { grants, done } = requestAll(queue, scheduler, [0, 1]);
      await scheduler.runAll();
      await done;
      assert.deepEqual([...grants.values()], [0, 5000]);
      assert.equal(queue.remaining, 999);
    },
  );
  await t.step("budget is shared across buckets", async () => {
    const { scheduler, queue } = setup({
      sessionStartLimit: limit(1, 60_000, { total: 2, max_concurrency: 16 }),
    });
    const { grants, order, done } = requestAll(queue, scheduler, [5, 6, 7, 8]);
    await scheduler.advance(60_000);
    // One at once, two at the reset (total 2), the last a day later.
    assert.deepEqual(order, [5, 6, 7]);
    assert.deepEqual([...grants.values()], [0, 60_000, 60_000]);
    assert.equal(queue.remaining, 0);
    await scheduler.runAll();
    await done;
    assert.equal(grants.get(8), 60_000 + 24 * 60 * 60 * 1000);
    assert.equal(scheduler.pending, 0);
  });
  await t.step(
    "after a reset the oldest request across buckets goes first",
    async () => {
      const { scheduler, queue } = setup({
        sessionStartLimit: limit(1, 60_000, { total: 1, max_concurrency: 16 }),
      });
      await captureWarnings(async () => {
        await queue.acquire(1); // bucket 1 exists first
        const { order, grants } = requestAll(queue, scheduler, [3, 1]);
        await scheduler.advance(60_000);
        // Only one session start after the reset: shard 3 asked first.
        assert.deepEqual(order, [3]);
        assert.equal(grants.get(3), 60_000);
        await scheduler.runAll();
        assert.deepEqual(order, [3, 1]);
      });
      assert.equal(scheduler.pending, 0);
    },
  );
  await t.step("reset_after 0 refills at once", async () => {
    const { scheduler, queue } = setup({ sessionStartLimit: limit(0, 0) });
    await queue.acquire(0);
    assert.equal(scheduler.now(), 0);
    assert.equal(queue.remaining, 999);
  });
});

Deno.test("MemoryIdentifyQueue remaining refills lazily once reset_after has passed", async () => {
  const { scheduler, queue } = setup({ sessionStartLimit: limit(0, 1000) });
  assert.equal(queue.remaining, 0);
  await scheduler.advance(999);
  assert.equal(queue.remaining, 0);
  await scheduler.advance(1);
  assert.equal(queue.remaining, 1000);
  assert.equal(scheduler.pending, 0);
});

Deno.test("MemoryIdentifyQueue counts grants without a limit as unlimited", async () => {
  const { scheduler, queue } = setup({ maxConcurrency: 4 });
  assert.equal(queue.remaining, undefined);
  assert.equal(queue.maxConcurrency, 4);
  const { done } = requestAll(queue, scheduler, [0, 1, 2, 3]);
  await done;
  assert.equal(queue.remaining, undefined);
  assert.equal(scheduler.pending, 0);
});

Deno.test("MemoryIdentifyQueue aborts a waiter without consuming or leaking", async (t) => {
  await t.step("abort while waiting for the interval", async () => {
    const { scheduler, queue } = setup({
      sessionStartLimit: limit(10, 60_000),
    });
    await queue.acquire(0);
    assert.equal(queue.remaining, 9);
    const controller = new AbortController();
    const waiting = queue.acquire(1, controller.signal);
    await scheduler.advance(1000);
    assert.equal(scheduler.pending, 1);
    const reason = new Error("shard closed");
    controller.abort(reason);
    await assert.rejects(waiting, (error) => error === reason);
    assert.equal(scheduler.pending, 0);
    assert.equal(queue.pending, 0);
    assert.equal(queue.remaining, 9);
    // The bucket's pacing is unchanged: the next one goes at 5000.
    let grantedAt = -1;
    const next = queue.acquire(2).then(() => grantedAt = scheduler.now());
    await scheduler.runAll();
    await next;
    assert.equal(grantedAt, 5000);
    assert.equal(queue.remaining, 8);
  });
  await t.step("abort the head: the next waiter takes its slot", async () => {
    const { scheduler, queue } = setup();
    await queue.acquire(0);
    const controller = new AbortController();
    const head = queue.acquire(1, controller.signal);
    const { grants, done } = requestAll(queue, scheduler, [2, 3]);
    controller.abort();
    await assert.rejects(head, { name: "AbortError" });
    await scheduler.runAll();
    await done;
    assert.deepEqual([...grants], [[2, 5000], [3, 10000]]);
    assert.equal(scheduler.pending, 0);
  });
  await t.step("abort a waiter in the middle of the queue", async () => {
    const { scheduler, queue } = setup();
    const controller = new AbortController();
    const first = queue.acquire(0);
    const second = queue.acquire(1);
    const middle = queue.acquire(2, controller.signal);
    const last = queue.acquire(3);
    controller.abort("gone");
    await assert.rejects(middle, (reason) => reason === "gone");
    const times: number[] = [];
    for (const promise of [first, second, last]) {
      promise.then(() => times.push(scheduler.now()));
    }
    await scheduler.runAll();
    await Promise.all([first, second, last]);
    assert.deepEqual(times, [0, 5000, 10000]);
  });
  await t.step("abort while waiting for the session start reset", async () => {
    const { scheduler, queue } = setup({ sessionStartLimit: limit(0, 60_000) });
    const controller = new AbortController();
    const records = await captureWarnings(async () => {
      const waiting = queue.acquire(0, controller.signal);
      await scheduler.advance(1000);
      assert.equal(scheduler.pending, 1);
      controller.abort();
      await assert.rejects(waiting, { name: "AbortError" });
    });
    assert.equal(records.length, 1);
    assert.equal(scheduler.pending, 0);
    assert.equal(queue.remaining, 0);
  });
  await t.step("an already aborted signal rejects at once", async () => {
    const { scheduler, queue } = setup({ sessionStartLimit: limit(5, 60_000) });
    const reason = new Error("stop");
    await assert.rejects(
      queue.acquire(0, AbortSignal.abort(reason)),
      (error) => error === reason,
    );
    assert.equal(queue.remaining, 5);
    assert.equal(queue.pending, 0);
    assert.equal(scheduler.pending, 0);
    // Nothing was granted, so shard 1 (same bucket) goes at once.
    await queue.acquire(1);
    assert.equal(scheduler.now(), 0);
  });
  await t.step("abort in one bucket leaves the others alone", async () => {
    const { scheduler, queue } = setup({ maxConcurrency: 2 });
    await Promise.all([queue.acquire(0), queue.acquire(1)]);
    const controller = new AbortController();
    const even = queue.acquire(2);
    const odd = queue.acquire(3, controller.signal);
    assert.equal(scheduler.pending, 2);
    controller.abort();
    await assert.rejects(odd, { name: "AbortError" });
    assert.equal(queue.pending, 1);
    assert.equal(scheduler.pending, 1);
    await scheduler.runAll();
    await even;
    assert.equal(scheduler.now(), 5000);
    assert.equal(scheduler.pending, 0);
  });
  await t.step("aborting after the grant changes nothing", async () => {
    const { scheduler, queue } = setup();
    const controller = new AbortController();
    await queue.acquire(0, controller.signal);
    controller.abort();
    assert.equal(scheduler.pending, 0);
    assert.equal(queue.pending, 0);
  });
});

Deno.test("MemoryIdentifyQueue updateSessionStartLimit re-examines waiters", async (t) => {
  await t.step("fresh budget releases a waiter at once", async () => {
    const { scheduler, queue } = setup({ sessionStartLimit: limit(0, 60_000) });
    await captureWarnings(async () => {
      let grantedAt = -1;
      const granted = queue.acquire(0).then(() => grantedAt = scheduler.now());
      await scheduler.advance(1000);
      queue.updateSessionStartLimit(limit(5, 50_000));
      await granted;
      assert.equal(grantedAt, 1000);
    });
    assert.equal(queue.remaining, 4);
    assert.equal(scheduler.pending, 0);
  });
  await t.step(
    "an exhausted update makes waiters wait for its reset",
    async () => {
      const { scheduler, queue } = setup();
      await queue.acquire(0);
      await captureWarnings(async () => {
        let grantedAt = -1;
        const granted = queue.acquire(1).then(() =>
          grantedAt = scheduler.now()
        );
        queue.updateSessionStartLimit(limit(0, 20_000));
        await scheduler.runAll();
        await granted;
        assert.equal(grantedAt, 20_000);
      });
      assert.equal(scheduler.pending, 0);
    },
  );
  await t.step(
    "a new max_concurrency re-buckets without granting early",
    async () => {
      const { scheduler, queue } = setup();
      const { grants, done } = requestAll(queue, scheduler, [0, 1, 2, 3, 4, 8]);
      await scheduler.advance(1000);
      queue.updateSessionStartLimit(limit(100, 60_000, { max_concurrency: 4 }));
      assert.equal(queue.maxConcurrency, 4);
      await scheduler.runAll();
      await done;
      // Shard 0 went at 0 under max_concurrency 1, so no new bucket may go
      // before 5000; then shards 4 and 8 share the new bucket 0.
      assert.deepEqual(Object.fromEntries(grants), {
        0: 0,
        1: 5000,
        2: 5000,
        3: 5000,
        4: 5000,
        8: 10000,
      });
      assert.equal(queue.remaining, 95);
      assert.equal(scheduler.pending, 0);
    },
  );
  await t.step("sessionStartLimit in the options sets maxConcurrency", () => {
    const { queue } = setup({
      maxConcurrency: 2,
      sessionStartLimit: limit(3, 1000, { max_concurrency: 16 }),
    });
    assert.equal(queue.maxConcurrency, 16);
    assert.equal(queue.remaining, 3);
  });
});

Deno.test("MemoryIdentifyQueue validates its arguments", async (t) => {
  const scheduler = new VirtualScheduler();
  const rows: Array<[string, () => unknown, string]> = [
    [
      "maxConcurrency 0",
      () => new MemoryIdentifyQueue({ scheduler, maxConcurrency: 0 }),
      "Cannot create identify queue as 'maxConcurrency' must be a positive integer: current value 'maxConcurrency=0'",
    ],
    [
      "maxConcurrency 1.5",
      () => new MemoryIdentifyQueue({ scheduler, maxConcurrency: 1.5 }),
      "Cannot create identify queue as 'maxConcurrency' must be a positive integer: current value 'maxConcurrency=1.5'",
    ],
    [
      "intervalMs -1",
      () => new MemoryIdentifyQueue({ scheduler, intervalMs: -1 }),
      "Cannot create identify queue as 'intervalMs' must be a non-negative finite number: current value 'intervalMs=-1'",
    ],
    [
      "intervalMs NaN",
      () => new MemoryIdentifyQueue({ scheduler, intervalMs: NaN }),
      "Cannot create identify queue as 'intervalMs' must be a non-negative finite number: current value 'intervalMs=NaN'",
    ],
    [
      "negative remaining",
      () =>
        new MemoryIdentifyQueue({ scheduler, sessionStartLimit: limit(-1, 0) }),
      "Cannot update session start limit as 'remaining' must be a non-negative integer: current value 'remaining=-1'",
    ],
    [
      "fractional total",
      () =>
        new MemoryIdentifyQueue({ scheduler }).updateSessionStartLimit(
          limit(1, 0, { total: 2.5 }),
        ),
      "Cannot update session start limit as 'total' must be a non-negative integer: current value 'total=2.5'",
    ],
    [
      "negative reset_after",
      () =>
        new MemoryIdentifyQueue({ scheduler }).updateSessionStartLimit(
          limit(1, -5),
        ),
      "Cannot update session start limit as 'reset_after' must be a non-negative finite number: current value 'reset_after=-5'",
    ],
    [
      "max_concurrency 0",
      () =>
        new MemoryIdentifyQueue({ scheduler }).updateSessionStartLimit(
          limit(1, 0, { max_concurrency: 0 }),
        ),
      "Cannot update session start limit as 'max_concurrency' must be a positive integer: current value 'max_concurrency=0'",
    ],
  ];
  for (const [name, run, message] of rows) {
    await t.step(name, () => {
      assert.throws(run, { name: "RangeError", message });
    });
  }
  for (const shardId of [-1, 1.5, NaN, Infinity]) {
    await t.step(`shardId ${shardId} rejects`, async () => {
      const queue = new MemoryIdentifyQueue({ scheduler });
      await assert.rejects(queue.acquire(shardId), {
        name: "RangeError",
        message:
          `Cannot acquire identify slot as 'shardId' must be a non-negative integer: current value 'shardId=${shardId}'`,
      });
      assert.equal(queue.pending, 0);
    });
  }
  assert.equal(scheduler.pending, 0);
});

Deno.test("MemoryIdentifyQueue refuses a key that is not one of its options, naming the nearest", () => {
  // Ignored, a misspelt maxConcurrency paced every shard in one bucket.
  assert.throws(
    () => new MemoryIdentifyQueue({ maxConcurency: 4 } as never),
    {
      name: "TypeError",
      message:
        "Cannot create identify queue as 'maxConcurency' is not one of its options (did you mean 'maxConcurrency'?)",
    },
  );
  assert.throws(
    () => new MemoryIdentifyQueue({ interval: 1000 } as never),
    /^TypeError: Cannot create identify queue as 'interval' is not one of its options \(did you mean 'intervalMs'\?\)$/,
  );
});

Deno.test("MemoryIdentifyQueue works on the real scheduler by default", async () => {
  const queue = new MemoryIdentifyQueue({ maxConcurrency: 2 });
  // The first grant of each bucket is immediate, so no real timer is armed.
  await Promise.all([queue.acquire(0), queue.acquire(1)]);
  assert.equal(queue.pending, 0);
});

Deno.test("MemoryIdentifyQueue: waiters giving up anywhere in the queue leave the rest granted in request order, paced, with no timer left", async () => {
  const clock = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({
    scheduler: clock,
    maxConcurrency: 2,
    intervalMs: FIVE_SECONDS,
  });
  const gen = new Gen(7);
  const count = 2_000;
  const controllers = Array.from(
    { length: count },
    () => new AbortController(),
  );
  const granted: [number, number][] = [];
  const settled = controllers.map((controller, shard) =>
    queue.acquire(shard, controller.signal).then(
      () => granted.push([shard, clock.now()]),
      () => {},
    )
  );
  // All but every 250th give up, in random order: the head of a bucket,
  // its middle and its tail alike.
  const keep = (shard: number) => shard % 250 === 0 || shard % 250 === 1;
  for (const shard of gen.shuffle([...Array(count).keys()])) {
    if (!keep(shard)) controllers[shard]!.abort();
  }
  await clock.runAll();
  await Promise.all(settled);
  const kept = [...Array(count).keys()].filter(keep);
  // Shards 0 and 1 were granted at once (one per bucket); each bucket's
  // next survivor comes 5 s after its previous grant.
  assert.deepEqual(granted.map(([shard]) => shard).sort((a, b) => a - b), kept);
  for (const bucket of [0, 1]) {
    const mine = granted.filter(([shard]) => shard % 2 === bucket);
    assert.deepEqual(
      mine.map(([shard]) => shard),
      kept.filter((shard) => shard % 2 === bucket),
    );
    assert.deepEqual(mine.map(([, at]) => at), mine.map((_, i) => i * 5000));
  }
  assert.equal(clock.pending, 0);
});

Deno.test("MemoryIdentifyQueue says on stderr, without LogTape set up, that a spent budget holds the shards", async () => {
  const { scheduler, queue } = setup({
    sessionStartLimit: limit(0, 20 * 3_600_000),
  });
  const controller = new AbortController();
  let waiting: Promise<void> | undefined;
  const lines = await captureStderr(async () => {
    waiting = queue.acquire(0, controller.signal);
    // A second shard behind it: the same wait, said once.
    void queue.acquire(1, controller.signal).catch(() => {});
    await scheduler.advance(60_000);
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /Session start limit exhausted .*waiting 72000000 ms .*shard 0/,
  );
  controller.abort();
  await assert.rejects(waiting!, { name: "AbortError" });
  assert.equal(scheduler.pending, 0);
});

Deno.test("MemoryIdentifyQueue paces by elapsed time when the wall clock steps", async (t) => {
  await t.step(
    "a step back while a bucket waits does not hold it for the step",
    async () => {
      const { scheduler, clock, step } = steppedClock(0);
      const queue = new MemoryIdentifyQueue({
        scheduler: clock,
        intervalMs: FIVE_SECONDS,
      });
      const { grants, done } = requestAll(queue, scheduler, [0, 1, 2]);
      await scheduler.advance(1000);
      step(-3_600_000);
      await scheduler.runAll();
      await done;
      assert.deepEqual([...grants.values()], [0, 5000, 10000]);
      assert.equal(scheduler.pending, 0);
    },
  );
  await t.step(
    "a step back while the bucket is idle: the next waits one interval at most",
    async () => {
      const { scheduler, clock, step } = steppedClock(0);
      const queue = new MemoryIdentifyQueue({
        scheduler: clock,
        intervalMs: FIVE_SECONDS,
      });
      await queue.acquire(0);
      await scheduler.advance(1000);
      step(-3_600_000);
      let grantedAt = -1;
      const next = queue.acquire(1).then(() => grantedAt = scheduler.now());
      await scheduler.runAll();
      await next;
      assert.equal(grantedAt, 6000);
    },
  );
  await t.step(
    "a step forward while shards wait for a spent budget refills nothing",
    async () => {
      const { scheduler, clock, step } = steppedClock(0);
      const queue = new MemoryIdentifyQueue({
        scheduler: clock,
        sessionStartLimit: limit(0, 60_000, { max_concurrency: 2 }),
      });
      await captureWarnings(async () => {
        const { grants, done } = requestAll(queue, scheduler, [0]);
        await scheduler.advance(1000);
        step(60_000); // the clock says the window has passed; it has not
        const late = requestAll(queue, scheduler, [1]);
        await scheduler.advance(1000);
        assert.deepEqual([...grants], []);
        assert.deepEqual([...late.grants], []);
        assert.equal(queue.remaining, 0);
        // Discord's reset, 60 s after the limit was given, on the timers.
        await scheduler.advance(57_999);
        assert.deepEqual([...grants], []);
        await scheduler.advance(1);
        await Promise.all([done, late.done]);
        assert.deepEqual([...grants], [[0, 60_000]]);
        assert.deepEqual([...late.grants], [[1, 60_000]]);
      });
      assert.equal(queue.remaining, 998);
      assert.equal(scheduler.pending, 0);
    },
  );
  await t.step(
    "a step back while shards wait for a spent budget does not hold them for the step",
    async () => {
      const { scheduler, clock, step } = steppedClock(0);
      const queue = new MemoryIdentifyQueue({
        scheduler: clock,
        sessionStartLimit: limit(0, 60_000),
      });
      await captureWarnings(async () => {
        const { grants, done } = requestAll(queue, scheduler, [0]);
        await scheduler.advance(1000);
        step(-3_600_000); // the clock says the window is an hour off
        await scheduler.advance(59_000);
        assert.deepEqual([...grants], [[0, 60_000]], "the timer's reset");
        await done;
      });
      assert.equal(queue.remaining, 999);
      assert.equal(scheduler.pending, 0);
    },
  );
});

Deno.test("MemoryIdentifyQueue on the real clock: a wall clock stepped forward past the reset refills no spent budget", async () => {
  const queue = new MemoryIdentifyQueue({ scheduler: realScheduler });
  queue.updateSessionStartLimit({
    total: 1000,
    remaining: 0,
    reset_after: 3_600_000,
    max_concurrency: 1,
  });
  const wall = Date.now;
  const controller = new AbortController();
  let granted = false;
  const lines = await captureStderr(async () => {
    try {
      // NTP steps the wall clock two hours forward: Discord's budget is
      // still spent for an hour, so an IDENTIFY now would reset the token.
      Date.now = () => wall() + 7_200_000;
      const waiting = queue.acquire(0, controller.signal).then(
        () => granted = true,
        () => {},
      );
      for (let i = 0; i < 5; i++) await Promise.resolve();
      assert.equal(granted, false);
      controller.abort();
      await waiting;
    } finally {
      Date.now = wall;
    }
  });
  assert.match(lines.join("\n"), /Session start limit exhausted/);
});

Deno.test("MemoryIdentifyQueue by default grants a bucket 5.25 s apart: an IDENTIFY that leaves 200 ms after its grant is still 5 s before the next", async () => {
  // Granted exactly 5 s apart, IDENTIFYs reached a strict gateway in
  // 4,997 ms (a timer's jitter, a first IDENTIFY slower to arrive than the
  // next) and the later one was refused with op 9: a session start spent.
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({ scheduler });
  await queue.acquire(0);
  const firstSent = scheduler.now() + 200;
  let secondSent = -1;
  const second = queue.acquire(1).then(() => secondSent = scheduler.now());
  await scheduler.runAll();
  await second;
  assert.ok(secondSent - firstSent >= 5_000, `${secondSent - firstSent} ms`);
});
