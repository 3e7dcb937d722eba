// SessionWatch says a session lost when a shard whose session the service
// held starts a new one, naming the pause only when there was one.
import assert from "node:assert/strict";
import { defaultTextFormatter } from "@logtape/logtape";
import { LONG_PAUSE, SessionWatch } from "../../dispatch/session_watch.ts";
import type { ShardStateChange } from "../../gateway/shard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";

Deno.test("SessionWatch: a held session lost without a pause is said without the pause's words or an empty placeholder", async () => {
  await withLogRecords((records) => {
    let lost = 0;
    const watch = new SessionWatch({
      scheduler: new VirtualScheduler(),
      lost: { inc: () => lost++ },
    });
    watch.hold(0, "s1", 41);
    watch.received(0, "s1", 42);
    watch.state({ shardId: 0, previous: "resuming", current: "identifying" }, {
      sessionId: undefined,
      sequence: null,
    });
    assert.equal(lost, 1);
    assert.equal(records.length, 1);
    // As stderr shows it: LogTape quotes a string value, so an empty one
    // showed as "".
    const text = defaultTextFormatter(records[0]!);
    assert.match(text, /session "s1" could not be resumed/);
    assert.match(text, /the events after sequence 42 are lost/);
    assert.doesNotMatch(text, /""|paused/);
    return Promise.resolve();
  });
});

interface Watched {
  clock: VirtualScheduler;
  counted: { lost: number };
  watch: SessionWatch;
  /** Move shard 0 to `current`, with the shard's session then. */
  to(
    current: ShardStateChange["current"],
    sessionId?: string,
    sequence?: number | null,
  ): void;
}

/** A watch on a virtual clock, its lost count, and its shard 0 moved. */
function watched(): Watched {
  const clock = new VirtualScheduler();
  const counted = { lost: 0 };
  const watch = new SessionWatch({
    scheduler: clock,
    lost: { inc: () => counted.lost++ },
  });
  const to = (
    current: ShardStateChange["current"],
    sessionId?: string,
    sequence: number | null = null,
  ) =>
    watch.state({ shardId: 0, previous: "ready", current }, {
      sessionId,
      sequence,
    });
  return { clock, counted, watch, to };
}

const LONG_PAUSE_SAID = /has been paused for 60 s/;
const LOST_SAID = /could not be resumed/;

Deno.test("SessionWatch: a resume that succeeds loses nothing, and a close that kept the session still says its later loss", async () => {
  await withLogRecords(async (records) => {
    const { counted, to } = watched();
    to("ready", "s1", 1);
    to("resuming", "s1", 1);
    to("ready", "s1", 1);
    assert.equal(counted.lost, 0, "RESUMING then RESUMED: nothing lost");
    // A close that keeps the session (a network drop): it is still held.
    to("closed", "s1", 1);
    to("identifying");
    assert.equal(counted.lost, 1);
    assert.equal(messagesOf(records, LOST_SAID), 1);
    await Promise.resolve();
  });
});

Deno.test("SessionWatch: a close that ended the session (no session left) lets it go unsaid, and its pause with it", async () => {
  await withLogRecords(async (records) => {
    const { clock, counted, watch, to } = watched();
    to("ready", "s1", 1);
    watch.paused(0);
    to("closed");
    to("identifying");
    assert.equal(counted.lost, 0);
    await clock.advance(LONG_PAUSE * 2);
    assert.equal(records.length, 0, "no loss, and no long pause, said");
  });
});

Deno.test("SessionWatch: the lost sequence is the READY's, then the last dispatch's of the held session (not another session's)", async () => {
  await withLogRecords(async (records) => {
    const { watch, to } = watched();
    to("ready", "s1", 7);
    to("identifying");
    watch.hold(0, "s2", 20);
    watch.received(0, "s2", 21);
    watch.received(0, "s3", 99);
    to("identifying");
    const said = records.map((r) => r.message.join(""));
    assert.equal(said.length, 2);
    assert.match(said[0]!, /after sequence 7 are lost/);
    assert.match(said[1]!, /after sequence 21 are lost/);
    await Promise.resolve();
  });
});

Deno.test("SessionWatch: a pause is said once it lasted exactly 60 s, once however often the shard is paused", async () => {
  await withLogRecords(async (records) => {
    const { clock, watch } = watched();
    watch.paused(0);
    watch.paused(0);
    await clock.advance(LONG_PAUSE - 1);
    assert.equal(messagesOf(records, LONG_PAUSE_SAID), 0);
    await clock.advance(1);
    assert.equal(messagesOf(records, LONG_PAUSE_SAID), 1);
    await clock.advance(LONG_PAUSE * 2);
    assert.equal(messagesOf(records, LONG_PAUSE_SAID), 1);
  });
});

Deno.test("SessionWatch: a pause that ended is not said, and a new pause after it is", async () => {
  await withLogRecords(async (records) => {
    const { clock, watch } = watched();
    watch.paused(0);
    await clock.advance(10_000);
    watch.resumed(0);
    await clock.advance(LONG_PAUSE * 2);
    assert.equal(messagesOf(records, LONG_PAUSE_SAID), 0);
    watch.paused(0);
    await clock.advance(LONG_PAUSE);
    assert.equal(messagesOf(records, LONG_PAUSE_SAID), 1);
  });
});

Deno.test("SessionWatch: a refused RESUME names the pause from its first start, rounded to the second, and ends its warning", async () => {
  await withLogRecords(async (records) => {
    const { clock, watch, to } = watched();
    to("ready", "s1", 1);
    watch.paused(0);
    await clock.advance(10_000);
    watch.resumed(0);
    // Paused again before the RESUME was answered: the first pause counts.
    await clock.advance(10_000);
    watch.paused(0);
    await clock.advance(25_500);
    to("identifying");
    assert.equal(records.length, 1);
    assert.match(records[0]!.message.join(""), /paused 46 s for a full/);
    await clock.advance(LONG_PAUSE * 2);
    assert.equal(messagesOf(records, LONG_PAUSE_SAID), 0);
  });
});

Deno.test("SessionWatch: a READY ends the pause: a later loss names none, and no long pause is said", async () => {
  await withLogRecords(async (records) => {
    const { clock, watch, to } = watched();
    to("ready", "s1", 1);
    watch.paused(0);
    await clock.advance(5_000);
    to("ready", "s1", 1);
    await clock.advance(LONG_PAUSE * 2);
    to("identifying");
    assert.equal(records.length, 1);
    assert.doesNotMatch(records[0]!.message.join(""), /paused/);
  });
});

Deno.test("SessionWatch: close() ends every pause's warning", async () => {
  await withLogRecords(async (records) => {
    const { clock, watch } = watched();
    watch.paused(0);
    watch.paused(1);
    watch.close();
    await clock.advance(LONG_PAUSE * 2);
    assert.equal(records.length, 0);
  });
});
