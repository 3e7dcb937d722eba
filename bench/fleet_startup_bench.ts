// Start-up of 16 shards: one process vs four processes sharing a
// RedisIdentifyQueue, at max_concurrency 1 and 16, against the fake gateway
// on loopback, on the scaled clock of tests/_fakes/fleet_run.ts (first
// IDENTIFY to last READY). Needs DISRUPTION_TEST_REDIS_URL. About 40 s.
//
//   DISRUPTION_TEST_REDIS_URL=redis://127.0.0.1:6379 deno run -A bench/fleet_startup_bench.ts
import { runFleet, SCALE } from "../tests/_fakes/fleet_run.ts";
import { ShardManager } from "../gateway/shard_manager.ts";
import { FakeGateway } from "../testing/fake_gateway.ts";
import { VirtualScheduler } from "../testing/virtual_scheduler.ts";

/** One process, in-memory queue, the fake in-process: on the virtual clock. */
async function virtualSingle(maxConcurrency: number): Promise<number> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency, guilds: 16 });
  const manager = new ShardManager({
    token: "fake-token",
    intents: 1,
    shardCount: 16,
    maxConcurrency,
    transport: gateway.transport,
    scheduler,
  });
  let ready = false;
  const started = manager.start().then(() => ready = true);
  for (let i = 0; i < 100_000 && !ready; i++) {
    if (!await scheduler.runNext()) await scheduler.flushMicrotasks();
  }
  await started;
  const identifies = gateway.log.filter((e) => e.type === "identify");
  const at = identifies.map((e) => e.at);
  await manager.close();
  gateway.close();
  return Math.max(...at) - Math.min(...at);
}

const redisUrl = Deno.env.get("DISRUPTION_TEST_REDIS_URL");
if (!redisUrl) throw new Error("set DISRUPTION_TEST_REDIS_URL");
// deno-lint-ignore no-console
const print = console.log;
print(
  `virtual clock, one process, MemoryIdentifyQueue (default 5.25 s windows), first to last IDENTIFY: max_concurrency 1 ${await virtualSingle(
    1,
  )} ms, 16 ${await virtualSingle(16)} ms`,
);
print(`16 shards, clock x${SCALE}, first IDENTIFY to last READY`);
for (const maxConcurrency of [1, 16]) {
  const single = await runFleet({
    processes: 1,
    shards: 16,
    maxConcurrency,
    shared: true,
    redisUrl,
  });
  const fleet = await runFleet({
    processes: 4,
    shards: 16,
    maxConcurrency,
    shared: true,
    redisUrl,
  });
  print(
    `max_concurrency ${maxConcurrency}: 1 process ${
      single.startupMs.toFixed(0)
    } ms (${single.violations} violations), 4 processes ${
      fleet.startupMs.toFixed(0)
    } ms (${fleet.violations} violations), ratio ${
      (fleet.startupMs / Math.max(single.startupMs, 1)).toFixed(2)
    }`,
  );
}
