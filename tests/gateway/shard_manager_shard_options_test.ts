// What `shardOptions` gives one shard wins over the options every shard
// shares: a shard given its own intents identifies with them, the others
// with the shared ones.
import assert from "node:assert/strict";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import type { FakeIdentifyEvent } from "../../testing/fake_gateway_types.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

Deno.test("ShardManager: the options shardOptions gives a shard win over the shared ones, and only for that shard", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 3 });
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    shardCount: 3,
    maxConcurrency: 3,
    shardOptions: (id) =>
      id === 1 ? { intents: GatewayIntent.GuildMessages } : {},
  });
  await runUntilSettled(scheduler, manager.start());
  const intents = gateway.log
    .filter((e): e is FakeIdentifyEvent => e.type === "identify")
    .map((e) => [e.shard![0], e.intents])
    .sort(([a], [b]) => a! - b!);
  assert.deepEqual(intents, [
    [0, GatewayIntent.Guilds],
    [1, GatewayIntent.GuildMessages],
    [2, GatewayIntent.Guilds],
  ]);
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
  assert.equal(scheduler.pending, 0);
});
