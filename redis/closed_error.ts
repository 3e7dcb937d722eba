/**
 * {@linkcode RedisClosedError}: what a Redis-backed part rejects with when
 * its connection has been closed for good, so a caller can tell "closed"
 * from "Redis away for a while" (which it waits through).
 *
 * @module
 */

/**
 * A call that can never be answered: its Redis connection has ended for
 * good (closed with `closeRedis`, or the client gave up), not merely lost
 * for a while. Open a new connection with `connectRedis`.
 */
export class RedisClosedError extends Error {
  /**
   * Make the error for `what`, which the closed connection cannot do.
   *
   * @param what What was asked, e.g. `"acquire identify slot for shard 3"`.
   * @param options `cause`: the client's own error, if any.
   */
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      `Cannot ${what} as its Redis connection is closed (closeRedis was called, or the client ended it); open a new one with connectRedis`,
      options,
    );
    this.name = "RedisClosedError";
  }
}
