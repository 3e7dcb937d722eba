// Redis connections that note what the Redis store sends, for the tests
// that bound its reads, scans and scripts: a Proxy over the connection,
// every other method the connection's own. `wrapping` also serves the
// tests that count, fail or hold back a method.
import type { RedisConnection } from "../../redis/mod.ts";

/** A method, bound to its object. */
type Method = (...args: unknown[]) => unknown;

/**
 * `target` with the methods named in `wrappers` replaced by what each
 * wrapper makes of the original (bound to `target`); every other property
 * is `target`'s own, its methods bound to it.
 */
export function wrapping<T extends object>(
  target: T,
  wrappers: Readonly<Record<string, (original: Method) => Method>>,
): T {
  return new Proxy(target, {
    get(target, property): unknown {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const bound = value.bind(target) as Method;
      const wrapper = typeof property === "string" &&
          Object.hasOwn(wrappers, property)
        ? wrappers[property]
        : undefined;
      return wrapper ? wrapper(bound) : bound;
    },
  });
}

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
    wrapping(target, {
      mget: (mget) => (...args) => {
        for (const key of args.flat()) read.push(key as string);
        return mget(...args);
      },
      pipeline: (pipeline) => (...args) => noting(pipeline(...args) as object),
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
  return wrapping(redis, {
    sscan: (sscan) => async (key, ...rest) => {
      scanned.push(key as string);
      const reply = await sscan(key, ...rest) as [string, string[]];
      sizes.push(reply[1].length);
      return reply;
    },
  });
}

/** `redis`, with each script it sends alone (EVAL) noted in `scripts`. */
export function recordingScripts(
  redis: RedisConnection,
  scripts: string[],
): RedisConnection {
  return wrapping(redis, {
    eval: (evaluate) => (script, ...rest) => {
      scripts.push(script as string);
      return evaluate(script, ...rest);
    },
  });
}
