// A lost reply, as ioredis handles it: Redis ran the command, the
// connection dropped before its reply arrived, and the connection sends the
// command again once reconnected (`autoResendUnfulfilledCommands`, on by
// default), with the same arguments, so Redis runs a script twice and the
// caller reads the second run's reply. Reproduced exactly, without a
// network: the script is run twice, the first reply dropped.
import type { RedisConnection } from "../../redis/connection.ts";

/** A connection whose next matching script is run twice. */
export interface Resending {
  /** The connection to give the code under test. */
  redis: RedisConnection;
  /** How many scripts were run twice so far. */
  resent(): number;
}

/**
 * `redis`, whose next `eval` of a script containing `marker` runs twice
 * with the same arguments (the first reply lost); `between` runs after the
 * first run (what another process did meanwhile). Every other call is the
 * connection's own.
 *
 * @param redis The real connection.
 * @param marker Text of the script whose reply is lost.
 * @param between Run between the two runs.
 * @returns The connection and a count of resent scripts.
 */
export function resendingNext(
  redis: RedisConnection,
  marker: string,
  between?: () => Promise<unknown>,
): Resending {
  let armed = true;
  let resent = 0;
  const proxy = new Proxy(redis, {
    get(target, property): unknown {
      if (property === "eval") {
        return async (...args: unknown[]): Promise<unknown> => {
          const run = () =>
            (target.eval as (...a: unknown[]) => Promise<unknown>)(...args);
          if (!armed || !String(args[0]).includes(marker)) return run();
          armed = false;
          await run(); // its reply is lost with the connection
          await between?.();
          resent++;
          return run();
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { redis: proxy, resent: () => resent };
}
