// Redis connections that note what the Redis store sends, for the tests
// that bound its reads and scans: a Proxy over the connection, every other
// method the connection's own.
import type { RedisConnection } from "../../redis/mod.ts";

/**
 * `redis`, whose MGETs (direct or in a pipeline) note their keys in `read`
 * (one by one: a read of 200,000 keys spread into a push overflowed the
 * stack).
 */
export function recordingMgets(
  redis: RedisConnection,
  read: string[],
): RedisConnection {
  const noting = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(target, property): unknown {
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (property === "mget") {
          return (...args: unknown[]) => {
            for (const key of args.flat()) read.push(key as string);
            return value.apply(target, args);
          };
        }
        if (property === "pipeline") {
          return (...args: unknown[]) =>
            noting(value.apply(target, args) as object);
        }
        return value.bind(target);
      },
    });
  return noting(redis);
}

/**
 * `redis`, with each SSCAN's key noted in `scanned` (the sets a drop or a
 * sweep walks) and the number of members its reply held in `sizes`, at
 * the same index (COUNT is a hint: a reply may hold more).
 */
export function recordingScans(
  redis: RedisConnection,
  scanned: string[],
  sizes: number[] = [],
): RedisConnection {
  return new Proxy(redis, {
    get(target, property): unknown {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property !== "sscan") return value.bind(target);
      return async (key: string, ...rest: unknown[]) => {
        scanned.push(key);
        const reply = await value.call(target, key, ...rest) as [
          string,
          string[],
        ];
        sizes.push(reply[1].length);
        return reply;
      };
    },
  });
}
