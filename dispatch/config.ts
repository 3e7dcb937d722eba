/**
 * The dispatch service's configuration: twilight-dispatch's environment
 * variables (same names, same meanings) plus a few additions, read from the
 * environment and an optional `.env` file, checked once at start so a bad
 * value stops the service with one line naming the variable.
 *
 * @module
 */
import { MAX_RECOMMENDED_SHARDS } from "../handler/gateway_bot_check.ts";

/** The checked configuration of the dispatch service. */
export interface DispatchConfig {
  /** `BOT_TOKEN`: the bot token (required). */
  token: string;
  /** `SHARDS_START`: the first shard this process runs. */
  shardsStart: number | undefined;
  /** `SHARDS_END`: the last shard this process runs (inclusive). */
  shardsEnd: number | undefined;
  /** `SHARDS_TOTAL`: the bot's shard count; Discord's recommendation when unset. */
  shardsTotal: number | undefined;
  /** `SHARDS_CONCURRENCY`: IDENTIFYs per 5 s; `max_concurrency` when unset. */
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
  /** `INTENTS`: the gateway intents bitfield (required). */
  intents: number;
  /** `LARGE_THRESHOLD`: 50 to 250. */
  largeThreshold: number;
  /** `STATUS`: the presence status. */
  status: "online" | "dnd" | "idle" | "invisible" | "offline";
  /** `ACTIVITY_TYPE`: 0 to 5. */
  activityType: 0 | 1 | 2 | 3 | 4 | 5;
  /** `ACTIVITY_NAME`: the activity's name; no activity when empty. */
  activityName: string;
  /** `LOG_CHANNEL`: where shard status lines are posted. */
  logChannel: string | undefined;
  /** `LOG_GUILD_CHANNEL`: where guild joins and leaves are posted. */
  logGuildChannel: string | undefined;
  /** `STATE_ENABLED`: keep the state cache in Redis. */
  stateEnabled: boolean;
  /** `STATE_MEMBER`: cache members. */
  stateMember: boolean;
  /** `STATE_MEMBER_TTL`: milliseconds a cached member lives; 0 for ever. */
  stateMemberTtl: number;
  /** `STATE_MESSAGE`: cache messages. */
  stateMessage: boolean;
  /** `STATE_MESSAGE_TTL`: milliseconds a cached message lives; 0 for ever. */
  stateMessageTtl: number;
  /** `STATE_PRESENCE`: cache presences. */
  statePresence: boolean;
  /** `STATE_EMOJI`: cache emojis. */
  stateEmoji: boolean;
  /** `STATE_VOICE`: cache voice states. */
  stateVoice: boolean;
  /** `STATE_OLD`: add the previous state (`old`) to published events. */
  stateOld: boolean;
  /** `RABBIT_HOST`. */
  rabbitHost: string;
  /** `RABBIT_PORT`. */
  rabbitPort: number;
  /** `RABBIT_USERNAME`. */
  rabbitUsername: string;
  /** `RABBIT_PASSWORD`. */
  rabbitPassword: string;
  /** `REDIS_HOST`. */
  redisHost: string;
  /** `REDIS_PORT`. */
  redisPort: number;
  /** `REDIS_DB` (an addition): the database number. */
  redisDb: number;
  /** `REDIS_PASSWORD` (an addition). */
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
   * @param value What it holds (never shown for secrets).
   */
  constructor(variable: string, expected: string, value?: string) {
    super(
      value === undefined
        ? `${variable} is required: ${expected}`
        : `${variable} must be ${expected}: current value '${value}'`,
    );
    this.name = "ConfigError";
    this.variable = variable;
  }
}

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
 * Parse a `.env` file: `NAME=value` lines, `#` comments, optional `export `,
 * values optionally in single or double quotes.
 *
 * @param text The file's text.
 * @param onInvalid Called with the (1-based) number of each line that is
 * none of these, which is skipped (the line itself is not passed: it may
 * hold a secret).
 * @returns The variables it sets.
 *
 * @example
 * ```ts
 * import { parseEnvFile } from "@disruption/disruption/dispatch";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseEnvFile("# bot\nBOT_TOKEN='abc'\nexport INTENTS=513\n"), {
 *   BOT_TOKEN: "abc",
 *   INTENTS: "513",
 * });
 * ```
 */
export function parseEnvFile(
  text: string,
  onInvalid?: (lineNumber: number) => void,
): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(
      line,
    );
    if (!match) {
      onInvalid?.(index + 1);
      continue;
    }
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote)) {
      value = value.slice(1, -1);
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    vars[match[1]!] = value;
  }
  return vars;
}

/**
 * Check the variables and build the configuration. Variables from the
 * environment win over the `.env` file's, as in twilight-dispatch.
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
    if (!/^\d{1,20}$/.test(value)) {
      throw new ConfigError(name, "a channel ID (digits)", value);
    }
    return value;
  };
  const url = (name: string, fallback: string): string => {
    const value = read(name) ?? fallback;
    if (!/^https?:\/\/[^\s]+$/.test(value)) {
      throw new ConfigError(name, "an http:// or https:// URL", value);
    }
    return value.replace(/\/+$/, "");
  };

  const token = read("BOT_TOKEN");
  if (token === undefined) {
    throw new ConfigError(
      "BOT_TOKEN",
      "the bot token from the developer portal",
    );
  }
  const intents = integer("INTENTS", 0, 2 ** 31 - 1);
  if (intents === undefined) {
    throw new ConfigError(
      "INTENTS",
      "the gateway intents bitfield, e.g. 513 for GUILDS and GUILD_MESSAGES",
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
  return {
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
    activityName: read("ACTIVITY_NAME") ?? "",
    logChannel: snowflake("LOG_CHANNEL"),
    logGuildChannel: snowflake("LOG_GUILD_CHANNEL"),
    stateEnabled: flag("STATE_ENABLED", false),
    stateMember: flag("STATE_MEMBER", false),
    stateMemberTtl: integer("STATE_MEMBER_TTL", 0) ?? 0,
    stateMessage: flag("STATE_MESSAGE", false),
    stateMessageTtl: integer("STATE_MESSAGE_TTL", 0) ?? 0,
    statePresence: flag("STATE_PRESENCE", false),
    stateEmoji: flag("STATE_EMOJI", false),
    stateVoice: flag("STATE_VOICE", false),
    stateOld: flag("STATE_OLD", false),
    rabbitHost: read("RABBIT_HOST") ?? "127.0.0.1",
    rabbitPort: integer("RABBIT_PORT", 1, 65535) ?? 5672,
    rabbitUsername: read("RABBIT_USERNAME") ?? "guest",
    rabbitPassword: read("RABBIT_PASSWORD") ?? "guest",
    redisHost: read("REDIS_HOST") ?? "127.0.0.1",
    redisPort: integer("REDIS_PORT", 1, 65535) ?? 6379,
    redisDb: integer("REDIS_DB", 0, 15) ?? 0,
    redisPassword: read("REDIS_PASSWORD"),
    prometheusHost: read("PROMETHEUS_HOST") ?? "0.0.0.0",
    prometheusPort: integer("PROMETHEUS_PORT", 0, 65535) ?? 8005,
    compress: oneOf("COMPRESS", COMPRESSIONS, "none"),
    discordApiUrl: url("DISCORD_API_URL", "https://discord.com/api/v10"),
    publishBuffer: integer("PUBLISH_BUFFER", 1) ?? 10_000,
    logLevel: oneOf("LOG_LEVEL", LOG_LEVELS, "info"),
  };
}
