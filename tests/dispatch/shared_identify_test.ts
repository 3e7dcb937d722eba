// The shared IDENTIFY pacing of processes that split a bot's shards
// (dispatch/_shared_identify.ts): the wait for Redis before the shards
// connect is said once, and ends at once when the service is already
// closing.
import assert from "node:assert/strict";
import { untilRedis } from "../../dispatch/_shared_identify.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";

Deno.test("untilRedis: the wait says once which shards wait and ends when Redis is reached; a service already closing waits for nothing and says nothing", async () => {
  await withLogRecords(async (records) => {
    const closed = new AbortController();
    closed.abort();
    await untilRedis([4, 5, 6], 8, new Promise(() => {}), closed.signal);
    assert.equal(records.length, 0);
    let reached!: () => void;
    const connected = new Promise<void>((resolve) => reached = resolve);
    const open = new AbortController();
    const wait = untilRedis([4, 5, 6], 8, connected, open.signal);
    reached();
    await wait;
    assert.equal(
      linesSaying(records, "Shards 4-6 of 8 wait for Redis").length,
      1,
    );
  });
});
