import assert from "node:assert/strict";
import { steppedClock } from "../_fakes/stepped_clock.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { GATEWAY_SEND_WINDOW_MS } from "../../gateway/send_rate_limiter.ts";
import { requestSoundboardSoundsCommands } from "../../gateway/gateway_commands.ts";
import type { UpdatePresenceData } from "../../types/gateway_payloads.ts";
import {
  createHarness,
  type Harness,
  hello,
  IDENTIFY_SPACING,
  ready,
  readyHarness,
} from "../_fakes/shard_harness.ts";

const presence = {
  op: 3 as const,
  d: { since: null, activities: [], status: "online" as const, afk: false },
};
/**
 * A command to fill the queue with: not a presence update, which has its
 * own pace (5 per 20 s) on top of the frame limit.
 */
const leaveVoice = {
  op: 4 as const,
  d: { guild_id: "1", channel_id: null, self_mute: false, self_deaf: false },
};

Deno.test("Shard queues commands until READY and sends them in order", async () => {
  const h = createHarness();
  const connected = h.shard.connect();
  const sent: Promise<void>[] = [];
  for (let i = 0; i < 3; i++) {
    sent.push(
      h.shard.send({ op: 8, d: { guild_id: String(i), query: "", limit: 0 } }),
    );
  }
  await h.settle();
  hello(h.socket());
  await h.settle();
  assert.deepEqual(h.socket().sentPayloads().map((p) => p.op), [2]);
  ready(h.socket());
  await connected;
  await Promise.all(sent);
  const guilds = h.socket().sentPayloads().filter((p) => p.op === 8).map((p) =>
    (p.d as { guild_id: string }).guild_id
  );
  assert.deepEqual(guilds, ["0", "1", "2"]);
  await h.shard.close();
});

Deno.test("Shard refuses a command over 4096 bytes and sends nothing", async () => {
  const h = await readyHarness();
  const before = h.socket().sent.length;
  const padding = "x".repeat(4096);
  await assert.rejects(
    h.shard.send({ op: 8, d: { guild_id: "1", query: padding, limit: 1 } }),
    (error: unknown) =>
      error instanceof GatewayError && error.kind === "payload_too_large" &&
      /4096 bytes/.test(error.message),
  );
  // Exactly 4096 bytes is allowed; multi-byte characters count as bytes.
  const frame = (q: string) =>
    JSON.stringify({ op: 8, d: { guild_id: "1", query: q, limit: 1 } });
  const fill = "y".repeat(4096 - frame("").length);
  await h.shard.send({ op: 8, d: { guild_id: "1", query: fill, limit: 1 } });
  await assert.rejects(
    h.shard.send({
      op: 8,
      d: { guild_id: "1", query: "é".repeat(2100), limit: 1 },
    }),
    (error: unknown) =>
      error instanceof GatewayError && error.kind === "payload_too_large",
  );
  assert.equal(h.socket().sent.length, before + 1);
  await h.shard.close();
});

Deno.test("Shard refuses opcodes that are not user commands", async () => {
  const h = await readyHarness();
  await assert.rejects(h.shard.send({ op: 2, d: {} } as never), TypeError);
  await h.shard.close();
});

Deno.test("Shard refuses a raw op 4, 8, 31 or 43 whose payload Discord would close the connection for, and sends nothing", async () => {
  const h = await readyHarness();
  const before = h.socket().sent.length;
  const malformed = [
    { op: 8, d: {} },
    { op: 4, d: { guild_id: "x" } },
    { op: 43, d: null },
    { op: 31, d: { guild_ids: "1" } },
  ];
  for (const command of malformed) {
    await assert.rejects(
      h.shard.send(command as never),
      (error: unknown) =>
        error instanceof TypeError || error instanceof RangeError,
      JSON.stringify(command),
    );
  }
  assert.equal(h.socket().sent.length, before, "nothing written");
  await h.shard.close();
});

Deno.test("Shard never sends more than 120 frames per 60 s (and 2 s to spare), heartbeats included", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  const times: number[] = [];
  const frames: number[] = [];
  const origSend = socket.send.bind(socket);
  socket.send = (data: string) => {
    frames.push(h.scheduler.now());
    origSend(data);
  };
  const sends: Promise<void>[] = [];
  for (let i = 0; i < 300; i++) {
    sends.push(
      h.shard.send(leaveVoice).then(() => void times.push(h.scheduler.now())),
    );
  }
  // Keep the connection alive with ACKs while five minutes pass.
  const acker = h.shard.on("state", () => {});
  for (let elapsed = 0; elapsed < 300_000; elapsed += 1000) {
    await h.scheduler.advance(1000);
    socket.receive({ op: 11, d: null });
  }
  acker();
  await Promise.all(sends);
  // IDENTIFY went out at t=0 before this socket wrapper, count it too.
  const all = [0, ...frames].sort((a, b) => a - b);
  for (let i = 0; i + 120 < all.length; i++) {
    assert.ok(
      all[i + 120]! - all[i]! >= GATEWAY_SEND_WINDOW_MS,
      `frame ${i + 120} at ${all[i + 120]} breaks the window from ${all[i]}`,
    );
  }
  // interval 41250: reserve 2 heartbeats + 2 requested + 1 identify -> 115.
  assert.equal(
    times.filter((t) => t === 0).length,
    114,
    "114 commands go at once after IDENTIFY",
  );
  // Two more once only 41,250 ms of that window (60 s and 2 s to spare)
  // are left (at most a heartbeat, a requested one and a RESUME can still
  // come), then the rest.
  assert.equal(GATEWAY_SEND_WINDOW_MS, 62_000);
  assert.equal(times[114], 20_750);
  assert.equal(times[116], 62_000);
  await h.shard.close();
});

Deno.test("Shard counts the 120 frames per connection: a new connection's commands do not wait for the last one's window", async () => {
  const h = await readyHarness();
  let written = 0;
  const sends = Array.from(
    { length: 150 },
    () => h.shard.send(leaveVoice).then(() => void written++),
  );
  await h.settle();
  assert.equal(written, 114, "the first connection's window is full");
  h.socket().receive({ op: 7, d: null });
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.settle();
  h.socket().receive({ op: 0, s: 2, t: "RESUMED", d: null });
  await h.settle();
  assert.equal(h.scheduler.now(), 0);
  assert.equal(written, 150, "the rest go at once on the new connection");
  await Promise.all(sends);
  await h.shard.close();
});

Deno.test("Shard keeps a command its closing socket did not take, and writes it on the next connection", async () => {
  const h = await readyHarness();
  const first = h.socket();
  Object.assign(first, { send: () => false }); // the close frame is in
  let written = false;
  const sent = h.shard.send(leaveVoice).then(() => written = true);
  await h.settle();
  assert.equal(written, false, "not taken: not written");
  first.serverClose(4000);
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.settle();
  h.socket().receive({ op: 0, s: 2, t: "RESUMED", d: null });
  await sent;
  assert.deepEqual(h.socket().sentPayloads().map((p) => p.op), [6, 4]);
  await h.shard.close();
});

Deno.test("Shard's commandRoom is 0 once it is closed", async () => {
  const h = await readyHarness();
  assert.equal(h.shard.commandRoom, 1_000);
  await h.shard.close();
  assert.equal(h.shard.commandRoom, 0);
});

/** Guild ids, as many as make `frames` op 31 frames of at most 4096 bytes. */
function idsFilling(frames: number): string[] {
  const ids: string[] = [];
  for (;;) {
    const next = [...ids, String(10n ** 18n + BigInt(ids.length))];
    const made = requestSoundboardSoundsCommands({ guild_ids: next }).length;
    if (made > frames) return ids;
    ids.push(next.at(-1)!);
  }
}

Deno.test("Shard takes a command split over several frames whole or not at all: with room for 2 frames, a 3-frame soundboard request is refused and queues nothing, a 2-frame one is taken", async () => {
  const h = createHarness();
  h.shard.connect().catch(() => {});
  // Until READY commands wait in the queue: 998 leave room for 2.
  const queued: Promise<unknown>[] = [];
  for (let i = 0; i < 998; i++) {
    queued.push(h.shard.send(leaveVoice).catch((error) => error));
  }
  assert.equal(h.shard.commandRoom, 2);
  await assert.rejects(
    h.shard.requestSoundboardSounds({ guild_ids: idsFilling(3) }),
    (error: unknown) =>
      error instanceof GatewayError && error.kind === "backlog_full",
  );
  assert.equal(h.shard.commandRoom, 2, "no frame of it was queued");
  const taken = h.shard.requestSoundboardSounds({ guild_ids: idsFilling(2) })
    .catch((error) => error);
  assert.equal(h.shard.commandRoom, 0);
  await h.shard.close();
  await Promise.all([...queued, taken]);
});

Deno.test("Shard rejects queued commands when it closes", async () => {
  const h = createHarness();
  h.shard.connect().catch(() => {});
  const pending = h.shard.send(presence);
  await h.shard.close();
  await assert.rejects(
    pending,
    (error: unknown) =>
      error instanceof GatewayError && error.kind === "shard_closed",
  );
  await assert.rejects(
    h.shard.send(presence),
    (error: unknown) =>
      error instanceof GatewayError && error.kind === "shard_closed",
  );
});

/** End the session (4007: a new one is needed); the presence it identifies with. */
async function presenceOfNextIdentify(h: Harness): Promise<unknown> {
  h.socket().serverClose(4007);
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.scheduler.advance(IDENTIFY_SPACING);
  const identify = h.socket().sentPayloads()[0]!;
  assert.equal(identify.op, 2);
  return (identify.d as { presence: unknown }).presence;
}

Deno.test("Shard identifies with the presence set last after a new session", async () => {
  const h = await readyHarness();
  const idle = {
    op: 3 as const,
    d: { ...presence.d, status: "idle" as const },
  };
  await h.shard.send(idle);
  assert.deepEqual(await presenceOfNextIdentify(h), idle.d);
  await h.shard.close();
});

Deno.test("Shard refuses a presence IDENTIFY could not carry, sends nothing and keeps identifying with the last good one", async () => {
  const h = await readyHarness();
  const idle = {
    op: 3 as const,
    d: { ...presence.d, status: "idle" as const },
  };
  await h.shard.send(idle);
  const before = h.socket().sent.length;
  // Malformed (a raw command, as from a broker): Discord closes IDENTIFY
  // with such a presence with 4001/4002, on every new session.
  for (const d of [{ status: "bogus" }, { ...presence.d, activities: "x" }]) {
    await assert.rejects(
      h.shard.send({ op: 3, d } as never),
      TypeError,
    );
  }
  // Well-formed, under 4096 bytes as op 3, but IDENTIFY with it is over.
  const big = {
    op: 3 as const,
    d: {
      ...presence.d,
      activities: [{ name: "x".repeat(3900), type: 0 as const }],
    },
  };
  assert.ok(JSON.stringify(big).length < 4096);
  await assert.rejects(
    h.shard.send(big),
    (error: unknown) =>
      error instanceof GatewayError && error.kind === "payload_too_large" &&
      /IDENTIFY/.test(error.message),
  );
  assert.equal(h.socket().sent.length, before, "nothing sent");
  assert.deepEqual(await presenceOfNextIdentify(h), idle.d);
  await h.shard.close();
});

Deno.test("Shard refuses at construction a starting presence that is malformed or that IDENTIFY could not carry", () => {
  assert.throws(
    () => createHarness({ presence: { status: "bogus" } as never }),
    TypeError,
  );
  assert.throws(
    () =>
      createHarness({
        presence: {
          ...presence.d,
          activities: [{ name: "x".repeat(4000), type: 0 as const }],
        },
      }),
    (error: unknown) =>
      error instanceof GatewayError && error.kind === "payload_too_large",
  );
});

/** A presence update whose activity is named `name`. */
function namedPresence(name: string): {
  op: 3;
  d: UpdatePresenceData;
} {
  return {
    op: 3 as const,
    d: { ...presence.d, activities: [{ name, type: 0 as const }] },
  };
}

/** The activity names of the presence updates written so far, in order. */
function writtenPresences(h: Harness): string[] {
  return h.socket().sentPayloads().filter((p) => p.op === 3).map((p) =>
    (p.d as { activities: { name: string }[] }).activities[0]!.name
  );
}

Deno.test("Shard writes at most 5 presence updates per 20 s, then only the latest one held", async () => {
  const h = await readyHarness();
  const settled: string[] = [];
  const sends = Array.from(
    { length: 12 },
    (_, i) =>
      h.shard.send(namedPresence(String(i))).then(() =>
        void settled.push(`${i}@${h.scheduler.now()}`)
      ),
  );
  await h.scheduler.advance(0);
  assert.deepEqual(writtenPresences(h), ["0", "1", "2", "3", "4"]);
  assert.deepEqual(settled, ["0@0", "1@0", "2@0", "3@0", "4@0"]);
  await h.scheduler.advance(19_999);
  assert.equal(writtenPresences(h).length, 5, "the window is still full");
  await h.scheduler.advance(1);
  await Promise.all(sends);
  // 5 to 10 were replaced by a newer one before they could go: nothing of
  // theirs is written, and they settle when the one replacing them is.
  assert.deepEqual(writtenPresences(h), ["0", "1", "2", "3", "4", "11"]);
  assert.deepEqual(
    settled.slice(5),
    Array.from({ length: 7 }, (_, i) => `${i + 5}@20000`),
  );
  // The next session identifies with the latest presence too.
  assert.deepEqual(
    await presenceOfNextIdentify(h),
    namedPresence("11").d,
  );
  await h.shard.close();
});

Deno.test("Shard paces presence updates over a rolling 20 s window", async () => {
  const h = await readyHarness();
  for (let i = 0; i < 5; i++) {
    await h.shard.send(namedPresence(String(i)));
    await h.scheduler.advance(1000);
  }
  // Written at 0, 1, 2, 3 and 4 s; at 5 s the window is full until 20 s.
  const fifth = h.shard.send(namedPresence("5"));
  await h.scheduler.advance(14_999);
  assert.equal(writtenPresences(h).length, 5);
  await h.scheduler.advance(1);
  await fifth;
  // The window from 1 s is full until 21 s.
  const sixth = h.shard.send(namedPresence("6"));
  await h.scheduler.advance(999);
  assert.equal(writtenPresences(h).length, 6);
  await h.scheduler.advance(1);
  await sixth;
  assert.deepEqual(writtenPresences(h), ["0", "1", "2", "3", "4", "5", "6"]);
  await h.shard.close();
});

Deno.test("Shard lets other commands pass a presence update held by its pace", async () => {
  const h = await readyHarness();
  for (let i = 0; i < 5; i++) void h.shard.send(namedPresence(String(i)));
  const held = h.shard.send(namedPresence("held"));
  await h.shard.send(leaveVoice);
  const ops = h.socket().sentPayloads().map((p) => p.op).filter((op) =>
    op !== 1
  );
  assert.deepEqual(ops.slice(-6), [3, 3, 3, 3, 3, 4]);
  await h.scheduler.advance(20_000);
  await held;
  assert.equal(writtenPresences(h).at(-1), "held");
  await h.shard.close();
});

Deno.test("Shard takes back a held presence update on its signal, and rejects it when closing", async () => {
  const h = await readyHarness();
  for (let i = 0; i < 5; i++) void h.shard.send(namedPresence(String(i)));
  const controller = new AbortController();
  const aborted = h.shard.send(namedPresence("aborted"), {
    signal: controller.signal,
  });
  controller.abort(new Error("changed my mind"));
  await assert.rejects(aborted, /changed my mind/);
  await h.scheduler.advance(20_000);
  assert.equal(writtenPresences(h).length, 5, "the aborted one never went");
  for (let i = 5; i < 10; i++) void h.shard.send(namedPresence(String(i)));
  const pending = h.shard.send(namedPresence("pending"));
  await h.scheduler.advance(0);
  await h.shard.close();
  await assert.rejects(
    pending,
    (error: unknown) =>
      error instanceof GatewayError && error.kind === "shard_closed",
  );
  assert.ok(!writtenPresences(h).includes("pending"));
});

/** Fill the presence window (5 written now) and let them go. */
async function fillPresenceWindow(h: Harness): Promise<void> {
  for (let i = 0; i < 5; i++) void h.shard.send(namedPresence(String(i)));
  await h.scheduler.advance(0);
}

Deno.test("Shard writes the presence before one taken back, and identifies with it", async () => {
  const h = await readyHarness();
  await fillPresenceWindow(h);
  let replacedSettled = false;
  const replaced = h.shard.send(namedPresence("A")).then(() =>
    replacedSettled = true
  );
  const controller = new AbortController();
  const withdrawn = h.shard.send(namedPresence("B"), {
    signal: controller.signal,
  });
  controller.abort(new Error("withdrawn"));
  await assert.rejects(withdrawn, /withdrawn/);
  assert.equal(replacedSettled, false, "A is not written yet");
  await h.scheduler.advance(20_000);
  await replaced;
  assert.equal(writtenPresences(h).at(-1), "A", "A is the latest again");
  await h.shard.close();
  // And a new session identifies with the latest not taken back.
  const h2 = await readyHarness();
  await fillPresenceWindow(h2);
  const kept = h2.shard.send(namedPresence("A"));
  const controller2 = new AbortController();
  const again = h2.shard.send(namedPresence("B"), {
    signal: controller2.signal,
  });
  controller2.abort(new Error("withdrawn"));
  await assert.rejects(again, /withdrawn/);
  assert.deepEqual(await presenceOfNextIdentify(h2), namedPresence("A").d);
  await kept;
  await h2.shard.close();
});

Deno.test("Shard settles the presence updates waiting with the IDENTIFY that carries the latest, and writes none after", async () => {
  const h = await readyHarness();
  await fillPresenceWindow(h);
  const waiting = [
    h.shard.send(namedPresence("A")),
    h.shard.send(namedPresence("B")),
  ];
  assert.deepEqual(await presenceOfNextIdentify(h), namedPresence("B").d);
  await Promise.all(waiting);
  ready(h.socket());
  await h.scheduler.advance(30_000);
  assert.deepEqual(
    h.socket().sentPayloads().filter((p) => p.op === 3),
    [],
    "nothing written twice after READY",
  );
  await h.shard.close();
});

Deno.test("Shard's presence pace is not held back by a wall clock set back", async () => {
  const { scheduler: clock, clock: wall, step } = steppedClock();
  const h = createHarness({ scheduler: wall });
  const connected = h.shard.connect();
  await clock.flushMicrotasks();
  hello(h.socket());
  await clock.flushMicrotasks();
  ready(h.socket());
  await connected;
  for (let i = 0; i < 5; i++) await h.shard.send(namedPresence(String(i)));
  step(-3_600_000);
  const late = h.shard.send(namedPresence("late"));
  await clock.advance(20_000);
  await late;
  assert.equal(writtenPresences(h).at(-1), "late", "written 20 s later");
  await h.shard.close();
});

Deno.test("Shard writes a presence refreshed more often than a standing backlog drains", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  socket.onSend = (data) => {
    if (JSON.parse(data).op === 1) {
      queueMicrotask(() => socket.receive({ op: 11, d: null }));
    }
  };
  const sends: Promise<void>[] = [];
  // A backlog of 150, then 2 commands a second: about what the limiter
  // lets out, so it never drains. A presence every 15 s, within its pace.
  for (let i = 0; i < 150; i++) sends.push(h.shard.send(leaveVoice));
  for (let t = 0; t < 300_000; t += 250) {
    if (t % 15_000 === 0) sends.push(h.shard.send(namedPresence(`${t}`)));
    if (t % 500 === 0) sends.push(h.shard.send(leaveVoice));
    await h.scheduler.advance(250);
  }
  const written = writtenPresences(h);
  // Each goes in the place of the first one waiting, so about one a minute
  // reaches the front (before: never, as each newer one went to the back).
  assert.ok(written.length >= 4, `${written.length} written`);
  await h.shard.close();
  await Promise.allSettled(sends);
});
