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
import { ScaledScheduler } from "./scaled_scheduler.ts";
import { within } from "./watchdog.ts";

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
 * 10 ms, bounded by the watchdog (which names `what`).
 */
export function pollUntil(what: string, cond: () => boolean): Promise<void> {
  return within(
    (async () => {
      while (!cond()) await new Promise((r) => setTimeout(r, 10));
    })(),
    what,
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

/** Delete every key under `prefix` over a connection of its own. */
export async function deleteKeysAt(url: string, prefix: string): Promise<void> {
  const redis = await connectRedis({ url });
  try {
    await deleteKeys(redis, prefix);
  } finally {
    await closeRedis(redis);
  }
}
