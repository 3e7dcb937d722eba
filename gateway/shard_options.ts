/**
 * Everything a {@linkcode Shard} can be told, with the documented defaults.
 *
 * @module
 */
import { assertTokenOption } from "../base/bot_token.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import {
  assertNumberTypedIntegerOption,
  assertSchedulerOption,
  numberOptionError,
  redactUrlPassword,
  shown,
  shownQuoted,
} from "../base/option_checks.ts";
import type { BackoffOptions } from "../base/backoff.ts";
import type { IdentifyQueue } from "./identify_queue.ts";
import {
  TRANSPORT_COMPRESSIONS,
  type TransportCompression,
} from "./inflater.ts";
import { MAX_TIMER_DELAY, type Scheduler } from "../base/scheduler.ts";
import type { Transport } from "./transport.ts";
import type {
  IdentifyProperties,
  UpdatePresenceData,
} from "../types/gateway_payloads.ts";
import { isValidIntents } from "../types/intents.ts";

/** A session to resume instead of identifying (e.g. saved before a restart). */
export interface ResumableSession {
  /** The session ID from READY. */
  sessionId: string;
  /** The last sequence number received. */
  sequence: number;
  /** READY's `resume_gateway_url`, if known. */
  resumeUrl?: string | undefined;
}

/**
 * Timeouts, in milliseconds (each a positive integer up to 2^31 - 1, the
 * longest a timer can wait). Each expiry of a handshake step (`connect`,
 * `hello`, `ready`) counts as a failed attempt.
 */
export interface ShardTimeouts {
  /**
   * From opening the socket to the socket being open.
   *
   * @default {10000}
   */
  connect?: number;
  /**
   * From the socket being open to HELLO.
   *
   * @default {30000}
   */
  hello?: number;
  /**
   * From sending IDENTIFY or RESUME to READY or RESUMED (RESUMED: from the
   * last event replayed before it). Waited on while bytes of an unfinished
   * frame keep arriving (a transport that reports them, as the default TCP
   * one does), for 5 minutes at most.
   *
   * @default {30000}
   */
  ready?: number;
  /**
   * How long `close()` waits for a socket's close handshake before it
   * resolves anyway; also how long, after a reconnect closed it, an old
   * socket whose close is never reported is kept before it is forgotten.
   *
   * @default {5000}
   */
  close?: number;
}

/** Options for {@linkcode Shard}. */
export interface ShardOptions {
  /** The bot token (a leading `Bot ` is accepted and dropped). Never logged or shown. */
  token: string;
  /** The gateway intents bitfield; build it from `GatewayIntent`. */
  intents: number;
  /**
   * This shard's ID.
   *
   * @default {0}
   */
  shardId?: number;
  /**
   * How many shards the bot runs in total.
   *
   * @default {1}
   */
  shardCount?: number;
  /**
   * The gateway URL from GET /gateway/bot.
   *
   * @default {"wss://gateway.discord.gg"}
   */
  gatewayUrl?: string;
  /**
   * Transport compression.
   *
   * @default {"none"}
   */
  compress?: TransportCompression;
  /**
   * Member count above which offline members are not sent (50 to 250).
   *
   * @default {50}
   */
  largeThreshold?: number;
  /** The presence to start with. */
  presence?: UpdatePresenceData;
  /**
   * IDENTIFY's connection properties.
   *
   * @default {{ os: <runtime OS>, browser: "disruption", device: "disruption" }}
   */
  properties?: IdentifyProperties;
  /** A session to resume on the first connection instead of identifying. */
  session?: ResumableSession;
  /**
   * Makes the sockets.
   *
   * @default {defaultTransport (tcpWebSocketTransport on Deno; webSocketTransport elsewhere or when a proxy is set)}
   */
  transport?: Transport;
  /**
   * The source of time.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * Randomness for heartbeat and backoff jitter, in [0, 1).
   *
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * Paces IDENTIFY; share one between the shards of a bot.
   *
   * @default {a MemoryIdentifyQueue with max_concurrency 1}
   */
  identifyQueue?: IdentifyQueue;
  /** Timeouts for the handshake steps and for closing. */
  timeouts?: ShardTimeouts;
  /**
   * With `compress`, the most bytes one payload may inflate to, and the
   * most compressed bytes buffered while a zlib-stream message waits for
   * its end. Past either, the frame is a `decode` error and the shard
   * resumes on a new connection: a decompression bomb stops at this many
   * inflated bytes. The memory it costs at its peak is a few times this
   * (measured: 25 MiB of RSS for an 8 MiB limit, 130 to 250 MiB for the
   * default), as the output buffer grows by doubling and a payload that
   * fits is also decoded to a string; lower it to bound that.
   *
   * With `zstd-stream` it also caps the window the stream may ask for (the
   * power of two at or above this value, 1 KiB to 128 MiB): a stream whose
   * window is larger fails every connection before HELLO with a `decode`
   * error (shown once on stderr) while `connect()` waits. Standard zstd
   * at its default level uses a 2 MiB window (higher levels more: 8 MiB at
   * level 19), so with `zstd-stream` keep it at 2097152 (2 MiB) or more.
   *
   * @default {67108864 (64 MiB)}
   */
  maxInflatedBytes?: number;
}

/** The default gateway URL. */
export const DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg";
/** The gateway API version the library speaks. */
export const GATEWAY_VERSION = 10;
/** The default `large_threshold`. */
export const DEFAULT_LARGE_THRESHOLD = 50;
/** Default timeouts in milliseconds. */
export const DEFAULT_TIMEOUTS: Readonly<Required<ShardTimeouts>> = {
  connect: 10_000,
  hello: 30_000,
  ready: 30_000,
  close: 5_000,
};
/** Failed RESUME attempts in a row after which a shard starts a new session. */
export const MAX_RESUME_ATTEMPTS = 3;
/** Largest encoded command Discord accepts, in bytes. */
export const MAX_PAYLOAD_BYTES = 4096;
/**
 * How long a connection must stay ready (after READY or RESUMED) before it
 * counts as healthy, as a multiple of its heartbeat interval. Until then a
 * lost connection counts as a failed attempt and the reconnect backoff keeps
 * growing, so a server that answers every RESUMED with op 7 or op 9 is
 * retried ever more slowly instead of ~20 times a second.
 */
export const HEALTHY_AFTER_HEARTBEATS = 1;
/**
 * The shortest time a connection must stay ready to count as healthy,
 * whatever its heartbeat interval, in milliseconds. HELLO may say 1 s (see
 * `MIN_HEARTBEAT_INTERVAL`), and one interval alone would then let a server
 * that sends op 7 a second after every RESUMED get a reconnect a second,
 * forever. Discord's own interval (41.25 s) is above it.
 */
export const MIN_HEALTHY_UPTIME = 30_000;
/**
 * The backoff between connection attempts (see `backoffDelay`): the first
 * reconnect after a healthy session is immediate, then 1 s doubling to 60 s,
 * each ±25 %.
 */
export const RECONNECT_BACKOFF: Readonly<BackoffOptions> = {
  min: 1000,
  max: 60_000,
  factor: 2,
  jitter: 0.25,
};
/**
 * The backoff before identifying again after op 9 (invalid session, not
 * resumable): 1 to 5 s at random the first time, as Discord's docs ask, and
 * growing like {@linkcode RECONNECT_BACKOFF} while the sessions keep failing
 * (base 3 s doubling, up to 60 s, ±2/3 clamped to at least 1 s).
 */
export const INVALID_SESSION_BACKOFF: Readonly<BackoffOptions> = {
  initial: 3000,
  min: 1000,
  max: 60_000,
  factor: 2,
  jitter: 2 / 3,
};
/**
 * Connects to the resume URL that fail (before the socket opens) in a row
 * after which the shard tries the main URL once, to tell an outage from a
 * resume host that is gone. If the main URL opens, the shard goes straight
 * back to the resume URL; only if the resume URL then fails again (the main
 * host answers, the resume host does not) is the resume URL forgotten and
 * the session resumed on the main URL. If the main URL fails too, it is an
 * outage: the resume URL is kept and the count starts over.
 */
export const RESUME_URL_FAILURES_BEFORE_PROBE = 3;

/**
 * Check the timeouts: each a positive integer number of milliseconds a timer
 * can hold (1 to 2^31 - 1), under a key of {@linkcode ShardTimeouts}.
 *
 * @param what Who is being created, for the message.
 * @param timeouts The timeouts, if given.
 * @throws {TypeError} When `timeouts` is not an object, has a key that is
 * not a timeout (a misspelt `conect` would leave the default in force; the
 * message names the nearest key), or a timeout is not a number (`"1000"`).
 * @throws {RangeError} When a timeout is `NaN`, negative, 0, fractional or
 * too long.
 */
export function assertTimeouts(what: string, timeouts: unknown): void {
  if (timeouts === undefined) return;
  // An object (else 'timeouts' must be an object) of the keys the Client
  // refuses under the same type, with the same message.
  checkOptionKeys(
    `create ${what}`,
    "timeouts.",
    timeouts,
    Object.keys(DEFAULT_TIMEOUTS),
  );
  for (const name of Object.keys(DEFAULT_TIMEOUTS)) {
    const value = (timeouts as Record<string, unknown>)[name];
    if (value === undefined) continue;
    assertNumberTypedIntegerOption(
      what,
      `timeouts.${name}`,
      value,
      1,
      MAX_TIMER_DELAY,
    );
  }
}

/**
 * Every key of {@linkcode ShardOptions}: the compiler keeps the list
 * complete and exact, and a misspelt option is refused at run time.
 */
export const SHARD_OPTION_KEYS: readonly string[] = optionKeys(
  {
    token: true,
    intents: true,
    shardId: true,
    shardCount: true,
    gatewayUrl: true,
    compress: true,
    largeThreshold: true,
    presence: true,
    properties: true,
    session: true,
    transport: true,
    scheduler: true,
    random: true,
    identifyQueue: true,
    timeouts: true,
    maxInflatedBytes: true,
  } satisfies Record<keyof ShardOptions, true>,
);

/**
 * Check every option of a {@linkcode ShardOptions}, with a message naming
 * the option that is wrong.
 *
 * @param options The options.
 * @throws {TypeError} When the token is missing, a key is none of the
 * options (the message names the nearest), a URL is malformed,
 * `properties` is not three strings, a function option is not a
 * function, or a number option is not a number (a string such as `"100"`
 * included: the message quotes it).
 * @throws {RangeError} When a number is out of range.
 */
export function assertShardOptions(options: ShardOptions): void {
  assertTokenOption("shard", options?.token);
  checkOptionKeys("create shard", "", options, SHARD_OPTION_KEYS);
  const intents: unknown = options.intents;
  if (typeof intents !== "number" || !isValidIntents(intents)) {
    // A string is quoted: 'intents=513' would look right.
    const Refusal = typeof intents === "number" ? RangeError : TypeError;
    throw new Refusal(
      `Cannot create shard as 'intents' must be an integer made of documented intent bits: current value 'intents=${
        shownQuoted(intents)
      }'`,
    );
  }
  const shardId = options.shardId ?? 0;
  const shardCount = options.shardCount ?? 1;
  if (!Number.isSafeInteger(shardCount) || shardCount < 1) {
    throw new RangeError(
      `Cannot create shard as 'shardCount' must be a positive integer: current value 'shardCount=${
        shownQuoted(shardCount)
      }'`,
    );
  }
  if (!Number.isInteger(shardId) || shardId < 0 || shardId >= shardCount) {
    throw new RangeError(
      `Cannot create shard as 'shardId' must be an integer from 0 to 'shardCount' - 1: current values 'shardId=${
        shownQuoted(shardId)
      }', 'shardCount=${shardCount}'`,
    );
  }
  // A string ("100") is a TypeError, quoted: "must be an integer from 50
  // to 250: current value '100'" read as a contradiction.
  assertNumberTypedIntegerOption(
    "shard",
    "largeThreshold",
    options.largeThreshold ?? DEFAULT_LARGE_THRESHOLD,
    50,
    250,
  );
  // Its numeric range the inflater checks; a string got its message with
  // the value unquoted, as if "1000000" were not a positive integer.
  const inflated: unknown = options.maxInflatedBytes;
  if (inflated !== undefined && typeof inflated !== "number") {
    throw numberOptionError(
      "shard",
      "maxInflatedBytes",
      "a positive integer number of bytes",
      inflated,
    );
  }
  const compress = options.compress ?? "none";
  if (!TRANSPORT_COMPRESSIONS.includes(compress)) {
    throw new RangeError(
      `Cannot create shard as 'compress' must be "none", "zlib-stream" or "zstd-stream": current value 'compress=${
        shown(compress)
      }'`,
    );
  }
  assertGatewayUrl("shard", options.gatewayUrl ?? DEFAULT_GATEWAY_URL);
  const properties: unknown = options.properties;
  if (
    properties !== undefined &&
    (typeof properties !== "object" || properties === null ||
      ["os", "browser", "device"].some((key) =>
        typeof (properties as Record<string, unknown>)[key] !== "string"
      ))
  ) {
    // Discord answers a malformed IDENTIFY with a close that asks for a
    // resume, and there is no session: it would identify again, forever.
    throw new TypeError(
      "Cannot create shard as 'properties' must be an object with string 'os', 'browser' and 'device'",
    );
  }
  for (const name of ["random", "transport"] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== "function") {
      throw new TypeError(
        `Cannot create shard as '${name}' must be a function: current value '${name}=${typeof value}'`,
      );
    }
  }
  // Injected objects used only later (a clock at connect(), a queue at the
  // first IDENTIFY) would fail there, far from the mistake.
  assertSchedulerOption("shard", options.scheduler);
  const queue: unknown = options.identifyQueue;
  if (
    queue !== undefined &&
    typeof (queue as { acquire?: unknown } | null)?.acquire !== "function"
  ) {
    throw new TypeError(
      `Cannot create shard as 'identifyQueue' must be an IdentifyQueue (an acquire function): current value 'identifyQueue=${
        shown(queue)
      }'`,
    );
  }
  assertTimeouts("shard", options.timeouts);
}

/**
 * Refuse a `gatewayUrl` that is not a ws: or wss: URL with a host, or that
 * carries user info (the connection sends only the path and Host: the
 * credentials were dropped without a word, where RestClient's `baseUrl`
 * refuses them). The value is shown with any password hidden.
 *
 * @param what Whose option: `"shard"` or `"client"`.
 * @param gatewayUrl The value given.
 * @throws {TypeError} When it is not such a URL.
 */
export function assertGatewayUrl(what: string, gatewayUrl: unknown): void {
  // A proxy's password in the URL is no part of what is wrong.
  const current = typeof gatewayUrl === "string"
    ? shown(redactUrlPassword(gatewayUrl))
    : shown(gatewayUrl);
  let url: URL;
  try {
    url = new URL(gatewayUrl as string);
    if (!["ws:", "wss:"].includes(url.protocol) || url.hostname === "") {
      throw new Error(url.protocol);
    }
  } catch {
    throw new TypeError(
      `Cannot create ${what} as 'gatewayUrl' must be a ws: or wss: URL: current value 'gatewayUrl=${current}'`,
    );
  }
  if (url.username || url.password) {
    throw new TypeError(
      `Cannot create ${what} as 'gatewayUrl' must be a URL without user info (the connection sends none of it; a proxy and its credentials go in HTTPS_PROXY): current value 'gatewayUrl=${current}'`,
    );
  }
}
