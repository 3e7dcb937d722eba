// A gateway that closes every session right after RESUMED keeps a shard
// offline almost all the time: each brief RESUMED must not end the outage.
// It is said on stderr once, a minute after the first loss, and its end
// (an info line saying whether the session was resumed) once a connection
// stays up. A long outage that outlives the session says the events are lost.
import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil } from "../_fakes/run_until.ts";

/** FakeGateway's default HELLO interval. */
const INTERVAL = 41_250;

function setUp(): {
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
    random: () => 0.5,
  });
  return { scheduler, gateway, shard };
}

Deno.test("Shard whose every RESUMED is followed by a close says once, a minute after the first loss, that it has not stayed connected, and once it stays up that it is back", async () => {
  const { scheduler, gateway, shard } = setUp();
  void shard.connect();
  await runUntil(scheduler, () => shard.status === "ready");
  let flapping = true;
  let readies = 0;
  shard.on("state", ({ current }) => {
    if (!flapping || current !== "ready") return;
    readies++;
    scheduler.setTimeout(() => {
      if (flapping) gateway.closeWith(4000, "again");
    }, 500);
  });
  gateway.closeWith(4000, "again");
  const quiet = await captureStderr(() => scheduler.advance(59_000));
  assert.deepEqual(quiet, [], "under a minute is ridden out unseen");
  assert.ok(readies >= 3, `the shard kept resuming (${readies})`);
  const said = await captureStderr(() => scheduler.advance(2_000));
  assert.equal(said.length, 1, said.join("\n"));
  assert.match(
    said[0]!,
    /^\[WRN\] disruption·gateway·shard: Shard 0 has not stayed connected for 60 s \(connections lost soon after READY or RESUMED: \d+\); still trying/,
  );
  const before = readies;
  const more = await captureStderr(() => scheduler.advance(5 * 60_000));
  assert.deepEqual(more, [], "said once per outage");
  assert.ok(readies > before, "it kept flapping meanwhile");
  flapping = false;
  const resumed = await captureStderr(async () => {
    await runUntil(scheduler, () => shard.status === "ready");
    // Not at RESUMED: a connection only counts once it stayed up.
    await scheduler.advance(INTERVAL / 2);
  });
  assert.deepEqual(resumed, []);
  const back = await captureStderr(() => scheduler.advance(2 * INTERVAL));
  assert.equal(back.length, 1, back.join("\n"));
  assert.match(
    back[0]!,
    /^\[INF\] disruption·gateway·shard: Shard 0 is connected again after \d+ s \(resumed\)$/,
  );
  const later = await captureStderr(() => scheduler.advance(10 * INTERVAL));
  assert.deepEqual(later, []);
  await shard.close();
  gateway.close();
  assert.equal(scheduler.pending, 0, "no outage timer is left");
});

Deno.test("Shard back after an outage longer than its session lived says the new session lost the events meanwhile", async () => {
  const { scheduler, gateway, shard } = setUp();
  void shard.connect();
  await runUntil(scheduler, () => shard.status === "ready");
  // Refused for over FakeGateway's 90 s session TTL: the RESUME gets op 9.
  gateway.planConnection("refuse", { count: 7 });
  gateway.dropConnection();
  const lines = await captureStderr(async () => {
    await runUntil(scheduler, () => shard.status === "ready");
    await scheduler.advance(2 * INTERVAL);
  });
  assert.equal(gateway.counters.resumed, 0);
  assert.equal(lines.length, 2, lines.join("\n"));
  assert.match(lines[0]!, /^\[WRN\] .*Shard 0 has not reached the gateway/);
  assert.match(
    lines[1]!,
    /^\[INF\] disruption·gateway·shard: Shard 0 is connected again after \d+ s \(new session: the events meanwhile are lost\)$/,
  );
  await shard.close();
  gateway.close();
});
