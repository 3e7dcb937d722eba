// pauseHold, the back-pressure of a dispatch stream on its shards, on its
// own with shards that only count their pauses: its bounds in numbers
// (16 MiB unread pauses, 4 MiB resumes), and the edges mutation testing
// found unpinned: shards that take no pause are not named nor held, the
// "still paused" warning comes once per pause, 45 s after the pause it
// follows (not an earlier one read down since), and a pause that pauses
// nothing arms nothing, and a lost session is said once per READY, only
// for a shard that had one when paused; its end is logged only for the
// shards it resumed.
import assert from "node:assert/strict";
import { type Pausable, pauseHold } from "../../gateway/event_backlog.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";

const MIB = 1024 * 1024;
const PAUSED = /paused: a dispatch stream \(dispatches\(\)\) has/;
const REPAUSED = /paused: started while a dispatch stream/;
const STILL = /still paused: a dispatch stream still has \d+ MiB/;
const LOST =
  /the session ended while an unread dispatch stream held the shard paused/;

/** A shard that pauses only while `running`, counting its pauses. */
class FakeShard implements Pausable {
  pauses = 0;
  running = true;
  sessionId: string | undefined = "s";
  /** Resolves the calls to `connect` made so far (the next READY). */
  readonly connected: (() => void)[] = [];
  constructor(readonly id: number, readonly scheduler: VirtualScheduler) {}

  get paused(): boolean {
    return this.pauses > 0;
  }

  #generation = 0;

  pause(): () => void {
    if (!this.running) return () => {};
    this.pauses++;
    const generation = this.#generation;
    let ended = false;
    return () => {
      if (ended || generation !== this.#generation) return;
      ended = true;
      this.pauses--;
    };
  }

  /** Closed: every pause ends, and their ends do nothing. */
  close(): void {
    this.pauses = 0;
    this.#generation++;
  }

  connect(): Promise<void> {
    return new Promise((resolve) => this.connected.push(resolve));
  }

  /** A READY of session `id`. */
  async ready(id: string): Promise<void> {
    this.sessionId = id;
    for (const resolve of this.connected.splice(0)) resolve();
    await this.scheduler.flushMicrotasks();
  }
}

function count(lines: readonly string[], pattern: RegExp): number {
  return lines.filter((line) => pattern.test(line)).length;
}

Deno.test("pauseHold pauses past 16 MiB of frame text unread and resumes at 4 MiB, an event weighing its size", () => {
  const hold = pauseHold<{ size?: number }>(() => []);
  assert.equal(hold.limit, 16 * MIB);
  assert.equal(hold.resumeAt, 4 * MIB);
  assert.equal(hold.size({ size: 1234 }), 1234);
  assert.equal(hold.size({}), 0);
});

Deno.test("pauseHold names and holds only the shards that took its pause, and arms nothing when none did", async () => {
  const scheduler = new VirtualScheduler();
  const idle = new FakeShard(0, scheduler);
  idle.running = false;
  const running = new FakeShard(1, scheduler);
  const none = pauseHold(() => [idle]);
  const quiet = await captureStderr(() => none.pause(() => 20 * MIB));
  assert.deepEqual(quiet, []);
  assert.equal(scheduler.pending, 0, "no long-pause timer");
  const hold = pauseHold(() => [idle, running]);
  const lines = await captureStderr(() => hold.pause(() => 20 * MIB));
  assert.equal(count(lines, PAUSED), 1, lines.join("\n"));
  assert.match(lines.join("\n"), /Shard 1 paused: /);
  hold.resume();
  assert.equal(running.paused, false);
});

Deno.test("pauseHold says a pause is still unread once, 45 s after it began, however many shards it paused later, and a repause that pauses none says nothing", async () => {
  const scheduler = new VirtualScheduler();
  const first = new FakeShard(0, scheduler);
  const late = new FakeShard(1, scheduler);
  late.running = false;
  const hold = pauseHold(() => [first, late]);
  const lines = await captureStderr(async () => {
    hold.pause(() => 20 * MIB);
    await scheduler.advance(10_000);
    late.running = true; // started since, and sends
    hold.repause!(() => 20 * MIB);
    hold.repause!(() => 20 * MIB); // nothing escaped the pause: quiet
    await scheduler.advance(34_999);
  });
  assert.equal(count(lines, REPAUSED), 1, lines.join("\n"));
  assert.equal(count(lines, STILL), 0, lines.join("\n"));
  const later = await captureStderr(() => scheduler.advance(60_000));
  assert.equal(count(later, STILL), 1, later.join("\n"));
  assert.match(later.join("\n"), /Shards 0, 1 still paused/);
  hold.resume();
  assert.equal(scheduler.pending, 0);
});

Deno.test("pauseHold's still-unread warning follows the latest pause: one read down and paused again is said 45 s after the second", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new FakeShard(0, scheduler);
  const hold = pauseHold(() => [shard]);
  const lines = await captureStderr(async () => {
    hold.pause(() => 20 * MIB);
    await scheduler.advance(30_000);
    hold.resume();
    await scheduler.advance(1_000);
    hold.pause(() => 20 * MIB);
    await scheduler.advance(44_999);
  });
  assert.equal(count(lines, PAUSED), 2, lines.join("\n"));
  assert.equal(count(lines, STILL), 0, lines.join("\n"));
  const later = await captureStderr(() => scheduler.advance(1));
  assert.equal(count(later, STILL), 1, later.join("\n"));
  hold.resume();
  assert.equal(scheduler.pending, 0);
});

Deno.test("pauseHold's still-unread warning names only the shards still paused, and is not said when none is", async () => {
  const scheduler = new VirtualScheduler();
  const shards = [new FakeShard(0, scheduler), new FakeShard(1, scheduler)];
  const hold = pauseHold(() => shards);
  await captureStderr(() => hold.pause(() => 20 * MIB));
  shards[1]!.close(); // meanwhile
  const one = await captureStderr(() => scheduler.advance(45_000));
  assert.equal(count(one, STILL), 1, one.join("\n"));
  assert.match(one.join("\n"), /Shard 0 still paused/);
  hold.resume();

  await captureStderr(() => hold.pause(() => 20 * MIB));
  assert.deepEqual(shards.map((shard) => shard.pauses), [1, 1]);
  for (const shard of shards) shard.close();
  const none = await captureStderr(() => scheduler.advance(45_000));
  assert.deepEqual(none, []);
  hold.resume();
});

Deno.test("pauseHold says a session lost over its pauses once, however many pauses came before the READY, again at a later READY, and nothing of a shard paused before it had a session", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new FakeShard(0, scheduler);
  const hold = pauseHold(() => [shard]);
  const lines = await captureStderr(async () => {
    for (let i = 0; i < 3; i++) {
      hold.pause(() => 20 * MIB);
      hold.resume();
    }
    assert.equal(shard.connected.length, 1, "asked once");
    await shard.ready("t");
  });
  assert.equal(count(lines, LOST), 1, lines.join("\n"));
  // Asked again at the next pause: the READY after it is said too.
  const again = await captureStderr(async () => {
    hold.pause(() => 20 * MIB);
    hold.resume();
    await shard.ready("v");
  });
  assert.equal(count(again, LOST), 1, again.join("\n"));

  const fresh = new FakeShard(1, scheduler);
  fresh.sessionId = undefined;
  const unborn = pauseHold(() => [fresh]);
  const quiet = await captureStderr(async () => {
    unborn.pause(() => 20 * MIB);
    unborn.resume();
    assert.equal(fresh.connected.length, 0, "not asked");
    await fresh.ready("u");
  });
  assert.equal(count(quiet, LOST), 0, quiet.join("\n"));
});

Deno.test("pauseHold's warning names shards in order with runs of three or more as ranges, and the unread text in MiB rounded", async () => {
  const scheduler = new VirtualScheduler();
  const shards = [7, 2, 0, 6, 4, 1].map((id) => new FakeShard(id, scheduler));
  const hold = pauseHold(() => shards);
  const lines = await captureStderr(() => hold.pause(() => 20.5 * MIB));
  assert.match(
    lines.join("\n"),
    /Shards 0–2, 4, 6, 7 paused: a dispatch stream \(dispatches\(\)\) has 21 MiB of events unread/,
  );
  hold.resume();
});

Deno.test("pauseHold logs the end of its pause for the shards it resumed, and nothing when all closed meanwhile", async () => {
  const scheduler = new VirtualScheduler();
  const shards = [new FakeShard(0, scheduler), new FakeShard(3, scheduler)];
  const hold = pauseHold(() => shards);
  await withLogRecords(async (records) => {
    await captureStderr(() => hold.pause(() => 20 * MIB));
    shards[0]!.close();
    hold.resume();
    assert.deepEqual(linesSaying(records, "the dispatch stream was read"), [
      "Shard 3: the dispatch stream was read; ending its pause",
    ]);
    await captureStderr(() => hold.pause(() => 20 * MIB));
    for (const shard of shards) shard.close();
    hold.resume();
    assert.equal(
      linesSaying(records, "the dispatch stream was read").length,
      1,
    );
  }, "info");
});
