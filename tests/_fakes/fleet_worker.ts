// One process of a bot in the multi-process tests: runs its shards of the
// bot against the fake gateway, pacing IDENTIFY through a RedisIdentifyQueue
// (or, as the control, a queue of its own). Configured by one JSON argument;
// prints `loaded`, starts its shards at a `go` line on its stdin, prints
// `ready` once every shard of it is READY, and closes when its stdin closes.
import { ShardManager } from "../../gateway/shard_manager.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import type { IdentifyQueue } from "../../gateway/identify_queue.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import { RedisIdentifyQueue } from "../../redis/identify_queue.ts";
import { ScaledScheduler } from "./scaled_scheduler.ts";

/** The worker's argument. */
export interface FleetWorkerConfig {
  gatewayUrl: string;
  /** Without it the worker paces with a MemoryIdentifyQueue of its own. */
  redisUrl?: string;
  prefix: string;
  shardIds: number[];
  shardCount: number;
  maxConcurrency: number;
  intervalMs: number;
  epoch: number;
  scale: number;
}

if (import.meta.main) {
  const config = JSON.parse(Deno.args[0]!) as FleetWorkerConfig;
  const scheduler = new ScaledScheduler(config.epoch, config.scale);
  const redis = config.redisUrl
    ? await connectRedis({ url: config.redisUrl })
    : undefined;
  const identifyQueue: IdentifyQueue = redis
    ? new RedisIdentifyQueue(redis, {
      prefix: config.prefix,
      clock: "scheduler",
      scheduler,
      maxConcurrency: config.maxConcurrency,
      intervalMs: config.intervalMs,
      // Scaled: 50 ms of real time between polls.
      pollMs: 50 * config.scale,
      livenessMs: 1000 * config.scale,
    })
    : new MemoryIdentifyQueue({
      scheduler,
      maxConcurrency: config.maxConcurrency,
      intervalMs: config.intervalMs,
    });
  const manager = new ShardManager({
    token: "fake-token",
    intents: 1,
    shardCount: config.shardCount,
    shardIds: config.shardIds,
    gatewayUrl: config.gatewayUrl,
    scheduler,
    identifyQueue,
  });
  const out = new TextEncoder();
  // Every worker starts its shards at the test's `go`, once all have
  // loaded: how far apart the runtimes started (half a second on a busy
  // 2-core machine, 5 s on the scaled clock) is no part of the start-up.
  await Deno.stdout.write(out.encode("loaded\n"));
  const stdin = Deno.stdin.readable.getReader();
  let line = "";
  while (!line.includes("go")) {
    const { value, done } = await stdin.read();
    if (done) Deno.exit(0);
    line += new TextDecoder().decode(value);
  }
  await manager.start();
  await Deno.stdout.write(out.encode("ready\n"));
  // Run until the test closes stdin.
  while (!(await stdin.read()).done) { /* nothing to read */ }
  await manager.close();
  if (redis) await closeRedis(redis);
}
