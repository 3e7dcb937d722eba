// Shard.close and Shard.on refuse an options key that is none of theirs,
// as the constructor and Client.stop do. From JavaScript (or an object
// built elsewhere) `close({ resumeable: true })` closed with 1000 and
// forgot the session, so the next start identified anew instead of
// resuming; `on("dispatch", l, { event: [...] })` delivered every event.
import assert from "node:assert/strict";
import { readyHarness } from "../_fakes/shard_harness.ts";

Deno.test("Shard.close refuses a misspelt option, naming the nearest, and the shard runs on with its session", async () => {
  const h = await readyHarness();
  const session = h.shard.session;
  assert.notEqual(session, undefined);
  await assert.rejects(
    h.shard.close({ resumeable: true } as never),
    {
      name: "TypeError",
      message:
        "Cannot close shard as 'resumeable' is not one of its options (did you mean 'resumable'?)",
    },
  );
  assert.equal(h.shard.status, "ready");
  assert.deepEqual(h.shard.session, session);
  // Spelt right, the session is kept for a RESUME.
  await h.shard.close({ resumable: true });
  assert.deepEqual(h.shard.session, session);
  assert.equal(h.scheduler.pending, 0);
});

Deno.test("Shard.on refuses a misspelt option, naming the nearest, and adds no listener", async () => {
  const h = await readyHarness({ recordDispatches: false });
  const seen: string[] = [];
  assert.throws(
    () =>
      h.shard.on("dispatch", (event) => seen.push(event.name), {
        event: ["MESSAGE_CREATE"],
      } as never),
    {
      name: "TypeError",
      message:
        "Cannot listen to 'dispatch' as 'event' is not one of its options (did you mean 'events'?)",
    },
  );
  h.socket().receive({ op: 0, s: 2, t: "GUILD_CREATE", d: { id: "1" } });
  await h.settle();
  assert.deepEqual(seen, []);
  await h.shard.close();
});
