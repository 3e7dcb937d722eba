// The dispatch service's close (SIGTERM) and its session saves against a
// Redis that is slow, frozen or refusing writes, in-process on a virtual
// clock with the loopback FakeDiscord, the fake broker and a redis-server of
// the test's own behind a proxy that can hold every command:
// - a save in flight when the close comes is waited for, and the last save
//   runs after it: the session is saved at the last confirmed sequence, not
//   at the older one the save in flight carried;
// - a Redis frozen at the close holds the close at most twice
//   SHUTDOWN_SAVE_TIMEOUT of the clock, and the close says on stderr that
//   the sessions could not be saved;
// - a Redis refusing the last save makes the close say so too, not that the
//   sessions were saved;
// - a save asked for during a save in flight (a new session's) runs right
//   after it, not at the next tick;
// - a close waits up to DRAIN_TIMEOUT for the broker's confirms, and says
//   the sessions it could not drain;
// - a close waits for the status log's last posts at most LOG_FLUSH_TIMEOUT
//   (a Discord that never answers them), before it closes the broker.
import assert from "node:assert/strict";
import type { DispatchService } from "../../dispatch/service.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import {
  advanceUntil,
  advanceUntilTrue as until,
  FakesScene,
  gatewayBotFor,
  OwnRedis,
  serviceOnFakes,
} from "./_in_process_service.ts";
import { FreezableProxy } from "./_freezable_redis.ts";
import { freePort } from "./_service_harness.ts";

const redisServer = testRedis();

/** The service's SHUTDOWN_SAVE_TIMEOUT, documented: one wait of the close. */
const SHUTDOWN_SAVE_TIMEOUT = 5_000;
/** The service's SAVE_INTERVAL: a save a second. */
const SAVE_INTERVAL = 1_000;

const CANNOT_SAVE = "the sessions could not be saved to Redis";
const SAVED = "sessions saved for resuming";

/** The scene, a Redis of the test's own and a proxy in front of it. */
async function withFrozenableScene(
  body: (
    scene: FakesScene,
    proxy: FreezableProxy,
    saved: () => Promise<
      { sessionId: string; sequence: number } | undefined
    >,
    redis: OwnRedis,
  ) => Promise<void>,
): Promise<void> {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const proxy = new FreezableProxy({
    hostname: "127.0.0.1",
    port: redis.server.port,
  });
  try {
    await body(scene, proxy, () => redis.savedSession(), redis);
  } finally {
    proxy.close();
  }
}

/**
 * The service on `scene`, its Redis through `proxy`, started, with READY
 * and the guild confirmed by the broker and their session saved.
 */
async function startedAndSaved(
  scene: FakesScene,
  proxy: FreezableProxy,
  saved: () => Promise<{ sequence: number } | undefined>,
): Promise<DispatchService> {
  const dispatch = scene.service(String(proxy.port));
  await advanceUntil(scene.scheduler, dispatch.start(), "the start");
  await scene.untilConfirmed(
    async () => (await saved())?.sequence === 2,
    "READY and the guild confirmed and saved",
  );
  return dispatch;
}

Deno.test({
  name:
    "dispatch service: a close waits for the save in flight, then saves the session at its last confirmed sequence",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withFrozenableScene(async (scene, proxy, saved) => {
    const { scheduler, broker } = scene;
    await withLogRecords(async (records) => {
      const dispatch = await startedAndSaved(scene, proxy, saved);
      // A periodic save held by Redis: it carries sequence 2.
      proxy.freeze();
      await scheduler.advance(SAVE_INTERVAL);
      // Three more events, confirmed while that save waits.
      scene.messages(3);
      await scene.untilConfirmed(
        () => broker.publishes.length >= 5,
        "published",
      );
      await broker.ack();
      await scheduler.flushMicrotasks();
      // The close; Redis answers again 1 s of the clock into it.
      let closed = false;
      const closing = dispatch.close().then(() => closed = true);
      const thawAt = scheduler.now() + SAVE_INTERVAL;
      await until(
        scheduler,
        () => closed,
        "the close",
        () => {
          if (proxy.frozen && scheduler.now() >= thawAt) proxy.thaw();
          return broker.ack();
        },
        10,
        10,
      );
      await closing;
      assert.equal((await saved())!.sequence, 5, "the last confirmed one");
      assert.equal(linesSaying(records, `1 of 1 ${SAVED}`).length, 1);
      assert.deepEqual(linesSaying(records, CANNOT_SAVE), []);
    }, "info");
  });
});

Deno.test({
  name:
    "dispatch service: a close with Redis frozen ends within twice SHUTDOWN_SAVE_TIMEOUT and says on stderr that the sessions could not be saved",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withFrozenableScene(async (scene, proxy, saved) => {
    const { scheduler } = scene;
    await withLogRecords(async (records) => {
      const dispatch = await startedAndSaved(scene, proxy, saved);
      assert.equal(scene.broker.closedConnections, 0);
      proxy.freeze();
      await scheduler.advance(SAVE_INTERVAL);
      const start = scheduler.now();
      const closing = dispatch.close();
      // The waits on Redis end on the clock; the publisher's close comes
      // right after them. (Closing the frozen connection itself waits in
      // real time, which the clock outpaces.)
      // About 5 times real time: the publisher's close has 200 ms of real
      // time to reach the broker within the bound's last second.
      await until(
        scheduler,
        () => scene.broker.closedConnections >= 1,
        "the publisher's close",
        undefined,
        10,
        25,
      );
      const took = scheduler.now() - start;
      assert.ok(
        took <= 2 * SHUTDOWN_SAVE_TIMEOUT + 1_000,
        `the waits on Redis took ${took} ms of the clock`,
      );
      await advanceUntil(scheduler, closing, "the close", 100);
      const lines = linesSaying(records, CANNOT_SAVE);
      assert.equal(lines.length, 1, records.map((r) => r.message).join("\n"));
      const record = records.find((r) =>
        r.message.join("").includes(CANNOT_SAVE)
      )!;
      assert.equal(record.level, "error");
      assert.deepEqual(linesSaying(records, SAVED), []);
    }, "info");
  });
});

Deno.test({
  name:
    "dispatch service: a close whose last save Redis refuses says the sessions could not be saved, not that they were",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withFrozenableScene(async (scene, proxy, saved) => {
    const { scheduler } = scene;
    await withLogRecords(async (records) => {
      const dispatch = await startedAndSaved(scene, proxy, saved);
      proxy.fail("READONLY You can't write against a read only replica.");
      await advanceUntil(scheduler, dispatch.close(), "the close", 100);
      assert.equal(linesSaying(records, CANNOT_SAVE).length, 1);
      assert.deepEqual(linesSaying(records, SAVED), []);
    }, "info");
  });
});

Deno.test({
  name:
    "dispatch service: a new session's save asked for during a save in flight runs right after it, once, not at the next tick",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withFrozenableScene(async (scene, proxy, saved, redis) => {
    const { scheduler, discord } = scene;
    await withLogRecords(async () => {
      const dispatch = scene.service(String(proxy.port));
      await scene.run(dispatch, async () => {
        await scene.untilConfirmed(
          async () => (await saved())?.sequence === 2,
          "READY and the guild confirmed and saved",
        );
        const old = (await saved())!.sessionId;
        // A periodic save held by Redis, then a new session meanwhile.
        proxy.freeze();
        await scheduler.advance(SAVE_INTERVAL);
        discord.gateway.invalidateSession(false);
        await scene.untilConfirmed(
          () => discord.gateway.counters.sessionStarts === 2,
          "a new session",
        );
        const fresh = discord.gateway.sessions.at(-1)!.id;
        assert.notEqual(fresh, old);
        // Its READY confirmed: the save it asks for waits for the one in
        // flight.
        await scene.untilConfirmed(
          () => scene.broker.publishes.length >= 4,
          "the new READY published",
        );
        await scene.broker.ack();
        await scheduler.flushMicrotasks();
        assert.equal((await saved())!.sessionId, old, "Redis still frozen");
        // Redis answers again; the clock stands still: no tick can save.
        proxy.thaw();
        const deadline = performance.now() + 3_000;
        while (
          (await saved())?.sessionId !== fresh && performance.now() < deadline
        ) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(
          (await saved())?.sessionId,
          fresh,
          "saved right after the save in flight",
        );
        // Once: no save follows it until the next tick.
        const commands = async () =>
          Number(
            /total_commands_processed:(\d+)/.exec(
              await redis.admin.info("stats"),
            )![1],
          );
        const before = await commands();
        await new Promise((resolve) => setTimeout(resolve, 300));
        const after = await commands();
        assert.ok(after - before <= 3, `${after - before} commands meanwhile`);
      });
    });
  });
});

/** The service's DRAIN_TIMEOUT: how long a close waits for the broker. */
const DRAIN_TIMEOUT = 10_000;

Deno.test({
  name:
    "dispatch service: a close waits up to DRAIN_TIMEOUT for the broker: confirms 9 s into it are saved; a broker that never confirms is given up at 10 s, said on stderr",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  for (const late of [true, false]) {
    await t.step(late ? "confirms 9 s late" : "no confirm", async () => {
      await withFrozenableScene(async (scene, proxy, saved) => {
        const { scheduler, broker } = scene;
        await withLogRecords(async (records) => {
          const dispatch = await startedAndSaved(scene, proxy, saved);
          scene.messages(3);
          await until(
            scheduler,
            () => broker.publishes.length >= 5,
            "published",
          );
          const start = scheduler.now();
          let closed = false;
          const closing = dispatch.close().then(() => closed = true);
          let givenUp: number | undefined;
          await until(
            scheduler,
            () => {
              if (
                givenUp === undefined &&
                linesSaying(records, "did not confirm").length > 0
              ) givenUp = scheduler.now() - start;
              return closed;
            },
            "the close",
            async () => {
              if (late && scheduler.now() >= start + 9_000) await broker.ack();
            },
            // About 5 times real time: the acks sent at 9 s have 200 ms of
            // real time to be read before the drain's 10 s run out.
            10,
            25,
          );
          await closing;
          if (late) {
            assert.equal(givenUp, undefined);
            assert.equal((await saved())!.sequence, 5);
          } else {
            assert.ok(
              givenUp !== undefined && givenUp >= DRAIN_TIMEOUT - 100 &&
                givenUp <= DRAIN_TIMEOUT + 1_000,
              `given up after ${givenUp} ms of the clock`,
            );
            assert.equal((await saved())!.sequence, 2);
          }
        }, "info");
      });
    });
  }
});

/** The service's LOG_FLUSH_TIMEOUT: the status log's last posts' bound. */
const LOG_FLUSH_TIMEOUT = 3_000;

Deno.test({
  name:
    "dispatch service: a close waits for the status log's last posts at most LOG_FLUSH_TIMEOUT when Discord never answers them, then closes the broker",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const { scheduler, discord, broker } = scene;
  const saved = () => redis.savedSession();
  let hung = 0;
  // Discord's REST: the gateway's address; posts to the log channel are
  // never answered (until the request is aborted).
  const fetchStub = (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    if (request.method !== "POST") {
      return Promise.resolve(
        Response.json(gatewayBotFor(discord.clientOptions.gatewayUrl)),
      );
    }
    hung++;
    const signal = init?.signal ?? request.signal;
    return new Promise((_, reject) => {
      signal?.addEventListener("abort", () => reject(signal.reason), {
        once: true,
      });
    });
  };
  const dispatch = serviceOnFakes(
    scheduler,
    freePort(),
    discord,
    broker,
    redis.port,
    { LOG_CHANNEL: "779" },
    fetchStub as typeof fetch,
  );
  await withLogRecords(async (records) => {
    await advanceUntil(scheduler, dispatch.start(), "the start");
    await scene.untilConfirmed(
      async () => hung > 0 && (await saved())?.sequence === 2,
      "the status log's first post, and the session saved",
    );
    assert.equal(broker.closedConnections, 0);
    const start = scheduler.now();
    let closed = false;
    const closing = dispatch.close().then(() => closed = true);
    await until(
      scheduler,
      () => broker.closedConnections >= 1,
      "the publisher's close",
      undefined,
      10,
      100,
    );
    const took = scheduler.now() - start;
    assert.ok(
      took >= LOG_FLUSH_TIMEOUT - 100 && took <= LOG_FLUSH_TIMEOUT + 1_000,
      `the broker closed ${took} ms of the clock into the close`,
    );
    await until(scheduler, () => closed, "the close", undefined, 10, 100);
    await closing;
    assert.equal(
      linesSaying(records, "Status log: Discord did not take the last posts")
        .length,
      1,
    );
    assert.equal(linesSaying(records, `1 of 1 ${SAVED}`).length, 1);
  }, "info");
});
