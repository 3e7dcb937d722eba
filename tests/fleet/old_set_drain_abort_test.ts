// drainOldSet's end by its signal (close(), which closes every shard of
// both sets itself) and a new shard that stops twice: aborted, the drain
// closes no old shard and reports nothing, not even a stop it saw before;
// a new shard that stops, runs again and stops again is reported once.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { drainOldSet, type OldSetDrained } from "../../fleet/old_set_drain.ts";
import type { Shard } from "../../gateway/shard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { StoppingShard } from "./_stopping_shard.ts";

/**
 * Drain `old` (of 2) after a switch to `next` (of 4); its old shards never
 * show an ACK, so the drain runs until they close or `signal` ends it.
 */
function drain(
  old: StoppingShard[],
  next: StoppingShard[],
  signal: AbortSignal,
): Promise<OldSetDrained> {
  return drainOldSet({
    old: { count: 2, shards: old as unknown as Shard[] },
    next: { count: 4, shards: next as unknown as Shard[] },
    since: 0,
    scheduler: new VirtualScheduler(),
    signal,
  });
}

function stopErrors(records: LogRecord[]): LogRecord[] {
  return records.filter((r) =>
    r.level === "error" &&
    String(r.rawMessage).startsWith("New shard {id} of {count} stopped")
  );
}

Deno.test("drainOldSet: aborted after a new shard stopped, it closes no old shard and reports no stop nor kept shard", async () => {
  // Old shard 1 may hold new shard 3's guilds; old shard 0 does not.
  const old = [new StoppingShard(0), new StoppingShard(1)];
  const next = new StoppingShard(3);
  const abort = new AbortController();
  const drained = drain(old, [next], abort.signal);
  next.fatal("4014 Disallowed intents");
  next.state("closed");
  abort.abort();
  assert.deepEqual(await drained, { kept: [], stopped: [] });
  assert.deepEqual(
    old.map((s) => s.status),
    ["ready", "ready"],
    "closed by the aborted drain",
  );
});

Deno.test("drainOldSet: a new shard that stops, runs again and stops again is reported and said once", () =>
  withLogRecords(async (records) => {
    const old = new StoppingShard(1);
    const next = new StoppingShard(3);
    const drained = drain([old], [next], new AbortController().signal);
    next.fatal("4014 Disallowed intents");
    next.state("closed");
    next.state("identifying");
    next.state("closed");
    old.state("closed");
    const { stopped } = await drained;
    assert.deepEqual(stopped.map((s) => s.shard.id), [3]);
    assert.equal(stopErrors(records).length, 1);
  }));
