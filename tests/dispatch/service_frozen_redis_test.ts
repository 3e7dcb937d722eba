// The dispatch service in-process on a virtual clock, with STATE_ENABLED and
// a Redis that stops answering while its connection stays open (a frozen
// server: the client's status stays `ready`): GET /metrics still answers,
// with the state gauges' last values, and a session save that does not
// complete is said on stderr, once; Redis is said to answer again only once
// a save succeeded.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { Redis } from "ioredis";
import type { DispatchService } from "../../dispatch/service.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import { advanceUntil, inProcessService } from "./_in_process_service.ts";
import { freePort, REDIS_DB } from "./_service_harness.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";

const redisServer = testRedis();

/** The commands (RESP arrays) at the start of `bytes`, and what is left. */
function splitCommands(bytes: Uint8Array): [number, Uint8Array] {
  let count = 0;
  let at = 0;
  const line = (from: number): [number, number] | undefined => {
    const end = bytes.indexOf(0x0d, from);
    if (end < 0 || end + 1 >= bytes.length) return undefined;
    const value = Number(
      new TextDecoder().decode(bytes.subarray(from + 1, end)),
    );
    return [value, end + 2];
  };
  for (;;) {
    const header = line(at);
    if (!header) break;
    let [items, next] = header;
    let complete = true;
    while (items-- > 0) {
      const bulk = line(next);
      if (!bulk || bulk[1] + bulk[0] + 2 > bytes.length) {
        complete = false;
        break;
      }
      next = bulk[1] + bulk[0] + 2;
    }
    if (!complete) break;
    count++;
    at = next;
  }
  return [count, bytes.slice(at)];
}

/**
 * A TCP proxy that forwards until frozen, then holds every byte; when made
 * to fail, it answers every command itself with an error instead.
 */
class FreezableProxy {
  readonly port: number;
  readonly #listener: Deno.TcpListener;
  readonly #conns: Deno.Conn[] = [];
  #thawed = Promise.withResolvers<void>();
  #frozen = false;
  #failing: string | undefined;

  constructor(target: { hostname: string; port: number }) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#listener = listener;
    this.port = listener.addr.port;
    (async () => {
      for await (const inbound of listener) {
        const outbound = await Deno.connect(target);
        this.#conns.push(inbound, outbound);
        this.#pump(inbound, outbound, true);
        this.#pump(outbound, inbound, false);
      }
    })().catch(() => {});
  }

  async #pump(from: Deno.Conn, to: Deno.Conn, up: boolean): Promise<void> {
    const buffer = new Uint8Array(65_536);
    let pending: Uint8Array = new Uint8Array(0);
    try {
      while (true) {
        const n = await from.read(buffer);
        if (n === null) break;
        // Commands wait; replies to commands already through do not: a
        // save's second command sent a moment before the freeze had its
        // reply held and passed at the thaw, so the save meant to stall
        // succeeded then (1 run in 5).
        if (up && this.#frozen) await this.#thawed.promise;
        if (up && this.#failing !== undefined) {
          const joined = new Uint8Array(pending.length + n);
          joined.set(pending);
          joined.set(buffer.subarray(0, n), pending.length);
          const [count, rest] = splitCommands(joined);
          pending = rest;
          const error = new TextEncoder().encode(`-${this.#failing}\r\n`);
          for (let i = 0; i < count; i++) await from.write(error);
          continue;
        }
        await to.write(buffer.subarray(0, n));
      }
    } catch {
      // Closed at the end of the test.
    }
    for (const conn of [from, to]) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }

  freeze(): void {
    this.#frozen = true;
  }

  /** Answer every command with `-<error>` (`undefined`: forward again). */
  fail(error: string | undefined): void {
    this.#failing = error;
  }

  thaw(): void {
    this.#frozen = false;
    this.#thawed.resolve();
    this.#thawed = Promise.withResolvers<void>();
  }

  close(): void {
    this.thaw();
    this.#listener.close();
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }
}

/**
 * Run `body` against a redis-server of its own: these tests freeze their
 * Redis and count its keys, and the shared test server's databases belong
 * to other files (service_e2e_test.ts's sessions were flushed mid-test).
 */
async function withOwnRedis(
  body: (url: string) => Promise<void>,
): Promise<void> {
  const server = new PrivateRedis();
  await server.start();
  try {
    await body(server.url);
  } finally {
    await server.stop();
  }
}

/**
 * A dispatch service on `scheduler` whose Redis is behind `proxy`, with one
 * shard whose gateway nobody answers and a broker that is never reachable
 * (events wait), its metrics on `metricsPort`.
 */
function serviceBehind(
  proxy: FreezableProxy,
  scheduler: VirtualScheduler,
  metricsPort: number,
  env: Record<string, string> = {},
): DispatchService {
  return inProcessService(scheduler, metricsPort, {
    REDIS_PORT: String(proxy.port),
    REDIS_DB: String(REDIS_DB),
    ...env,
  });
}

Deno.test({
  name:
    "dispatch service: with a frozen Redis, GET /metrics answers with the state gauges' last values, and a stalled save is said once",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, () =>
  withOwnRedis(async (redisUrl) => {
    const target = new URL(redisUrl);
    const admin = new Redis(`${redisUrl}/${REDIS_DB}`);
    await admin.flushdb();
    await admin.sadd("guild_keys", "g1", "g2", "g3");
    const proxy = new FreezableProxy({
      hostname: target.hostname,
      port: Number(target.port || 6379),
    });
    const scheduler = new VirtualScheduler();
    const metricsPort = freePort();
    const service = serviceBehind(proxy, scheduler, metricsPort, {
      STATE_ENABLED: "true",
    });
    const scrape = async (): Promise<string> => {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      return await response.text();
    };
    try {
      await withLogRecords(async (records) => {
        await advanceUntil(scheduler, service.start(), "the service started");
        // Small steps: the count times out after 1 s of the test's clock,
        // and 250 ms steps left its round trip a few turns of the loop.
        const before = await advanceUntil(scheduler, scrape(), "/metrics", 10);
        assert.match(before, /^state_guilds 3$/m);

        proxy.freeze();
        // The scrape that counts while Redis is frozen answers in time.
        const frozen = await advanceUntil(
          scheduler,
          scrape(),
          "/metrics while Redis is frozen",
        );
        assert.match(frozen, /^state_guilds 3$/m, "the last value, kept");
        // And the next ones too (the read in flight is not repeated).
        await advanceUntil(scheduler, scrape(), "/metrics again");
        // The periodic save hangs: said once, however long it lasts.
        await advanceUntil(
          scheduler,
          (async () => {
            while (!records.some((r) => stalled(r.message))) {
              await scheduler.advance(1_000);
              await new Promise((resolve) => setTimeout(resolve, 0));
            }
          })(),
          "the stalled save said",
        );
        const end = scheduler.now() + 30_000;
        await advanceUntil(
          scheduler,
          (async () => {
            while (scheduler.now() < end) await scheduler.advance(1_000);
          })(),
          "30 s more of the freeze",
        );
        assert.equal(records.filter((r) => stalled(r.message)).length, 1);
        proxy.thaw();
        await advanceUntil(scheduler, service.close(), "the service closed");
      });
    } finally {
      proxy.close();
      admin.disconnect();
    }
  }));

Deno.test({
  name:
    "dispatch service: after a stalled save, Redis is said to answer again only once a save succeeded, not when the stalled one ended in an error",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, () =>
  withOwnRedis(async (redisUrl) => {
    const target = new URL(redisUrl);
    const proxy = new FreezableProxy({
      hostname: target.hostname,
      port: Number(target.port || 6379),
    });
    const scheduler = new VirtualScheduler();
    const service = serviceBehind(proxy, scheduler, freePort());
    const run = (ms: number, what: string) =>
      advanceUntil(
        scheduler,
        (async () => {
          const end = scheduler.now() + ms;
          while (scheduler.now() < end) {
            await scheduler.advance(250);
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
        })(),
        what,
      );
    const until = (records: LogRecord[], text: string) =>
      advanceUntil(
        scheduler,
        (async () => {
          while (!records.some((r) => r.message.join("").includes(text))) {
            await scheduler.advance(250);
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
        })(),
        text,
      );
    const said = (records: LogRecord[], text: string) =>
      records.filter((r) => r.message.join("").includes(text)).length;
    try {
      await withLogRecords(async (records) => {
        await advanceUntil(scheduler, service.start(), "the service started");
        await run(2_000, "a save or two");
        proxy.freeze();
        await until(records, "has not completed");
        // Redis answers, but refuses the writes (maxmemory reached, say).
        proxy.fail("OOM command not allowed when used memory > 'maxmemory'");
        proxy.thaw();
        await until(records, "Saving sessions to Redis failed");
        await run(5_000, "saves failing");
        assert.equal(said(records, "Redis answers again"), 0);
        proxy.fail(undefined);
        await until(records, "Redis answers again");
        await run(3_000, "saves succeeding");
        assert.equal(said(records, "Redis answers again"), 1);
        assert.equal(said(records, "has not completed"), 1);
        await advanceUntil(scheduler, service.close(), "the service closed");
      }, "info");
    } finally {
      proxy.close();
    }
  }));

function stalled(message: readonly unknown[]): boolean {
  return message.join("").includes("has not completed");
}
