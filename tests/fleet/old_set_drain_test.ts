// drainOldSet (old_set_drain.ts) on its own, with fake shards: which new
// shards it reports as stopped for good, when it says so, and which old
// shards it says stay open for their guilds; and its end by its signal
// (close(), which closes every shard of both sets itself).
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { drainOldSet, type OldSetDrained } from "../../fleet/old_set_drain.ts";
import type { Shard } from "../../gateway/shard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { StoppingShard } from "./_stopping_shard.ts";

function drain(
  next: StoppingShard[],
  signal = new AbortController().signal,
  old: StoppingShard[] = [],
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

Deno.test("drainOldSet: a new shard that stopped between the switch and the drain is reported as stopped for good, and said", () =>
  withLogRecords(async (records) => {
    const [running, gone] = [new StoppingShard(0), new StoppingShard(3)];
    gone.status = "closed";
    const drained = await drain([running, gone]);
    assert.deepEqual(drained.kept, []);
    assert.deepEqual(
      drained.stopped.map((s) => [s.shard.id, s.why]),
      [[3, undefined]],
    );
    assert.equal(stopErrors(records).length, 1, JSON.stringify(records));
  }));

Deno.test("drainOldSet: a new shard that stops after the drain ended is not the drain's to report: its listeners are gone", () =>
  withLogRecords(async (records) => {
    const shard = new StoppingShard(1);
    const drained = await drain([shard]);
    assert.equal(shard.listening(), 0);
    shard.fatal("4014 Disallowed intents");
    shard.state("closed");
    assert.deepEqual(drained.stopped, []);
    assert.deepEqual(stopErrors(records), []);
  }));

Deno.test("drainOldSet: aborted (close(), which closes every shard itself), it says no new shard stopped for good", () =>
  withLogRecords(async (records) => {
    const abort = new AbortController();
    abort.abort();
    const gone = new StoppingShard(2);
    gone.status = "closed";
    const drained = await drain([gone], abort.signal);
    assert.deepEqual(drained, { kept: [], stopped: [] });
    assert.deepEqual(stopErrors(records), []);
  }));

Deno.test("drainOldSet: an old shard already closed is not said to stay open for a stopped new shard's guilds", () =>
  withLogRecords(async (records) => {
    const old = new StoppingShard(1);
    old.status = "closed";
    const gone = new StoppingShard(3);
    gone.status = "closed";
    const drained = await drain([gone], undefined, [old]);
    assert.deepEqual(drained.kept, []);
    const said = stopErrors(records);
    assert.equal(said.length, 1, JSON.stringify(records));
    assert.match(
      String(said[0]!.properties.what),
      /^the old shards that held its guilds are closed already/,
    );
  }));

Deno.test("drainOldSet: an old shard kept for a stopped new shard's guilds that then stops itself is not reported as kept", () =>
  withLogRecords(async (records) => {
    const old = new StoppingShard(1);
    const next = new StoppingShard(3);
    const drained = drain([next], undefined, [old]);
    next.fatal("4014 Disallowed intents");
    next.state("closed");
    assert.match(
      String(stopErrors(records)[0]?.properties.what),
      /^old shards 1 of 2 stay open/,
    );
    old.state("closed");
    const { kept, stopped } = await drained;
    assert.deepEqual(kept, []);
    assert.deepEqual(stopped.map((s) => s.why?.message), [
      "4014 Disallowed intents",
    ]);
  }));

Deno.test("drainOldSet: an old shard the drain is closing (it read everything) is not said to stay open for a stopped new shard's guilds", () =>
  withLogRecords(async (records) => {
    const old = new StoppingShard(1);
    old.ackedHeartbeatAt = 1; // an ACK after the switch: read
    const closing = Promise.withResolvers<void>();
    old.close = () => {
      old.status = "closing";
      return closing.promise;
    };
    const next = new StoppingShard(3);
    const drained = drain([next], undefined, [old]);
    await Promise.resolve();
    assert.equal(old.status, "closing", "the drain did not close it");
    next.fatal("4014 Disallowed intents");
    next.state("closed");
    const said = stopErrors(records);
    assert.equal(said.length, 1, JSON.stringify(records));
    assert.match(
      String(said[0]!.properties.what),
      /^the old shards that held its guilds are closed already/,
    );
    old.state("closed");
    closing.resolve();
    assert.deepEqual((await drained).kept, []);
  }));

Deno.test("drainOldSet: aborted after a new shard stopped, it closes no old shard and reports no stop nor kept shard", async () => {
  // Old shard 1 may hold new shard 3's guilds; old shard 0 does not.
  const old = [new StoppingShard(0), new StoppingShard(1)];
  const next = new StoppingShard(3);
  const abort = new AbortController();
  const drained = drain([next], abort.signal, old);
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
    const drained = drain([next], undefined, [old]);
    next.fatal("4014 Disallowed intents");
    next.state("closed");
    next.state("identifying");
    next.state("closed");
    old.state("closed");
    const { stopped } = await drained;
    assert.deepEqual(stopped.map((s) => s.shard.id), [3]);
    assert.equal(stopErrors(records).length, 1);
  }));
