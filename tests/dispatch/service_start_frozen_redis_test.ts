// The dispatch service's start against a Redis that stops answering at the
// session load, its connection open (a frozen server, a stalled network):
// the start goes on after 10 s of its clock, says so, and the shards
// identify; a close() during that wait ends the start, which then connects
// no shard. Both held the start for ever, and the second connected the
// shards after close() had resolved.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { Redis } from "ioredis";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import {
  advanceUntil,
  advanceUntilTrue,
  inProcessService,
} from "./_in_process_service.ts";
import { freePort, REDIS_DB } from "./_service_harness.ts";
import { FreezableProxy, withOwnRedis } from "./_freezable_redis.ts";

const redisServer = testRedis();

/**
 * A gateway that takes connections and never answers: `connected` resolves
 * at the first shard's connection, and `count` says how many came.
 */
class SilentGateway {
  /** Its `ws://` URL. */
  readonly url: string;
  /** The connections it took. */
  count = 0;
  readonly #listener: Deno.TcpListener;
  readonly #conns: Deno.Conn[] = [];
  readonly #connected = Promise.withResolvers<void>();

  constructor() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#listener = listener;
    this.url = `ws://127.0.0.1:${listener.addr.port}`;
    (async () => {
      for await (const conn of listener) {
        this.count++;
        this.#conns.push(conn);
        this.#connected.resolve();
      }
    })().catch(() => {});
  }

  /** Resolves at the first connection. */
  get connected(): Promise<void> {
    return this.#connected.promise;
  }

  /** Stop listening and close the connections. */
  close(): void {
    this.#listener.close();
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // Already closed by the shard.
      }
    }
  }
}

/** What a test of {@linkcode withFrozenRead} gets. */
interface FrozenScene {
  service: ReturnType<typeof inProcessService>;
  scheduler: VirtualScheduler;
  proxy: FreezableProxy;
  gateway: SilentGateway;
  records: LogRecord[];
  metricsPort: number;
}

/**
 * Run `body` with a service (`env` over its defaults) whose Redis (its own,
 * holding a saved session for shard 0 that a start would resume) freezes
 * at the first command matching `at` (`/mget/i`: the session load, the
 * `MGET` of `gateway_sessions`), and whose shard's gateway is `gateway`.
 */
function withFrozenRead(
  at: RegExp,
  env: Record<string, string>,
  body: (context: FrozenScene) => Promise<void>,
): Promise<void> {
  return withOwnRedis(async (redisUrl) => {
    const target = new URL(redisUrl);
    const admin = new Redis(`${redisUrl}/${REDIS_DB}`);
    // A session the start would resume, were it read: twilight-dispatch's
    // layout, no `saved_at` (never too old).
    await admin.set(
      "gateway_sessions",
      JSON.stringify({ "0": { session_id: "saved", sequence: 5 } }),
    );
    await admin.set("gateway_shards", "1");
    admin.disconnect();
    const proxy = new FreezableProxy({
      hostname: target.hostname,
      port: Number(target.port || 6379),
    });
    proxy.freezeOn(at);
    const gateway = new SilentGateway();
    const scheduler = new VirtualScheduler();
    const metricsPort = freePort();
    const service = inProcessService(scheduler, metricsPort, {
      REDIS_PORT: String(proxy.port),
      REDIS_DB: String(REDIS_DB),
      ...env,
    }, gateway.url);
    try {
      await withLogRecords(
        (records) =>
          body({ service, scheduler, proxy, gateway, records, metricsPort }),
        "info",
      );
    } finally {
      proxy.close();
      gateway.close();
    }
  });
}

Deno.test(
  {
    name:
      "dispatch service: a Redis that stops answering at the session load holds the start 10 s, said on stderr; the shards then identify",
    ignore: redisServer.ignore,
    sanitizeResources: false,
    sanitizeOps: false,
  },
  () =>
    withFrozenRead(
      /mget/i,
      {},
      async ({ service, scheduler, proxy, gateway, records }) => {
        const startedAt = scheduler.now();
        await advanceUntil(
          scheduler,
          service.start(),
          "start() with Redis frozen at the session load",
        );
        assert.equal(proxy.frozen, true, "frozen at the load, as meant");
        assert.ok(
          scheduler.now() - startedAt >= 10_000,
          "the load was given 10 s of the service's clock",
        );
        const warnings = records.filter((r) =>
          r.level === "warning" &&
          r.message.join("").includes("reading the saved sessions")
        );
        assert.equal(warnings.length, 1, "the silent Redis is said, once");
        assert.match(
          warnings[0]!.message.join(""),
          /has not completed reading the saved sessions in 10 s \(Redis does not answer\): every shard identifies/,
        );
        assert.deepEqual(
          linesSaying(records, "Starting shards"),
          ["Starting shards 0-0 of 1: 0 to resume, 1 to identify"],
          "the saved session was not read: shard 0 identifies",
        );
        // Not said again for the write after it, which was not waited for.
        assert.deepEqual(linesSaying(records, "gateway_started"), []);
        await advanceUntil(scheduler, gateway.connected, "shard 0 to connect");
        proxy.thaw();
        await advanceUntil(scheduler, service.close(), "the service closed");
      },
    ),
);

/**
 * Start the service, close it once Redis froze at `what`, then run the
 * clock 30 s: time for a start that went on regardless to connect its
 * shard. start() must resolve (chosen: main.ts waits for close() to exit;
 * a rejection would have it say the start failed and exit at once).
 */
async function closeWhileFrozen(
  { service, scheduler, proxy }: FrozenScene,
  what: string,
): Promise<void> {
  const started = service.start().then(() => "resolved", (error) => error);
  await advanceUntil(scheduler, proxy.froze, `${what} to freeze`);
  const closing = service.close();
  assert.equal(
    await advanceUntil(scheduler, started, "start() to end after close()"),
    "resolved",
  );
  // The QUIT of the close is answered once Redis answers again.
  proxy.thaw();
  await advanceUntil(scheduler, closing, "the service closed");
  const end = scheduler.now() + 30_000;
  await advanceUntilTrue(
    scheduler,
    () => scheduler.now() >= end,
    "30 s after the close",
  );
}

Deno.test(
  {
    name:
      "dispatch service: close() while Redis does not answer the session load ends start(), which resolves and connects no shard",
    ignore: redisServer.ignore,
    sanitizeResources: false,
    sanitizeOps: false,
  },
  () =>
    withFrozenRead(
      /mget/i,
      {},
      async (scene) => {
        const { gateway, records } = scene;
        await closeWhileFrozen(scene, "the session load");
        assert.equal(gateway.count, 0, "no shard connected after close()");
        assert.deepEqual(linesSaying(records, "Starting shards"), []);
        assert.deepEqual(
          linesSaying(records, "reading the saved sessions"),
          [],
          "a close is no silent Redis",
        );
      },
    ),
);

Deno.test(
  {
    name:
      "dispatch service: close() while Redis does not answer the start's write of gateway_started ends start(), which connects no shard",
    ignore: redisServer.ignore,
    sanitizeResources: false,
    sanitizeOps: false,
  },
  () =>
    withFrozenRead(
      /gateway_started/,
      {},
      async (scene) => {
        const { gateway, records } = scene;
        await closeWhileFrozen(scene, "the write of gateway_started");
        assert.equal(gateway.count, 0, "no shard connected after close()");
        assert.equal(linesSaying(records, "Starting shards").length, 1);
      },
    ),
);

Deno.test(
  {
    name:
      "dispatch service: with STATE_ENABLED, a Redis that stops answering at the read of dispatch_cache_stale holds the start 10 s, not once per read; the cache is stale for every shard",
    ignore: redisServer.ignore,
    sanitizeResources: false,
    sanitizeOps: false,
  },
  () =>
    withFrozenRead(
      /smembers/i,
      { STATE_ENABLED: "true" },
      async ({ service, scheduler, proxy, gateway, records, metricsPort }) => {
        const startedAt = scheduler.now();
        await advanceUntil(
          scheduler,
          service.start(),
          "start() with Redis frozen at the read of dispatch_cache_stale",
        );
        assert.equal(proxy.frozen, true, "frozen at the read, as meant");
        const waited = scheduler.now() - startedAt;
        assert.ok(waited >= 10_000, `the read was given 10 s (${waited} ms)`);
        // The session load after it was not given 10 s more.
        assert.ok(waited < 20_000, `one wait, not two (${waited} ms)`);
        assert.equal(
          linesSaying(records, "reading dispatch_cache_stale in 10 s").length,
          1,
        );
        assert.match(
          linesSaying(records, "reading dispatch_cache_stale")[0]!,
          /the cache is taken as stale for every shard/,
        );
        assert.deepEqual(linesSaying(records, "reading the saved sessions"), [
          "Redis does not answer reading the saved sessions either: every shard identifies",
        ]);
        assert.deepEqual(linesSaying(records, "Starting shards"), [
          "Starting shards 0-0 of 1: 0 to resume, 1 to identify",
        ]);
        const metrics = await advanceUntil(
          scheduler,
          fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) =>
            r.text()
          ),
          "/metrics",
          10,
        );
        assert.match(metrics, /^dispatch_cache_stale 1$/m);
        await advanceUntil(scheduler, gateway.connected, "shard 0 to connect");
        proxy.thaw();
        await advanceUntil(scheduler, service.close(), "the service closed");
      },
    ),
);
