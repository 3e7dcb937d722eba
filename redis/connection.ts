/**
 * The one Redis connection layer: every Redis-backed part of Disruption (the
 * cache's Redis store, and later the session store and identify queue) opens
 * and closes its connection here, with the same options and the same logging.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { realScheduler } from "../base/scheduler.ts";
import { Redis } from "ioredis";
import { trackServerSession } from "./server_session.ts";

const logger = getLogger(["disruption", "redis"]);
// An outage is something to act on: shown on stderr unless LogTape is set up.
const visible = getVisibleLogger(["disruption", "redis"]);

/** A connected Redis client (ioredis). */
export type RedisConnection = Redis;

/** Options for {@linkcode connectRedis}. */
export interface RedisConnectOptions {
  /**
   * Where the server is: `redis://[user:password@]host[:port][/db]`, or
   * `rediss://` for TLS.
   *
   * @default {"redis://127.0.0.1:6379"}
   */
  url?: string;
  /**
   * How long the first connection may take, in milliseconds, before
   * {@linkcode connectRedis} rejects.
   *
   * @default {10000}
   */
  connectTimeout?: number;
}

/** Why {@linkcode connectRedis} could not connect. */
export class RedisConnectError extends Error {
  /** The URL that was tried, with any password replaced by `***`. */
  readonly url: string;

  /**
   * Make the error for a failed connection to `url`.
   *
   * @param url The URL that was tried (a password in it is redacted).
   * @param options `cause`: the client's error.
   */
  constructor(url: string, options?: { cause?: unknown }) {
    const safe = redactRedisUrl(url);
    const reason = options?.cause instanceof Error
      ? options.cause.message.replace(/\.$/, "")
      : String(options?.cause ?? "unknown error");
    super(
      `Cannot connect to Redis at ${safe}: ${reason}. Is the server running, and is the URL right?`,
      options,
    );
    this.name = "RedisConnectError";
    this.url = safe;
  }
}

/**
 * Replace the password of a Redis URL with `***`, for logs and errors.
 *
 * @example Usage
 * ```ts
 * import { redactRedisUrl } from "@disruption/disruption/redis";
 * import assert from "node:assert/strict";
 *
 * assert.equal(redactRedisUrl("redis://bot:hunter2@10.0.0.5:6379/2"), "redis://bot:***@10.0.0.5:6379/2");
 * assert.equal(redactRedisUrl("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
 * ```
 *
 * @param url A `redis://` or `rediss://` URL.
 * @returns The URL without its password.
 */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, "$1***@");
}

/**
 * Open a connection to Redis and wait until it is ready.
 *
 * After the first connection, an outage is handled by the client: it
 * reconnects with a growing delay (up to 2 s) and queues commands meanwhile;
 * each outage and recovery is logged once under the `["disruption",
 * "redis"]` category, and each is followed (the server's `run_id` asked
 * again) so a store learns its data may be gone. Close the connection with {@linkcode closeRedis}.
 *
 * Under Deno, ioredis needs `--allow-env` without a list of names, and
 * `--allow-net` for the server.
 *
 * @example Connect, use, close
 * ```ts
 * import { closeRedis, connectRedis } from "@disruption/disruption/redis";
 *
 * async function main(): Promise<void> {
 *   const redis = await connectRedis({ url: "redis://127.0.0.1:6379" });
 *   try {
 *     await redis.set("greeting", "hello");
 *   } finally {
 *     await closeRedis(redis);
 *   }
 * }
 * void main; // needs a server: defined, not run
 * ```
 *
 * @param options Where and how to connect.
 * @returns The ready connection.
 * @throws {RedisConnectError} The server could not be reached in time.
 */
export async function connectRedis(
  options: RedisConnectOptions = {},
): Promise<RedisConnection> {
  const url = options.url ?? "redis://127.0.0.1:6379";
  if (!/^rediss?:\/\//.test(url)) {
    throw new TypeError(
      `Cannot connect to Redis as 'url' must start with redis:// or rediss://: current value '${
        redactRedisUrl(url)
      }'`,
    );
  }
  // The first connection is not retried: connectRedis reports the failure,
  // and nothing (socket, timer) is left behind. Outages after it are.
  let connected = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeout ?? 10_000,
    maxRetriesPerRequest: 20,
    // Reconnect after an outage with a delay growing to 2 s; commands wait
    // in ioredis's queue meanwhile, and fail after 20 attempts.
    retryStrategy: (times) => connected ? Math.min(times * 100, 2_000) : null,
    // A socket closed by disconnect() is destroyed on the next turn rather
    // than after 2 s: ioredis arms this timer even for a socket that is
    // already gone, and it would outlive closeRedis.
    disconnectTimeout: 0,
  });
  watch(redis, redactRedisUrl(url));
  // connect() rejects with "Connection is closed"; the socket's own error
  // (ECONNREFUSED, ENOTFOUND, a timeout) arrives as an "error" event first.
  let socketError: unknown;
  const remember = (error: unknown): void => {
    socketError ??= error;
  };
  redis.on("error", remember);
  try {
    await redis.connect();
    connected = true;
    trackServerSession(redis);
  } catch (error) {
    await closeRedis(redis);
    throw new RedisConnectError(url, { cause: socketError ?? error });
  } finally {
    redis.off("error", remember);
  }
  return redis;
}

/**
 * Close a connection opened by {@linkcode connectRedis}: send `QUIT` so
 * commands already sent finish, or drop the socket when the server is not
 * reachable. Resolves once the socket is closed.
 *
 * @param redis The connection.
 */
export async function closeRedis(redis: RedisConnection): Promise<void> {
  if (redis.status === "end") return;
  const ended = new Promise<void>((resolve) => redis.once("end", resolve));
  if (redis.status === "ready") {
    try {
      await redis.quit();
    } catch {
      redis.disconnect();
    }
  } else if (redis.status === "reconnecting") {
    // Between two attempts there is no socket to close: ioredis only clears
    // its retry timer, never says "end", and leaves every command it holds
    // pending for good (those unanswered at the loss, those queued since).
    // End it as ioredis ends a connection closed by hand.
    redis.disconnect();
    endHeldConnection(redis);
    // disconnectTimeout (0) fires on this turn's timers, before this one.
    await new Promise<void>((resolve) => realScheduler.setTimeout(resolve, 0));
    // An ioredis without those internals never says "end": do not wait.
    // (status is read again: endHeldConnection changed it.)
    if ((redis.status as string) !== "end") return;
  } else {
    redis.disconnect();
  }
  await ended;
}

/**
 * What {@linkcode endHeldConnection} uses of ioredis's connection, none of
 * it typed public (ioredis 6, as pinned in deno.json).
 */
interface HeldConnection {
  setStatus?: (status: "end") => void;
  flushQueue?: (error: Error) => void;
  /** A deque (denque) of the commands unanswered at the loss. */
  prevCommandQueue?: {
    shift(): { command: { reject(error: Error): void } } | undefined;
  } | null;
}

/**
 * Reject what a connection between two reconnect attempts still holds and
 * say "end", as ioredis does for a socket closed by hand: otherwise those
 * commands (a cache's flush, a queue's script) wait forever.
 */
function endHeldConnection(redis: RedisConnection): void {
  const held = redis as unknown as HeldConnection;
  const error = new Error("Connection is closed.");
  const unanswered = held.prevCommandQueue;
  for (let item = unanswered?.shift(); item; item = unanswered?.shift()) {
    item.command.reject(error);
  }
  held.prevCommandQueue = null;
  held.flushQueue?.(error);
  held.setStatus?.("end");
}

/** Log outages and recoveries once each (ioredis reports every retry). */
function watch(redis: Redis, url: string): void {
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    visible.warn("Redis at {url} is unreachable: {message}", {
      url,
      message: error.message,
    });
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    logger.info("Redis at {url} is reachable again", { url });
  });
}
