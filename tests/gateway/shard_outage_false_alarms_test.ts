// An outage is time the shard wanted a connection and could not keep one:
// not a pause (backpressure holds it off on purpose), not a turn awaited in
// the identify queue (every shard re-identifying after a mass op 9), and it
// ends only at a connection that stays up with its heartbeat answered, not
// at a zombie that merely stayed open.
import assert from "node:assert/strict";
import type { IdentifyQueue } from "../../gateway/identify_queue.ts";
import { Shard } from "../../gateway/shard.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil } from "../_fakes/run_until.ts";

/** FakeGateway's default HELLO interval. */
const INTERVAL = 41_250;

function setUp(
  identifyQueue?: (scheduler: VirtualScheduler) => IdentifyQueue,
  random = 0.5,
): {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  shard: Shard;
} {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler });
  const shard = new Shard({
    token: "fake-token",
    intents: 1,
    transport: gateway.transport,
    scheduler,
    random: () => random,
    ...identifyQueue && { identifyQueue: identifyQueue(scheduler) },
  });
  return { scheduler, gateway, shard };
}

Deno.test("Shard paused soon after Discord's op 7 says no outage: paused time is no outage, on a healthy gateway", async () => {
  const { scheduler, gateway, shard } = setUp();
  void shard.connect();
  await runUntil(scheduler, () => shard.status === "ready");
  await scheduler.advance(200_000);
  const lines = await captureStderr(async () => {
    gateway.reconnect();
    await runUntil(
      scheduler,
      () => gateway.counters.resumed === 1 && shard.status === "ready",
    );
    // Before the first answered heartbeat of the resumed connection.
    await scheduler.advance(10_000);
    const resume = shard.pause();
    // Past FakeGateway's session TTL: the RESUME after it gets op 9.
    await scheduler.advance(180_000);
    resume();
    await scheduler.advance(5 * 60_000);
  });
  assert.equal(shard.status, "ready");
  assert.deepEqual(lines, []);
  await shard.close();
  gateway.close();
  assert.equal(scheduler.pending, 0, "no outage timer is left");
});

Deno.test("Shard whose session Discord invalidated (op 9) says no outage while its IDENTIFY waits over a minute for its turn in the identify queue", async () => {
  let acquired = 0;
  const { scheduler, gateway, shard } = setUp((scheduler) => ({
    acquire: () => {
      // The second turn comes after the other shards' (24 × 5 s).
      if (++acquired === 1) return Promise.resolve();
      return new Promise((resolve) => scheduler.setTimeout(resolve, 120_000));
    },
  }));
  void shard.connect();
  await runUntil(scheduler, () => shard.status === "ready");
  await scheduler.advance(10 * 60_000);
  const lines = await captureStderr(async () => {
    gateway.invalidateSession(false);
    await scheduler.advance(6 * 60_000);
  });
  assert.equal(acquired, 2);
  assert.equal(shard.status, "ready");
  assert.equal(gateway.counters.identifies, 2);
  assert.deepEqual(lines, []);
  await shard.close();
  gateway.close();
});

Deno.test("Shard whose RESUME after a resumable close Discord answers with op 9 (a gateway restart) says no outage while its IDENTIFY waits over a minute for its turn", async () => {
  let acquired = 0;
  const { scheduler, gateway, shard } = setUp((scheduler) => ({
    acquire: () => {
      // The second turn comes after the other shards' (24 × 5 s).
      if (++acquired === 1) return Promise.resolve();
      return new Promise((resolve) => scheduler.setTimeout(resolve, 120_000));
    },
  }));
  void shard.connect();
  await runUntil(scheduler, () => shard.status === "ready");
  await scheduler.advance(10 * 60_000);
  const lines = await captureStderr(async () => {
    // The gateway restarted: a close to resume on, the session gone.
    gateway.closeWith(4000, { resumable: false });
    await scheduler.advance(6 * 60_000);
  });
  assert.equal(acquired, 2);
  assert.equal(shard.status, "ready");
  assert.equal(gateway.counters.identifies, 2);
  assert.deepEqual(lines, []);
  await shard.close();
  gateway.close();
});

Deno.test("Shard that Discord asks to reconnect (op 7) twice, 75 s apart, says no outage: the first resumed connection stayed up, no heartbeat unanswered", async () => {
  // The jitter puts the resumed connection's first heartbeat late: the
  // second op 7 comes after it stayed up, before an ACK since then.
  const { scheduler, gateway, shard } = setUp(undefined, 0.95);
  void shard.connect();
  await runUntil(scheduler, () => shard.status === "ready");
  await scheduler.advance(200_000);
  const lines = await captureStderr(async () => {
    gateway.reconnect();
    await scheduler.advance(75_000);
    gateway.reconnect();
    await scheduler.advance(5 * 60_000);
  });
  assert.equal(shard.status, "ready");
  assert.equal(gateway.counters.resumed, 2);
  assert.deepEqual(lines, []);
  await shard.close();
  gateway.close();
});

Deno.test("Shard whose every connection is a zombie (RESUMED, then no heartbeat answered) says the outage once, and that it is back only at an answered heartbeat", async () => {
  const { scheduler, gateway, shard } = setUp();
  void shard.connect();
  await runUntil(scheduler, () => shard.status === "ready");
  let zombies = true;
  let readies = 0;
  shard.on("state", ({ current }) => {
    if (!zombies || current !== "ready") return;
    readies++;
    gateway.setAcks(false);
  });
  gateway.dropConnection();
  const said = await captureStderr(() => scheduler.advance(10 * 60_000));
  assert.ok(readies >= 5, `the shard kept resuming (${readies})`);
  assert.equal(said.length, 1, said.join("\n"));
  assert.match(
    said[0]!,
    /^\[WRN\] disruption·gateway·shard: Shard 0 has not stayed connected for \d+ s \(connections lost soon after READY or RESUMED: \d+\); still trying/,
  );
  zombies = false;
  const resumed = gateway.counters.resumed;
  const back = await captureStderr(async () => {
    // The zombie still open is left first: no line for it.
    await runUntil(
      scheduler,
      () => shard.status === "ready" && gateway.counters.resumed > resumed,
    );
    await scheduler.advance(3 * INTERVAL);
  });
  assert.equal(back.length, 1, back.join("\n"));
  assert.match(
    back[0]!,
    /^\[INF\] disruption·gateway·shard: Shard 0 is connected again after \d+ s \(resumed\)$/,
  );
  await shard.close();
  gateway.close();
});
