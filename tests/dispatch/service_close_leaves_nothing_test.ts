// What a close of the dispatch service leaves running (on the fakes): no
// connection to Redis, no metrics listener, and no timer on its clock (a
// real timer left pending keeps the process that said it stopped alive):
// the Redis retry, the default queue's check and the session watch end with
// it. A Redis never reached is said as sessions that could not be saved,
// not as none to save.
import assert from "node:assert/strict";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import {
  advanceUntilTrue,
  FakesScene,
  OwnRedis,
} from "./_in_process_service.ts";

const redisServer = testRedis();

/** The clients connected to `redis`, the test's own connection included. */
async function clients(redis: OwnRedis): Promise<number> {
  const list = await redis.admin.client("LIST") as string;
  return list.trim().split("\n").length;
}

/**
 * Run `body` on new fakes, then end Discord's gateway and the broker (their
 * timers are on the service's clock too) and answer how many timers are
 * left on it.
 */
async function timersLeft(
  body: (scene: FakesScene) => Promise<void>,
): Promise<number> {
  const scene = await FakesScene.start();
  try {
    await body(scene);
  } finally {
    await scene[Symbol.asyncDispose]();
  }
  return scene.scheduler.pending;
}

Deno.test({
  name:
    "dispatch service: a close leaves no connection to Redis, no metrics listener and no timer on its clock",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using redis = await OwnRedis.start();
  const alone = await clients(redis);
  let address: Deno.NetAddr | undefined;
  const left = await timersLeft(async (scene) => {
    const service = scene.service(redis.port, { DEFAULT_QUEUE: "true" });
    await scene.run(service, async () => {
      await scene.untilConfirmed(
        async () => await redis.admin.exists("gateway_sessions") === 1,
        "a session saved",
      );
      address = service.metricsAddress;
    });
  });
  assert.equal(left, 0, "timers left on the clock");
  assert.equal(await clients(redis), alone, "the service's Redis connection");
  assert.ok(address !== undefined);
  await assert.rejects(
    fetch(`http://127.0.0.1:${address.port}/healthcheck`),
    "the metrics server still listens",
  );
});

Deno.test({
  name:
    "dispatch service: a close with Redis never reached leaves no retry pending, and says the sessions could not be saved, not that there were none",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withLogRecords(async (records) => {
    const left = await timersLeft(async (scene) => {
      // Nothing listens on port 1: the start's attempt failed, the next
      // one is 5 s away; closed at once, while it waits.
      const service = scene.service("1");
      await scene.run(service, () => {});
    });
    assert.equal(left, 0, "timers left on the clock");
    assert.equal(
      linesSaying(records, "the sessions could not be saved to Redis").length,
      1,
    );
    assert.deepEqual(linesSaying(records, "no session was saved"), []);
  }, "info");
});

Deno.test({
  name:
    "dispatch service: a close with a shard paused for a full buffer leaves no timer of the pause's watch",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withLogRecords(async (records) => {
    const left = await timersLeft(async (scene) => {
      const service = scene.service("1", { PUBLISH_BUFFER: "4" });
      await scene.run(service, async () => {
        await scene.untilConfirmed(
          () => scene.broker.publishes.length >= 2,
          "READY and the guild published",
        );
        await scene.broker.ack();
        // Nothing confirmed from here: the buffer (4) fills, the shard
        // pauses.
        scene.messages(6);
        await advanceUntilTrue(
          scene.scheduler,
          () => linesSaying(records, "pausing the shard").length > 0,
          "the shard paused",
          undefined,
          0,
          10,
        );
      });
    });
    assert.equal(left, 0, "timers left on the clock");
  });
});
