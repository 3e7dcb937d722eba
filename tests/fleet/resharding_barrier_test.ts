// Where a ReshardingShards drain's read barrier ends for an old shard the
// plain cases do not cover: one that keeps reconnecting, a gateway whose
// HELLO gives a longer heartbeat interval than Discord's, and an ACK left
// over from an op 1 the old shard answered just before the switch.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { withLogRecords } from "../_fakes/log_records.ts";
import {
  type ReshardScene,
  reshardScene,
  startFirstSet,
} from "./_reshard_scene.ts";
import { ackWaitMs, RESUME_WAIT_MS } from "../../fleet/shard_read_barrier.ts";
import type { Transport } from "../../gateway/transport.ts";

/** The records whose message starts with `start`. */
const said = (records: LogRecord[], start: string): LogRecord[] =>
  records.filter((r) => String(r.rawMessage).startsWith(start));

/** Start the scene's first set and let its identify window pass. */
async function started(t: ReshardScene): Promise<void> {
  await startFirstSet(t);
  await t.stream(6_000);
}

/** The fake's live connection of shard `id` of `count`. */
const live = (t: ReshardScene, id: number, count: number) =>
  t.gateway.connections.find((c) =>
    c.shard?.[0] === id && c.shard?.[1] === count
  );

/**
 * Swallow the heartbeat ACKs the fake sends to shard `id` of `count` while
 * `on()` holds: its connections, new ones too, never prove a read. (The
 * fake's own switch covers live connections only, and a new one could
 * answer a heartbeat before a test step turned it off.)
 */
function swallowAcks(
  t: ReshardScene,
  [id, count]: [number, number],
  on: () => boolean,
): void {
  const transport = t.gateway.transport;
  const swallowing: Transport = (url, listener) => {
    let theirs = false;
    const socket = transport(url, {
      ...listener,
      onMessage: (data) => {
        if (theirs && on() && typeof data === "string") {
          if ((JSON.parse(data) as { op: number }).op === 11) return;
        }
        listener.onMessage(data);
      },
    });
    return {
      send(data: string): boolean | void {
        const { op, d } = JSON.parse(data) as {
          op: number;
          d?: { shard?: [number, number]; session_id?: string };
        };
        const shard = op === 2
          ? d?.shard
          : op === 6
          ? t.gateway.sessions.find((s) => s.id === d?.session_id)?.shard
          : undefined;
        if (shard) theirs = shard[0] === id && shard[1] === count;
        return socket.send(data);
      },
      close: (code, reason) => socket.close(code, reason),
    };
  };
  // The scene's transport looks the fake's up at each connect.
  Object.defineProperty(t.gateway, "transport", { value: swallowing });
}

Deno.test("ReshardingShards: an old shard that keeps reconnecting (dropped every 5 s, never ACKed) is closed at one deadline after the switch, with a warning, and the next reshard may start", async () => {
  await withLogRecords(async (records) => {
    await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
    let deaf = false;
    swallowAcks(t, [0, 2], () => deaf);
    await started(t);
    deaf = true;
    const resharding = t.shards.reshard(4);
    let done = false;
    resharding.then(() => done = true, () => done = true);
    while (t.shards.shardCount !== 4) await t.scheduler.advance(20);
    const since = t.scheduler.now();
    // Each reconnect starts the waits for `ready` and for an ACK anew:
    // neither ever runs out. (Connected at the switch: the deadline knows
    // its interval.)
    let lastDrop = since;
    while (!done && t.scheduler.now() - since < 900_000) {
      const c = live(t, 0, 2);
      if (c && t.scheduler.now() - lastDrop >= 5_000) {
        t.gateway.dropConnection({ connectionId: c.id });
        lastDrop = t.scheduler.now();
      }
      await t.scheduler.advance(20);
    }
    const took = t.scheduler.now() - since;
    const deadline = RESUME_WAIT_MS + ackWaitMs(5_000);
    assert.ok(done, `still draining ${took} ms after the switch`);
    // `since` is seen up to a 20 ms step after the switch.
    assert.ok(
      took >= deadline - 20 && took <= deadline + 1_000,
      `closed ${took} ms after the switch`,
    );
    assert.equal((await resharding).to, 4);
    const warned = said(records, "Old shard");
    assert.equal(warned.length, 1, JSON.stringify(warned));
    assert.equal(warned[0]!.level, "warning");
    assert.equal(warned[0]!.properties.id, 0);
    assert.ok(
      (warned[0]!.properties.ms as number) >= deadline,
      `said ${warned[0]!.properties.ms} ms`,
    );
    assert.equal(t.clientClosedAt(1, 2).length, 1);
    // The reshard no longer counts as running.
    const next = await t.settle(t.shards.reshard(8));
    assert.equal(next?.status, "fulfilled", String(next));
  });
});

Deno.test("ReshardingShards: with a 120 s heartbeat interval, an old shard whose next heartbeat is ~120 s after the switch is closed by its ACK, not at Discord's 92.5 s cap with a warning", async () => {
  await withLogRecords(async (records) => {
    await using t = reshardScene({ count: 1, heartbeatInterval: 120_000 });
    await started(t);
    // Just after one of its heartbeats: the next goes out an interval on.
    const old = live(t, 0, 1)!;
    const beat = (): number | null =>
      t.gateway.connection(old.id)!.lastHeartbeatAt;
    const first = beat();
    while (beat() === first) await t.scheduler.advance(20);
    const resharded = await t.settle(t.shards.reshard(2));
    assert.equal(resharded?.status, "fulfilled", String(resharded));
    assert.deepEqual(said(records, "Old shard"), []);
    const closedAt = t.clientClosedAt(0, 1);
    assert.equal(closedAt.length, 1);
    // Closed by the ACK of the heartbeat an interval after the last one.
    assert.ok(closedAt[0]! - beat()! < 1_000, "closed by that ACK");
    assert.deepEqual(t.tally(), { lost: [], twice: [] });
  });
});

Deno.test("ReshardingShards: an ACK left over from an op 1 the old shard answered before the switch does not pass the barrier one ACK early: no message lost", async () => {
  await withLogRecords(async (records) => {
    await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
    await started(t);
    // The old set's socket read 3 s late: ACKs come after later heartbeats.
    t.lag.set(2, 3_000);
    await t.stream(6_000);
    const old0 = live(t, 0, 2)!;
    const beat = (): number | null =>
      t.gateway.connection(old0.id)!.lastHeartbeatAt;
    const first = beat();
    while (beat() === first) await t.scheduler.advance(1);
    const h = beat()!;
    // Discord asks 4.5 s after that heartbeat: the shard reads the op 1 at
    // h + 7.5 s and answers it, after its own h + 5 s heartbeat.
    while (t.scheduler.now() < h + 4_500) await t.scheduler.advance(1);
    t.gateway.requestHeartbeat({ connectionId: old0.id });
    while (t.scheduler.now() < h + 8_000) {
      t.send();
      await t.scheduler.advance(20);
    }
    // The switch comes after both went out; the op 1's ACK, read after
    // the next own heartbeat went out, proves nothing after the switch.
    const resharded = await t.settle(t.shards.reshard(4));
    assert.equal(resharded?.status, "fulfilled", String(resharded));
    await t.stream(1_000);
    await t.run(20_000);
    const { lost, twice } = t.tally();
    assert.deepEqual(lost, [], `${lost.length} of ${t.sent.length} lost`);
    assert.deepEqual(twice, []);
    assert.deepEqual(said(records, "Old shard"), []);
  });
});
