// A gateway frame JSON.parse would build into far more than its text (over a
// million arrays and objects, nested or side by side) is not parsed: 30
// million nested arrays in a 60 MB HELLO took 1.7 GB of heap and 19 s of a
// blocked event loop. A dispatch is skipped with an error naming it (as
// undecodable, every RESUME replayed it); another frame is undecodable.
import assert from "node:assert/strict";
import { BOUNDS_COUNT_FROM, MAX_JSON_OPENERS } from "../../base/json_bounds.ts";
import {
  createHarness,
  dispatch,
  hello,
  ready,
  readyHarness,
  sentOps,
} from "../_fakes/shard_harness.ts";
import { watchCompletion } from "../../fleet/shard_completion.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/**
 * A MESSAGE_CREATE longer than the count threshold, `depth` levels deep in
 * all (each level one `[` or `{`).
 */
function deepDispatch(s: number, depth: number): string {
  // `{` frame, `{` d, `[` nested: the nested arrays are three levels in.
  const nested = "[".repeat(depth - 3) + "]".repeat(depth - 3);
  return `{"t":"MESSAGE_CREATE","s":${s},"op":0,"d":{"content":"${
    "x".repeat(BOUNDS_COUNT_FROM)
  }","nested":[${nested}]}}`;
}

function causeMessage(error: { cause?: unknown } | undefined): string {
  return String((error?.cause as Error | undefined)?.message);
}

for (const filtered of [false, true]) {
  Deno.test(
    `Shard skips a large dispatch of too many arrays, ${
      filtered ? "peeked" : "parsed"
    }, with an error naming it, and reads on (a RESUME would replay it for ever)`,
    async () => {
      const h = await readyHarness({ recordDispatches: false });
      const seen: number[] = [];
      h.shard.on(
        "dispatch",
        (event) => seen.push(event.sequence),
        filtered ? { events: ["MESSAGE_CREATE"] } : {},
      );
      dispatch(h.socket(), 2);
      // Large but within the bound: delivered.
      h.socket().receive(deepDispatch(3, 1_000));
      assert.equal(h.errors.length, 0);
      h.socket().receive(deepDispatch(4, MAX_JSON_OPENERS + 1));
      assert.equal(h.errors.length, 1);
      assert.equal(h.errors[0]!.kind, "decode");
      assert.match(
        h.errors[0]!.message,
        /^Shard 0 skipped MESSAGE_CREATE \(sequence 4\): The frame \(\d+ characters\) holds more than 1000000 arrays and objects/,
      );
      assert.equal(h.shard.sequence, 4, "its sequence is taken");
      dispatch(h.socket(), 5);
      await h.settle();
      assert.ok(!sentOps(h.socket()).includes(6), "no RESUME");
      assert.equal(h.transport.sockets.length, 1, "still connected");
      assert.deepEqual(seen, [2, 3, 5]);
      await h.shard.close();
    },
  );
}

Deno.test("Shard delivers a large dispatch whose strings hold over a million brackets (forum topics of [)", async () => {
  const h = await readyHarness();
  // 250 channels with a topic of 4,096 `[` each: 1,024,000 `[` in strings,
  // a handful of arrays and objects.
  const channels = Array.from({ length: 250 }, (_, i) => ({
    id: String(1000 + i),
    type: 15,
    topic: "[".repeat(4096),
  }));
  h.socket().receive(
    JSON.stringify({
      op: 0,
      s: 2,
      t: "GUILD_UPDATE",
      d: { id: "1", name: "g", channels },
    }),
  );
  assert.equal(h.errors.length, 0);
  assert.deepEqual(h.dispatches.map((event) => event.name), [
    "READY",
    "GUILD_UPDATE",
  ]);
  await h.shard.close();
});

Deno.test("Shard refuses a HELLO of too many arrays (unknown fields are parsed too) and reconnects", async () => {
  const h = createHarness();
  h.shard.connect().catch(() => {});
  await h.settle();
  const sockets = h.transport.sockets.length;
  const depth = MAX_JSON_OPENERS;
  h.socket().receive(
    `{"op":10,"d":{"heartbeat_interval":41250,"_trace":${
      "[".repeat(depth) + "]".repeat(depth)
    }}}`,
  );
  assert.equal(h.errors.length, 1);
  assert.equal(h.errors[0]!.kind, "decode");
  assert.match(causeMessage(h.errors[0]), /more than \d+ arrays and objects/);
  await h.scheduler.advance(1000);
  assert.equal(h.transport.sockets.length, sockets + 1, "reconnected");
  hello(h.socket());
  await h.scheduler.advance(5_000);
  assert.deepEqual(sentOps(h.socket()), [2]);
  ready(h.socket());
  assert.equal(h.shard.status, "ready");
  await h.shard.close();
});

Deno.test("Shard skips a dispatch holding too many arrays and objects side by side", async () => {
  const h = await readyHarness();
  h.socket().receive(
    `{"t":"MESSAGE_CREATE","s":2,"op":0,"d":[${
      "[],".repeat(MAX_JSON_OPENERS)
    }[]]}`,
  );
  assert.equal(h.errors.length, 1);
  assert.equal(h.errors[0]!.kind, "decode");
  assert.match(
    causeMessage(h.errors[0]),
    new RegExp(`more than ${MAX_JSON_OPENERS} arrays and objects`),
  );
  assert.equal(h.shard.sequence, 2);
  assert.deepEqual(h.dispatches.map((event) => event.name), ["READY"]);
  await h.shard.close();
});

for (const filtered of [false, true]) {
  Deno.test(
    `A skipped dispatch still reaches raw listeners, which parse nothing, ${
      filtered ? "peeked" : "parsed"
    }: the same on every path`,
    async () => {
      const h = await readyHarness({ recordDispatches: false });
      const raw: number[] = [];
      h.shard.on("raw", (event) => raw.push(event.sequence));
      // A listener that parses: wanted, so the frame is parsed and skipped.
      h.shard.on(
        "dispatch",
        () => {},
        filtered ? { events: ["MESSAGE_CREATE"] } : {},
      );
      h.socket().receive(deepDispatch(2, MAX_JSON_OPENERS + 1));
      dispatch(h.socket(), 3);
      assert.equal(h.errors.length, 1);
      assert.deepEqual(raw, [2, 3]);
      await h.shard.close();
    },
  );
}

Deno.test("A GUILD_CREATE over the bound goes on as its guild unavailable, named in the error: a reshard waiting for the guild completes", async () => {
  const h = createHarness();
  let complete = false;
  watchCompletion(h.shard, false, {
    complete: () => complete = true,
    lost: () => {},
  });
  const guilds: unknown[] = [];
  h.shard.on("dispatch", (event) => {
    if (event.name === "GUILD_CREATE") guilds.push(event.data);
  });
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  h.socket().receive({
    op: 0,
    s: 1,
    t: "READY",
    d: {
      v: 10,
      session_id: "session-1",
      resume_gateway_url: "wss://resume.example",
      user: { id: "1", username: "bot" },
      guilds: [{ id: "9", unavailable: true }, {
        id: "10",
        unavailable: true,
      }],
    },
  });
  await connected;
  h.socket().receive({ op: 0, s: 2, t: "GUILD_CREATE", d: { id: "10" } });
  // Channels first, each with an id of its own, then the guild's.
  h.socket().receive(
    `{"op":0,"s":3,"t":"GUILD_CREATE","d":{"channels":[{"id":"5","x":${
      "[],".repeat(MAX_JSON_OPENERS)
    }[]}],"id":"9"}}`,
  );
  assert.equal(h.errors.length, 1);
  assert.match(
    h.errors[0]!.message,
    /^Shard 0 skipped GUILD_CREATE \(sequence 3, guild 9, handed on as unavailable\)/,
  );
  assert.deepEqual(guilds, [{ id: "10" }, { id: "9", unavailable: true }]);
  assert.equal(complete, true);
  await h.shard.close();
});

for (const filtered of [false, true]) {
  Deno.test(
    `Shard skips a dispatch whose d is no object (null, 5, a list), ${
      filtered ? "peeked" : "parsed"
    }, with an error naming it: typed listeners were handed it as Discord's object; raw listeners still get it`,
    async () => {
      const h = await readyHarness({ recordDispatches: false });
      const seen: unknown[] = [];
      const raw: number[] = [];
      h.shard.on("raw", (event) => raw.push(event.sequence));
      h.shard.on(
        "dispatch",
        (event) => seen.push(event.data),
        filtered ? { events: ["MESSAGE_CREATE"] } : {},
      );
      const said = await captureStderr(() => {
        for (const [s, d] of [[2, "null"], [3, "5"], [4, '[{"id":"1"}]']]) {
          h.socket().receive(
            `{"t":"MESSAGE_CREATE","s":${s},"op":0,"d":${d}}`,
          );
        }
        dispatch(h.socket(), 5);
      });
      // Said on stderr too: a bot with no error listener sees the skip.
      const lines = said.filter((line) => line.includes("not an object"));
      assert.equal(lines.length, 3, said.join("\n"));
      assert.match(
        lines[0]!,
        /Shard 0 skipped MESSAGE_CREATE \(sequence 2\): its data is null, not an object/,
      );
      assert.deepEqual(h.errors.map((e) => e.kind), Array(3).fill("decode"));
      assert.match(
        h.errors[0]!.message,
        /^Shard 0 skipped MESSAGE_CREATE \(sequence 2\): its data is null, not an object$/,
      );
      assert.equal(seen.length, 1, "only the object reached the listener");
      assert.deepEqual(raw, [2, 3, 4, 5]);
      assert.equal(h.shard.sequence, 5);
      assert.equal(h.transport.sockets.length, 1, "still connected");
      await h.shard.close();
    },
  );
}
