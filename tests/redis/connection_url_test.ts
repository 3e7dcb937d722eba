// What connectRedis takes in its URL. ioredis reads every query parameter
// as an option, over connectRedis's own: `?connectTimeout=5000` crashed the
// process (a string where a timer wants a number), `?retryStrategy=2000`
// ended reconnecting, `?maxRetriesPerRequest=1` was ignored. A unix socket
// URL was refused for its "database", and a user without a password was
// told "the password given" was refused.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  RedisConnectError,
} from "../../redis/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const server = testRedis();

/** What connectRedis rejects with for `url`, or undefined. */
async function refusal(url: string): Promise<unknown> {
  let error: unknown;
  await captureStderr(async () => {
    error = await connectRedis({ url, connectTimeout: 2_000 }).then(
      closeRedis,
      (rejected) => rejected,
    );
  });
  return error;
}

Deno.test("connectRedis: a query parameter other than db, username, password and family is a TypeError naming it and the nearest known one; nothing is connected", async () => {
  for (
    const [query, expected] of [
      [
        "connectTimeout=5000",
        "not 'connectTimeout' ('connectTimeout' is an option of connectRedis, not of the URL)",
      ],
      ["retryStrategy=2000", "not 'retryStrategy'"],
      ["maxRetriesPerRequest=1", "not 'maxRetriesPerRequest'"],
      ["enableOfflineQueue=false", "not 'enableOfflineQueue'"],
      ["tls=true", "not 'tls'"],
      ["DB=2", "not 'DB' (did you mean 'db'?)"],
      ["famly=4", "not 'famly' (did you mean 'family'?)"],
      ["db=1&sentinelPassword=x7q", "not 'sentinelPassword'"],
    ] as const
  ) {
    // 9: a port nobody listens on; the URL is refused before any connect.
    const url = `redis://bot:hunter2@127.0.0.1:9/?${query}`;
    const error = await refusal(url);
    assert.ok(error instanceof TypeError, `${query}: ${error}`);
    assert.ok(
      error.message.startsWith(
        "Cannot connect to Redis as 'url' must have no query parameter other than 'db', 'family', 'password', 'username', ",
      ),
      error.message,
    );
    assert.ok(error.message.includes(expected), error.message);
    assert.doesNotMatch(error.message, /hunter2|x7q/);
  }
});

Deno.test("connectRedis: a family other than 4 or 6 is a TypeError", async () => {
  for (const family of ["5", "ipv6", ""]) {
    const error = await refusal(`redis://127.0.0.1:9?family=${family}`);
    assert.ok(error instanceof TypeError, `${family}: ${error}`);
    assert.match(error.message, /'family' of 4 or 6/);
  }
});

Deno.test("connectRedis: a unix socket URL is refused as not supported, not for its database", async () => {
  for (
    const url of [
      "redis:///tmp/redis.sock",
      "REDIS:///var/run/redis/redis.sock?db=2",
    ]
  ) {
    const error = await refusal(url);
    assert.ok(error instanceof TypeError, `${url}: ${error}`);
    assert.match(error.message, /unix sockets \(redis:\/\/\/path\) are not/);
    assert.doesNotMatch(error.message, /database/);
  }
});

Deno.test({
  name:
    "connectRedis: the query parameters it takes (db, family) are used; the path's database wins over db",
  ignore: server.ignore,
}, async () => {
  const base = new URL(server.url);
  base.pathname = "";
  for (
    const [query, database] of [
      ["db=3&family=4", 3],
      ["family=4", 0],
    ] as const
  ) {
    const redis = await connectRedis({ url: `${base.href}?${query}` });
    try {
      assert.equal(redis.options.db, database);
      assert.equal(redis.options.family, 4);
    } finally {
      await closeRedis(redis);
    }
  }
  // Only connects (reads its options, writes nothing): no database of its
  // own is needed (tests/ci/redis_databases_test.ts).
  const url = new URL("/4?db=3", server.url);
  const redis = await connectRedis({ url: url.href });
  try {
    assert.equal(Number(redis.options.db), 4);
  } finally {
    await closeRedis(redis);
  }
});

Deno.test({
  name:
    "connectRedis: a user named without a password, refused, is told none was given, not that the password given was refused",
  ignore: server.ignore,
}, async () => {
  const url = new URL(server.url);
  const error = await refusal(
    `redis://nobody-${crypto.randomUUID()}@${url.host}`,
  );
  assert.ok(error instanceof RedisConnectError, String(error));
  assert.match(error.message, /WRONGPASS/);
  assert.ok(
    error.message.endsWith(
      ". The server requires a password for this user, and none was given.",
    ),
    error.message,
  );
  // With a password, it is the one given that was refused.
  const given = await refusal(`redis://nobody:pw@${url.host}`);
  assert.ok(given instanceof RedisConnectError, String(given));
  assert.ok(
    given.message.endsWith(". The server refused the password given."),
    given.message,
  );
});
