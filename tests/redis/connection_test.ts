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
import { runUntilExit } from "../_fakes/exit_linger.ts";
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
    // QUIT was awaited for ever; then for 2 s whatever connectTimeout said.
    await within(closeRedis(redis), "closeRedis", 1_900);
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
        for (
          const db of [
            "/-1",
            "/abc",
            "/1.5",
            "/3/",
            "?db=x",
            "/99999999999999999999",
          ]
        ) {
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
      // The rejection tells it; a line per attempt besides it would repeat
      // it for a caller that retries.
      assert.deepEqual(lines, []);
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

/** An INFO answer (a bulk string) with these lines. */
function infoAnswer(...lines: string[]): string {
  const body = `# Server\r\nrun_id:0123456789abcdef\r\n${
    lines.map((line) => `${line}\r\n`).join("")
  }`;
  return `$${body.length}\r\n${body}\r\n`;
}

Deno.test("connectRedis: a server still loading its data at connectTimeout rejects saying so", async () => {
  // The rejection blamed a server that did answer ("waiting for the server
  // to answer").
  let infos = 0;
  const fake = respFake((command) => {
    if (command[0]?.toUpperCase() !== "INFO") return workingRedis(command);
    infos++;
    return infoAnswer("loading:1", "loading_eta_seconds:8");
  });
  try {
    const error = await settled({
      url: `redis://127.0.0.1:${fake.port}`,
      connectTimeout: 200,
    });
    assert.ok(error instanceof RedisConnectError, String(error));
    assert.match(
      error.message,
      /timed out after 200 ms: the server is loading its data \(8 s to go by its estimate\)/,
    );
    assert.equal(infos, 1);
    await within(fake.allClosed(), "the client to close its socket", 3_000);
  } finally {
    await fake.close();
  }
});

Deno.test("connectRedis: after it rejected against a server still loading its data, the process exits at once (no timer left behind)", async () => {
  // A subprocess, because what lingered is invisible to the test
  // sanitizers: ioredis's ready check waited min(loading_eta_seconds, 10 s)
  // with a timer disconnect() never cleared, so the process lived 8 s after
  // the rejection, then sent INFO on the ended client.
  const { code, stdout, stderr, linger } = await runUntilExit(
    new URL("./_loading_exit_fixture.ts", import.meta.url),
    "\n",
  );
  assert.equal(code, 0, stderr);
  assert.ok(linger < 1_000, `the process lingered ${linger.toFixed(0)} ms`);
  assert.match(stdout, /^rejected: .*the server is loading its data/);
});

Deno.test("connectRedis: a server lost while it loads its data rejects at once, with why, not at connectTimeout", async () => {
  const fake = respFake((command) => {
    if (command[0]?.toUpperCase() !== "INFO") return workingRedis(command);
    // Answered, then the server goes away (its socket closed).
    setTimeout(() => void fake.close(), 0);
    return infoAnswer("loading:1", "loading_eta_seconds:8");
  });
  try {
    // settled's watchdog is 3 s: the wait for the next INFO went on.
    const error = await settled({
      url: `redis://127.0.0.1:${fake.port}`,
      connectTimeout: 5_000,
    });
    assert.ok(error instanceof RedisConnectError, String(error));
    assert.doesNotMatch(error.message, /timed out/);
  } finally {
    await fake.close();
  }
});

Deno.test("connectRedis: a server that loads its data within connectTimeout is waited for; after an outage ioredis waits for it again", async () => {
  let loadingAnswers = 1; // the first connection's first INFO
  let cut = false;
  const afterCut: string[] = [];
  const fake = respFake((command) => {
    const name = command[0]?.toUpperCase() ?? "";
    if (cut) afterCut.push(name);
    if (name === "SET" && !cut) {
      cut = true;
      loadingAnswers = 1; // the server restarts and loads its data again
      return null; // the connection drops with the SET unanswered
    }
    if (name !== "INFO") return workingRedis(command);
    if (loadingAnswers === 0) return infoAnswer("loading:0");
    loadingAnswers--;
    return infoAnswer("loading:1", "loading_eta_seconds:0");
  });
  try {
    const redis = await within(
      connectRedis({
        url: `redis://127.0.0.1:${fake.port}`,
        connectTimeout: 2_000,
      }),
      "connectRedis",
    );
    try {
      assert.equal(redis.status, "ready");
      assert.equal(loadingAnswers, 0);
      await captureStderr(async () => {
        // Sent again once the new connection is ready: after the loading.
        assert.equal(await within(redis.set("k", "v"), "the SET"), "OK");
      });
      const set = afterCut.indexOf("SET");
      assert.ok(
        afterCut.slice(0, set).filter((name) => name === "INFO").length >= 2,
        afterCut.join(" "),
      );
    } finally {
      await closeRedis(redis);
    }
  } finally {
    await fake.close();
  }
});

Deno.test("connectRedis: a server whose ACL denies INFO connects (the loading check is skipped, as ioredis does)", async () => {
  const fake = respFake((command) =>
    command[0]?.toUpperCase() === "INFO"
      ? "-NOPERM User bot has no permissions to run the 'info' command\r\n"
      : workingRedis(command)
  );
  try {
    const redis = await connectRedis({
      url: `redis://127.0.0.1:${fake.port}`,
      connectTimeout: 1_000,
    });
    assert.equal(redis.status, "ready");
    await closeRedis(redis);
  } finally {
    await fake.close();
  }
});

Deno.test("connectRedis: a server refusing INFO otherwise than by its ACL (a renamed command) rejects saying its setup was refused, leaving nothing open", async () => {
  const fake = respFake((command) =>
    command[0]?.toUpperCase() === "INFO"
      ? "-ERR unknown command 'info', with args beginning with: \r\n"
      : workingRedis(command)
  );
  try {
    const error = await settled({
      url: `redis://127.0.0.1:${fake.port}`,
      connectTimeout: 1_000,
    });
    if (!(error instanceof Error)) await closeRedis(error as RedisConnection);
    assert.ok(error instanceof RedisConnectError, String(error));
    assert.match(
      error.message,
      /: the server refused the connection's setup: ERR unknown command 'info'/,
    );
    await within(fake.allClosed(), "the client to close its socket", 3_000);
  } finally {
    await fake.close();
  }
});

Deno.test("redactRedisUrl: a password parameter is hidden however its name is written (percent-encoded, in any case, with a tab), as ioredis reads it", () => {
  for (
    const [url, redacted] of [
      ["redis://h:1/?%70assword=hunter2", "redis://h:1/?%70assword=***"],
      [
        "redis://h:1/?db=2&PASS%57ORD=hunter2",
        "redis://h:1/?db=2&PASS%57ORD=***",
      ],
      [
        "redis://h:1/?pass\tword=hunter2&db=2",
        "redis://h:1/?pass\tword=***&db=2",
      ],
      [
        "redis://h:1/?sentinelPassword=hunter2",
        "redis://h:1/?sentinelPassword=***",
      ],
      ["redis:/\t/bot:hunter2@h:1", "redis:/\t/bot:***@h:1"],
      // Not the password: kept.
      ["redis://h:1/?pass+word=x&db=2", "redis://h:1/?pass+word=x&db=2"],
      ["redis://h:1/?passwords=x", "redis://h:1/?passwords=x"],
    ]
  ) {
    assert.equal(redactRedisUrl(url!), redacted);
  }
});

Deno.test("connectRedis: a percent-encoded password parameter is hidden in the error's message, its url and stderr", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const url = `redis://127.0.0.1:${port}/?%70assword=hunter2`;
  let error: unknown;
  const lines = await captureStderr(async () => {
    error = await settled({ url, connectTimeout: 1_000 });
  });
  assert.ok(error instanceof RedisConnectError, String(error));
  assert.equal(error.url, `redis://127.0.0.1:${port}/?%70assword=***`);
  assert.ok(!error.message.includes("hunter2"), error.message);
  assert.ok(
    lines.every((line) => !line.includes("hunter2")),
    lines.join("\n"),
  );
});
