// The scene of the fleet_run_guard_* tests: FleetShards on a VirtualScheduler
// (leases on its clock) against the real test Redis, through a valve that
// can hold commands the way a frozen Redis or a stalled network does (a
// held command reaches Redis only when the valve opens), fail them the way
// a Redis that is down does, and rewrite answers; the fake gateway in
// process, on the same clock. Not on loopback: a tick that closes shards
// (a reshard given up) waits for their sockets, real I/O no valve sees, so
// on a loaded machine a step moved the clock before the tick renewed, the
// lease guard fired, and every later tick came a step late and fired it
// again (a test's reshard never flipped). In process, a close is microtasks.
import assert from "node:assert/strict";
import type { Scheduler } from "../../base/scheduler.ts";
import { FleetShards } from "../../fleet/fleet_shards.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import {
  MemorySessionStore,
  type SessionStore,
} from "../../gateway/session_store.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import {
  type FakeGatewayServer,
  serveFakeGateway,
} from "../../testing/fake_gateway_server.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import {
  deleteKeys,
  pollUntil,
  sessionStoreAt,
} from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";

export const server = testRedis();

/** The Redis commands the fleet sends (the rest pass as they are). */
const COMMANDS = new Set([
  "eval",
  "evalsha",
  "get",
  "mget",
  "set",
  "del",
  "hget",
  "hgetall",
  "sismember",
  "smismember",
  "time",
]);

/** One command sent through a valve. */
export interface SentCommand {
  name: string;
  args: unknown[];
}

/** Holds and rewrites the commands of one connection. */
export class Valve {
  /** Every command sent, in order. */
  readonly sent: SentCommand[] = [];
  /** How many commands Redis answered (or failed). */
  answered = 0;
  /** Commands held, each sent to Redis when the valve opens. */
  readonly held: SentCommand[] = [];
  readonly #release: (() => void)[] = [];
  /** Which commands to hold (every one for a frozen Redis). */
  hold: ((command: SentCommand) => boolean) | undefined;
  /** Rewrites an answer. */
  rewrite: ((command: SentCommand, answer: unknown) => unknown) | undefined;
  /**
   * While set, every command fails at once without reaching Redis: Redis
   * down (restarting), not silent.
   */
  down = false;

  /**
   * Resolves once Redis answered every command sent but those held, and
   * no command was sent over a real macrotask turn after that: the member
   * is done with what it was doing (a tick, a mark), not between two of its
   * commands. Every command answered is not enough: the next command of a
   * tick goes out a few microtasks after the answer to the one before, and
   * a test that moves the clock in that gap answers the tick late on the
   * virtual clock (as a slow Redis would); a few such gaps in a row and
   * the lease guard fires and stops every shard.
   */
  async idle(): Promise<void> {
    const settled = () => this.answered + this.held.length === this.sent.length;
    for (;;) {
      await pollUntil("Redis answered", settled);
      const sent = this.sent.length;
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (this.sent.length === sent && settled()) return;
    }
  }

  /** Send what is held, and hold nothing more. */
  open(): void {
    this.hold = undefined;
    this.held.length = 0;
    for (const send of this.#release.splice(0)) send();
  }

  /** The connection last wrapped (for its events: "ready", "close"). */
  connection: RedisConnection | undefined;

  /** `redis` with its commands going through this valve. */
  wrap(redis: RedisConnection): RedisConnection {
    this.connection = redis;
    return new Proxy(redis, {
      get: (target, property): unknown => {
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (typeof property !== "string" || !COMMANDS.has(property)) {
          return value.bind(target);
        }
        return (...args: unknown[]): Promise<unknown> => {
          const command = { name: property, args };
          this.sent.push(command);
          if (this.down) {
            this.answered++;
            return Promise.reject(new Error("Connection is closed."));
          }
          const send = async (): Promise<unknown> => {
            try {
              const answer = await value.apply(target, args);
              return this.rewrite ? this.rewrite(command, answer) : answer;
            } finally {
              this.answered++;
            }
          };
          if (!this.hold?.(command)) return send();
          this.held.push(command);
          return new Promise((resolve, reject) => {
            this.#release.push(() => void send().then(resolve, reject));
          });
        };
      },
    });
  }
}

/**
 * Once `valve`'s member is idle ({@linkcode Valve.idle}), move the clock by
 * `ms`. Waiting only until every command sent was answered moved it between
 * two commands of a tick now and then, each time answering the tick `ms`
 * later on the virtual clock; a few of those in a row and a renewal came
 * more than `leaseTtlMs - renewMs` after the one before, so the lease guard
 * fired (as it must when Redis is that slow) and stopped every shard.
 */
export async function step(s: Scene, valve: Valve, ms: number): Promise<void> {
  await valve.idle();
  await s.scheduler.advance(ms);
}

/**
 * Move the clock by `ms`, then wait until every member is idle
 * ({@linkcode Valve.idle}; every command answered was not enough, see
 * {@linkcode step}): the steps of the tests with several members.
 */
export async function stepAll(
  s: Scene,
  valves: Valve[],
  ms = 1_000,
): Promise<void> {
  await s.scheduler.advance(ms);
  for (const valve of valves) await valve.idle();
}

/** Whether `command` runs the lease tick script (shard_leases.ts). */
export function isLeaseTick(command: SentCommand): boolean {
  return command.name === "eval" &&
    String(command.args[0]).includes("local horizon = now + 2 * ttl");
}

/** Whether `command` syncs the fleet's shard count (fleet_generation.ts). */
export function isSync(command: SentCommand): boolean {
  return command.name === "eval" &&
    String(command.args[0]).includes("if nxt and complete(nxt) then");
}

/** Whether `command` releases leases (shard_leases.ts). */
export function isRelease(command: SentCommand): boolean {
  return command.name === "eval" &&
    String(command.args[0]).includes("for i = 3, #ARGV do");
}

/** A session store that counts its reads and can hold them. */
export class CountedStore extends MemorySessionStore {
  loads = 0;
  loadAlls = 0;
  /** Reads wait for this while set. */
  gate: Promise<void> | undefined;

  override async load(
    shardId: number,
  ): ReturnType<SessionStore["load"]> {
    this.loads++;
    await this.gate;
    return super.load(shardId);
  }

  override async loadAll(): ReturnType<SessionStore["loadAll"]> {
    this.loadAlls++;
    await this.gate;
    return super.loadAll();
  }
}

/** What one FleetShards of a scene varies. */
export interface MemberOptions {
  shardCount?: number;
  leaseTtlMs?: number;
  renewMs?: number;
  store?: SessionStore;
  /**
   * Where shards connect (on loopback): the scene's fake gateway, in
   * process, unless given.
   */
  gatewayUrl?: string;
  /** The bot token: `"fake-token"` (the scene's fake's) unless given. */
  token?: string;
  /** The gateway intents: 1 unless given. */
  intents?: number;
  /**
   * Keep sessions in Redis (`<prefix>:sessions`, through the member's
   * valve, as a fleet shares them) instead of in memory; `store` wins.
   */
  redisStore?: boolean;
  /** The shards it may run: every one unless given. */
  pool?: readonly number[];
  /** Its clock and timers: the scene's unless given (one that blocks). */
  scheduler?: Scheduler;
}

/** One test's fleet. */
export interface Scene {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  served: FakeGatewayServer;
  prefix: string;
  /** A connection of the test's own (no valve). */
  direct: RedisConnection;
  /** A member on a connection of its own, through `valve`. */
  member(valve: Valve, options?: MemberOptions): Promise<FleetShards>;
  /** The leases of `shardCount` shards in Redis: shard -> owner|expiry. */
  leases(shardCount: number): Promise<Record<string, string>>;
  /** Close the members, the connections and the fake; delete the keys. */
  teardown(): Promise<void>;
}

/**
 * A scene on a clock starting at `start`, against the Redis at `url` (the
 * test server unless given).
 */
export async function scene(
  start = 1_000_000,
  url: string = server.url,
): Promise<Scene> {
  const scheduler = new VirtualScheduler({ start });
  // Heartbeats an hour apart: the tests move the clock by seconds.
  const gateway = new FakeGateway({
    scheduler,
    maxConcurrency: 16,
    guilds: 2,
    heartbeatInterval: 3_600_000,
  });
  const served = await serveFakeGateway(gateway);
  const prefix = `disruption:test:runguard:${crypto.randomUUID()}`;
  const direct = await connectRedis({ url });
  const connections: RedisConnection[] = [];
  const members: FleetShards[] = [];
  const valves: Valve[] = [];
  return {
    scheduler,
    gateway,
    served,
    prefix,
    direct,
    member: async (valve, options = {}) => {
      const redis = await connectRedis({ url });
      connections.push(redis);
      valves.push(valve);
      const wrapped = valve.wrap(redis);
      const member = new FleetShards({
        redis: wrapped,
        shard: {
          token: options.token ?? "fake-token",
          intents: options.intents ?? 1,
          ...(options.gatewayUrl === undefined
            ? { gatewayUrl: gateway.url, transport: gateway.transport }
            : { gatewayUrl: options.gatewayUrl }),
        },
        shardCount: options.shardCount ?? 2,
        identifyQueue: new MemoryIdentifyQueue({
          scheduler,
          maxConcurrency: 16,
          intervalMs: 0,
        }),
        sessionStore: options.store ??
          (options.redisStore
            ? sessionStoreAt(wrapped, prefix)
            : new MemorySessionStore()),
        prefix: `${prefix}:fleet`,
        ...(options.pool ? { pool: options.pool } : {}),
        leaseTtlMs: options.leaseTtlMs ?? 3_000,
        renewMs: options.renewMs ?? 1_000,
        clock: "scheduler",
        scheduler: options.scheduler ?? scheduler,
      });
      members.push(member);
      return member;
    },
    leases: (shardCount) =>
      direct.hgetall(`${prefix}:fleet:${shardCount}:leases`),
    teardown: async () => {
      for (const valve of valves) {
        valve.down = false;
        valve.open();
      }
      for (const member of members) await member.close();
      for (const redis of connections) await closeRedis(redis);
      await served.close();
      gateway.close();
      await deleteKeys(direct, prefix);
      await closeRedis(direct);
    },
  };
}

/**
 * Register the test `name` (ignored without the test Redis): `fn` runs in a
 * new scene with `count` new valves (one per member it makes), and the
 * scene is torn down however it ends.
 */
export function valvesTest(
  name: string,
  count: number,
  fn: (s: Scene, valves: Valve[]) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: server.ignore,
    fn: async () => {
      const s = await scene();
      try {
        await fn(s, Array.from({ length: count }, () => new Valve()));
      } finally {
        await s.teardown();
      }
    },
  });
}

/** {@linkcode valvesTest} with one valve. */
export function sceneTest(
  name: string,
  fn: (s: Scene, valve: Valve) => Promise<void>,
): void {
  valvesTest(name, 1, (s, valves) => fn(s, valves[0]!));
}

/** Every shard id `fleets` run, sorted. */
export function runningIds(fleets: FleetShards[]): number[] {
  return fleets.flatMap((f) => f.shardIds).sort((a, b) => a - b);
}

/**
 * Make the scene's fleet one whose shard count Redis already holds (that of
 * `fleet`): at a fleet's first start, where Redis holds none, no process
 * takes a shard for a lease TTL (see `generation_seed.ts`), and the tests
 * using this are about a fleet that runs.
 */
export async function established(s: Scene, fleet: FleetShards): Promise<void> {
  await s.direct.hsetnx(
    `${s.prefix}:fleet:generation`,
    "count",
    fleet.shardCount,
  );
}

/**
 * Two processes of an {@linkcode established} fleet of two shards, on the
 * first two of `valves` (the second with `second`'s options too), started
 * and stepped until they run both shards between them.
 */
export async function twoRunning(
  s: Scene,
  valves: Valve[],
  second: MemberOptions = {},
): Promise<[FleetShards, FleetShards]> {
  const a = await s.member(valves[0]!, { shardCount: 2 });
  const b = await s.member(valves[1]!, { shardCount: 2, ...second });
  await established(s, a);
  await a.start();
  await b.start();
  for (let i = 0; i < 10 && runningIds([a, b]).length < 2; i++) {
    await stepAll(s, valves);
  }
  assert.deepEqual(runningIds([a, b]), [0, 1]);
  return [a, b];
}

/**
 * Start `fleet` in an {@linkcode established} fleet and run its second
 * tick (the first only joins).
 */
export async function running(s: Scene, fleet: FleetShards): Promise<void> {
  await established(s, fleet);
  await fleet.start();
  await s.scheduler.advance(1_000);
  await pollUntil("two shards running", () => fleet.shardIds.length === 2);
  await pollUntil(
    "two live sessions",
    () => s.gateway.sessions.filter((x) => x.state === "active").length === 2,
  );
}

/** MESSAGE_CREATE ids delivered by any of `fleets`, in order. */
export function deliveredMessages(fleets: FleetShards[]): string[] {
  const got: string[] = [];
  for (const fleet of fleets) {
    fleet.onDispatch((e) => {
      if (e.name === "MESSAGE_CREATE") got.push((e.data as { id: string }).id);
    });
  }
  return got;
}

/** A MESSAGE_CREATE in each guild (each shard gets one): their ids. */
export function postInEveryGuild(s: Scene, tag: string): string[] {
  return s.gateway.guildIds.map((guild, i) => {
    const id = `${tag}-${i}`;
    s.gateway.dispatch(
      "MESSAGE_CREATE",
      { id, guild_id: guild, channel_id: "1", content: "" },
      { ignoreIntents: true },
    );
    return id;
  });
}

/** Sessions the fake gateway has connected now. */
export function activeSessions(s: Scene): number {
  return s.gateway.sessions.filter((x) => x.state === "active").length;
}

/**
 * Assert that since `at` every shard came back by RESUME (at least
 * `resumes` of them, each resumed, no IDENTIFY) and that every event of
 * `posted` was delivered, none other: what a loss of Redis must not cost.
 */
export function assertResumedAll(
  s: Scene,
  at: number,
  resumes: number,
  delivered: string[],
  posted: string[],
  after: string,
): void {
  const since = s.gateway.log.filter((e) => e.at >= at);
  assert.deepEqual(
    since.filter((e) => e.type === "identify").map((e) => e.type),
    [],
    `identified after the ${after}`,
  );
  const resumed = since.filter((e) => e.type === "resume");
  assert.ok(resumed.length >= resumes, `${resumed.length} RESUMEs`);
  for (const resume of resumed) {
    assert.ok(resume.type === "resume");
    assert.equal(resume.outcome, "resumed");
  }
  assert.deepEqual(
    [...new Set(delivered)].sort(),
    [...posted].sort(),
    "events lost or unexpected",
  );
}

/**
 * Two processes sharing the session store in Redis, one shard each: the
 * first two of `valves`, started with `timings` and stepped (at most
 * `steps` times) until each runs one.
 */
export async function oneEach(
  s: Scene,
  valves: Valve[],
  timings: Pick<MemberOptions, "leaseTtlMs" | "renewMs"> = {},
  steps = 20,
): Promise<[FleetShards, FleetShards]> {
  const options = { redisStore: true, ...timings };
  const a = await s.member(valves[0]!, options);
  const b = await s.member(valves[1]!, options);
  await established(s, a);
  await a.start();
  await b.start();
  const settled = () =>
    a.shardIds.length === 1 && b.shardIds.length === 1 &&
    activeSessions(s) === 2;
  for (let i = 0; i < steps && !settled(); i++) await stepAll(s, valves);
  await pollUntil("one shard each", settled);
  return [a, b];
}
