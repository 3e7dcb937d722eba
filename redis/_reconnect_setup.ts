/**
 * Bounding a reconnect's setup as the first connection's is bounded: ioredis
 * times the TCP connect only, so a server that accepts the connection and
 * never answers its setup (`HELLO`, `SELECT`, the ready check) — frozen, a
 * stalled network, another program that took the port — held the client in
 * status `connect` for ever: no error, no further reconnect, and every
 * command queued meanwhile pending without bound (27,900 after 30 s at 100
 * commands every 100 ms), never failing after the 20 attempts a command is
 * given.
 *
 * Internal to the Redis layer: {@linkcode connectRedis} installs it once
 * the first connection is ready (that one is bounded by its own deadline).
 *
 * @module
 */
import type { Redis } from "ioredis";
import { realScheduler, type TimerId } from "../base/scheduler.ts";

/**
 * From each reconnect's TCP connection on, drop the socket when the server
 * has not answered anything within `connectTimeout` ms: the client then
 * counts an attempt and tries again as after any loss, and a command fails
 * once it has waited through 20 attempts. Any answer ends the wait: a
 * server loading its data after a restart answers the ready check with how
 * long it still needs, and ioredis may wait longer than `connectTimeout`
 * between two asks (up to 10 s); that wait is not bounded, as it must not be.
 *
 * @param redis A connection that was ready once.
 * @param connectTimeout Milliseconds the server may stay silent.
 */
export function boundReconnectSetup(
  redis: Redis,
  connectTimeout: number,
): void {
  redis.on("connect", () => {
    const stream = redis.stream;
    let timer: TimerId | undefined;
    const done = (): void => {
      if (timer !== undefined) realScheduler.clearTimeout(timer);
      timer = undefined;
      stream.off("data", done);
      stream.off("close", done);
    };
    timer = realScheduler.setTimeout(() => {
      timer = undefined;
      done();
      // ioredis sees a socket error and a close, as after any other loss.
      stream.destroy(
        new Error(
          `timed out after ${connectTimeout} ms waiting for the server to answer the reconnect's setup`,
        ),
      );
    }, connectTimeout);
    stream.once("data", done);
    stream.once("close", done);
  });
}
