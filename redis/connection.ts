/**
 * The one Redis connection layer: every Redis-backed part of Disruption (the
 * cache's Redis store, and later the session store and identify queue) opens
 * and closes its connection here, with the same options and the same logging.
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  assertIntegerOption,
  redactUrlPassword,
  shown,
} from "../base/option_checks.ts";
import {
  delay,
  MAX_TIMER_DELAY,
  realScheduler,
  settlesWithin,
} from "../base/scheduler.ts";
import { Redis, ReplyError } from "ioredis";
import { trackServerSession } from "./server_session.ts";
import { redactCommandError, redactCommandErrors } from "./_redacted_error.ts";
import { boundReconnectSetup } from "./_reconnect_setup.ts";
import { sendScriptsBySha } from "./_scripts_by_sha.ts";
import { warnIfEvicting } from "./_eviction_policy.ts";
import { closestName } from "../base/closest_name.ts";

// An outage is something to act on: shown on stderr unless LogTape is set
// up, and so is its end.
const visible = getVisibleLogger(["disruption", "redis"]);

/**
 * How long {@linkcode closeRedis} waits at most for the server to answer
 * `QUIT` and close, before it drops the socket (a frozen server, a stalled
 * network would never answer).
 */
const QUIT_WAIT_MS = 2_000;

/**
 * The longest wait between two asks whether a server loading its data is
 * done (ioredis's `maxLoadingRetryTime`), and the shortest.
 */
const LOADING_WAIT_MS = { max: 10_000, min: 100 };

/** A connected Redis client (ioredis). */
export type RedisConnection = Redis;

/** Options for {@linkcode connectRedis}. */
export interface RedisConnectOptions {
  /**
   * Where the server is: `redis://[user:password@]host[:port][/db]`, or
   * `rediss://` for TLS (the scheme in any case). `db` is a non-negative
   * integer. The query may hold `db`, `username`, `password` and `family`
   * (`4` or `6`: IPv4 or IPv6 only), nothing else: the client would take
   * any other parameter as an option over the ones set here. Unix sockets
   * are not supported.
   *
   * @default {"redis://127.0.0.1:6379"}
   */
  url?: string;
  /**
   * How long the first connection may take, in milliseconds, before
   * {@linkcode connectRedis} rejects: reaching the server, its answers to
   * the setup (`HELLO`/`AUTH`, `SELECT`, the ready check) and the wait for a
   * server still loading its data (after a restart) together. An integer
   * from 1 to 2147483647. {@linkcode closeRedis} waits as long for
   * `QUIT` to be answered, 2 s at most.
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
   * @param options `cause`: the client's error (the arguments of the
   *   command it carries, a refused `AUTH`'s password among them, are
   *   redacted, in its causes too).
   */
  constructor(url: string, options?: { cause?: unknown }) {
    const safe = redactRedisUrl(url);
    for (
      let cause = options?.cause, depth = 0;
      cause instanceof Error && depth < 5;
      cause = cause.cause, depth++
    ) {
      redactCommandError(cause);
    }
    const reason = options?.cause instanceof Error
      ? options.cause.message.replace(/\.$/, "")
      : String(options?.cause ?? "unknown error");
    // A refused password is no outage: "Is the server running?" misled.
    const advice = /\bNOAUTH\b/.test(reason)
      ? "The server requires a password, and none was given."
      : /\bWRONGPASS\b|invalid password/i.test(reason)
      ? givesPassword(url)
        ? "The server refused the password given."
        : "The server requires a password for this user, and none was given."
      : "Is the server running, and is the URL right?";
    super(`Cannot connect to Redis at ${safe}: ${reason}. ${advice}`, options);
    this.name = "RedisConnectError";
    this.url = safe;
  }
}

/**
 * Whether `url` gives a password as ioredis reads it: the one after the
 * user (even empty, once a user is named), else a `password` parameter.
 */
function givesPassword(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true; // not said then: the advice stays the general one
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return parsed.password !== "";
  }
  return (parsed.searchParams.get("password") ?? "") !== "";
}

/**
 * Replace the password of a URL with `***`, for logs and errors. Any scheme,
 * in any case, wherever the URL starts (a value read with stray spaces);
 * the password runs from the first `:` of the user part to the last `@` (a
 * password with a raw `@` or `/` is hidden whole); without `//` after the
 * scheme (`redis:user:pw@h`), or without a scheme (`user:pw@h`), all up to
 * the last `@` is hidden (see `redactUrlPassword`), and a `password` query
 * parameter (which ioredis sends as the password) is hidden too, however
 * its name is written: in any case, percent-encoded (`%70assword`), or with
 * tabs or newlines in it (the URL parser drops them); so is any parameter
 * whose name ends with `password` (`sentinelPassword`).
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
 * @param url A `redis://` or `rediss://` URL (or any other).
 * @returns The URL without its password.
 */
export function redactRedisUrl(url: string): string {
  // The query first: a password parameter holding an `@` was taken for the
  // end of the user info, and its tail shown.
  // ioredis takes every query parameter as an option, `password` too.
  return redactUrlPassword(
    maskQuery(url, (name) => /password$/i.test(name)),
  );
}

/**
 * `url` with the values of the query parameters `hide` names (as ioredis
 * reads the name, see queryName) replaced by `***`. Past a hidden value,
 * every other segment (a parameter, a fragment) is hidden whole too, but
 * `db` and `family`: a password holding an `&` or a `#` runs on into what
 * looks like the next parameter or the fragment (`password=hun&ter2`).
 */
function maskQuery(url: string, hide: (name: string) => boolean): string {
  const start = url.indexOf("?");
  if (start === -1) return url;
  let hiding = false;
  const query = url.slice(start).replace(
    /([?&#])([^&#]*)/g,
    (segment: string, separator: string, body: string) => {
      const equals = body.indexOf("=");
      const name = equals === -1 ? undefined : queryName(body.slice(0, equals));
      const param = separator !== "#" && name !== undefined;
      if (hiding) {
        // Its name too may be the tail of the value hidden before it.
        return param && PLAIN_PARAMETERS.includes(name)
          ? segment
          : `${separator}***`;
      }
      if (!param || !hide(name)) return segment;
      hiding = true;
      return `${separator}${body.slice(0, equals)}=***`;
    },
  );
  return url.slice(0, start) + query;
}

/**
 * A query parameter's name as ioredis reads it: the URL parser drops tabs
 * and newlines, then `URLSearchParams` decodes it (`%70` a `p`, `+` a
 * space; a malformed escape is kept as written).
 */
function queryName(raw: string): string {
  const name = new URLSearchParams(`${raw.replace(/[\t\n\r]/g, "")}=`)
    .keys().next().value;
  return name ?? "";
}

/**
 * Open a connection to Redis and wait until it is ready.
 *
 * After the first connection, an outage is handled by the client: it
 * reconnects with a growing delay (up to 2 s) and queues commands meanwhile,
 * each failing after 20 attempts; a reconnect the server does not answer
 * within `connectTimeout` counts as one. Each outage and recovery is logged
 * once under the `["disruption", "redis"]` category (a failed first
 * connection is not: the rejection reports it), and each is followed
 * (the server's `run_id` asked again) so a store learns its data may be
 * gone. Close the connection with {@linkcode closeRedis}. A server that may
 * evict keys (`maxmemory` set, a `maxmemory-policy` other than `noeviction`)
 * is said once, as a warning under that category: the library's keys
 * (sessions, leases, identify pacing, cache entries) would vanish silently.
 *
 * The errors the connection hands out (a command's rejection, an `"error"`
 * event) name the failed command but not its arguments (keys, values,
 * scripts, a session's ID), and hide the password of a refused `AUTH` or
 * `HELLO`: they are logged whole.
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
 * @throws {TypeError} `url` is not a valid `redis://` or `rediss://` URL,
 *   names a unix socket, has a query parameter other than `db`,
 *   `username`, `password` and `family`, or its database (`/db`) is not a
 *   non-negative integer, or its `family` not `4` or `6` (the message shows
 *   the URL with its password redacted).
 * @throws {RangeError} `connectTimeout` is not an integer from 1 to
 *   2147483647.
 * @throws {RedisConnectError} The server could not be reached, did not
 *   answer within `connectTimeout` or was still loading its data then, or
 *   refused the connection's setup (a wrong password, a database it does not
 *   have); nothing (socket, timer) is left behind.
 */
export async function connectRedis(
  options: RedisConnectOptions = {},
): Promise<RedisConnection> {
  const url = checkedUrl(options.url ?? "redis://127.0.0.1:6379");
  const connectTimeout = options.connectTimeout ?? 10_000;
  assertIntegerOption(
    "Redis connection",
    "connectTimeout",
    connectTimeout,
    1,
    MAX_TIMER_DELAY,
  );
  // The first connection is not retried: connectRedis reports the failure,
  // and nothing (socket, timer) is left behind. Outages after it are.
  let connected = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    // The first ready check (is the server still loading its data?) is
    // ours, see untilLoaded; ioredis does the later ones.
    enableReadyCheck: false,
    // ioredis bounds the TCP connect only; the deadline below bounds it all.
    connectTimeout,
    maxRetriesPerRequest: 20,
    // Reconnect after an outage with a delay growing to 2 s; commands wait
    // in ioredis's queue meanwhile, and fail after 20 attempts (each bounded
    // by connectTimeout, see boundReconnectSetup).
    retryStrategy: (times) => connected ? Math.min(times * 100, 2_000) : null,
    // A socket closed by disconnect() is destroyed on the next turn rather
    // than after 2 s: ioredis arms this timer even for a socket that is
    // already gone, and it would outlive closeRedis.
    disconnectTimeout: 0,
  });
  // Before the first command: the setup's AUTH is one.
  redactCommandErrors(redis);
  // Over the redaction: an EVALSHA's error is redacted too.
  sendScriptsBySha(redis);
  // connect() rejects with "Connection is closed"; the socket's own error
  // (ECONNREFUSED, ENOTFOUND, a timeout) arrives as an "error" event first.
  // So does a SELECT the server refused, although connect() resolves.
  let socketError: unknown;
  const remember = (error: unknown): void => {
    socketError ??= error;
  };
  redis.on("error", remember);
  let failure: Error | undefined;
  const deadline = realScheduler.now() + connectTimeout;
  try {
    const ready = redis.connect();
    // A server that accepts and never answers (frozen, a stalled network)
    // would hold the setup for ever: ioredis's timer ends with the TCP
    // connect.
    if (!await settlesWithin(realScheduler, ready, connectTimeout)) {
      failure = timedOut(connectTimeout);
      redis.disconnect();
    }
    await ready;
    const refused = socketError;
    if (failure === undefined && isRedisReply(refused)) {
      failure = refusedSetup(refused);
    }
    // The ready check's INFO also says whether the server may evict keys:
    // read from it, no command more (none to wait for, none left pending).
    let info: string | undefined;
    if (failure === undefined) {
      const loaded = await untilLoaded(redis, connectTimeout, deadline);
      if (loaded instanceof Error) failure = loaded;
      else info = loaded;
    }
    // (ready may have come with the deadline, the socket being dropped.)
    if (failure !== undefined) throw failure;
    // After an outage, ioredis's own ready check (no deadline, as it should
    // be then) holds the commands until the server has loaded its data.
    redis.options.enableReadyCheck = true;
    connected = true;
    // Outages from here on: a failed first connection is the rejection's
    // to tell, and a caller retrying every few seconds would print one
    // "unreachable" line per attempt besides its own.
    watch(redis, redactRedisUrl(url));
    warnIfEvicting(info, redactRedisUrl(url));
    trackServerSession(redis);
    boundReconnectSetup(redis, connectTimeout);
  } catch (error) {
    await dropConnection(redis);
    throw new RedisConnectError(url, {
      cause: failure ?? socketError ?? error,
    });
  } finally {
    redis.off("error", remember);
  }
  return redis;
}

/**
 * Why connectRedis gave up at its deadline; `loading`: the server said it is
 * loading its data, with this estimate (or "").
 */
function timedOut(connectTimeout: number, loading?: string): Error {
  const after = `timed out after ${connectTimeout} ms`;
  return new Error(
    loading === undefined
      ? `${after} waiting for the server to answer`
      : `${after}: the server is loading its data${
        loading ? ` (${loading})` : ""
      }`,
  );
}

/** The error of a setup the server answered with an error reply. */
function refusedSetup(reply: Error): Error {
  return new Error(
    `the server refused the connection's setup: ${reply.message}`,
    { cause: reply },
  );
}

/**
 * Wait until the server has loaded its data (after a restart it answers
 * `LOADING` to nearly every command): ioredis's ready check, done here
 * because ioredis waits between two `INFO`s with a timer of up to
 * `maxLoadingRetryTime` (10 s) that it never clears: after connectRedis
 * gave up, the process stayed alive that long and then sent `INFO` on the
 * ended client (8 s for a server that said `loading_eta_seconds:8`, to a
 * connectTimeout of 500 ms). Every wait here ends by the deadline, and the
 * process exits right after the rejection. A `maxLoadingRetryTime` set to
 * connectTimeout still left ioredis's timer firing after the rejection (11
 * ms after, measured; up to connectTimeout in the worst case), and would not
 * say why the setup timed out.
 *
 * @returns Why the connection cannot be used, if not ready; else the ready
 *   server's `INFO` answer (undefined when an ACL refused `INFO`).
 * @throws What `INFO` rejected with when the connection was lost.
 */
async function untilLoaded(
  redis: Redis,
  connectTimeout: number,
  deadline: number,
): Promise<Error | string | undefined> {
  let loading: string | undefined;
  for (;;) {
    const left = deadline - realScheduler.now();
    if (left <= 0) return timedOut(connectTimeout, loading);
    const asked = redis.info();
    // (Not answered in time: rejected by the drop that follows.)
    if (!await settlesWithin(realScheduler, asked, left)) {
      return timedOut(connectTimeout, loading);
    }
    let info: unknown;
    try {
      info = await asked;
    } catch (error) {
      // An ACL that denies INFO: ioredis skips its ready check too.
      if (isRedisReply(error) && /NOPERM/.test(error.message)) return;
      if (isRedisReply(error)) return refusedSetup(error);
      throw error;
    }
    const field = (name: string): string | undefined =>
      typeof info === "string"
        ? new RegExp(`^${name}:(.+?)\r?$`, "m").exec(info)?.[1]
        : undefined;
    const state = field("loading");
    if (state === undefined || state === "0") {
      return typeof info === "string" ? info : undefined;
    }
    // As ioredis: ask again once the server expects to be done, 1 s when it
    // does not say, 10 s at most (and 100 ms at least: not in a tight loop).
    const eta = Number(field("loading_eta_seconds") ?? Number.NaN);
    loading = Number.isFinite(eta) ? `${eta} s to go by its estimate` : "";
    const wait = Math.min(
      Math.max(Number.isFinite(eta) ? eta * 1_000 : 1_000, LOADING_WAIT_MS.min),
      LOADING_WAIT_MS.max,
    );
    // A connection lost meanwhile ends the wait: the next INFO says why.
    const ended = new AbortController();
    const onEnd = (): void => ended.abort();
    redis.once("end", onEnd);
    try {
      await delay(realScheduler, Math.min(wait, left), ended.signal)
        .catch(() => {});
    } finally {
      redis.off("end", onEnd);
    }
  }
}

/**
 * Whether `error` is an error reply of Redis (`ERR`, `WRONGTYPE`, `OOM`,
 * `READONLY`, `NOAUTH`, `LOADING`…): the server answered and refused, as
 * opposed to a connection lost or never made. Internal to the Redis layer.
 *
 * @param error What a command rejected with.
 * @returns Whether Redis answered with it.
 */
export function isRedisReply(error: unknown): error is Error {
  // ioredis types its ReplyError as `any`: the check is the narrowing.
  return error instanceof ReplyError && error instanceof Error;
}

/**
 * `url` checked as {@linkcode connectRedis} takes it, its scheme in lower
 * case (ioredis tells TLS by a lower-case `rediss://`).
 */
function checkedUrl(url: unknown): string {
  const refuse = (rule: string): never => {
    throw new TypeError(
      `Cannot connect to Redis as 'url' must ${rule}: current value 'url=${
        typeof url === "string" ? shownUrl(url) : shown(url)
      }'`,
    );
  };
  if (typeof url !== "string" || !/^rediss?:\/\//i.test(url)) {
    return refuse("start with redis:// or rediss://");
  }
  const lower = url.replace(/^[a-z]+/i, (scheme) => scheme.toLowerCase());
  let parsed: URL;
  try {
    parsed = new URL(lower);
  } catch {
    // The parser's message repeats the URL, password included: not kept.
    return refuse("be a valid URL");
  }
  // ioredis would read the path as a database number, not as a socket.
  if (parsed.hostname === "" && !/^\/?\d*$/.test(parsed.pathname)) {
    return refuse(
      "name a host and port: unix sockets (redis:///path) are not supported",
    );
  }
  checkQuery(parsed.searchParams, refuse);
  // ioredis takes the path, else a `db` query parameter, as the database.
  const db = parsed.pathname.length > 1
    ? parsed.pathname.slice(1)
    : parsed.searchParams.get("db");
  if (db !== null && !(/^\d+$/.test(db) && Number.isSafeInteger(Number(db)))) {
    return refuse("name a database that is a non-negative integer (/0, /1…)");
  }
  return lower;
}

/**
 * The query parameters a URL may hold. ioredis takes every parameter as an
 * option, over the ones connectRedis sets: `?connectTimeout=5000` (a
 * string) crashed the process from a timer of the client, `?retryStrategy=`
 * ended reconnecting, `?maxRetriesPerRequest=1` was ignored. These four
 * say where and as whom to connect, and nothing connectRedis decides.
 */
const QUERY_PARAMETERS = ["db", "family", "password", "username"];

/** The query parameters whose values are no secret, shown in a refusal. */
const PLAIN_PARAMETERS = ["db", "family"];

/**
 * A refused `url` as shown: its user info's password hidden, and the value
 * of every query parameter but `db` and `family` (a refused parameter may
 * be a misspelled password, `passwrd`, which `redactRedisUrl` cannot tell
 * from an option). A refused URL may hold a `?`, `&` or `@` anywhere, so
 * the user info is taken to end at the last `@` (a password may hold one)
 * and hidden first; when a `?` or `#` comes before that `@`, it may be a
 * query value's instead (`?passwrd=se@cret`), and all after the scheme is
 * hidden. Never a secret shown, at times too little.
 */
function shownUrl(url: string): string {
  const hide = (name: string) => !PLAIN_PARAMETERS.includes(name);
  const at = url.lastIndexOf("@");
  if (at === -1) return maskQuery(url, hide);
  // The URL parser drops tabs and newlines, in `://` too.
  const scheme =
    /^\s*[a-z][a-z0-9+.-]*:[\t\n\r]*\/[\t\n\r]*\//i.exec(url)?.[0] ?? "";
  const userInfo = url.slice(scheme.length, at);
  if (/[?#]/.test(userInfo)) return `${scheme}***`;
  const colon = userInfo.indexOf(":");
  const user = colon === -1 ? "" : `${userInfo.slice(0, colon)}:`;
  return `${scheme}${user}***@${maskQuery(url.slice(at + 1), hide)}`;
}

/** What connectRedis takes as its own option, not in the URL. */
const OWN_OPTIONS = ["connectTimeout"];

/** Refuse a query parameter not in {@linkcode QUERY_PARAMETERS}. */
function checkQuery(
  query: URLSearchParams,
  refuse: (rule: string) => never,
): void {
  let afterSecret = false;
  for (const [name, value] of query) {
    if (!QUERY_PARAMETERS.includes(name) && afterSecret) {
      // Its name may be the tail of a password holding an `&`.
      refuse(
        `have no query parameter other than ${
          QUERY_PARAMETERS.map((known) => `'${known}'`).join(", ")
        }, but one follows the password or user name (not shown: it may be the password's tail, holding an '&' to percent-encode as %26)`,
      );
    }
    if (name === "password" || name === "username") afterSecret = true;
    if (!QUERY_PARAMETERS.includes(name)) {
      const nearest = closestName(name, [...QUERY_PARAMETERS, ...OWN_OPTIONS]);
      const hint = nearest === undefined
        ? ""
        : OWN_OPTIONS.includes(nearest)
        ? ` ('${nearest}' is an option of connectRedis, not of the URL)`
        : ` (did you mean '${nearest}'?)`;
      refuse(
        `have no query parameter other than ${
          QUERY_PARAMETERS.map((known) => `'${known}'`).join(", ")
        }, not '${name}'${hint}`,
      );
    }
    // ioredis passes any other value on to the socket, which throws later.
    if (name === "family" && !/^[46]$/.test(value)) {
      refuse("have a 'family' of 4 or 6 (IPv4 or IPv6 only)");
    }
  }
}

/**
 * Close a connection opened by {@linkcode connectRedis}: send `QUIT` so
 * commands already sent finish, or drop the socket when the server is not
 * reachable, or does not answer within the connection's `connectTimeout`
 * (2 s at most). Resolves once the socket is closed.
 *
 * @param redis The connection.
 */
export async function closeRedis(redis: RedisConnection): Promise<void> {
  if (redis.status === "end") return;
  const ended = new Promise<void>((resolve) => redis.once("end", resolve));
  if (redis.status === "ready") {
    // Rejected when the socket is dropped: what is awaited is the close.
    redis.quit().catch(() => {});
    const wait = Math.min(
      redis.options.connectTimeout || QUIT_WAIT_MS,
      QUIT_WAIT_MS,
    );
    if (await settlesWithin(realScheduler, ended, wait)) return;
    await dropConnection(redis);
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
    await ended;
  } else {
    await dropConnection(redis);
    // Closed while a reconnect's setup was under way (connecting, or the
    // server not answering it): ioredis rejects what it queued since, not
    // the commands unanswered at the loss, which it keeps for the new
    // connection that now never comes.
    rejectUnanswered(redis);
  }
}

/**
 * Drop the socket without `QUIT`; resolves once the connection has ended
 * (disconnectTimeout 0 destroys the socket on the next turn).
 */
async function dropConnection(redis: RedisConnection): Promise<void> {
  if (redis.status === "end") return;
  const ended = new Promise<void>((resolve) => redis.once("end", resolve));
  redis.disconnect();
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
  const error = rejectUnanswered(redis);
  held.flushQueue?.(error);
  held.setStatus?.("end");
}

/**
 * Reject the commands a lost connection left unanswered, which ioredis
 * keeps to send again on the next connection.
 *
 * @returns The error they were rejected with.
 */
function rejectUnanswered(redis: RedisConnection): Error {
  const held = redis as unknown as HeldConnection;
  const error = new Error("Connection is closed.");
  const unanswered = held.prevCommandQueue;
  for (let item = unanswered?.shift(); item; item = unanswered?.shift()) {
    item.command.reject(error);
  }
  held.prevCommandQueue = null;
  return error;
}

/** Log outages and recoveries once each (ioredis reports every retry). */
function watch(redis: Redis, url: string): void {
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    const answer: unknown = error;
    visible.warn(
      // An answer is no outage: a refused SELECT (a database the server does
      // not have), AUTH or ready check.
      isRedisReply(answer)
        ? "Redis at {url} refused the connection's setup: {message}"
        : "Redis at {url} is unreachable: {message}",
      { url, message: error.message },
    );
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    // Shown where the outage was: on stderr, it seemed to last for ever.
    visible.info("Redis at {url} is reachable again", { url });
  });
}
