// A test of the Redis store on a database of its own (the test files run in
// parallel against one server), emptied before and after, ignored where the
// server rule says so (tests/_fakes/servers.ts).
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/mod.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

/**
 * A `Deno.test` definition running `fn` with a connection to database
 * `database` of the test server.
 */
export function redisStoreTest(
  name: string,
  database: number,
  fn: (redis: RedisConnection) => Promise<void>,
): Deno.TestDefinition {
  // Redis has databases 0 to 15 by default, and 0 is everyone's: a bad
  // number would land a flush on another test's data.
  if (!Number.isInteger(database) || database < 1 || database > 15) {
    throw new RangeError(`database ${database}: use 1 to 15`);
  }
  return {
    name,
    ignore: server.ignore,
    fn: async () => {
      const url = new URL(server.url);
      url.pathname = `/${database}`;
      const redis = await connectRedis({ url: url.href });
      await redis.flushdb();
      try {
        await fn(redis);
      } finally {
        await redis.flushdb();
        await closeRedis(redis);
      }
    },
  };
}
