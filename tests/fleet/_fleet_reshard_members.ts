// The scene of the fleet_reshard_drain/overlap tests: two or three
// FleetShards members in one process, each on its own Redis connection
// (through a Valve), on one VirtualScheduler (leases on its clock), against
// the in-process FakeGateway through a transport that can read a member's
// frames late, keep it off the resume URL, and refuse its RESUMEs.
import type { FleetDispatch } from "../../fleet/mod.ts";
import { FleetShards } from "../../fleet/fleet_shards.ts";
import {
  MemoryIdentifyQueue,
  type SessionStartLimit,
} from "../../gateway/identify_queue.ts";
import type { SocketListener, Transport } from "../../gateway/transport.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import { server, Valve } from "./fleet_run_guard_scene.ts";
import { deleteKeys, sessionStoreAt } from "../_fakes/fleet_scene.ts";

export { server };

/** The virtual clock's start. */
export const T0 = 1_000_000;

/** One member of the scene. */
export interface Member {
  name: string;
  fleet: FleetShards;
  valve: Valve;
  redis: RedisConnection;
  /** How late (virtual ms) the member reads the frames of a count. */
  lag: Map<number, number>;
  /** Connections refused: "resume" (the resume URL) or "main". */
  outage: Set<string>;
  delivered: FleetDispatch[];
}

/** What {@linkcode fleetScene} varies. */
export interface FleetSceneOptions {
  count: number;
  members: number;
  heartbeatInterval?: number;
  limit?: SessionStartLimit;
  leaseTtlMs?: number;
  /** Each member's renewMs (the last one for the rest). */
  renewMs?: number[];
  /** Closes reach the member at once, however late it reads frames. */
  fastClose?: boolean;
}

/** The scene: its members, gateway, clock and what was sent. */
export interface FleetScene {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  queue: MemoryIdentifyQueue;
  members: Member[];
  /** The messages posted, in order. */
  sent: string[];
  /** When each was posted, from T0. */
  sentAt: Map<string, number>;
  /** The members' Redis prefix (`<prefix>:fleet` is the fleet's). */
  prefix: string;
  send(n?: number): void;
  run(ms: number, streaming?: boolean, step?: number): Promise<void>;
  until(
    what: string,
    cond: () => boolean,
    limitMs?: number,
    streaming?: boolean,
  ): Promise<void>;
  tally(): { lost: string[]; twice: string[] };
  activeOf(count: number): number;
  start(): Promise<void>;
  teardown(): Promise<void>;
}

/** Build the scene (the members not started). */
export async function fleetScene(
  opts: FleetSceneOptions,
): Promise<FleetScene> {
  const scheduler = new VirtualScheduler({ start: T0 });
  const limit = opts.limit;
  const gateway = new FakeGateway({
    scheduler,
    guilds: 16,
    maxConcurrency: 16,
    heartbeatInterval: opts.heartbeatInterval ?? 5_000,
    ...(limit
      ? {
        sessionStartLimit: {
          total: limit.total,
          remaining: limit.remaining,
          resetAfter: limit.reset_after,
        },
      }
      : {}),
  });
  const prefix = `disruption:test:reshard-members:${crypto.randomUUID()}`;
  const direct = await connectRedis({ url: server.url });
  const queue = new MemoryIdentifyQueue({
    scheduler,
    maxConcurrency: 16,
    ...(limit ? { sessionStartLimit: limit } : {}),
  });
  const members: Member[] = [];
  const sent: string[] = [];
  const sentAt = new Map<string, number>();
  const renew = opts.renewMs ?? [1_000];
  for (let i = 0; i < opts.members; i++) {
    const redis = await connectRedis({ url: server.url });
    const valve = new Valve();
    const wrapped = valve.wrap(redis);
    const m: Member = {
      name: String.fromCharCode(65 + i),
      fleet: undefined as unknown as FleetShards,
      valve,
      redis,
      lag: new Map(),
      outage: new Set(),
      delivered: [],
    };
    const transport: Transport = (url, listener) =>
      lagging(gateway, scheduler, m, url, listener, opts.fastClose ?? false);
    m.fleet = new FleetShards({
      redis: wrapped,
      // The shards take every Shard option along: the transport is the
      // test's.
      shard: {
        token: "fake-token",
        intents: 1,
        gatewayUrl: gateway.url,
        transport,
      },
      shardCount: opts.count,
      identifyQueue: queue,
      sessionStore: sessionStoreAt(wrapped, prefix),
      prefix: `${prefix}:fleet`,
      leaseTtlMs: opts.leaseTtlMs ?? 3_000,
      renewMs: renew[Math.min(i, renew.length - 1)]!,
      clock: "scheduler",
      scheduler,
    });
    m.fleet.onDispatch((e) => void m.delivered.push(e));
    members.push(m);
  }
  /** Post `n` messages, one guild after another. */
  const send = (n = 1): void => {
    for (let i = 0; i < n; i++) {
      const guilds = gateway.guildIds;
      const id = `m${sent.length}`;
      const guild = guilds[sent.length % guilds.length];
      gateway.dispatch(
        "MESSAGE_CREATE",
        { id, guild_id: guild, channel_id: "1", content: id },
        { ignoreIntents: true, warnIfFiltered: false },
      );
      sent.push(id);
      sentAt.set(id, scheduler.now() - T0);
    }
  };
  const idle = async (): Promise<void> => {
    for (const m of members) await m.valve.idle();
  };
  /** Move the clock `ms` in 20 ms steps, a message each step if `streaming`. */
  const run = async (ms: number, streaming = true, step = 20) => {
    for (let t = 0; t < ms; t += step) {
      if (streaming) send();
      await scheduler.advance(step);
      await idle();
    }
  };
  /** Run (streaming) until `cond`, at most `limitMs`. */
  const until = async (
    what: string,
    cond: () => boolean,
    limitMs = 120_000,
    streaming = true,
  ): Promise<void> => {
    for (let t = 0; t < limitMs; t += 20) {
      if (cond()) return;
      await run(20, streaming);
    }
    throw new Error(`Timed out (virtual ${limitMs} ms): ${what}`);
  };
  /** The messages lost, and those delivered more than once. */
  const tally = () => {
    const counts = new Map<string, number>();
    for (const m of members) {
      for (const e of m.delivered) {
        if (e.name !== "MESSAGE_CREATE") continue;
        const id = (e.data as { id: string }).id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
    return {
      lost: sent.filter((id) => !counts.has(id)),
      twice: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
    };
  };
  const activeOf = (count: number) =>
    gateway.sessions.filter((s) =>
      s.state === "active" && s.shard?.[1] === count
    )
      .length;
  /** Start every member, and run until the first count's shards all run. */
  const start = async (): Promise<void> => {
    for (const m of members) await m.fleet.start();
    await until(
      `${opts.count} shards run`,
      () => activeOf(opts.count) === opts.count,
      60_000,
      false,
    );
  };
  const teardown = async (): Promise<void> => {
    for (const m of members) {
      m.valve.down = false;
      m.valve.open();
      m.outage.clear();
      m.lag.clear();
    }
    for (const m of members) {
      let done = false;
      const closed = m.fleet.close().finally(() => done = true);
      for (let i = 0; i < 400 && !done; i++) {
        await scheduler.advance(50);
        await new Promise((r) => setTimeout(r, 1));
      }
      await closed;
    }
    for (const m of members) await closeRedis(m.redis).catch(() => {});
    gateway.close();
    await deleteKeys(direct, prefix);
    await closeRedis(direct);
  };
  return {
    scheduler,
    gateway,
    queue,
    members,
    sent,
    sentAt,
    prefix,
    send,
    run,
    until,
    tally,
    activeOf,
    start,
    teardown,
  };
}

/**
 * Register `name` (ignored without the test Redis): `fn` runs in a new
 * scene, torn down however it ends.
 */
export function membersTest(
  name: string,
  options: FleetSceneOptions,
  fn: (s: FleetScene) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: server.ignore,
    fn: async () => {
      const s = await fleetScene(options);
      try {
        await fn(s);
      } finally {
        await s.teardown();
      }
    },
  });
}

/** The member's transport: frames read `lag` late, outages refused. */
function lagging(
  gateway: FakeGateway,
  scheduler: VirtualScheduler,
  m: Member,
  url: string,
  listener: SocketListener,
  fastClose: boolean,
): ReturnType<Transport> {
  const kind = url.startsWith(gateway.resumeUrl) ? "resume" : "main";
  if (m.outage.has(kind)) {
    scheduler.setTimeout(() => {
      listener.onError(new Error("network down (test outage)"));
      listener.onClose(1006, "");
    }, 1);
    return { send: () => false, close: () => {} };
  }
  let count = -1;
  let chain = 0;
  // Frames in order, each `lag` after it came (or after the one before).
  const later = (f: () => void): void => {
    const ms = m.lag.get(count) ?? 0;
    if (ms === 0 && chain <= scheduler.now()) return f();
    chain = Math.max(chain, scheduler.now() + ms);
    scheduler.setTimeout(f, chain - scheduler.now());
  };
  const socket = gateway.transport(url, {
    onOpen: () => listener.onOpen(),
    onMessage: (data) => later(() => listener.onMessage(data)),
    onBytes: () => listener.onBytes?.(),
    onClose: (code, reason) =>
      fastClose
        ? listener.onClose(code, reason)
        : later(() => listener.onClose(code, reason)),
    onError: (error) => listener.onError(error),
  });
  return {
    send(data: string): boolean | void {
      const payload = JSON.parse(data) as {
        op: number;
        d?: { shard?: [number, number]; session_id?: string };
      };
      if (payload.op === 2 && payload.d?.shard) count = payload.d.shard[1];
      if (payload.op === 6) {
        const id = payload.d?.session_id;
        const session = gateway.sessions.find((s) => s.id === id);
        count = session?.shard?.[1] ?? count;
      }
      return socket.send(data);
    },
    close: (code: number, reason?: string) => socket.close(code, reason),
  };
}
