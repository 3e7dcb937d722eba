// One process of a fleet in the failover tests: a FleetShards with a
// RedisIdentifyQueue and a RedisSessionStore, on the shared ScaledScheduler.
// Prints one line per dispatch (`d <shard> <sequence> <session> <id>`,
// written synchronously so a SIGKILL loses none already handled) and
// `held <ids>` whenever its shards change, `gen <count> <next count or -> <next
// ids>` whenever its shard counts change. A stdin line `reshard <count>
// [<session starts left>]` asks the fleet to reshard (`r asked <from>` or
// `r refused <reason>`). Closes when its stdin closes.
import { FleetShards } from "../../fleet/fleet_shards.ts";
import { ReshardError } from "../../fleet/resharding_shards.ts";
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
    write(
      `d ${event.shardId} ${event.sequence} ${event.sessionId} ${id} ${event.shardCount}`,
    );
  });
  let held = "";
  let gen = "";
  const report = setInterval(() => {
    const now = fleet.shardIds.join(",");
    if (now !== held) write(`held ${held = now}`);
    const next = fleet.resharding;
    const counts = `${fleet.shardCount} ${next?.shardCount ?? "-"} ${
      next?.shardIds.join(",") ?? ""
    }`;
    if (counts !== gen) write(`gen ${gen = counts}`);
  }, 20);
  await fleet.start();
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  let rest = "";
  for await (const chunk of lines) {
    rest += chunk;
    const parts = rest.split("\n");
    rest = parts.pop()!;
    for (const line of parts) {
      const [command, count, left] = line.split(" ");
      if (command !== "reshard") continue;
      try {
        const asked = await fleet.reshard(
          Number(count),
          left === undefined ? {} : { sessionStartsLeft: Number(left) },
        );
        write(`r asked ${asked.from}`);
      } catch (error) {
        if (!(error instanceof ReshardError)) throw error;
        write(`r refused ${error.message}`);
      }
    }
  }
  clearInterval(report);
  await fleet.close();
  await closeRedis(redis);
}
