// deno-lint-ignore-file no-console -- examples print what they do
/**
 * A bot run as several processes (on one machine or many) sharing one
 * Redis: start the same command N times and the processes split the shards
 * between them, pace IDENTIFY together, and take over the shards of a
 * process that dies by RESUMEing its sessions.
 *
 * ```sh
 * DISCORD_TOKEN=... REDIS_URL=redis://10.0.0.5:6379 \
 *   deno run --allow-net --allow-env examples/fleet_bot.ts
 * ```
 *
 * - Every process asks `GET /gateway/bot` for the shard count, the gateway
 *   URL and the session start limit, and shares the limit in Redis.
 * - `FLEET_PREFIX` (default `fleet_bot`) names the bot's keys: give each bot
 *   sharing a Redis its own.
 * - Write `!where` in a channel the bot sees: the process running that
 *   guild's shard answers with its shard and process ID.
 * - Every process checks `GET /gateway/bot` hourly (`watchRecommended`):
 *   when Discord recommends more shards, the fleet reshards without
 *   downtime (the new count runs alongside the old until every new shard
 *   is ready, then every process switches).
 * - Ctrl+C leaves the fleet: the process closes its shards resumably, saves
 *   their sessions and releases their leases, and the others take them at
 *   their next renewal (5 s). A process killed outright is replaced within
 *   the lease TTL plus one renewal (15 s + 5 s).
 *
 * @module
 */
import { FleetShards } from "@disruption/disruption/fleet";
import {
  closeRedis,
  connectRedis,
  RedisIdentifyQueue,
  RedisSessionStore,
} from "@disruption/disruption/redis";
import { RestClient } from "@disruption/disruption/rest";
import { GatewayIntent } from "@disruption/disruption/types";
import { NETWORK_ADVICE, reportUnreachable } from "./_unreachable.ts";

/** What the bot asks for: guild messages and their content. */
export const FLEET_BOT_INTENTS = GatewayIntent.Guilds |
  GatewayIntent.GuildMessages | GatewayIntent.MessageContent;

/** One running process of the fleet. */
export interface RunningFleetBot {
  /** Its part of the fleet. */
  fleet: FleetShards;
  /** Leave the fleet (shards closed resumably, leases released). */
  stop(): Promise<void>;
}

/** Join the fleet as one process; {@linkcode RunningFleetBot.stop} leaves it. */
export async function runFleetBot(options: {
  token: string;
  redisUrl: string;
  prefix: string;
  /** Another REST API (the fake Discord in tests). */
  restBaseUrl?: string;
  /** A name for this process in answers. */
  name?: string;
  /** Lease TTL and renewal in ms (default 15 000 and 5 000). */
  lease?: { ttlMs: number; renewMs: number };
}): Promise<RunningFleetBot> {
  const rest = new RestClient({
    token: options.token,
    ...(options.restBaseUrl ? { baseUrl: options.restBaseUrl } : {}),
  });
  const name = options.name ?? `process ${Deno.pid}`;
  const bot = await rest.getGatewayBot();
  const redis = await connectRedis({ url: options.redisUrl });
  const fleet = new FleetShards({
    redis,
    shard: {
      token: options.token,
      intents: FLEET_BOT_INTENTS,
      gatewayUrl: bot.url,
    },
    shardCount: bot.shards,
    identifyQueue: new RedisIdentifyQueue(redis, {
      prefix: `${options.prefix}:identify`,
      sessionStartLimit: bot.session_start_limit,
    }),
    sessionStore: new RedisSessionStore(redis, {
      key: `${options.prefix}:sessions`,
      shardCountKey: `${options.prefix}:shards`,
    }),
    prefix: `${options.prefix}:fleet`,
    ...(options.lease
      ? { leaseTtlMs: options.lease.ttlMs, renewMs: options.lease.renewMs }
      : {}),
  });
  fleet.onDispatch((event) => {
    if (event.name !== "MESSAGE_CREATE") return;
    const message = event.data as {
      content?: string;
      channel_id: string;
      id: string;
    };
    if (message.content !== "!where") return;
    rest.createMessage(message.channel_id, {
      content: `shard ${event.shardId} of ${event.shardCount}, ${name}`,
      message_reference: { message_id: message.id },
    }).catch((error) => console.error("Could not answer:", error));
  });
  await fleet.start();
  const stopWatching = fleet.watchRecommended({
    fetch: () => rest.getGatewayBot(),
  });
  return {
    fleet,
    stop: async () => {
      stopWatching();
      await fleet.close();
      await closeRedis(redis);
    },
  };
}

if (import.meta.main) {
  const token = Deno.env.get("DISCORD_TOKEN");
  const redisUrl = Deno.env.get("REDIS_URL");
  if (!token || !redisUrl) {
    console.error(
      "Set DISCORD_TOKEN and REDIS_URL (see the top of this file).",
    );
    Deno.exit(2);
  }
  await reportUnreachable(async () => {
    const running = await runFleetBot({
      token,
      redisUrl,
      prefix: Deno.env.get("FLEET_PREFIX") ?? "fleet_bot",
    });
    console.log(
      `Process ${Deno.pid} joined with shards ${running.fleet.shardIds}`,
    );
    // SIGTERM too: `docker stop` and systemd send it, and a process that
    // does not release its leases holds its shards until they expire.
    const interrupted = Promise.withResolvers<void>();
    Deno.addSignalListener("SIGINT", interrupted.resolve);
    Deno.addSignalListener("SIGTERM", interrupted.resolve);
    await interrupted.promise;
    Deno.removeSignalListener("SIGINT", interrupted.resolve);
    Deno.removeSignalListener("SIGTERM", interrupted.resolve);
    await running.stop();
    console.log(`Process ${Deno.pid} left the fleet`);
  }, NETWORK_ADVICE);
}
