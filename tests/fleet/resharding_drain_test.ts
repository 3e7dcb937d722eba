// What the old set of a ReshardingShards reshard delivers after the switch,
// before it closes: frames read late, and the replay of an old shard that
// was reconnecting at the switch. Every message once, by ID.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { withLogRecords } from "../_fakes/log_records.ts";
import { reshardScene, startFirstSet } from "./_reshard_scene.ts";
import {
  ACK_WAIT_MS,
  ackWaitMs,
  RESUME_WAIT_MS,
} from "../../fleet/shard_read_barrier.ts";

/** The records whose message starts with `start`. */
const said = (records: LogRecord[], start: string): LogRecord[] =>
  records.filter((r) => String(r.rawMessage).startsWith(start));

Deno.test("ReshardingShards: the old set's socket read 4 s late: each old shard closes only once a heartbeat ACK shows it read what was sent before the switch, and every message is delivered once", async () => {
  await withLogRecords(async (records) => {
    await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
    await startFirstSet(t);
    await t.stream(6_000); // the identify window of the first set passes
    t.lag.set(2, 4_000);
    // Sent to the old set only, and still on their way in at the switch.
    await t.stream(3_000);
    const began = t.scheduler.now();
    const resharded = await t.settle(t.shards.reshard(4));
    assert.equal(resharded?.status, "fulfilled", String(resharded));
    const took = t.scheduler.now() - began;
    await t.stream(1_000);
    await t.run(10_000);
    const { lost, twice } = t.tally();
    assert.deepEqual(lost, [], `${lost.length} of ${t.sent.length} lost`);
    assert.deepEqual(twice, []);
    // Closed by the ACKs (a heartbeat every 5 s here, its ACK read 4 s late), not at
    // the barrier's cap.
    assert.ok(took < ACK_WAIT_MS, `the reshard took ${took} ms`);
    assert.deepEqual(said(records, "Old shard"), []);
    assert.deepEqual(t.clientClosedAt(0, 2).length, 1);
    assert.deepEqual(t.clientClosedAt(1, 2).length, 1);
  });
});

Deno.test("ReshardingShards: an old shard reconnecting at the switch (its RESUMEs refused a few times) is waited for: its replay is delivered before it closes, every message once", async () => {
  await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
  await startFirstSet(t);
  await t.stream(6_000);
  const old0 = t.gateway.connections.find((c) =>
    c.shard?.[0] === 0 && c.shard?.[1] === 2
  )!;
  t.refuseResumes.set("0/2", 2); // a third failure identifies
  t.gateway.dropConnection({ connectionId: old0.id });
  await t.stream(400); // sent to the old session only, while it is away
  const resharded = await t.settle(t.shards.reshard(4));
  assert.equal(resharded?.status, "fulfilled", String(resharded));
  await t.stream(1_000);
  await t.run(10_000);
  const { lost, twice } = t.tally();
  assert.deepEqual(lost, [], `${lost.length} of ${t.sent.length} lost`);
  assert.deepEqual(twice, []);
  const session = t.gateway.sessions.find((s) =>
    s.shard?.[0] === 0 && s.shard?.[1] === 2
  )!;
  assert.equal(session.resumes, 1, "the old session was resumed");
});

Deno.test("ReshardingShards: an old shard not back within the resume wait is closed with a warning naming it and the sequence from which its events are lost", async () => {
  await withLogRecords(async (records) => {
    await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
    await startFirstSet(t);
    await t.stream(6_000);
    const old0 = t.gateway.connections.find((c) =>
      c.shard?.[0] === 0 && c.shard?.[1] === 2
    )!;
    // Its resume host down; the main one too once the new set has its
    // sessions (an outage: the shard rides it out, resumable, for ever).
    t.outage.add("resume");
    t.gateway.dropConnection({ connectionId: old0.id });
    await t.scheduler.advance(100);
    const sequence = t.gateway.sessions.find((s) =>
      s.shard?.[0] === 0 && s.shard?.[1] === 2
    )!.seq;
    const began = t.scheduler.now();
    const resharding = t.shards.reshard(4);
    await t.settle(
      (async () => {
        while (
          t.gateway.sessions.filter((s) => s.shard?.[1] === 4).length < 4
        ) await t.scheduler.advance(20);
      })(),
    );
    t.outage.add("main");
    const resharded = await t.settle(resharding);
    assert.equal(resharded?.status, "fulfilled", String(resharded));
    const took = t.scheduler.now() - began;
    assert.ok(took >= RESUME_WAIT_MS, `closed after ${took} ms`);
    const warnings = said(records, "Old shard {id} of {count} was not back");
    assert.equal(warnings.length, 1, JSON.stringify(records));
    const { id, count, sequence: from } = warnings[0]!.properties;
    assert.deepEqual([id, count, from], [0, 2, sequence]);
    assert.equal(warnings[0]!.level, "warning");
    assert.deepEqual(said(records, "Old shard 1"), []);
  });
});

Deno.test("ReshardingShards: an old shard whose heartbeats are never acknowledged is closed at the barrier's cap (two of its heartbeat intervals and 10 s), with a warning", async () => {
  await withLogRecords(async (records) => {
    await using t = reshardScene({ count: 1, heartbeatInterval: 5_000 });
    await startFirstSet(t);
    await t.stream(6_000);
    t.gateway.setAcks(false);
    const began = t.scheduler.now();
    const resharded = await t.settle(t.shards.reshard(2));
    assert.equal(resharded?.status, "fulfilled", String(resharded));
    const took = t.scheduler.now() - began;
    const cap = ackWaitMs(5_000);
    assert.ok(took >= cap && took < cap + 10_000, `closed after ${took} ms`);
    const warnings = said(records, "Old shard {id} of {count} got no");
    assert.equal(warnings.length, 1, JSON.stringify(records));
    const { id, count, ms } = warnings[0]!.properties;
    assert.deepEqual([id, count], [0, 1]);
    assert.ok((ms as number) >= cap, `said ${ms} ms`);
  });
});
