// An `async` listener is natural to write and its type (`=> void`) takes
// it; a rejection it returned was left unhandled, and Deno ends the process
// on one. Now it is said on stderr as a throw is, and the shard goes on.
import assert from "node:assert/strict";
import { MemoryDuplicateFilter } from "../../fleet/duplicate_filter.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  createHarness,
  dispatch,
  hello,
  ready,
} from "../_fakes/shard_harness.ts";
import { messageEvent } from "../fleet/_message_event.ts";

Deno.test("Shard: async dispatch and state listeners that reject are logged, not left unhandled; events keep coming", async () => {
  const h = createHarness();
  const seen: number[] = [];
  const lines = await captureStderr(async () => {
    h.shard.on("dispatch", async (event) => {
      await Promise.resolve();
      seen.push(event.sequence);
      throw new Error(`dispatch listener bug ${event.sequence}`);
    });
    h.shard.on("state", async () => {
      await Promise.resolve();
      throw new Error("state listener bug");
    });
    // A thenable whose then() throws: adopted, and its failure logged too.
    h.shard.on(
      "state",
      (() => ({
        then(): never {
          throw new Error("thenable bug");
        },
      })) as unknown as () => void,
    );
    const connected = h.shard.connect();
    await h.settle();
    hello(h.socket());
    await h.settle();
    ready(h.socket());
    await connected;
    dispatch(h.socket(), 2);
    dispatch(h.socket(), 3);
    await h.settle();
    await h.shard.close();
    await h.settle();
  });
  assert.deepEqual(seen, [1, 2, 3]);
  const dispatchLines = lines.filter((l) =>
    /A shard dispatch listener threw: .*dispatch listener bug/.test(l)
  );
  assert.equal(dispatchLines.length, 3, lines.join("\n"));
  assert.ok(
    lines.some((l) =>
      /A shard state listener threw: .*state listener bug/.test(l)
    ),
    lines.join("\n"),
  );
  assert.ok(lines.some((l) => /thenable bug/.test(l)), lines.join("\n"));
});

Deno.test("HeldEvents: an async listener that rejects is said on stderr, and later events are still delivered", async () => {
  const delivered: string[] = [];
  const lines = await captureStderr(async () => {
    const events = new HeldEvents(async (e) => {
      const id = (e.data as { id: string }).id;
      await Promise.resolve();
      if (id === "bad") throw new TypeError("async listener bug");
      delivered.push(id);
    }, new MemoryDuplicateFilter());
    events.accept(messageEvent("bad"));
    events.accept(messageEvent("good"));
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });
  assert.deepEqual(delivered, ["good"]);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /A dispatch listener threw: .*async listener bug/);
});
