/**
 * Everything a {@linkcode Shard} can be told, with the documented defaults.
 *
 * @module
 */
import type { IdentifyQueue } from "./identify_queue.ts";
import type { TransportCompression } from "./inflater.ts";
import type { Scheduler } from "../base/scheduler.ts";
import type { Transport } from "./transport.ts";
import type {
  IdentifyProperties,
  UpdatePresenceData,
} from "../types/gateway_payloads.ts";

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
 * Timeouts, in milliseconds. Each expiry of a handshake step (`connect`,
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
   * From sending IDENTIFY or RESUME to READY or RESUMED.
   *
   * @default {30000}
   */
  ready?: number;
  /**
   * How long `close()` waits for a socket's close handshake before it
   * resolves anyway.
   *
   * @default {5000}
   */
  close?: number;
}

/** Options for {@linkcode Shard}. */
export interface ShardOptions {
  /** The bot token (without the `Bot ` prefix). Never logged or shown. */
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
   * resumes on a new connection: a decompression bomb costs at most this
   * much memory.
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
