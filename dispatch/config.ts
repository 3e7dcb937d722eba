/**
 * The dispatch service's configuration: twilight-dispatch's environment
 * variables (same names, same meanings) plus a few additions, read from the
 * environment and an optional `.env` file, checked once at start so a bad
 * value stops the service with one line naming the variable.
 *
 * @module
 */
import { botTokenFault, normalizeBotToken } from "../base/bot_token.ts";
import { isSnowflake, MAX_SNOWFLAKE } from "../base/snowflake.ts";
import {
  isAppendableUrl,
  isUrl,
  redactUrlPassword,
} from "../base/option_checks.ts";
import { textLength } from "../base/text_length.ts";
import { MAX_TTL_MS } from "../cache/redis_expiry.ts";
import { MAX_RECOMMENDED_SHARDS } from "../handler/gateway_bot_check.ts";
import { DEFAULT_BYTE_CAPACITY } from "./publisher.ts";
import { percentDecoded } from "./_percent_decoded.ts";
import { shownChannelId, shownConfigValue } from "./_config_shown.ts";
import type { SessionStartLimit } from "../gateway/identify_queue.ts";
import { ALL_INTENTS, isValidIntents } from "../types/intents.ts";
import type {
  BotActivity,
  UpdatePresenceData,
} from "../types/gateway_payloads.ts";

// Where it always was: main.ts and the entry point import it from here.
export { parseEnvFile } from "./env_file.ts";

/**
 * The checked configuration of the dispatch service. One from
 * {@linkcode loadDispatchConfig} shows `token`, `rabbitPassword` and
 * `redisPassword` as `***` in `Deno.inspect` and `console.log` output; read
 * as properties, they are the values.
 */
export interface DispatchConfig {
  /**
   * `BOT_TOKEN`: the bot token (required): visible ASCII characters, as it
   * goes in an HTTP header; a leading `Bot ` is dropped, as the REST client
   * drops it.
   */
  token: string;
  /** `SHARDS_START`: the first shard this process runs. */
  shardsStart: number | undefined;
  /** `SHARDS_END`: the last shard this process runs (inclusive). */
  shardsEnd: number | undefined;
  /**
   * `SHARDS_TOTAL`: the bot's shard count; Discord's recommendation when
   * unset, which only a process running every shard may leave it (required
   * with `SHARDS_START` or `SHARDS_END`).
   */
  shardsTotal: number | undefined;
  /**
   * `SHARDS_CONCURRENCY`: IDENTIFYs per 5 s; `max_concurrency` when unset,
   * and at most it when set (Discord refuses IDENTIFYs beyond it).
   */
  shardsConcurrency: number | undefined;
  /** `SHARDS_WAIT`: seconds to wait between starting clusters. */
  shardsWait: number;
  /** `CLUSTERS`: how many groups the shards are started in, one after another. */
  clusters: number;
  /**
   * `DEFAULT_QUEUE` (or `DECLARE_QUEUE`, its older name): declare
   * `gateway.recv` bound to every event.
   */
  defaultQueue: boolean;
  /** `RESUME`: resume saved sessions at start. */
  resume: boolean;
  /** `INTENTS`: the gateway intents bitfield (required), documented bits only. */
  intents: number;
  /** `LARGE_THRESHOLD`: 50 to 250. */
  largeThreshold: number;
  /** `STATUS`: the presence status. */
  status: "online" | "dnd" | "idle" | "invisible" | "offline";
  /** `ACTIVITY_TYPE`: 0 to 5. */
  activityType: 0 | 1 | 2 | 3 | 4 | 5;
  /**
   * `ACTIVITY_NAME`: the activity's name, at most 128 characters; no activity
   * when empty.
   */
  activityName: string;
  /** `LOG_CHANNEL`: where shard status lines are posted (a snowflake). */
  logChannel: string | undefined;
  /** `LOG_GUILD_CHANNEL`: where guild joins and leaves are posted (a snowflake). */
  logGuildChannel: string | undefined;
  /** `STATE_ENABLED`: keep the state cache in Redis. */
  stateEnabled: boolean;
  /** `STATE_MEMBER`: cache members. */
  stateMember: boolean;
  /**
   * `STATE_MEMBER_TTL`: milliseconds a cached member lives, at most 10 years;
   * 0 for ever.
   */
  stateMemberTtl: number;
  /** `STATE_MESSAGE`: cache messages. */
  stateMessage: boolean;
  /**
   * `STATE_MESSAGE_TTL`: milliseconds a cached message lives, at most 10
   * years; 0 for ever.
   */
  stateMessageTtl: number;
  /** `STATE_PRESENCE`: cache presences. */
  statePresence: boolean;
  /** `STATE_EMOJI`: cache emojis. */
  stateEmoji: boolean;
  /** `STATE_VOICE`: cache voice states. */
  stateVoice: boolean;
  /** `STATE_OLD`: add the previous state (`old`) to published events. */
  stateOld: boolean;
  /**
   * `RABBIT_HOST`: a hostname or an IPv4 address (the AMQP client cannot
   * dial an IPv6 address given as one).
   */
  rabbitHost: string;
  /** `RABBIT_PORT`. */
  rabbitPort: number;
  /** `RABBIT_USERNAME`, not trimmed, its `%XX` decoded (`_percent_decoded.ts`). */
  rabbitUsername: string;
  /** `RABBIT_PASSWORD`, not trimmed, its `%XX` decoded (`_percent_decoded.ts`). */
  rabbitPassword: string;
  /**
   * `REDIS_HOST`: a hostname, an IPv4 or an IPv6 address (given bare or in
   * brackets, kept bare: in a URL, an IPv6 address goes in brackets, as in
   * `redis://[::1]:6379`).
   */
  redisHost: string;
  /** `REDIS_PORT`. */
  redisPort: number;
  /** `REDIS_DB` (an addition): the database number. */
  redisDb: number;
  /** `REDIS_USERNAME`: the Redis ACL user, as given (not trimmed). */
  redisUsername: string | undefined;
  /** `REDIS_PASSWORD` (an addition), as given (not trimmed). */
  redisPassword: string | undefined;
  /** `PROMETHEUS_HOST`. */
  prometheusHost: string;
  /** `PROMETHEUS_PORT`. */
  prometheusPort: number;
  /** `COMPRESS` (an addition): `none`, `zlib-stream` or `zstd-stream`. */
  compress: "none" | "zlib-stream" | "zstd-stream";
  /** `DISCORD_API_URL` (an addition): the REST base URL. */
  discordApiUrl: string;
  /** `LOG_LEVEL` (an addition): the console log's lowest level. */
  logLevel: "trace" | "debug" | "info" | "warning" | "error" | "fatal";
  /**
   * `PUBLISH_BUFFER` (an addition): events held while RabbitMQ is down or
   * unconfirmed before shards pause (closing resumably).
   */
  publishBuffer: number;
  /**
   * `PUBLISH_BUFFER_BYTES` (an addition): the size of the events held (their
   * bodies' length in UTF-16 code units, bytes for ASCII JSON) before shards
   * pause, whichever of it and `PUBLISH_BUFFER` comes first; 256 MiB by
   * default. A gateway frame may be 64 MiB, so without it the buffer could
   * hold `PUBLISH_BUFFER` of them. One event larger than the bound is still
   * taken: it fills the buffer only with another beside it.
   */
  publishBufferBytes: number;
}

/** The secrets of a configuration, never shown when it is inspected. */
const SECRETS = ["token", "rabbitPassword", "redisPassword"] as const;

/**
 * The configuration as it may be shown: a plain copy with the bot token and
 * the passwords as `***` (an unset password stays `undefined`).
 *
 * @param config The configuration.
 * @returns The copy, for `Deno.inspect` or a log.
 */
function redactedConfig(
  config: DispatchConfig,
): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...config };
  for (const key of SECRETS) {
    if (shown[key] !== undefined) shown[key] = "***";
  }
  return shown;
}

/**
 * A copy of `config` whose `Deno.inspect` (and so `console.log`) output is
 * {@linkcode redactedConfig}'s. The hook is a non-enumerable property: the
 * fields, a spread copy and JSON stay as they were.
 *
 * @param config The configuration.
 * @returns The copy.
 */
export function withHiddenSecrets(config: DispatchConfig): DispatchConfig {
  const copy = { ...config };
  Object.defineProperty(copy, Symbol.for("Deno.customInspect"), {
    value: (
      inspect: (value: unknown, options?: unknown) => string,
      options?: unknown,
    ): string => inspect(redactedConfig(copy), options),
  });
  return copy;
}

/** A configuration value that is missing or wrong; its message is one line. */
export class ConfigError extends Error {
  /** The variable at fault. */
  readonly variable: string;

  /**
   * Build the one-line message.
   *
   * @param variable The variable at fault.
   * @param expected What it should hold.
   * @param value What it holds (shown without a URL's password or a
   * path's webhook token); for a secret, `{ secret }`: what is wrong with
   * it, said without the value, which is never shown.
   */
  constructor(
    variable: string,
    expected: string,
    value?: string | { readonly secret: string },
  ) {
    super(
      value === undefined
        ? `${variable} is required: ${expected}`
        : typeof value === "string"
        ? `${variable} must be ${expected}: current value '${
          shownConfigValue(value)
        }'`
        : `${variable} must be ${expected}: ${value.secret}`,
    );
    this.name = "ConfigError";
    this.variable = variable;
  }
}

// The longest activity name taken, in characters (code points): 128, the
// limit the community's documentation of the activity object gives
// (Discord's own docs state none, nor do this project's types). What is
// certain is the cost of too long a name: IDENTIFY with it passed 4096
// bytes and was closed with 4002 at every attempt, so the service never
// connected and said nothing of why.
const MAX_ACTIVITY_NAME = 128;

// The longest STATE_*_TTL, in milliseconds: the Redis store's longest TTL
// (10 years: its expiry timestamps break past the year 9999).
const MAX_STATE_TTL = MAX_TTL_MS;

const STATUSES: readonly DispatchConfig["status"][] = [
  "online",
  "dnd",
  "idle",
  "invisible",
  "offline",
];
const COMPRESSIONS = ["none", "zlib-stream", "zstd-stream"] as const;
const LOG_LEVELS: readonly DispatchConfig["logLevel"][] = [
  "trace",
  "debug",
  "info",
  "warning",
  "error",
  "fatal",
];

/**
 * The presence the shards identify with: `ACTIVITY_NAME` as an activity of
 * `ACTIVITY_TYPE`, none when the name is empty. A custom status (type 4)
 * shows its `state`, not its name (Discord's docs, 2023-08-08: "`state` will
 * appear as a custom status"): the name goes there, under the name
 * "Custom Status", as discord.js sends it; twilight-dispatch sent the name
 * alone and the status showed nothing.
 *
 * @param config The configuration.
 * @returns IDENTIFY's `presence`.
 *
 * @example
 * ```ts
 * import { loadDispatchConfig, startingPresence } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * const config = loadDispatchConfig({
 *   BOT_TOKEN: "t", INTENTS: "513", ACTIVITY_TYPE: "4", ACTIVITY_NAME: "Mending shards",
 * });
 * assert.deepEqual(startingPresence(config).activities, [
 *   { name: "Custom Status", type: 4, state: "Mending shards" },
 * ]);
 * ```
 */
export function startingPresence(config: DispatchConfig): UpdatePresenceData {
  const { activityName: name, activityType: type } = config;
  const activities: BotActivity[] = name === ""
    ? []
    : type === 4
    ? [{ name: "Custom Status", type, state: name }]
    : [{ name, type }];
  return { since: null, activities, status: config.status, afk: false };
}

/**
 * A host and port as they go in a URL (`host:port` after `scheme://` and any
 * `user:password@`): an IPv6 address in brackets, which a URL needs to tell
 * its colons from the port's (`redis://::1:6379` is no URL), anything else as
 * it is. Takes the configuration's hosts, which keep an IPv6 address bare.
 *
 * @param host A hostname, an IPv4 address, or an IPv6 address bare or
 * already in brackets.
 * @param port The port.
 * @returns `host:port`, or `[host]:port` for an IPv6 address.
 *
 * @example
 * ```ts
 * import { urlHostPort } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(urlHostPort("::1", 6379), "[::1]:6379");
 * assert.equal(urlHostPort("redis", 6379), "redis:6379");
 * assert.equal(new URL(`redis://${urlHostPort("::1", 6379)}/0`).port, "6379");
 * ```
 */
export function urlHostPort(host: string, port: number): string {
  // Only an IPv6 address has a colon: hosts are checked at load.
  return host.includes(":") && !host.startsWith("[")
    ? `[${host}]:${port}`
    : `${host}:${port}`;
}

/**
 * The Redis URL of a configuration: `REDIS_USERNAME` and `REDIS_PASSWORD`
 * (percent-encoded, so any character may be in them) before the host,
 * `REDIS_DB` as the path. twilight-dispatch took `REDIS_USERNAME` too: a
 * file kept from it logs in as that ACL user, not as `default`.
 *
 * @param config The configuration.
 * @returns `redis://[user][:password@]host:port/db`.
 *
 * @example
 * ```ts
 * import { loadDispatchConfig, redisUrl } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * const config = loadDispatchConfig({
 *   BOT_TOKEN: "t", INTENTS: "513", REDIS_USERNAME: "bot", REDIS_PASSWORD: "p@ss",
 * });
 * assert.equal(redisUrl(config), "redis://bot:p%40ss@127.0.0.1:6379/0");
 * ```
 */
export function redisUrl(
  config: Pick<
    DispatchConfig,
    "redisUsername" | "redisPassword" | "redisHost" | "redisPort" | "redisDb"
  >,
): string {
  const user = encodeURIComponent(config.redisUsername ?? "");
  const password = config.redisPassword === undefined
    ? ""
    : `:${encodeURIComponent(config.redisPassword)}`;
  const auth = user === "" && password === "" ? "" : `${user}${password}@`;
  return `redis://${auth}${
    urlHostPort(config.redisHost, config.redisPort)
  }/${config.redisDb}`;
}

/**
 * The identify pace of the shards: `SHARDS_CONCURRENCY` as the
 * `max_concurrency` of Discord's session start limit, which the identify
 * queue paces by. It only lowers Discord's: Discord refuses IDENTIFYs past
 * its own (op 9), so a higher one is Discord's.
 *
 * @param configured `SHARDS_CONCURRENCY`, if set.
 * @param limit Discord's `session_start_limit` (`GET /gateway/bot`).
 * @returns The shard manager's `maxConcurrency` and `sessionStartLimit`.
 *
 * @example
 * ```ts
 * import { identifyPace } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * const limit = { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 16 };
 * assert.equal(identifyPace(1, limit).sessionStartLimit.max_concurrency, 1);
 * assert.equal(identifyPace(32, limit).maxConcurrency, 16);
 * ```
 */
export function identifyPace(
  configured: number | undefined,
  limit: SessionStartLimit,
): { maxConcurrency: number; sessionStartLimit: SessionStartLimit } {
  const pace = Math.min(configured ?? Infinity, limit.max_concurrency);
  return {
    maxConcurrency: pace,
    sessionStartLimit: { ...limit, max_concurrency: pace },
  };
}

/**
 * The `STATE_*` settings a configuration sets that do nothing, as
 * `STATE_ENABLED` is off: each only shapes the cache it turns on.
 * twilight-dispatch took them alike, so they are said, not refused.
 *
 * @param config The configuration.
 * @returns The variables' names; none with `STATE_ENABLED` or when unset.
 *
 * @example
 * ```ts
 * import { ignoredStateSettings, loadDispatchConfig } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * const config = loadDispatchConfig({
 *   BOT_TOKEN: "t", INTENTS: "513", STATE_MEMBER: "true", STATE_OLD: "true",
 * });
 * assert.deepEqual(ignoredStateSettings(config), ["STATE_MEMBER", "STATE_OLD"]);
 * ```
 */
export function ignoredStateSettings(config: DispatchConfig): string[] {
  if (config.stateEnabled) return [];
  const set: [string, boolean][] = [
    ["STATE_MEMBER", config.stateMember],
    ["STATE_MEMBER_TTL", config.stateMemberTtl !== 0],
    ["STATE_MESSAGE", config.stateMessage],
    ["STATE_MESSAGE_TTL", config.stateMessageTtl !== 0],
    ["STATE_PRESENCE", config.statePresence],
    ["STATE_EMOJI", config.stateEmoji],
    ["STATE_VOICE", config.stateVoice],
    ["STATE_OLD", config.stateOld],
  ];
  return set.filter(([, on]) => on).map(([name]) => name);
}

/**
 * `value` as a host for a URL, or `undefined` when it is none: a hostname
 * (letters, digits, `-` and `_`, as container names have, in dot-separated
 * labels of at most 63, 253 in all, an optional final dot, the last label not
 * all digits), an IPv4 address in dotted decimal, or an IPv6 address bare or
 * in brackets (returned bare). A scheme, user, port, path or zone (`%eth0`)
 * is refused: each made a URL that was invalid or read a different host or
 * port.
 */
function parseHost(value: string): string | undefined {
  const inner = /^\[(.*)\]$/.exec(value)?.[1];
  if (inner !== undefined || value.includes(":")) {
    const address = inner ?? value;
    return isIpv6(address) ? address : undefined;
  }
  if (/^[\d.]+$/.test(value)) {
    return /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(?!$)|$)){4}$/.test(value)
      ? value
      : undefined;
  }
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  const labels = name.split(".");
  const valid = name.length <= 253 &&
    labels.every((label) =>
      /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label)
    ) &&
    // A name ending in a number is read as an IPv4 address by URL parsers.
    !/^\d+$/.test(labels[labels.length - 1]!);
  return valid ? value : undefined;
}

/**
 * Whether `value` is an IPv6 address (no brackets, no zone): checked by the
 * URL parser the Redis and AMQP clients use, after its characters, so no
 * bracket, `@` or `/` can make it read another URL.
 */
function isIpv6(value: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(value) || !value.includes(":")) return false;
  try {
    new URL(`http://[${value}]/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Check the variables and build the configuration. Variables from the
 * environment win over the `.env` file's, as in twilight-dispatch. Values
 * are trimmed, except `RABBIT_USERNAME`, `RABBIT_PASSWORD`, `REDIS_USERNAME`
 * and `REDIS_PASSWORD`, taken as given (the two `RABBIT_` ones with their
 * `%XX` decoded, as twilight-dispatch did); a blank value is an unset one.
 *
 * @param env The variables (environment merged over `.env`).
 * @returns The configuration.
 * @throws {ConfigError} The first missing or malformed variable.
 *
 * @example
 * ```ts
 * import { ConfigError, loadDispatchConfig } from "@disruption/disruption/dispatch";
 * import assert from "node:assert/strict";
 *
 * const config = loadDispatchConfig({ BOT_TOKEN: "t", INTENTS: "513" });
 * assert.equal(config.rabbitPort, 5672);
 * assert.throws(
 *   () => loadDispatchConfig({ BOT_TOKEN: "t", INTENTS: "lots" }),
 *   (error: unknown) => error instanceof ConfigError && error.variable === "INTENTS",
 * );
 * ```
 */
export function loadDispatchConfig(
  env: Readonly<Record<string, string | undefined>>,
): DispatchConfig {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  // Credentials are taken as they are, not trimmed: a space may be part of
  // a password (quoted in `.env`), and trimming it made the login fail with
  // nothing to tell why. Blank, they are unset, as every variable.
  const verbatim = (name: string): string | undefined => {
    const value = env[name];
    return value?.trim() === "" ? undefined : value;
  };
  const integer = (
    name: string,
    min: number,
    max = Number.MAX_SAFE_INTEGER,
  ): number | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!/^-?\d+$/.test(value) || number < min || number > max) {
      throw new ConfigError(
        name,
        max === Number.MAX_SAFE_INTEGER
          ? `an integer of at least ${min}`
          : `an integer from ${min} to ${max}`,
        value,
      );
    }
    return number;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const value = read(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (["true", "1", "yes", "on"].includes(value)) return true;
    if (["false", "0", "no", "off"].includes(value)) return false;
    throw new ConfigError(name, "true or false", value);
  };
  const oneOf = <T extends string>(
    name: string,
    allowed: readonly T[],
    fallback: T,
  ): T => {
    const value = read(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `one of ${allowed.join(", ")}`, value);
    }
    return value as T;
  };
  const snowflake = (name: string): string | undefined => {
    const value = read(name);
    if (value === undefined || value === "0") return undefined;
    // Discord writes IDs without leading zeros, and they fit in 64 bits:
    // anything else names no channel, and every post to it would fail.
    if (
      !isSnowflake(value) || value[0] === "0" || BigInt(value) > MAX_SNOWFLAKE
    ) {
      throw new ConfigError(
        name,
        `a channel ID (digits without a leading zero, at most ${MAX_SNOWFLAKE})`,
        shownChannelId(value),
      );
    }
    return value;
  };
  const host = (name: string, fallback: string): string => {
    const value = read(name);
    if (value === undefined) return fallback;
    const parsed = parseHost(value);
    if (parsed === undefined) {
      const user = name.replace(/_HOST$/, "_USERNAME");
      const password = name.replace(/_HOST$/, "_PASSWORD");
      throw new ConfigError(
        name,
        "a hostname, an IPv4 address or an IPv6 address (bare or in brackets), without scheme, port or path",
        // Credentials written in it (twilight-dispatch read none of its
        // own: `user:pw@host` was the way) are not echoed.
        value.includes("@")
          ? {
            secret:
              `it holds an '@' (credentials?), not shown: set ${user} and ${password} instead`,
          }
          : value,
      );
    }
    return parsed;
  };
  // The AMQP client (@cloudamqp/amqp-client 4.1) dials a URL's hostname
  // with an IPv6 address's brackets still on ("getaddrinfo ENOTFOUND
  // [::1]", retried for ever): refused here rather than poked into the
  // client's internals. A name that resolves to an IPv6 address works.
  const rabbitHost = (value: string): string => {
    if (!value.includes(":")) return value;
    throw new ConfigError(
      "RABBIT_HOST",
      "a hostname or an IPv4 address (the AMQP client cannot dial an IPv6 address given as one; give a name that resolves to it)",
      value,
    );
  };
  const url = (name: string, fallback: string): string => {
    const value = read(name) ?? fallback;
    // Parsed as the REST client checks it (an http(s) URL has a host): one
    // the pattern alone let through (`http:///`, a port over 65535, an open
    // `[`) made the client throw a TypeError at start, naming no variable.
    if (
      !/^https?:\/\/[^\s]+$/.test(value) ||
      !isUrl(value, ["http:", "https:"])
    ) {
      throw new ConfigError(
        name,
        "an http:// or https:// URL with a host and a valid port",
        // A proxy's password in the URL is no part of what is wrong.
        redactUrlPassword(value),
      );
    }
    // As the REST client refuses it: fetch merged user info into the bot
    // token's header, and a path appended after `?` or `#` is none.
    if (!isAppendableUrl(value)) {
      throw new ConfigError(
        name,
        "a URL that paths are appended to: no user info, query or fragment (a proxy and its credentials go in HTTPS_PROXY)",
        redactUrlPassword(value),
      );
    }
    return value.replace(/\/+$/, "");
  };
  const ttl = (name: string): number => {
    const value = read(name);
    if (value === undefined) return 0;
    if (!/^\d+$/.test(value) || Number(value) > MAX_STATE_TTL) {
      throw new ConfigError(
        name,
        `milliseconds from 0 (no expiry) to ${MAX_STATE_TTL} (10 years)`,
        value,
      );
    }
    return Number(value);
  };
  const activityName = (value: string): string => {
    // Counted in code points, as Discord counts characters: an emoji is one.
    const length = textLength(value);
    if (length > MAX_ACTIVITY_NAME) {
      throw new ConfigError(
        "ACTIVITY_NAME",
        `at most ${MAX_ACTIVITY_NAME} characters (it has ${length})`,
        value,
      );
    }
    return value;
  };

  // "Bot " is dropped as the REST client and the shard drop it.
  const token = normalizeBotToken(read("BOT_TOKEN") ?? "") || undefined;
  if (token === undefined) {
    throw new ConfigError(
      "BOT_TOKEN",
      "the bot token from the developer portal",
    );
  }
  // Checked here, not by the first request's Headers ("Failed to construct
  // 'Headers'", naming nothing) or by Discord.
  const fault = botTokenFault(token);
  if (fault !== undefined) {
    throw new ConfigError(
      "BOT_TOKEN",
      "the bot token from the developer portal, visible ASCII characters without spaces (it is sent in an HTTP header)",
      { secret: fault },
    );
  }
  const intents = integer("INTENTS", 0, 2 ** 31 - 1);
  if (intents === undefined) {
    throw new ConfigError(
      "INTENTS",
      "the gateway intents bitfield, e.g. 513 for GUILDS and GUILD_MESSAGES",
    );
  }
  // The shard refuses undocumented bits too, but only once RabbitMQ and
  // Redis are connected, and in words naming its option, not this variable.
  if (!isValidIntents(intents)) {
    throw new ConfigError(
      "INTENTS",
      `made of documented intent bits (all of them: ${ALL_INTENTS}; ${
        intents & ~ALL_INTENTS
      } is none)`,
      String(intents),
    );
  }
  // Each shard id in the range is built at start: a typo of a few digits
  // more would exhaust memory before any error.
  const shardsTotal = integer("SHARDS_TOTAL", 1, MAX_RECOMMENDED_SHARDS);
  const shardsStart = integer("SHARDS_START", 0, MAX_RECOMMENDED_SHARDS - 1);
  const shardsEnd = integer("SHARDS_END", 0, MAX_RECOMMENDED_SHARDS - 1);
  if (shardsTotal !== undefined && shardsEnd !== undefined) {
    if (shardsEnd >= shardsTotal) {
      throw new ConfigError(
        "SHARDS_END",
        `below SHARDS_TOTAL (${shardsTotal}); it is inclusive`,
        String(shardsEnd),
      );
    }
  }
  // Without SHARDS_END the range ends at SHARDS_TOTAL - 1: a start past it
  // is an empty range, refused here rather than after GET /gateway/bot.
  if (
    shardsTotal !== undefined && shardsStart !== undefined &&
    shardsEnd === undefined && shardsStart >= shardsTotal
  ) {
    throw new ConfigError(
      "SHARDS_START",
      `below SHARDS_TOTAL (${shardsTotal})`,
      String(shardsStart),
    );
  }
  if (
    shardsStart !== undefined && shardsEnd !== undefined &&
    shardsStart > shardsEnd
  ) {
    throw new ConfigError(
      "SHARDS_START",
      `at most SHARDS_END (${shardsEnd})`,
      String(shardsStart),
    );
  }
  // A range is a share of a count every process must agree on: Discord's
  // recommendation, asked by each process at its start, changes over time,
  // so processes started at different times split different counts (guilds
  // on no shard, or on two). twilight-dispatch required SHARDS_TOTAL too.
  // `SHARDS_START=0` alone is every shard, as with neither set.
  if (
    shardsTotal === undefined &&
    ((shardsStart !== undefined && shardsStart !== 0) ||
      shardsEnd !== undefined)
  ) {
    throw new ConfigError(
      "SHARDS_TOTAL",
      "the bot's shard count, the same in every process, when SHARDS_START or SHARDS_END is set (Discord's recommendation may differ between processes started at different times)",
    );
  }
  return withHiddenSecrets({
    token,
    shardsStart,
    shardsEnd,
    shardsTotal,
    shardsConcurrency: integer("SHARDS_CONCURRENCY", 1),
    shardsWait: integer("SHARDS_WAIT", 0) ?? 6,
    clusters: integer("CLUSTERS", 1) ?? 1,
    // DECLARE_QUEUE is what older twilight-dispatch versions called it.
    defaultQueue: flag(
      read("DEFAULT_QUEUE") === undefined && read("DECLARE_QUEUE") !== undefined
        ? "DECLARE_QUEUE"
        : "DEFAULT_QUEUE",
      true,
    ),
    resume: flag("RESUME", true),
    intents,
    largeThreshold: integer("LARGE_THRESHOLD", 50, 250) ?? 50,
    status: oneOf("STATUS", STATUSES, "online"),
    activityType:
      (integer("ACTIVITY_TYPE", 0, 5) ?? 0) as DispatchConfig["activityType"],
    activityName: activityName(read("ACTIVITY_NAME") ?? ""),
    logChannel: snowflake("LOG_CHANNEL"),
    logGuildChannel: snowflake("LOG_GUILD_CHANNEL"),
    stateEnabled: flag("STATE_ENABLED", false),
    stateMember: flag("STATE_MEMBER", false),
    stateMemberTtl: ttl("STATE_MEMBER_TTL"),
    stateMessage: flag("STATE_MESSAGE", false),
    stateMessageTtl: ttl("STATE_MESSAGE_TTL"),
    statePresence: flag("STATE_PRESENCE", false),
    stateEmoji: flag("STATE_EMOJI", false),
    stateVoice: flag("STATE_VOICE", false),
    stateOld: flag("STATE_OLD", false),
    rabbitHost: rabbitHost(host("RABBIT_HOST", "127.0.0.1")),
    rabbitPort: integer("RABBIT_PORT", 1, 65535) ?? 5672,
    rabbitUsername: percentDecoded(verbatim("RABBIT_USERNAME") ?? "guest"),
    rabbitPassword: percentDecoded(verbatim("RABBIT_PASSWORD") ?? "guest"),
    redisHost: host("REDIS_HOST", "127.0.0.1"),
    redisPort: integer("REDIS_PORT", 1, 65535) ?? 6379,
    redisDb: integer("REDIS_DB", 0, 15) ?? 0,
    redisUsername: verbatim("REDIS_USERNAME"),
    redisPassword: verbatim("REDIS_PASSWORD"),
    prometheusHost: read("PROMETHEUS_HOST") ?? "0.0.0.0",
    prometheusPort: integer("PROMETHEUS_PORT", 0, 65535) ?? 8005,
    compress: oneOf("COMPRESS", COMPRESSIONS, "none"),
    discordApiUrl: url("DISCORD_API_URL", "https://discord.com/api/v10"),
    publishBuffer: integer("PUBLISH_BUFFER", 1) ?? 10_000,
    publishBufferBytes: integer("PUBLISH_BUFFER_BYTES", 1) ??
      DEFAULT_BYTE_CAPACITY,
    logLevel: oneOf("LOG_LEVEL", LOG_LEVELS, "info"),
  });
}
