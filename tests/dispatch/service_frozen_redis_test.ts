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
import {
  advanceUntil,
  advanceUntilTrue,
  inProcessService,
} from "./_in_process_service.ts";
import { freePort, REDIS_DB } from "./_service_harness.ts";
import { FreezableProxy, withOwnRedis } from "./_freezable_redis.ts";

const redisServer = testRedis();

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
        await advanceUntilTrue(
          scheduler,
          () => records.some((r) => stalled(r.message)),
          "the stalled save said",
          undefined,
          0,
          1_000,
        );
        const end = scheduler.now() + 30_000;
        await advanceUntilTrue(
          scheduler,
          () => scheduler.now() >= end,
          "30 s more of the freeze",
          undefined,
          0,
          1_000,
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
    const run = (ms: number, what: string) => {
      const end = scheduler.now() + ms;
      return advanceUntilTrue(scheduler, () => scheduler.now() >= end, what);
    };
    const until = (records: LogRecord[], text: string) =>
      advanceUntilTrue(
        scheduler,
        () => records.some((r) => r.message.join("").includes(text)),
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

Deno.test({
  name:
    "dispatch service: dispatch_redis_connected is 0 once a save stalls on a frozen Redis (its connection open), and 1 again after the next successful save",
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
    const metricsPort = freePort();
    const service = serviceBehind(proxy, scheduler, metricsPort);
    const gauge = async (): Promise<string | undefined> => {
      const text = await advanceUntil(
        scheduler,
        fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()),
        "/metrics",
        10,
      );
      return /^dispatch_redis_connected (\d+)$/m.exec(text)?.[1];
    };
    const until = (records: LogRecord[], text: string) =>
      advanceUntilTrue(
        scheduler,
        () => records.some((r) => r.message.join("").includes(text)),
        text,
      );
    try {
      await withLogRecords(async (records) => {
        await advanceUntil(scheduler, service.start(), "the service started");
        assert.equal(await gauge(), "1");
        proxy.freeze();
        await until(records, "has not completed");
        assert.equal(await gauge(), "0", "frozen: Redis does not answer");
        proxy.thaw();
        await until(records, "Redis answers again");
        assert.equal(await gauge(), "1");
        await advanceUntil(scheduler, service.close(), "the service closed");
      }, "info");
    } finally {
      proxy.close();
    }
  }));

function stalled(message: readonly unknown[]): boolean {
  return message.join("").includes("has not completed");
}
