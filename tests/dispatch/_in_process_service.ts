// The dispatch service in the test's own process on a virtual clock (the
// tests that steer its broker or its Redis from inside: a frozen Redis, the
// default queue's check), the scene those tests set around it (the loopback
// FakeDiscord, the fake broker, a Redis of the test's own), and the loop
// that drives that clock.
import { Redis } from "ioredis";
import { loadDispatchConfig } from "../../dispatch/config.ts";
import { DispatchService, REDIS_KEYS } from "../../dispatch/service.ts";
import type { SavedSession } from "../../gateway/saved_session.ts";
import { RedisSessionStore } from "../../redis/session_store.ts";
import {
  FakeDiscord,
  type FakeDiscordOptions,
} from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { WATCHDOG_MS, within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import { freePort } from "./_service_harness.ts";

/** `/gateway/bot`'s answer for one shard at `url`, with a full budget. */
export function gatewayBotFor(url: string): Record<string, unknown> {
  return {
    url,
    shards: 1,
    session_start_limit: {
      total: 1000,
      remaining: 1000,
      reset_after: 0,
      max_concurrency: 1,
    },
  };
}

/**
 * A service on `scheduler` with one shard whose gateway nobody answers
 * (`gatewayUrl`: nothing listens on port 1 by default), its metrics on
 * 127.0.0.1:`metricsPort`: `env` over a broker and a Redis nothing listens
 * on (port 1). Its REST calls go to `fetch`, by default one answering
 * `/gateway/bot` ({@linkcode gatewayBotFor}) to everything.
 */
export function inProcessService(
  scheduler: VirtualScheduler,
  metricsPort: number,
  env: Record<string, string> = {},
  gatewayUrl = "ws://127.0.0.1:1",
  fetch: typeof globalThis.fetch = () =>
    Promise.resolve(Response.json(gatewayBotFor(gatewayUrl))),
): DispatchService {
  return new DispatchService(
    loadDispatchConfig({
      BOT_TOKEN: "fake-token",
      INTENTS: "1",
      RABBIT_HOST: "127.0.0.1",
      RABBIT_PORT: "1",
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: "1",
      PROMETHEUS_HOST: "127.0.0.1",
      PROMETHEUS_PORT: String(metricsPort),
      ...env,
    }),
    { fetch, scheduler },
  );
}

/**
 * {@linkcode inProcessService} on the test's fakes: `discord`'s gateway and
 * token, `broker`, and the Redis on `redisPort`; no default queue; its REST
 * calls to `fetch` when given.
 */
export function serviceOnFakes(
  scheduler: VirtualScheduler,
  metricsPort: number,
  discord: FakeDiscord,
  broker: FakeAmqpBroker,
  redisPort: string,
  env: Record<string, string> = {},
  fetch?: typeof globalThis.fetch,
): DispatchService {
  return inProcessService(
    scheduler,
    metricsPort,
    {
      BOT_TOKEN: discord.token,
      RABBIT_PORT: new URL(broker.url).port,
      REDIS_PORT: redisPort,
      DEFAULT_QUEUE: "false",
      ...env,
    },
    discord.clientOptions.gatewayUrl,
    fetch,
  );
}

/**
 * Advance the virtual clock `step` ms at a time until `promise` settles,
 * letting real I/O (the HTTP request, the sockets) run between the steps,
 * for `pauseMs` of real time each: a real server's answer takes real time,
 * which a clock run at full speed outpaces (a RabbitMQ just started took
 * 40 ms to let a client in, past the service's 10 s of virtual time to
 * connect), so the pauses also hold the clock to at most
 * {@linkcode MAX_CLOCK_SPEED} times real time. The watchdog fails the test
 * after `watchdogMs` of real time: a wait of many steps, each with its
 * pause, needs more on a loaded machine.
 */
export async function advanceUntil<T>(
  scheduler: VirtualScheduler,
  promise: Promise<T>,
  what: string,
  step = 250,
  pauseMs = 0,
  watchdogMs = WATCHDOG_MS,
): Promise<T> {
  return await drive(scheduler, () => promise, what, step, pauseMs, watchdogMs);
}

/**
 * The most clock time the loops here run per ms of real time. The
 * service's waits on real I/O are bounded on its clock (10 s to connect
 * to the broker, 10 s for it to drain at a close), and a clock run at
 * full speed (about 500 ms of it per ms of real time) ran such a bound
 * out between two of the fake broker's frames on a loaded machine: a
 * close saved its session before the broker's last two acks were read.
 * At 50, a 10 s bound holds for 200 ms of real time.
 */
const MAX_CLOCK_SPEED = 50;

/**
 * A pause between two steps of the clock: `pauseMs` of real time, or
 * longer while the clock ran more than {@linkcode MAX_CLOCK_SPEED} times
 * as fast as real time since the wait began.
 */
function pacer(
  scheduler: VirtualScheduler,
): (pauseMs: number) => Promise<void> {
  const [clockStart, realStart] = [scheduler.now(), performance.now()];
  return (pauseMs) => {
    const ahead = (scheduler.now() - clockStart) / MAX_CLOCK_SPEED -
      (performance.now() - realStart);
    return new Promise((resolve) =>
      setTimeout(resolve, Math.max(pauseMs, ahead))
    );
  };
}

/**
 * Advance the clock `step` ms at a time, paced ({@linkcode pacer}), until
 * the promise `start` returns settles; `start` gets the same pace for a
 * loop of its own.
 */
async function drive<T>(
  scheduler: VirtualScheduler,
  start: (pause: (pauseMs: number) => Promise<void>) => Promise<T>,
  what: string,
  step: number,
  pauseMs: number,
  watchdogMs: number,
): Promise<T> {
  const pause = pacer(scheduler);
  let settled = false;
  const watched = start(pause).finally(() => settled = true);
  const driving = (async () => {
    while (!settled) {
      await scheduler.advance(step);
      await pause(pauseMs);
    }
  })();
  try {
    return await within(watched, what, watchdogMs);
  } finally {
    settled = true;
    await driving;
  }
}

/**
 * Run the clock until `test` holds, letting real I/O run between steps
 * (`each` first at every step: a write to Redis, say), for `pauseMs` of
 * real time each, `stepMs` of the clock a step (see
 * {@linkcode advanceUntil}).
 */
export function advanceUntilTrue(
  scheduler: VirtualScheduler,
  test: () => boolean | Promise<boolean>,
  what: string,
  each: () => Promise<void> = () => Promise.resolve(),
  pauseMs = 0,
  stepMs = 250,
  watchdogMs = WATCHDOG_MS,
): Promise<void> {
  return drive(
    scheduler,
    async (pause) => {
      while (!await test()) {
        await each();
        await scheduler.advance(stepMs);
        await pause(pauseMs);
      }
    },
    what,
    stepMs,
    pauseMs,
    watchdogMs,
  );
}

/**
 * Start `service` on `scheduler`'s clock, run `body`, and close the service
 * however `body` ends.
 */
export async function whileRunning<T>(
  scheduler: VirtualScheduler,
  service: DispatchService,
  body: () => T | Promise<T>,
): Promise<T> {
  try {
    await advanceUntil(scheduler, service.start(), "the start");
    return await body();
  } finally {
    await advanceUntil(scheduler, service.close(), "the close");
  }
}

/**
 * The fakes an in-process service runs against: a virtual clock, the
 * loopback FakeDiscord on it, the fake broker, and a free port for the
 * service's metrics. Disposed: the broker, then Discord.
 */
export class FakesScene implements AsyncDisposable {
  /** The clock of the service and of Discord's gateway. */
  readonly scheduler: VirtualScheduler;
  /** The loopback FakeDiscord on {@linkcode FakesScene.scheduler}. */
  readonly discord: FakeDiscord;
  /** The broker the service publishes to. */
  readonly broker: FakeAmqpBroker;
  /** Where the service serves its metrics (127.0.0.1). */
  readonly metricsPort: number;

  private constructor(scheduler: VirtualScheduler, discord: FakeDiscord) {
    this.scheduler = scheduler;
    this.discord = discord;
    this.broker = new FakeAmqpBroker();
    this.metricsPort = freePort();
  }

  /**
   * Start the fakes, Discord's gateway with `gateway` (one guild), taking
   * `token` (the fake's own by default).
   */
  static async start(
    gateway: FakeDiscordOptions["gateway"] = { guilds: 1 },
    token?: string,
  ): Promise<FakesScene> {
    const scheduler = new VirtualScheduler();
    const discord = await FakeDiscord.start({
      loopback: true,
      scheduler,
      gateway,
      ...(token === undefined ? {} : { token }),
    });
    return new FakesScene(scheduler, discord);
  }

  /**
   * {@linkcode serviceOnFakes} on these fakes and metrics port: its Redis
   * on `redisPort` (nothing listens on port 1), `env` over the rest.
   */
  service(redisPort = "1", env: Record<string, string> = {}): DispatchService {
    return serviceOnFakes(
      this.scheduler,
      this.metricsPort,
      this.discord,
      this.broker,
      redisPort,
      env,
    );
  }

  /**
   * Discord sends `count` MESSAGE_CREATEs on shard 0 (ids 1000 on, in
   * channel 42): sequences after the ones sent so far.
   */
  messages(count: number): void {
    for (let i = 0; i < count; i++) {
      this.discord.gateway.dispatch("MESSAGE_CREATE", {
        id: String(1_000 + i),
        channel_id: "42",
        content: `m${i}`,
      }, { shardId: 0, ignoreIntents: true });
    }
  }

  /**
   * {@linkcode advanceUntilTrue} on this scene's clock, the broker
   * confirming every publish at each step, for at most `watchdogMs` of real
   * time (more for a test whose frames take real work: megabytes to
   * inflate and scan).
   */
  untilConfirmed(
    test: () => boolean | Promise<boolean>,
    what: string,
    watchdogMs = WATCHDOG_MS,
  ): Promise<void> {
    return advanceUntilTrue(
      this.scheduler,
      test,
      what,
      () => this.broker.ack(),
      0,
      250,
      watchdogMs,
    );
  }

  /** {@linkcode whileRunning} on this scene's clock. */
  run<T>(service: DispatchService, body: () => T | Promise<T>): Promise<T> {
    return whileRunning(this.scheduler, service, body);
  }

  /** Close the broker, then Discord. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.broker[Symbol.asyncDispose]();
    await this.discord[Symbol.asyncDispose]();
  }
}

/**
 * A redis-server of the test's own ({@linkcode PrivateRedis}) with a
 * connection to steer it from the test: disposed, the connection is ended
 * and the server stopped (what it held is lost).
 */
export class OwnRedis implements AsyncDisposable {
  /** The server. */
  readonly server: PrivateRedis;
  /** The test's own connection to it. */
  readonly admin: Redis;

  private constructor(server: PrivateRedis) {
    this.server = server;
    this.admin = new Redis(server.url);
  }

  /** Start a server and connect to it. */
  static async start(): Promise<OwnRedis> {
    const server = new PrivateRedis();
    await server.start();
    return new OwnRedis(server);
  }

  /** The server's port, as the service's REDIS_PORT takes it. */
  get port(): string {
    return String(this.server.port);
  }

  /** The sessions the service saves there, read and written as it does. */
  get sessions(): RedisSessionStore {
    return new RedisSessionStore(this.admin, { key: REDIS_KEYS.sessions });
  }

  /** The first session saved there (the tests' one shard), if any. */
  async savedSession(): Promise<SavedSession | undefined> {
    return (await this.sessions.loadAll())[0];
  }

  /** End the connection, then stop the server. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.admin.disconnect();
    await this.server.stop();
  }
}
