import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  redactRedisUrl,
  RedisConnectError,
  type RedisConnection,
} from "../../redis/mod.ts";
import { respFake, workingRedis } from "./_resp_fake.ts";
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

/** What a connectRedis call settled with: the connection, or the error. */
function settled(
  options: Parameters<typeof connectRedis>[0],
): Promise<unknown> {
  return within(
    connectRedis(options).then((redis) => redis, (error: unknown) => error),
    "connectRedis to settle",
    3_000,
  );
}

Deno.test("connectRedis: a server that accepts and never answers (frozen, a stalled network) rejects once connectTimeout is spent, leaving nothing open", async () => {
  // ioredis's own timer ends with the TCP connect: the setup after it
  // (HELLO, AUTH, SELECT, the ready check) waited for ever.
  const fake = respFake(() => undefined);
  try {
    const error = await settled({
      url: `redis://127.0.0.1:${fake.port}`,
      connectTimeout: 100,
    });
    assert.ok(error instanceof RedisConnectError, String(error));
    assert.match(
      error.message,
      /timed out after 100 ms waiting for the server to answer/,
    );
    assert.equal(fake.accepted, 1);
    await within(fake.allClosed(), "the client to close its socket", 3_000);
  } finally {
    await fake.close();
  }
});

Deno.test("closeRedis: a server that stops answering is dropped after the connection's connectTimeout; what it held is rejected", async () => {
  let frozen = false;
  const fake = respFake((command) =>
    frozen ? undefined : workingRedis(command)
  );
  try {
    const redis = await connectRedis({
      url: `redis://127.0.0.1:${fake.port}`,
      connectTimeout: 150,
    });
    frozen = true; // SIGSTOP: the socket stays open, nothing is answered
    const held = redis.get("k").then(() => "answered", () => "rejected");
    // QUIT was awaited for ever.
    await within(closeRedis(redis), "closeRedis", 3_000);
    assert.equal(redis.status, "end");
    assert.equal(await within(held, "the GET"), "rejected");
    await within(fake.allClosed(), "the client to close its socket", 3_000);
  } finally {
    await fake.close();
  }
});

Deno.test("closeRedis while a reconnect's setup goes unanswered rejects the commands the lost connection left unanswered (they waited for ever)", async () => {
  let lost = false;
  const fake = respFake((command) => {
    if (lost) return undefined; // the reconnect's setup: never answered
    if (command[0]?.toUpperCase() === "SET") {
      lost = true;
      return null; // the connection drops with the SET unanswered
    }
    return workingRedis(command);
  });
  try {
    const redis = await connectRedis({
      url: `redis://127.0.0.1:${fake.port}`,
      connectTimeout: 1_000,
    });
    const held = redis.set("k", "v").then(() => "answered", () => "rejected");
    // ioredis reconnects (100 ms) and waits for the setup's answers.
    await within(
      (async () => {
        while (fake.accepted < 2 || redis.status !== "connect") {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })(),
      "the reconnect",
      3_000,
    );
    await within(closeRedis(redis), "closeRedis", 3_000);
    assert.equal(redis.status, "end");
    assert.equal(await within(held, "the SET"), "rejected");
  } finally {
    await fake.close();
  }
});

Deno.test("connectRedis: the database of the URL must be a non-negative integer (TypeError, password redacted); one the server refuses is a RedisConnectError", async (t) => {
  const fake = respFake(workingRedis);
  try {
    const base = `redis://bot:hunter2@127.0.0.1:${fake.port}`;
    await t.step(
      "not a non-negative integer: refused before connecting",
      async () => {
        for (const db of ["/-1", "/abc", "/1.5", "/3/", "?db=x"]) {
          const error = await settled({ url: `${base}${db}` });
          // The old code connected: what it opened is closed.
          if (!(error instanceof Error)) {
            await closeRedis(error as RedisConnection);
          }
          assert.ok(error instanceof TypeError, `${db}: ${error}`);
          assert.equal(
            error.message,
            `Cannot connect to Redis as 'url' must name a database that is a non-negative integer (/0, /1…): current value 'url=redis://bot:***@127.0.0.1:${fake.port}${db}'`,
          );
        }
        assert.equal(fake.accepted, 0);
      },
    );
    await t.step("a database the server does not have", async () => {
      let error: unknown;
      const lines = await captureStderr(async () => {
        error = await settled({ url: `redis://127.0.0.1:${fake.port}/99` });
      });
      if (!(error instanceof Error)) await closeRedis(error as RedisConnection);
      // It used database 0 instead, silently.
      assert.ok(error instanceof RedisConnectError, String(error));
      assert.match(
        error.message,
        /refused the connection's setup: ERR DB index is out of range/,
      );
      assert.ok(
        lines.some((line) => line.includes("refused the connection's setup")),
        lines.join("\n"),
      );
      await within(fake.allClosed(), "the client to close its socket", 3_000);
    });
  } finally {
    await fake.close();
  }
});

Deno.test("connectRedis: connectTimeout must be an integer from 1 to 2147483647", async () => {
  const fake = respFake(() => undefined);
  try {
    for (const value of [-1, 0, NaN, Infinity, 1.5, 1e12, "abc"]) {
      const error = await settled({
        url: `redis://127.0.0.1:${fake.port}`,
        connectTimeout: value as number,
      });
      assert.ok(error instanceof RangeError, `${String(value)}: ${error}`);
      assert.equal(
        error.message,
        `Cannot create Redis connection as 'connectTimeout' must be an integer from 1 to 2147483647: current value 'connectTimeout=${
          typeof value === "string" ? JSON.stringify(value) : String(value)
        }'`,
      );
    }
    assert.equal(fake.accepted, 0);
  } finally {
    await fake.close();
  }
});

Deno.test("redactRedisUrl: any scheme in any case, and a password with a raw '@' or '/', is hidden whole", () => {
  for (
    const [url, redacted] of [
      ["REDIS://bot:hunter2@h:1", "REDIS://bot:***@h:1"],
      ["valkey://bot:hunter2@h:1/2", "valkey://bot:***@h:1/2"],
      ["redis://:hunt@er2/x@h:1/2", "redis://:***@h:1/2"],
      ["redis://bot@h:1", "redis://bot@h:1"],
      [" redis://bot:hunter2@h:1", " redis://bot:***@h:1"],
      ["redis://h:1/?password=hunter2&db=2", "redis://h:1/?password=***&db=2"],
      ["redis://h:1/?db=2&Password=hunter2", "redis://h:1/?db=2&Password=***"],
    ]
  ) {
    assert.equal(redactRedisUrl(url!), redacted);
  }
});

Deno.test("connectRedis: a URL it cannot use is a TypeError whose message hides the password; the scheme's case does not matter", async () => {
  for (
    const url of [
      "redis://bot:hunter2@127.0.0.1:99999", // a port out of range
      "redis://bot:hunter2@[::1:6379", // a typo in an IPv6 host
      "valkey://bot:hunter2@127.0.0.1:6379", // another scheme
      "REDIS://bot:hunt@er2@[::1:6379", // a raw '@' in the password
    ]
  ) {
    const error = await settled({ url, connectTimeout: 1_000 });
    assert.ok(error instanceof TypeError, `${url}: ${error}`);
    assert.match(error.message, /^Cannot connect to Redis as 'url' must /);
    assert.match(
      error.message,
      /current value 'url=(redis|valkey|REDIS):\/\/bot:\*\*\*@/,
    );
    assert.ok(!/hunt|er2/.test(error.message), error.message);
  }
  const fake = respFake(workingRedis);
  try {
    const redis = await connectRedis({
      url: `REDIS://127.0.0.1:${fake.port}/2`,
    });
    assert.equal(redis.status, "ready");
    await closeRedis(redis);
  } finally {
    await fake.close();
  }
});
