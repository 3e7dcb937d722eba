import assert from "node:assert/strict";
import {
  REQUESTED_HEARTBEAT_SPACING,
  SendRateLimiter,
} from "../../gateway/send_rate_limiter.ts";
import type { Scheduler } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { mulberry32 } from "../_fakes/prng.ts";

/** A clock a test sets by hand, including backwards. */
class ManualClock implements Scheduler {
  time = 0;
  now(): number {
    return this.time;
  }
  setTimeout(): number {
    throw new Error("not used");
  }
  clearTimeout(): void {
    throw new Error("not used");
  }
}

Deno.test("SendRateLimiter reserve and commandLimit follow the heartbeat interval", async (t) => {
  const rows: Array<
    [
      interval: number | undefined,
      limit: number,
      reserve: number,
      commands: number,
    ]
  > = [
    [undefined, 120, 3, 117],
    // 2 heartbeats + 2 requested (one per interval) + 1 IDENTIFY or RESUME.
    [45_000, 120, 5, 115],
    [41_250, 120, 5, 115],
    [60_000, 120, 3, 117],
    [30_000, 120, 5, 115],
    [29_999, 120, 7, 113],
    [120_000, 120, 3, 117],
    // Requested ones are answered once per 2 s at most: 60 + 30 + 1.
    [1_000, 120, 91, 29],
    [1_999, 120, 62, 58],
    [2_000, 120, 61, 59],
    [1_000, 3, 91, 1],
    [undefined, 3, 3, 1],
    [undefined, 4, 3, 1],
    [undefined, 5, 3, 2],
  ];
  for (const [interval, limit, reserve, commands] of rows) {
    await t.step(`interval ${interval}, limit ${limit}`, () => {
      const limiter = new SendRateLimiter({
        scheduler: new VirtualScheduler(),
        limit,
      });
      if (interval !== undefined) limiter.setHeartbeatInterval(interval);
      assert.equal(limiter.reserve, reserve);
      assert.equal(limiter.commandLimit, commands);
    });
  }
});

Deno.test("SendRateLimiter lets 115 commands go at t=0 and holds the 116th for exactly 60 s", async () => {
  const scheduler = new VirtualScheduler();
  const limiter = new SendRateLimiter({ scheduler });
  limiter.setHeartbeatInterval(45_000);
  for (let i = 0; i < 115; i++) {
    assert.equal(limiter.delayForCommand(), 0, `command ${i + 1}`);
    limiter.record();
  }
  assert.equal(limiter.inWindow, 115);
  assert.equal(limiter.delayForCommand(), 60_000);
  await scheduler.advance(59_999);
  assert.equal(limiter.delayForCommand(), 1);
  assert.equal(limiter.inWindow, 115);
  await scheduler.advance(1);
  assert.equal(limiter.delayForCommand(), 0);
  assert.equal(limiter.inWindow, 0);
});

Deno.test("SendRateLimiter delay is the k-th oldest frame's exit time", async () => {
  const scheduler = new VirtualScheduler();
  const limiter = new SendRateLimiter({ scheduler });
  limiter.setHeartbeatInterval(45_000); // commandLimit 115
  // 115 frames, one every 100 ms from t=0 to t=11400.
  for (let i = 0; i < 115; i++) {
    limiter.record();
    await scheduler.advance(100);
  }
  assert.equal(scheduler.now(), 11_500);
  // The oldest (t=0) leaves at 60000.
  assert.equal(limiter.delayForCommand(), 60_000 - 11_500);
  // Two more priority frames: now 3 over, so the 3rd oldest (t=200) must go.
  limiter.record();
  limiter.record();
  assert.equal(limiter.inWindow, 117);
  assert.equal(limiter.delayForCommand(), 60_200 - 11_500);
  await scheduler.advance(60_199 - 11_500);
  assert.equal(limiter.delayForCommand(), 1);
  assert.equal(limiter.inWindow, 115); // t=0 and t=100 left
  await scheduler.advance(1);
  assert.equal(limiter.delayForCommand(), 0);
  assert.equal(limiter.inWindow, 114);
});

Deno.test("SendRateLimiter counts a frame in [t, t + windowMs) only", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000 });
  const limiter = new SendRateLimiter({ scheduler, windowMs: 500, limit: 10 });
  limiter.record();
  assert.equal(limiter.inWindow, 1);
  await scheduler.advance(499);
  assert.equal(limiter.inWindow, 1);
  await scheduler.advance(1);
  assert.equal(limiter.inWindow, 0);
});

Deno.test("SendRateLimiter counts heartbeats and other priority frames", async () => {
  const scheduler = new VirtualScheduler();
  const limiter = new SendRateLimiter({ scheduler });
  limiter.setHeartbeatInterval(45_000);
  limiter.record(); // IDENTIFY
  limiter.record(); // heartbeat
  limiter.record(); // heartbeat
  for (let i = 0; i < 112; i++) {
    assert.equal(limiter.delayForCommand(), 0);
    limiter.record();
  }
  assert.equal(limiter.delayForCommand(), 60_000);
  // Priority frames still go (the caller never asks), up to the limit.
  for (let i = 0; i < 5; i++) limiter.record();
  assert.equal(limiter.inWindow, 120);
  await scheduler.advance(60_000);
  assert.equal(limiter.inWindow, 0);
  assert.equal(limiter.delayForCommand(), 0);
});

Deno.test("SendRateLimiter reset forgets every frame", () => {
  const scheduler = new VirtualScheduler();
  const limiter = new SendRateLimiter({ scheduler, limit: 10 });
  for (let i = 0; i < 10; i++) limiter.record();
  assert.equal(limiter.inWindow, 10);
  assert.ok(limiter.delayForCommand() > 0);
  limiter.reset();
  assert.equal(limiter.inWindow, 0);
  assert.equal(limiter.delayForCommand(), 0);
  // The reserve survives a reset (it depends on HELLO, which resets it).
  assert.equal(limiter.reserve, 3);
  for (let i = 0; i < 7; i++) {
    assert.equal(limiter.delayForCommand(), 0);
    limiter.record();
  }
  assert.equal(limiter.delayForCommand(), 60_000);
});

Deno.test("SendRateLimiter keeps exact delays when priority frames overflow the ring", async () => {
  const scheduler = new VirtualScheduler();
  // limit 5, reserve 3 -> commandLimit 2
  const limiter = new SendRateLimiter({ scheduler, limit: 5, windowMs: 1000 });
  for (let i = 0; i < 8; i++) {
    limiter.record();
    if (i < 7) await scheduler.advance(10);
  }
  assert.equal(scheduler.now(), 70);
  assert.equal(limiter.inWindow, 5); // only the newest 5 are remembered
  // 8 frames at 0..70; 6 over the command limit, so the 7th oldest (t=60).
  assert.equal(limiter.delayForCommand(), 60 + 1000 - 70);
  await scheduler.advance(989);
  assert.equal(limiter.delayForCommand(), 1);
  await scheduler.advance(1);
  assert.equal(limiter.delayForCommand(), 0);
  assert.equal(limiter.inWindow, 1);
});

Deno.test("SendRateLimiter survives a clock that goes backwards", () => {
  const clock = new ManualClock();
  const limiter = new SendRateLimiter({
    scheduler: clock,
    limit: 4,
    windowMs: 1000,
  });
  clock.time = 10_000;
  limiter.record();
  limiter.record();
  limiter.record();
  assert.equal(limiter.delayForCommand(), 1000); // commandLimit 1
  clock.time = 5_000; // the wall clock was set back
  // The frames count for a full window from the new now, not for 6 s.
  assert.equal(limiter.delayForCommand(), 1000);
  assert.equal(limiter.inWindow, 3);
  limiter.record();
  clock.time = 5_999;
  assert.equal(limiter.inWindow, 4);
  clock.time = 6_000;
  assert.equal(limiter.inWindow, 0);
  assert.equal(limiter.delayForCommand(), 0);
});

Deno.test("SendRateLimiter rejects bad options with RangeError", async (t) => {
  const scheduler = new VirtualScheduler();
  const rows: Array<[string, () => unknown, string]> = [
    [
      "limit 0",
      () => new SendRateLimiter({ scheduler, limit: 0 }),
      "Cannot create send rate limiter as 'limit' must be a positive integer: current value 'limit=0'",
    ],
    [
      "fractional limit",
      () => new SendRateLimiter({ scheduler, limit: 1.5 }),
      "Cannot create send rate limiter as 'limit' must be a positive integer: current value 'limit=1.5'",
    ],
    [
      "windowMs 0",
      () => new SendRateLimiter({ scheduler, windowMs: 0 }),
      "Cannot create send rate limiter as 'windowMs' must be a positive integer: current value 'windowMs=0'",
    ],
    [
      "interval 0",
      () => new SendRateLimiter({ scheduler }).setHeartbeatInterval(0),
      "Cannot set heartbeat interval as 'intervalMs' must be a positive finite number: current value 'intervalMs=0'",
    ],
    [
      "interval NaN",
      () => new SendRateLimiter({ scheduler }).setHeartbeatInterval(NaN),
      "Cannot set heartbeat interval as 'intervalMs' must be a positive finite number: current value 'intervalMs=NaN'",
    ],
    [
      "interval Infinity",
      () => new SendRateLimiter({ scheduler }).setHeartbeatInterval(Infinity),
      "Cannot set heartbeat interval as 'intervalMs' must be a positive finite number: current value 'intervalMs=Infinity'",
    ],
  ];
  for (const [name, run, message] of rows) {
    await t.step(name, () => {
      assert.throws(run, { name: "RangeError", message });
    });
  }
});

/** What delayForCommand must return, computed from every frame sent. */
function oracleDelay(
  sends: readonly number[],
  now: number,
  windowMs: number,
  commandLimit: number,
): number {
  const inWindow = sends.filter((t) => t + windowMs > now);
  if (inWindow.length < commandLimit) return 0;
  return inWindow[inWindow.length - commandLimit]! + windowMs - now;
}

/** The most frames any rolling window of one connection held. */
function maxInAnyWindow(sends: readonly number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < sends.length; end++) {
    while (sends[start]! + windowMs <= sends[end]!) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

async function simulate(seed: number, intervalMs: number): Promise<{
  maxWindow: number;
  commandsSent: number;
  commandsQueued: number;
}> {
  const random = mulberry32(seed);
  const windowMs = 60_000;
  const scheduler = new VirtualScheduler({ microtaskTurns: 0 });
  const limiter = new SendRateLimiter({ scheduler });
  const end = 15 * 60_000;
  const requestedSpacing = Math.max(intervalMs, REQUESTED_HEARTBEAT_SPACING);
  const connections: number[][] = [];
  let sends: number[] = [];
  let nextHeartbeat = 0;
  let nextRequested = 0;
  let nextIdentify = 0;
  let nextReconnect = 0;
  let nextArrival = 0;
  let wake = Infinity;
  let queued = 0;
  let sent = 0;
  let arrived = 0;
  let priorityAtWakePlanning = 0;

  const priority = (): void => {
    limiter.record();
    sends.push(scheduler.now());
  };
  const connect = (): void => {
    const now = scheduler.now();
    limiter.reset();
    sends = [];
    connections.push(sends);
    limiter.setHeartbeatInterval(intervalMs);
    nextHeartbeat = now + Math.floor(random() * intervalMs);
    nextRequested = now + Math.floor(random() * requestedSpacing);
    nextIdentify = now + windowMs + Math.floor(random() * windowMs);
    nextReconnect = now + 60_000 + Math.floor(random() * 180_000);
    priority(); // IDENTIFY or RESUME
  };

  connect();
  while (scheduler.now() < end) {
    const now = scheduler.now();
    if (now >= nextReconnect) connect();
    if (now >= nextHeartbeat) {
      priority();
      nextHeartbeat += intervalMs;
    }
    if (now >= nextRequested) {
      // Server-requested heartbeats, mostly as often as the shard answers
      // them (once per interval, and per REQUESTED_HEARTBEAT_SPACING).
      priority();
      nextRequested = now + requestedSpacing +
        (random() < 0.5 ? 0 : Math.floor(random() * requestedSpacing));
    }
    if (now >= nextIdentify) {
      // op 9 then a new IDENTIFY on the same connection, at most once per
      // window; it may land right after a burst of commands.
      priority();
      nextIdentify = now + windowMs + Math.floor(random() * windowMs);
    }
    if (now >= nextArrival) {
      const burst = random() < 0.1 ? 1 + Math.floor(random() * 60) : 1;
      queued += burst;
      arrived += burst;
      nextArrival = now + Math.floor(random() * 1000);
    }
    if (now >= wake) {
      // Woken exactly when the limiter said; only new priority frames may
      // have pushed the time further.
      if (sends.length === priorityAtWakePlanning) {
        assert.equal(limiter.delayForCommand(), 0, `seed ${seed} at ${now}`);
      }
      wake = Infinity;
    }
    while (queued > 0) {
      const delay = limiter.delayForCommand();
      assert.equal(
        delay,
        oracleDelay(sends, now, windowMs, limiter.commandLimit),
        `seed ${seed} at ${now}`,
      );
      if (delay > 0) {
        wake = now + delay;
        priorityAtWakePlanning = sends.length;
        break;
      }
      limiter.record();
      sends.push(now);
      queued--;
      sent++;
    }
    assert.equal(
      limiter.inWindow,
      Math.min(
        120,
        sends.filter((t) => t + windowMs > now).length,
      ),
    );
    const next = Math.min(
      nextReconnect,
      nextHeartbeat,
      nextRequested,
      nextIdentify,
      nextArrival,
      wake,
      end,
    );
    await scheduler.advance(next - now);
  }
  assert.equal(sent + queued, arrived);
  return {
    maxWindow: Math.max(...connections.map((c) => maxInAnyWindow(c, windowMs))),
    commandsSent: sent,
    commandsQueued: queued,
  };
}

Deno.test("SendRateLimiter never lets a window hold more than 120 frames (seeded simulation)", async (t) => {
  const intervals = [41_250, 45_000, 60_000, 120_000, 1_000, 5_000];
  for (let seed = 1; seed <= 40; seed++) {
    const intervalMs = seed <= intervals.length
      ? intervals[seed - 1]!
      : 1_000 + Math.floor(mulberry32(seed * 7919)() * 59_000);
    await t.step(`seed ${seed}, heartbeat every ${intervalMs} ms`, async () => {
      const result = await simulate(seed, intervalMs);
      assert.ok(result.maxWindow <= 120, `max ${result.maxWindow}`);
      // The load is heavy enough that the limiter really had to hold back.
      assert.ok(result.maxWindow >= 100, `max ${result.maxWindow}`);
      assert.ok(result.commandsQueued > 0 || result.commandsSent > 1000);
    });
  }
});
