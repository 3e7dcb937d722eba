/**
 * The fake gateway's checks of what it is given: its options (each number
 * in range, with the message naming the option) and the shapes of client
 * payloads (snowflakes, presences, integers), plus the URL keys it matches
 * connections by. Private to the test kit.
 *
 * @module
 */
import { checkOptionKeys } from "../base/option_keys.ts";
import { GatewayCloseCode } from "../types/close_codes.ts";
import type {
  FakeGatewayOptions,
  FakeGatewayTokenOptions,
  FakeSessionStartLimitOptions,
} from "./fake_gateway_types.ts";
import {
  CloseSignal,
  DEFAULT_BOT_USER,
  type GatewayConfig,
} from "./_gateway_model.ts";

/** The statuses a presence update may set. */
const STATUSES = new Set(["online", "dnd", "idle", "invisible", "offline"]);

/** Every key of {@linkcode FakeGatewayOptions}: the compiler keeps it complete. */
const GATEWAY_OPTION_KEYS: readonly string[] = Object.keys(
  {
    scheduler: true,
    url: true,
    resumeUrl: true,
    tokens: true,
    heartbeatInterval: true,
    heartbeatTolerance: true,
    heartbeatTimeoutCode: true,
    maxConcurrency: true,
    sessionStartLimit: true,
    sessionTtl: true,
    replayBufferSize: true,
    recordedFrames: true,
    guilds: true,
    membersPerGuild: true,
    maxGuildsPerShard: true,
    shardCountMultiple: true,
    botUser: true,
    applicationId: true,
    rateLimit: true,
    reconnectCloseDelay: true,
    zlibFrameParts: true,
    filterIntents: true,
    onEvent: true,
    onClientFrame: true,
    onIdentify: true,
    onResume: true,
  } satisfies Record<keyof FakeGatewayOptions, true>,
);

const RATE_LIMIT_KEYS = ["limit", "window"] as const satisfies readonly (
  keyof NonNullable<FakeGatewayOptions["rateLimit"]>
)[];
const SESSION_START_LIMIT_KEYS = [
  "total",
  "remaining",
  "resetAfter",
] as const satisfies readonly (keyof FakeSessionStartLimitOptions)[];
const TOKEN_OPTION_KEYS = [
  "privilegedIntents",
] as const satisfies readonly (keyof FakeGatewayTokenOptions)[];

/** Refuses unknown keys with "did you mean"; shared with the Client and caches. */
export { checkOptionKeys };

/** Options objects whose keys were checked already (see {@linkcode gatewayKeysChecked}). */
const keysChecked = new WeakSet<object>();

/**
 * Mark options whose keys {@linkcode checkGatewayOptionKeys} already
 * checked in their caller's terms (FakeDiscord's `gateway.` option), so that
 * FakeGateway's constructor does not check them again in its own.
 *
 * @param options Options built from checked ones.
 * @returns `options`.
 */
export function gatewayKeysChecked<T extends object>(options: T): T {
  keysChecked.add(options);
  return options;
}

/** Where {@linkcode checkGatewayOptionKeys} checks: whose options, and under which key. */
export interface GatewayKeysContext {
  /** The start of the message. @default {"create FakeGateway"} */
  what?: string;
  /** The options' path in the caller's, e.g. `"gateway."`. @default {""} */
  path?: string;
  /** Keys the caller leaves out, each with what to do instead. */
  excluded?: Readonly<Record<string, string>>;
}

/**
 * Check that every key of the fake gateway's options (and of its nested
 * option objects) is one it reads; options marked with
 * {@linkcode gatewayKeysChecked} pass unchecked.
 *
 * @param options The fake's options.
 * @param context Whose options they are, for the message.
 * @throws {TypeError} When one is not.
 */
export function checkGatewayOptionKeys(
  options: unknown,
  context: GatewayKeysContext = {},
): void {
  if (isObject(options) && keysChecked.has(options)) return;
  const { what = "create FakeGateway", path = "", excluded = {} } = context;
  checkOptionKeys(
    what,
    path,
    options,
    GATEWAY_OPTION_KEYS.filter((key) => !Object.hasOwn(excluded, key)),
    excluded,
  );
  const given = options as FakeGatewayOptions | undefined;
  checkOptionKeys(
    what,
    `${path}rateLimit.`,
    given?.rateLimit,
    RATE_LIMIT_KEYS,
  );
  checkOptionKeys(
    what,
    `${path}sessionStartLimit.`,
    given?.sessionStartLimit,
    SESSION_START_LIMIT_KEYS,
  );
  const tokens = given?.tokens;
  if (isObject(tokens)) {
    for (const [token, settings] of Object.entries(tokens)) {
      checkOptionKeys(
        what,
        `${path}tokens.${token}.`,
        settings,
        TOKEN_OPTION_KEYS,
      );
    }
  }
}

/**
 * Check the numeric and user options and fill in the defaults.
 *
 * @param options The fake's options.
 * @returns The settings.
 * @throws {TypeError} When `botUser.id` is not a snowflake.
 * @throws {RangeError} When a number is out of range.
 */
export function resolveConfig(options: FakeGatewayOptions): GatewayConfig {
  const botUser = { ...(options.botUser ?? DEFAULT_BOT_USER) };
  if (!isSnowflake(botUser.id)) {
    throw new TypeError(
      `Cannot create FakeGateway as 'botUser.id' must be a snowflake: current value 'botUser.id=${botUser.id}'`,
    );
  }
  return {
    heartbeatInterval: positiveInteger(
      "heartbeatInterval",
      options.heartbeatInterval ?? 41_250,
    ),
    heartbeatTolerance: nonNegativeInteger(
      "heartbeatTolerance",
      options.heartbeatTolerance ?? 5_000,
    ),
    heartbeatTimeoutCode: closeCode(
      "heartbeatTimeoutCode",
      options.heartbeatTimeoutCode ?? GatewayCloseCode.UnknownError,
    ),
    maxConcurrency: positiveInteger(
      "maxConcurrency",
      options.maxConcurrency ?? 1,
    ),
    sessionTtl: nonNegativeInteger("sessionTtl", options.sessionTtl ?? 90_000),
    replayBufferSize: nonNegativeInteger(
      "replayBufferSize",
      options.replayBufferSize ?? 10_000,
    ),
    recordedFrames: nonNegativeInteger(
      "recordedFrames",
      options.recordedFrames ?? 10_000,
    ),
    membersPerGuild: positiveInteger(
      "membersPerGuild",
      options.membersPerGuild ?? 1,
    ),
    maxGuildsPerShard: positiveInteger(
      "maxGuildsPerShard",
      options.maxGuildsPerShard ?? 2500,
    ),
    shardCountMultiple: positiveInteger(
      "shardCountMultiple",
      options.shardCountMultiple ?? 1,
    ),
    rateLimit: positiveInteger(
      "rateLimit.limit",
      options.rateLimit?.limit ?? 120,
    ),
    rateWindow: positiveInteger(
      "rateLimit.window",
      options.rateLimit?.window ?? 60_000,
    ),
    reconnectCloseDelay: nonNegativeInteger(
      "reconnectCloseDelay",
      options.reconnectCloseDelay ?? 5_000,
    ),
    zlibFrameParts: positiveInteger(
      "zlibFrameParts",
      options.zlibFrameParts ?? 1,
    ),
    filterIntents: options.filterIntents ?? true,
    extraMembers: undefined,
    botUser,
    applicationId: options.applicationId ?? botUser.id,
    onEvent: options.onEvent,
    identifyHook: options.onIdentify,
    resumeHook: options.onResume,
    onClientFrame: options.onClientFrame,
  };
}

/** The key a URL is matched by: scheme, host and path without trailing slashes. */
export function endpointKey(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `Cannot create FakeGateway as '${name}' must be a URL: current value '${name}=${url}'`,
    );
  }
  return keyOf(parsed);
}

/** See {@linkcode endpointKey}. */
export function keyOf(url: URL): string {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  return `${url.protocol}//${url.host}${path}`;
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A snowflake: a string of 1 to 20 digits. */
export function isSnowflake(value: unknown): value is string {
  return typeof value === "string" && /^\d{1,20}$/.test(value);
}

/** An integer of at least 0. */
export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** A presence as op 2 and op 3 carry it. */
export function isPresence(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { since, activities, status, afk } = value;
  if (since !== undefined && since !== null && typeof since !== "number") {
    return false;
  }
  if (afk !== undefined && typeof afk !== "boolean") return false;
  if (typeof status !== "string" || !STATUSES.has(status)) return false;
  return Array.isArray(activities) &&
    activities.every((activity) =>
      isObject(activity) && typeof activity.name === "string" &&
      isNonNegativeInteger(activity.type) && activity.type <= 5 &&
      (activity.url === undefined || activity.url === null ||
        typeof activity.url === "string") &&
      (activity.state === undefined || activity.state === null ||
        typeof activity.state === "string")
    );
}

/** The close for a payload of the wrong shape (4001, like Discord). */
export function malformed(): CloseSignal {
  return new CloseSignal(GatewayCloseCode.UnknownOpcode, "Invalid payload");
}

/** Check a positive-integer option. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create FakeGateway as '${name}' must be a positive integer: current value '${name}=${value}'`,
    );
  }
  return value;
}

/** Check a non-negative-integer option. */
export function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot create FakeGateway as '${name}' must be a non-negative integer: current value '${name}=${value}'`,
    );
  }
  return value;
}

/** Check a close code a test asks the fake to send. */
export function closeCode(name: string, value: number): number {
  if (
    !Number.isInteger(value) ||
    !(value === 1000 || (value >= 3000 && value <= 4999) ||
      (value >= 1001 && value <= 1014 && value !== 1004 && value !== 1005 &&
        value !== 1006))
  ) {
    throw new RangeError(
      `Cannot use close code as '${name}' must be 1000-1014 (not 1004-1006) or 3000-4999: current value '${name}=${value}'`,
    );
  }
  return value;
}
