import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  redactRedisUrl,
  RedisConnectError,
} from "../../redis/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { tcpCut } from "../_fakes/tcp_cut.ts";
import { within } from "../_fakes/watchdog.ts";

const server = testRedis();

Deno.test({
  name: "connectRedis: round trip with a real server, then close",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    try {
      assert.equal(redis.status, "ready");
      const key = `disruption:test:connection:${crypto.randomUUID()}`;
      await redis.set(key, "hello", "EX", 10);
      assert.equal(await redis.get(key), "hello");
      await redis.del(key);
    } finally {
      await closeRedis(redis);
    }
    assert.equal(redis.status, "end");
    await closeRedis(redis); // a second close is a no-op
  },
});

Deno.test("connectRedis: a port nobody listens on rejects with RedisConnectError", async () => {
  // Find a free port: bind, note it, release it.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const error = await connectRedis({
    url: `redis://user:secret@127.0.0.1:${port}`,
    connectTimeout: 2_000,
  }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof RedisConnectError, String(error));
  assert.equal(error.url, `redis://user:***@127.0.0.1:${port}`);
  assert.ok(!error.message.includes("secret"));
  assert.match(error.message, /ECONNREFUSED/);
});

Deno.test("connectRedis: a URL of another scheme is a TypeError", async () => {
  await assert.rejects(
    connectRedis({ url: "http://127.0.0.1:6379" }),
    TypeError,
  );
});

Deno.test("redactRedisUrl hides passwords only", () => {
  assert.equal(
    redactRedisUrl("rediss://:pw@host:6380/1"),
    "rediss://:***@host:6380/1",
  );
  assert.equal(redactRedisUrl("redis://host:6379/0"), "redis://host:6379/0");
});

Deno.test({
  name: "connectRedis: an outage is shown on stderr without any logging set up",
  ignore: server.ignore,
  fn: async () => {
    const relay = tcpCut(Number(new URL(server.url).port));
    const redis = await connectRedis({
      url: `redis://127.0.0.1:${relay.port}`,
    });
    try {
      const lines = await captureStderr(async () => {
        const lost = new Promise<void>((resolve) =>
          redis.once("error", () => resolve())
        );
        relay.cut();
        await within(lost, "the connection error");
      });
      assert.ok(
        lines.some((line) =>
          line.includes(`Redis at redis://127.0.0.1:${relay.port}`) &&
          line.includes("unreachable")
        ),
        lines.join("\n"),
      );
    } finally {
      await closeRedis(redis);
      await relay.close();
    }
  },
});

Deno.test({
  name:
    "closeRedis: a connection waiting to retry (its server gone) closes at once, rejects what it held, and leaves no timer",
  ignore: server.ignore,
  fn: async () => {
    const relay = tcpCut(Number(new URL(server.url).port));
    const redis = await connectRedis({
      url: `redis://127.0.0.1:${relay.port}`,
    });
    try {
      await captureStderr(async () => {
        const waiting = new Promise<void>((resolve) =>
          redis.once("reconnecting", () => resolve())
        );
        relay.cut();
        await within(waiting, "the retry scheduled");
      });
      assert.equal(redis.status, "reconnecting");
      // Held by the client until a reconnect that will never come.
      const queued = redis.get("k").then(() => "answered", () => "rejected");
      // ioredis never says "end" here: a close that waited for it hung, and
      // one that did not wait left the commands it held pending for good.
      await within(closeRedis(redis), "closeRedis");
      assert.equal(redis.status, "end");
      assert.equal(await within(queued, "the queued GET"), "rejected");
      await assert.rejects(redis.get("k"), /Connection is closed/);
    } finally {
      await relay.close();
    }
  },
});
