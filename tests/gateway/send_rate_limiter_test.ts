import assert from "node:assert/strict";
import {
  REQUESTED_HEARTBEAT_SPACING,
  SendRateLimiter,
} from "../../gateway/send_rate_limiter.ts";
import { realScheduler, type Scheduler } from "../../base/scheduler.ts";
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

Deno.test("SendRateLimiter lets 115 commands go at t=0, two more at 15 s and the rest once the window turns", async () => {
  const scheduler = new VirtualScheduler();
  const limiter = new SendRateLimiter({ scheduler });
  limiter.setHeartbeatInterval(45_000);
  for (let i = 0; i < 115; i++) {
    assert.equal(limiter.delayForCommand(), 0, `command ${i + 1}`);
    limiter.record();
  }
  assert.equal(limiter.inWindow, 115);
  // 5 frames are left for the 60 s window: as many as the priority frames
  // due in it. With 45 s left, at most 3 can come (a heartbeat, a
  // requested one, IDENTIFY or RESUME), so two more commands fit.
  assert.equal(limiter.delayForCommand(), 15_000);
  await scheduler.advance(14_999);
  assert.equal(limiter.delayForCommand(), 1);
  await scheduler.advance(1);
  for (let i = 0; i < 2; i++) {
    assert.equal(limiter.delayForCommand(), 0, `command ${116 + i}`);
    limiter.record();
  }
  assert.equal(limiter.inWindow, 117);
  // 3 left, and even a moment can bring 3: wait for the window to turn.
  assert.equal(limiter.delayForCommand(), 45_000);
  await scheduler.advance(44_999);
  assert.equal(limiter.delayForCommand(), 1);
  await scheduler.advance(1);
  assert.equal(limiter.inWindow, 2);
  assert.equal(limiter.delayForCommand(), 0);
});

Deno.test("SendRateLimiter delay waits for the fullest window to have room for the priority frames still to come", async () => {
  const scheduler = new VirtualScheduler();
  const limiter = new SendRateLimiter({ scheduler });
  limiter.setHeartbeatInterval(45_000); // at most 3 in 45 s, 5 in 60 s
  // 115 frames, one every 100 ms from t=0 to t=11400.
  for (let i = 0; i < 115; i++) {
    limiter.record();
    await scheduler.advance(100);
  }
  assert.equal(scheduler.now(), 11_500);
  // The window opened at 0 holds 115 and fits the command and 4 more: it
  // must have at most 45 s left, so from 15000.
  assert.equal(limiter.delayForCommand(), 15_000 - 11_500);
  // Two more priority frames: that window now fits only the command and 2
  // more, which even a moment can exceed, so the frame at 0 must leave.
  limiter.record();
  limiter.record();
  assert.equal(limiter.inWindow, 117);
  assert.equal(limiter.delayForCommand(), 60_000 - 11_500);
  await scheduler.advance(59_999 - 11_500);
  assert.equal(limiter.delayForCommand(), 1);
  await scheduler.advance(1);
  // From 100, 116 frames: the command and 3 more fit, with 100 ms left.
  assert.equal(limiter.inWindow, 116);
  assert.equal(limiter.delayForCommand(), 0);
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
  assert.equal(limiter.delayForCommand(), 15_000);
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

/**
 * Whether a command may go at `at`, computed from every frame sent: each
 * window holding `at` that opens at a frame keeps room for the frames in
 * it, the command, and the most priority frames that can still come before
 * it closes (the limit is 120).
 */
function commandFits(
  sends: readonly number[],
  at: number,
  windowMs: number,
  intervalMs: number,
): boolean {
  const inWindow = sends.filter((t) => t <= at && t + windowMs > at);
  const spacing = Math.max(intervalMs, REQUESTED_HEARTBEAT_SPACING);
  for (let i = 0; i < inWindow.length; i++) {
    const left = inWindow[i]! + windowMs - at;
    const toCome = Math.ceil(left / intervalMs) + Math.ceil(left / spacing) +
      1;
    if (inWindow.length - i + 1 + toCome > 120) return false;
  }
  return true;
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
      // The earliest time that fits (times and intervals are whole ms).
      assert.ok(
        commandFits(sends, now + delay, windowMs, intervalMs) &&
          (delay === 0 ||
            !commandFits(sends, now + delay - 1, windowMs, intervalMs)),
        `seed ${seed} at ${now}: delay ${delay}`,
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

/**
 * One connection as the shard drives it, for `minutes`: IDENTIFY at 0, a
 * heartbeat every `intervalMs` from 0, from `requestedFrom` on one answer
 * to a server request (op 1) as often as the shard answers them, and a
 * queue of commands that never runs dry, written whenever the limiter
 * allows and woken when it says.
 */
async function flood(
  intervalMs: number,
  minutes: number,
  requestedFrom = Infinity,
): Promise<{ frames: number[]; commands: number[] }> {
  const scheduler = new VirtualScheduler({ microtaskTurns: 0 });
  const limiter = new SendRateLimiter({ scheduler });
  limiter.setHeartbeatInterval(intervalMs);
  const frames: number[] = [];
  const commands: number[] = [];
  const priority = (): void => {
    limiter.record();
    frames.push(scheduler.now());
  };
  const heartbeat = (): void => {
    priority();
    scheduler.setTimeout(heartbeat, intervalMs);
  };
  const requested = (): void => {
    priority();
    scheduler.setTimeout(
      requested,
      Math.max(intervalMs, REQUESTED_HEARTBEAT_SPACING),
    );
  };
  const pump = (): void => {
    for (;;) {
      const wait = limiter.delayForCommand();
      if (wait > 0) {
        scheduler.setTimeout(pump, wait);
        return;
      }
      limiter.record();
      frames.push(scheduler.now());
      commands.push(scheduler.now());
    }
  };
  priority(); // IDENTIFY
  scheduler.setTimeout(heartbeat, 0);
  if (requestedFrom !== Infinity) {
    scheduler.setTimeout(requested, requestedFrom);
  }
  pump();
  await scheduler.advance(minutes * 60_000);
  return { frames, commands };
}

/** How many of `times` fell in minutes `[from, to)`, per minute. */
function perMinute(times: readonly number[], from: number, to: number): number {
  return times.filter((at) => at >= from * 60_000 && at < to * 60_000).length /
    (to - from);
}

Deno.test("SendRateLimiter gives a flood of commands the room the heartbeats leave, never more than 120 frames a window", async (t) => {
  const rows: Array<
    [interval: number, heartbeatsPerMinute: number, atLeast: number]
  > = [
    // Discord's interval: about 1.5 heartbeats a minute. Room is kept for
    // the ones that may still come (a heartbeat, a requested one, and
    // IDENTIFY or RESUME) in the rest of each window.
    [41_250, 60_000 / 41_250, 115],
    // The shortest interval HELLO may give: 60 heartbeats a minute.
    // Reserving 91 frames for them on top of counting the ones sent left
    // commands none.
    [1_000, 60, 57],
    [1_500, 40, 76],
    [2_000, 30, 87],
  ];
  for (const [interval, heartbeatsPerMinute, atLeast] of rows) {
    await t.step(`heartbeat every ${interval} ms`, async () => {
      const { frames, commands } = await flood(interval, 12);
      // After the first two minutes filled the window.
      const rate = perMinute(commands, 2, 12);
      assert.ok(
        rate >= atLeast && rate <= 120 - heartbeatsPerMinute,
        `${rate} commands a minute`,
      );
      assert.ok(
        maxInAnyWindow(frames, 60_000) <= 120,
        `max ${maxInAnyWindow(frames, 60_000)}`,
      );
    });
  }
  await t.step(
    "heartbeat every 1000 ms, op 1 answered every 2 s from minute 5",
    async () => {
      // Requested heartbeats start while commands fill every window: they
      // were reserved for, so they still fit.
      const { frames, commands } = await flood(1_000, 13, 5 * 60_000);
      assert.ok(
        maxInAnyWindow(frames, 60_000) <= 120,
        `max ${maxInAnyWindow(frames, 60_000)}`,
      );
      // 60 + 30 a minute leave commands at most 30.
      const rate = perMinute(commands, 7, 12);
      assert.ok(rate >= 25 && rate <= 30, `${rate} commands a minute`);
    },
  );
});

Deno.test("SendRateLimiter on the real clock: a wall clock stepped forward lets no frame out early", () => {
  const limiter = new SendRateLimiter({
    scheduler: realScheduler,
    limit: 4,
    windowMs: 60_000,
  });
  for (let i = 0; i < 4; i++) limiter.record();
  const wall = Date.now;
  try {
    // NTP steps the wall clock a minute forward: Discord's window still
    // holds the four frames, so a command must still wait about 60 s.
    Date.now = () => wall() + 61_000;
    assert.equal(limiter.inWindow, 4);
    assert.ok(limiter.delayForCommand() > 59_000);
  } finally {
    Date.now = wall;
  }
});
