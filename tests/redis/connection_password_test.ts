// connectRedis against a real redis-server that requires a password: a
// missing or wrong password is said as such, not as a server to start (and
// the dispatch service names REDIS_PASSWORD for it).
import assert from "node:assert/strict";
import { connectRedis, RedisConnectError } from "../../redis/mod.ts";
import { redisPasswordHint } from "../../dispatch/credentials_refused.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";

// redis-server is there wherever the test server is.
const server = testRedis();

Deno.test({
  name:
    "connectRedis: a server that requires a password, given none or a wrong one, rejects saying the password is missing or refused (NOAUTH, WRONGPASS), not to check that the server runs",
  ignore: server.ignore,
}, async () => {
  const redis = new PrivateRedis({ password: "s3cret" });
  await redis.start();
  try {
    for (
      const [auth, reply, advice, hint] of [
        [
          "",
          "NOAUTH",
          "The server requires a password, and none was given.",
          "Set REDIS_PASSWORD",
        ],
        [
          ":wrong@",
          "WRONGPASS",
          "The server refused the password given.",
          "Check REDIS_PASSWORD",
        ],
      ] as const
    ) {
      let error: unknown;
      await captureStderr(async () => {
        error = await connectRedis({
          url: `redis://${auth}127.0.0.1:${redis.port}/2`,
        }).catch((rejected) => rejected);
      });
      assert.ok(error instanceof RedisConnectError, String(error));
      assert.match(error.message, new RegExp(reply));
      assert.ok(error.message.endsWith(`. ${advice}`), error.message);
      assert.doesNotMatch(error.message, /Is the server running/);
      assert.doesNotMatch(error.message, /wrong@/, "no password shown");
      // What the dispatch service says of it, naming its variable.
      assert.equal(redisPasswordHint(error, "REDIS_PASSWORD"), hint);
    }
  } finally {
    await redis.stop();
  }
});
