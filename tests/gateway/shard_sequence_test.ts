// Sequence numbers a broken or hostile gateway gets wrong: a dispatch before
// HELLO, one before READY on a new session, and one not above the last
// outside a replay.
import assert from "node:assert/strict";
import {
  createHarness,
  dispatch,
  hello,
  ready,
  readyHarness,
  sentOps,
  TOKEN,
} from "../_fakes/shard_harness.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil } from "../_fakes/run_until.ts";

for (const filtered of [false, true]) {
  const path = filtered ? "peeked" : "parsed";
  Deno.test(`Shard refuses a dispatch before READY on a new session (${path}): the READY after it is not dropped as old`, async () => {
    const h = createHarness({ recordDispatches: false });
    const seen: string[] = [];
    h.shard.on(
      "dispatch",
      (event) => seen.push(`${event.name}:${event.sequence}`),
      filtered ? { events: ["READY", "MESSAGE_CREATE"] } : {},
    );
    const connected = h.shard.connect();
    await h.settle();
    hello(h.socket());
    await h.settle();
    assert.deepEqual(sentOps(h.socket()), [2]);
    const first = h.socket();
    dispatch(first, 5, "GUILD_CREATE", { id: "1" });
    await h.settle();
    assert.equal(h.errors.at(-1)?.kind, "decode");
    assert.match(
      String((h.errors.at(-1)?.cause as Error | undefined)?.message),
      /GUILD_CREATE" dispatch came before the session.s READY/,
    );
    // The connection is dropped; the next one identifies and its READY counts.
    await runUntil(h.scheduler, () => h.socket() !== first);
    hello(h.socket());
    await runUntil(h.scheduler, () => sentOps(h.socket()).includes(2));
    ready(h.socket(), 1);
    await connected;
    dispatch(h.socket(), 2);
    assert.deepEqual(seen, ["READY:1", "MESSAGE_CREATE:2"]);
    await h.shard.close();
  });

  Deno.test(`Shard refuses a dispatch before HELLO on a resuming connection (${path}): not delivered, and the RESUME starts from before it`, async () => {
    const h = await readyHarness({ recordDispatches: false });
    const seen: number[] = [];
    h.shard.on(
      "dispatch",
      (event) => seen.push(event.sequence),
      filtered ? { events: ["MESSAGE_CREATE"] } : {},
    );
    dispatch(h.socket(), 2);
    h.socket().serverClose(4000);
    const first = h.socket();
    await runUntil(h.scheduler, () => h.socket() !== first);
    const early = h.socket();
    dispatch(early, 3); // before HELLO: no gateway sends that
    await h.settle();
    assert.deepEqual(seen, [2]);
    assert.equal(h.shard.sequence, 2);
    assert.equal(h.errors.at(-1)?.kind, "decode");
    assert.notEqual(early.state, "open");
    // The next connection resumes from 2: Discord sends 3 again.
    await runUntil(h.scheduler, () => h.socket() !== early);
    hello(h.socket());
    await h.settle();
    assert.deepEqual(h.socket().sentPayloads()[0]?.d, {
      token: TOKEN,
      session_id: "session-1",
      seq: 2,
    });
    await h.shard.close();
  });

  Deno.test(`Shard says on stderr, once a connection, a sequence not above the last outside a replay (${path})`, async () => {
    const h = await readyHarness({ recordDispatches: false });
    const seen: number[] = [];
    h.shard.on(
      "dispatch",
      (event) => seen.push(event.sequence),
      filtered ? { events: ["MESSAGE_CREATE"] } : {},
    );
    const said = await captureStderr(() => {
      dispatch(h.socket(), 2);
      dispatch(h.socket(), Number.MAX_SAFE_INTEGER);
      dispatch(h.socket(), 3);
      dispatch(h.socket(), 4);
      return Promise.resolve();
    });
    assert.deepEqual(seen, [2, Number.MAX_SAFE_INTEGER]);
    const lines = said.filter((line) => line.includes("not above the last"));
    assert.equal(lines.length, 1, said.join("\n"));
    assert.match(
      lines[0]!,
      /dropped sequence 3, not above the last one 9007199254740991, outside a replay/,
    );
    await h.shard.close();
  });
}
