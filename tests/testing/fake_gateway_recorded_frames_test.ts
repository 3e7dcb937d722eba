/**
 * A connection's `sent` and `received` keep only the last `recordedFrames`
 * frames, so a long run on the fakes (a soak test) measures the client, not
 * the fake's own log of every frame.
 */
import assert from "node:assert/strict";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import {
  FakeGateway,
  type FakeGatewayOptions,
} from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const PROPERTIES = { os: "linux", browser: "test", device: "test" };

/** A gateway and the heartbeat of the one client identified on it. */
interface Identified {
  gateway: FakeGateway;
  heartbeat(seq: number): Promise<void>;
}

/** A gateway with one client identified on it, driven by hand. */
async function identified(options: FakeGatewayOptions): Promise<Identified> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, ...options });
  const socket = gateway.transport(`${gateway.url}/?v=10&encoding=json`, {
    onOpen: () => {},
    onMessage: () => {},
    onClose: () => {},
    onError: () => {},
  });
  await scheduler.flushMicrotasks();
  socket.send(JSON.stringify({
    op: 2,
    d: { token: "fake-token", intents: 513, properties: PROPERTIES },
  }));
  await scheduler.flushMicrotasks();
  return {
    gateway,
    heartbeat: async (seq: number) => {
      socket.send(JSON.stringify({ op: 1, d: seq }));
      await scheduler.flushMicrotasks();
    },
  };
}

Deno.test("FakeGateway keeps only the last recordedFrames frames of a connection each way", async () => {
  const { gateway, heartbeat } = await identified({ recordedFrames: 5 });
  for (let round = 1; round <= 3; round++) {
    for (let i = 0; i < 2_000; i++) {
      gateway.dispatch("INTERACTION_CREATE", { id: `${round}-${i}` });
    }
    for (let i = 0; i < 20; i++) await heartbeat(i);
    const conn = gateway.connection(1)!;
    // The last 5 out are the ACKs of the last 5 heartbeats; before them the
    // thousands of dispatches are gone, not kept.
    assert.equal(conn.sent.length, 5, `round ${round}`);
    assert.deepEqual(conn.sent.map((p) => p.op), [11, 11, 11, 11, 11]);
    assert.equal(conn.received.length, 5, `round ${round}`);
    assert.deepEqual(conn.received.map((f) => f.d), [15, 16, 17, 18, 19]);
  }
  gateway.dispatch("INTERACTION_CREATE", { id: "last" });
  assert.deepEqual(
    gateway.connection(1)!.sent.map((p) => p.op),
    [11, 11, 11, 11, 0],
  );
  assert.equal(gateway.counters.dispatches, 6_001 + 1, "READY counted too");
  gateway.close();
});

Deno.test("FakeGateway keeps no frames with recordedFrames: 0", async () => {
  const { gateway, heartbeat } = await identified({ recordedFrames: 0 });
  gateway.dispatch("INTERACTION_CREATE", { id: "1" });
  await heartbeat(1);
  const conn = gateway.connection(1)!;
  assert.deepEqual([conn.sent.length, conn.received.length], [0, 0]);
  // The frames were still handled: IDENTIFY made a session, the heartbeat
  // was seen.
  assert.equal(conn.state, "ready");
  assert.notEqual(conn.sessionId, null);
  assert.notEqual(conn.lastHeartbeatAt, null);
  gateway.close();
});

Deno.test("FakeGateway keeps 10000 frames each way by default", async () => {
  const { gateway, heartbeat } = await identified({});
  for (let i = 0; i < 10_100; i++) {
    gateway.dispatch("INTERACTION_CREATE", { id: `${i}` });
  }
  await heartbeat(1);
  const conn = gateway.connection(1)!;
  assert.equal(conn.sent.length, 10_000);
  assert.equal(conn.sent.at(-1)!.op, 11);
  assert.equal(conn.sent.at(-2)!.s, 10_101, "the last dispatch (after READY)");
  assert.equal(conn.received.length, 2, "IDENTIFY and the heartbeat");
  gateway.close();
});

for (
  const [value, error, message] of [
    [-1, RangeError, /'recordedFrames' must be a non-negative integer/],
    [1.5, RangeError, /'recordedFrames' must be a non-negative integer/],
    [2 ** 53, RangeError, /'recordedFrames' .*at most 9007199254740991/],
    ["5", TypeError, /'recordedFrames="5"'$/],
    [null, TypeError, /'recordedFrames=null'$/],
  ] as const
) {
  Deno.test(`FakeGateway and FakeDiscord refuse recordedFrames=${value}`, async () => {
    const check = (e: unknown) => {
      assert.ok(e instanceof error, `${e}`);
      assert.match((e as Error).message, message);
      return true;
    };
    assert.throws(
      () =>
        new FakeGateway({
          scheduler: new VirtualScheduler(),
          recordedFrames: value as number,
        }),
      check,
    );
    await assert.rejects(
      FakeDiscord.start({
        scheduler: new VirtualScheduler(),
        gateway: { recordedFrames: value as number },
      }),
      check,
    );
  });
}
