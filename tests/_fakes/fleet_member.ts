// One process of a fleet in the failover tests: a FleetShards with a
// RedisIdentifyQueue and a RedisSessionStore, on the shared ScaledScheduler.
// Prints one line per dispatch (`d <shard> <sequence> <session> <id>`,
// written synchronously so a SIGKILL loses none already handled) and
// `held <ids>` whenever its shards change. Closes when its stdin closes.
import { FleetShards } from "../../fleet/fleet_shards.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import { RedisIdentifyQueue } from "../../redis/identify_queue.ts";
import { RedisSessionStore } from "../../redis/session_store.ts";
import { ScaledScheduler } from "./scaled_scheduler.ts";

/** The member's argument. */
export interface FleetMemberConfig {
  gatewayUrl: string;
  redisUrl: string;
  prefix: string;
  shardCount: number;
  maxConcurrency: number;
  leaseTtlMs: number;
  renewMs: number;
  epoch: number;
  scale: number;
}

if (import.meta.main) {
  const config = JSON.parse(Deno.args[0]!) as FleetMemberConfig;
  const scheduler = new ScaledScheduler(config.epoch, config.scale);
  const redis = await connectRedis({ url: config.redisUrl });
  const fleet = new FleetShards({
    redis,
    shard: {
      token: "fake-token",
      intents: 1,
      gatewayUrl: config.gatewayUrl,
    },
    shardCount: config.shardCount,
    identifyQueue: new RedisIdentifyQueue(redis, {
      prefix: `${config.prefix}:identify`,
      clock: "scheduler",
      scheduler,
      maxConcurrency: config.maxConcurrency,
      intervalMs: 6_000,
      pollMs: 50 * config.scale,
      livenessMs: 1000 * config.scale,
    }),
    sessionStore: new RedisSessionStore(redis, {
      key: `${config.prefix}:sessions`,
      shardCountKey: `${config.prefix}:shards`,
    }),
    prefix: `${config.prefix}:fleet`,
    leaseTtlMs: config.leaseTtlMs,
    renewMs: config.renewMs,
    clock: "scheduler",
    scheduler,
  });
  const out = new TextEncoder();
  const write = (line: string): void => {
    const bytes = out.encode(line + "\n");
    let written = 0;
    while (written < bytes.length) {
      written += Deno.stdout.writeSync(bytes.subarray(written));
    }
  };
  fleet.onDispatch((event) => {
    const id = (event.data as { id?: string } | null)?.id ?? "-";
    write(`d ${event.shardId} ${event.sequence} ${event.sessionId} ${id}`);
  });
  let held = "";
  const report = setInterval(() => {
    const now = fleet.shardIds.join(",");
    if (now !== held) write(`held ${held = now}`);
  }, 20);
  await fleet.start();
  for await (const _ of Deno.stdin.readable) { /* until stdin closes */ }
  clearInterval(report);
  await fleet.close();
  await closeRedis(redis);
}
