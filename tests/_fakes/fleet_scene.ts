// Setup and teardown shared by the fleet tests on loopback
// (tests/fleet/fleet_*_test.ts): the fake gateway served on one
// ScaledScheduler, waits on real I/O bounded by the watchdog, member
// processes stopped, and the Redis keys a test made under its prefix removed.
import { FakeGateway } from "../../testing/fake_gateway.ts";
import {
  type FakeGatewayServer,
  serveFakeGateway,
} from "../../testing/fake_gateway_server.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import type { MemberProcess } from "./fleet_member_process.ts";
import { FleetShards } from "../../fleet/fleet_shards.ts";
import { RedisIdentifyQueue } from "../../redis/identify_queue.ts";
import { RedisSessionStore } from "../../redis/session_store.ts";
import type { Scheduler } from "../../base/scheduler.ts";
import { ScaledScheduler } from "./scaled_scheduler.ts";
import { within } from "./watchdog.ts";
import { testRedis } from "./servers.ts";

/** The fake gateway, served on loopback, on the scheduler everyone shares. */
export interface FleetGateway {
  /** The real clock sped up `scale` times. */
  scheduler: ScaledScheduler;
  /** The fake (maxConcurrency 4). */
  gateway: FakeGateway;
  /** Its loopback server. */
  served: FakeGatewayServer;
  /** Close the server, then the fake. */
  close(): Promise<void>;
}

/** Serve a fake gateway with `guilds` guilds on a ScaledScheduler. */
export async function serveFleetGateway(
  scale: number,
  guilds: number,
): Promise<FleetGateway> {
  const scheduler = new ScaledScheduler(Date.now(), scale);
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 4, guilds });
  const served = await serveFakeGateway(gateway);
  return {
    scheduler,
    gateway,
    served,
    close: async () => {
      await served.close();
      gateway.close();
    },
  };
}

/**
 * Wait on real I/O (sockets, Redis) until `cond()` holds, checked every
 * 10 ms, bounded by the watchdog (which names `what`; `ms` for a wait the
 * scene makes longer than the watchdog's default by design).
 */
export function pollUntil(
  what: string,
  cond: () => boolean,
  ms?: number,
): Promise<void> {
  return within(
    (async () => {
      while (!cond()) await new Promise((r) => setTimeout(r, 10));
    })(),
    what,
    ms,
  );
}

/**
 * Waits on member processes: `changed` is what they call when they report
 * something; `waitFor` re-checks its condition on every such report, each
 * wait bounded by the watchdog.
 */
export function memberChanges(): {
  changed: () => void;
  waitFor: (what: string, cond: () => boolean) => Promise<void>;
} {
  let wake: () => void = () => {};
  return {
    changed: () => wake(),
    waitFor: async (what, cond) => {
      while (!cond()) {
        await within(new Promise<void>((resolve) => wake = resolve), what);
      }
    },
  };
}

/** End every member's input, then wait for each to exit and its output. */
export async function stopMembers(members: MemberProcess[]): Promise<void> {
  for (const m of members) await m.end();
  for (const m of members) {
    await m.child.status;
    await m.done;
  }
}

/** Delete every key under `prefix`. */
export async function deleteKeys(
  redis: RedisConnection,
  prefix: string,
): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}

/**
 * Register the test `name` (ignored without the test Redis): `fn` runs with
 * a connection and a fresh prefix `disruption:test:<tag>:<uuid>` (the
 * fleet's generation hash at `key`), every key under it deleted after.
 */
export function generationTest(
  tag: string,
  name: string,
  fn: (redis: RedisConnection, prefix: string, key: string) => Promise<void>,
): void {
  const server = testRedis();
  Deno.test({
    name,
    ignore: server.ignore,
    fn: async () => {
      const redis = await connectRedis({ url: server.url });
      const prefix = `disruption:test:${tag}:${crypto.randomUUID()}`;
      try {
        await fn(redis, prefix, `${prefix}:generation`);
      } finally {
        await deleteKeys(redis, prefix);
        await closeRedis(redis);
      }
    },
  });
}

/** Delete every key under `prefix` over a connection of its own. */
export async function deleteKeysAt(url: string, prefix: string): Promise<void> {
  const redis = await connectRedis({ url });
  try {
    await deleteKeys(redis, prefix);
  } finally {
    await closeRedis(redis);
  }
}

/** What {@linkcode inProcessMember} varies. */
export interface InProcessMemberOptions {
  /** Its own connection (one per process it stands for). */
  redis: RedisConnection;
  /** The test's key prefix. */
  prefix: string;
  /** The fake gateway's URL. */
  gatewayUrl: string;
  /** Times the identify queue (on the scheduler's clock). */
  scheduler: ScaledScheduler;
  /** The fleet's scheduler: `scheduler` unless given (a skewed one). */
  fleetScheduler?: Scheduler;
  /** How much `scheduler` speeds the real clock up. */
  scale: number;
  shardCount: number;
  leaseTtlMs: number;
  renewMs: number;
  /** The leases' clock: the scheduler's, or Redis's (the default). */
  clock?: "scheduler";
}

/**
 * One process of a fleet in this test process: FleetShards with a shared
 * identify queue (max_concurrency 4) and session store under `prefix`.
 */
export function inProcessMember(options: InProcessMemberOptions): FleetShards {
  const { redis, prefix, scheduler, scale } = options;
  return new FleetShards({
    redis,
    shard: { token: "fake-token", intents: 1, gatewayUrl: options.gatewayUrl },
    shardCount: options.shardCount,
    identifyQueue: new RedisIdentifyQueue(redis, {
      prefix: `${prefix}:identify`,
      clock: "scheduler",
      scheduler,
      maxConcurrency: 4,
      pollMs: 50 * scale,
      livenessMs: 1000 * scale,
    }),
    sessionStore: sessionStoreAt(redis, prefix),
    prefix: `${prefix}:fleet`,
    leaseTtlMs: options.leaseTtlMs,
    renewMs: options.renewMs,
    ...(options.clock ? { clock: options.clock } : {}),
    scheduler: options.fleetScheduler ?? scheduler,
  });
}

/** The session store of the fleet under `prefix`. */
export function sessionStoreAt(
  redis: RedisConnection,
  prefix: string,
): RedisSessionStore {
  return new RedisSessionStore(redis, {
    key: `${prefix}:sessions`,
    shardCountKey: `${prefix}:shards`,
  });
}
