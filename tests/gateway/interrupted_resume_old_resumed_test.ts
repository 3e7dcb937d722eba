// A RESUME that Discord accepted but whose connection was lost mid-replay
// (a paused shard, a drop) leaves its RESUMED in the session's buffer,
// numbered above the shard's sequence. The next RESUME replays it before
// the rest of the backlog: taken as that RESUME's answer, the shard went
// "ready" mid-replay and took two RESUMED for one RESUME.
import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  dispatch,
  type Harness,
  hello,
  readyHarness,
} from "../_fakes/shard_harness.ts";

Deno.test("Shard stays resuming past an interrupted RESUME's RESUMED in the next replay (fake gateway)", async () => {
  const scheduler = new VirtualScheduler();
  const discord = new FakeGateway({ scheduler });
  const shard = new Shard({
    token: "fake-token",
    intents: 1,
    transport: discord.transport,
    scheduler,
  });
  const seen: string[] = [];
  let replayed = 0;
  let interrupt = false;
  let resume: (() => void) | undefined;
  shard.on("state", (e) => seen.push(`${e.previous}->${e.current}`));
  shard.on("dispatch", (e) => {
    seen.push(`${e.sequence} ${e.name} ${shard.status}`);
    // A consumer falls behind 20 events into the replay.
    if (interrupt && shard.status === "resuming" && ++replayed === 20) {
      interrupt = false;
      resume = shard.pause();
    }
  });
  await Promise.all([shard.connect(), scheduler.advance(0)]);
  const end = shard.pause();
  const guild = discord.guildIds[0];
  for (let i = 0; i < 100; i++) {
    discord.dispatch("GUILD_UPDATE", { id: guild, name: `a${i}` });
  }
  interrupt = true;
  end();
  for (let i = 0; i < 20; i++) await scheduler.advance(10);
  assert.equal(shard.sequence, 21, "the first RESUME was cut off mid-replay");
  for (let i = 0; i < 50; i++) {
    discord.dispatch("GUILD_UPDATE", { id: guild, name: `b${i}` });
  }
  const mark = seen.length;
  resume!();
  const connected = shard.connect();
  for (let i = 0; i < 20; i++) await scheduler.advance(10);
  await connected;
  const tail = seen.slice(mark);
  const resumed = seen.filter((line) => / RESUMED /.test(line));
  // The first RESUME's answer (102) is an ordinary replayed event; the
  // second's (153) makes the shard ready, after every replayed event.
  assert.deepEqual(resumed, ["102 RESUMED resuming", "153 RESUMED ready"]);
  assert.deepEqual(
    tail.filter((line) => line.includes("->ready")),
    ["resuming->ready"],
  );
  assert.equal(tail.at(-2), "resuming->ready");
  assert.equal(tail.at(-1), "153 RESUMED ready");
  const sequences = seen.filter((line) => /^\d+ /.test(line)).map((line) =>
    Number(line.split(" ")[0])
  );
  assert.equal(sequences.length, 153, "every event delivered once");
  assert.equal(new Set(sequences).size, 153);
  await shard.close();
  discord.close();
});

Deno.test("Shard takes an interrupted RESUME's RESUMED as a replayed event, not the answer", async () => {
  const h = await readyHarness({ recordDispatches: false });
  const seen: string[] = [];
  h.shard.on("dispatch", (e) => seen.push(`${e.name}:${e.sequence}`));
  dispatch(h.socket(), 2);
  h.socket().drop();
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.settle();
  assert.equal(resumeSeq(h.socket().sentPayloads()[0]?.d), 2);
  // Discord accepted the RESUME: a replay starts, and the connection is
  // lost before its RESUMED (numbered 5) is read.
  dispatch(h.socket(), 3);
  h.socket().drop();
  await nextSocket(h);
  hello(h.socket());
  await h.settle();
  assert.equal(resumeSeq(h.socket().sentPayloads()[0]?.d), 3);
  dispatch(h.socket(), 4);
  h.socket().receive({ op: 0, s: 5, t: "RESUMED", d: {} });
  assert.equal(h.shard.status, "resuming", "the old RESUMED answers nothing");
  dispatch(h.socket(), 6);
  assert.equal(h.shard.status, "resuming");
  h.socket().receive({ op: 0, s: 7, t: "RESUMED", d: {} });
  assert.equal(h.shard.status, "ready");
  assert.deepEqual(seen, [
    "MESSAGE_CREATE:2",
    "MESSAGE_CREATE:3",
    "MESSAGE_CREATE:4",
    "RESUMED:5",
    "MESSAGE_CREATE:6",
    "RESUMED:7",
  ]);
  assert.equal(h.states.filter((s) => s === "ready").length, 2);
  assert.deepEqual(h.errors, []);
  await h.shard.close();
});

// Discord's docs do not say that an interrupted RESUME's RESUMED is
// replayed. Should it not be, the real answer is taken for an old one, and
// a busy shard's frames keep pushing the RESUMED deadline back: without a
// bound it stayed resuming for good, its commands held.
Deno.test("Shard takes a replayed RESUMED as the answer after all when no other follows within the READY timeout, however busy the shard", async () => {
  const h = await cutOff();
  await resumedAgain(h);
  // This server never replays the lost RESUME's RESUMED: 4 is the answer.
  h.socket().receive({ op: 0, s: 4, t: "RESUMED", d: {} });
  assert.equal(h.shard.status, "resuming");
  // Live events every second keep the RESUMED deadline from expiring.
  let s = 5;
  for (let ms = 0; ms < 29_000; ms += 1_000) {
    dispatch(h.socket(), s++);
    await h.scheduler.advance(1_000);
  }
  assert.equal(h.shard.status, "resuming");
  await h.scheduler.advance(1_000);
  assert.equal(h.shard.status, "ready");
  assert.deepEqual(h.errors, []);
  await h.shard.close();
});

Deno.test("Shard does not count a RESUME lost at its RESUMED deadline: a RESUMED never replayed cannot hold it resuming", async () => {
  // A server that numbers RESUMED but does not replay it: the counted
  // RESUME's answer never comes, so this RESUME's answer is taken for it.
  // Silent until the deadline, that RESUME is not counted again: the next
  // RESUMED is the answer, not one more taken for an old one.
  const h = await readyHarness();
  dispatch(h.socket(), 2);
  h.socket().drop();
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.settle();
  dispatch(h.socket(), 3);
  h.socket().drop();
  await nextSocket(h);
  hello(h.socket());
  await h.settle();
  h.socket().receive({ op: 0, s: 4, t: "RESUMED", d: {} });
  assert.equal(h.shard.status, "resuming");
  await nextSocket(h);
  assert.equal(h.errors.at(-1)?.kind, "timeout");
  hello(h.socket());
  await h.settle();
  assert.equal(resumeSeq(h.socket().sentPayloads()[0]?.d), 4);
  h.socket().receive({ op: 0, s: 5, t: "RESUMED", d: {} });
  assert.equal(h.shard.status, "ready");
  await h.shard.close();
});

/** The `seq` a RESUME's `d` carries. */
function resumeSeq(d: unknown): unknown {
  return (d as { seq?: unknown } | undefined)?.seq;
}

/** Advance the clock until the shard opens its next connection. */
async function nextSocket(h: Harness): Promise<void> {
  const opened = h.transport.sockets.length;
  for (let i = 0; i < 600 && h.transport.sockets.length === opened; i++) {
    await h.scheduler.advance(100);
  }
  assert.notEqual(h.transport.sockets.length, opened, "no reconnect");
}

/** A ready shard whose RESUME was cut off mid-replay (one unanswered). */
async function cutOff(): Promise<Harness> {
  const h = await readyHarness({ recordDispatches: false });
  dispatch(h.socket(), 2);
  h.socket().drop();
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.settle();
  dispatch(h.socket(), 3); // a replay: the RESUME was accepted
  return h;
}

/** `h` connected again after a drop, its RESUME sent. */
async function resumedAgain(h: Harness): Promise<void> {
  h.socket().drop();
  await nextSocket(h);
  hello(h.socket());
  await h.settle();
}

Deno.test("Shard: the unanswered RESUMEs are of one session: restoring another clears them, its own set back keeps them", async () => {
  const other = await cutOff();
  await other.shard.close({ resumable: true });
  other.shard.restore({ sessionId: "session-2", sequence: 40 });
  const connected = other.shard.connect();
  await other.settle();
  hello(other.socket());
  await other.settle();
  other.socket().receive({ op: 0, s: 41, t: "RESUMED", d: {} });
  assert.equal(other.shard.status, "ready", "another session's answer");
  await connected;
  await other.shard.close();

  // Its own session set back (a stop handing back the events its handlers
  // never ran): the earlier RESUMED still waits above that sequence.
  const own = await cutOff();
  const session = own.shard.session!;
  await own.shard.close({ resumable: true });
  own.shard.restore({ ...session, sequence: 2 });
  const again = own.shard.connect();
  await own.settle();
  hello(own.socket());
  await own.settle();
  dispatch(own.socket(), 3);
  own.socket().receive({ op: 0, s: 4, t: "RESUMED", d: {} });
  assert.equal(own.shard.status, "resuming", "the earlier RESUME's answer");
  own.socket().receive({ op: 0, s: 5, t: "RESUMED", d: {} });
  assert.equal(own.shard.status, "ready");
  await again;
  await own.shard.close();
});

Deno.test("Shard: an unnumbered RESUMED answering clears the unanswered RESUMEs, and one numbered as the last sequence answers", async () => {
  const h = await cutOff();
  await resumedAgain(h);
  h.socket().receive({ op: 0, s: null, t: "RESUMED", d: {} });
  assert.equal(h.shard.status, "ready");
  // Up long enough not to count as a quick drop, then dropped: the next
  // RESUME's RESUMED is its answer.
  await h.scheduler.advance(120_000);
  await resumedAgain(h);
  h.socket().receive({ op: 0, s: 4, t: "RESUMED", d: {} });
  assert.equal(h.shard.status, "ready");
  await h.shard.close();

  const last = await cutOff();
  await resumedAgain(last);
  last.socket().receive({ op: 0, s: 3, t: "RESUMED", d: {} });
  assert.equal(last.shard.status, "ready");
  await last.shard.close();
});

Deno.test("Shard: close() while a replayed earlier RESUMED waits for the real answer leaves no timer", async () => {
  const h = await cutOff();
  await resumedAgain(h);
  h.socket().receive({ op: 0, s: 4, t: "RESUMED", d: {} });
  assert.equal(h.shard.status, "resuming");
  const closed = h.shard.close({ resumable: true });
  await h.settle();
  await h.scheduler.advance(10_000); // past the close's, not the READY timeout
  await closed;
  assert.equal(h.scheduler.pending, 0, "no timer left after close()");
});

Deno.test("Shard: with two RESUMEs cut off, the wait for the real answer counts from the last replayed earlier RESUMED", async () => {
  const h = await cutOff();
  await resumedAgain(h);
  dispatch(h.socket(), 4); // the second RESUME accepted, cut off too
  await resumedAgain(h);
  let s = 5;
  h.socket().receive({ op: 0, s: s++, t: "RESUMED", d: {} }); // the first's
  for (let ms = 0; ms < 20_000; ms += 1_000) {
    dispatch(h.socket(), s++);
    await h.scheduler.advance(1_000);
  }
  h.socket().receive({ op: 0, s: s++, t: "RESUMED", d: {} }); // the second's
  for (let ms = 0; ms < 15_000; ms += 1_000) {
    dispatch(h.socket(), s++);
    await h.scheduler.advance(1_000);
  }
  // 35 s after the first, 15 s after the second: still this one's to come.
  assert.equal(h.shard.status, "resuming");
  h.socket().receive({ op: 0, s: s++, t: "RESUMED", d: {} });
  assert.equal(h.shard.status, "ready");
  await h.shard.close();
});
