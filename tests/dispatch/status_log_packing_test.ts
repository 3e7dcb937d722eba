// StatusLog's packing at the edges mutation testing found unpinned: a
// message packs lines up to 1,900 characters and no further (room for the
// note on dropped lines under Discord's 2,000), a longer line is cut to
// that, a burst past 400 lines in one interval drops its oldest and says
// so, lines gathered while a message waits join it, and the default
// interval is 5 s.
import assert from "node:assert/strict";
import { StatusLog } from "../../dispatch/status_log.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { recordingRest } from "./_recording_rest.ts";

/** Post everything `log` holds, turn by turn. */
async function drain(
  scheduler: VirtualScheduler,
  log: StatusLog,
): Promise<void> {
  const flushed = log.flush();
  while (log.waiting > 0) await scheduler.advance(5_000);
  await flushed;
}

Deno.test("StatusLog: lines are packed into one message up to 1,900 characters, and one more starts another", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posts } = recordingRest(scheduler);
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  const a = "a".repeat(950);
  log.add(a);
  log.add("b".repeat(949)); // 950 + "\n" + 949 = 1,900
  await drain(scheduler, log);
  assert.deepEqual(posts.map((post) => post.length), [1_900]);

  log.add(a);
  log.add("c".repeat(950)); // 1,901: two messages
  await drain(scheduler, log);
  assert.deepEqual(posts.slice(1), [a, "c".repeat(950)]);
});

Deno.test("StatusLog: a line longer than a message is cut to 1,900 characters", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posts } = recordingRest(scheduler);
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  log.add("x".repeat(5_000));
  await drain(scheduler, log);
  assert.deepEqual(posts, ["x".repeat(1_900)]);
});

Deno.test("StatusLog: a burst of over 400 lines in one interval drops its oldest, and the next post says how many", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posts } = recordingRest(scheduler);
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  for (let i = 0; i < 402; i++) log.add(`L${i}`);
  await drain(scheduler, log);
  const lines = posts.flatMap((post) => post.split("\n"));
  assert.equal(
    lines[0],
    "(2 earlier status line(s) dropped: the log channel could not keep up)",
  );
  assert.deepEqual(
    lines.slice(1),
    Array.from({ length: 400 }, (_, i) => `L${i + 2}`),
  );
});

Deno.test("StatusLog: lines flushed while a message waits its turn join that message", async () => {
  const scheduler = new VirtualScheduler();
  let open!: () => void;
  const { rest, posts } = recordingRest(
    scheduler,
    new Promise((resolve) => open = resolve),
  );
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  log.add("first");
  const first = log.flush(); // in flight, held by the gate
  log.add("A");
  void log.flush();
  log.add("B");
  void log.flush();
  assert.equal(log.waiting, 1);
  open();
  await drain(scheduler, log);
  await first;
  assert.deepEqual(posts, ["first", "A\nB"]);
});

Deno.test("StatusLog: without an interval given, lines gather for 5 s before they are posted", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posts } = recordingRest(scheduler);
  const log = new StatusLog(rest, "9", scheduler);
  log.add("Shard 0 ready");
  await scheduler.advance(4_999);
  assert.deepEqual(posts, []);
  await scheduler.advance(1);
  await log.flush();
  assert.deepEqual(posts, ["Shard 0 ready"]);
});
