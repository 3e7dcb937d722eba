/**
 * Shape checks for every field the shard reads from what the server sends
 * (HELLO, READY, the sequence number) and from saved sessions (the session
 * ID, the resume URL and its host). A payload without the documented shape
 * must never crash the shard or put a value into its state that breaks it
 * later: each check either returns
 * the value or throws a `TypeError`/`RangeError` naming the field, which the
 * shard turns into a `decode` error (resume from the last good sequence).
 *
 * Internal to the package: not exported from `gateway/mod.ts`.
 *
 * @module
 */
import { isRecord } from "../base/is_record.ts";

/**
 * The smallest HELLO `heartbeat_interval` the shard accepts, in
 * milliseconds. Discord sends 41,250; a one-second interval already spends
 * half of the 120-frames-per-minute budget on heartbeats, so anything shorter
 * is a broken or hostile server, not a policy.
 */
export const MIN_HEARTBEAT_INTERVAL = 1_000;
/**
 * The largest HELLO `heartbeat_interval` the shard accepts, in milliseconds
 * (one hour). Zombie detection takes one interval, so a longer one would
 * leave a dead connection unnoticed for longer than any outage worth
 * riding out; it also stays far below the 2^31 - 1 ms a timer can hold.
 */
export const MAX_HEARTBEAT_INTERVAL = 3_600_000;

/** The fields of READY the shard keeps. */
export interface ReadyFields {
  /** `session_id`: a non-empty string. */
  sessionId: string;
  /** `resume_gateway_url` as sent: checked separately by {@linkcode resumeUrlProblem}. */
  resumeUrl: unknown;
}

/** Whether `value` is a non-null object (arrays included). */
export function isObject(
  value: unknown,
): value is Record<PropertyKey, unknown> {
  return typeof value === "object" && value !== null;
}

/** A short rendering of a value for a message (never a whole payload). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  }
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value);
}

/**
 * Whether `value` is a sequence number the shard accepts: a safe
 * non-negative integer. Both the peeked and the parsed path use this, so a
 * frame is accepted or refused the same way whichever path reads it.
 *
 * @param value The frame's `s`.
 * @returns `true` for an integer in `[0, 2^53 - 1]`.
 */
export function isSequence(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * HELLO's `heartbeat_interval`.
 *
 * @param d HELLO's `d`.
 * @returns The interval in milliseconds.
 * @throws {TypeError} When `d` is not an object or the interval not a number.
 * @throws {RangeError} When the interval is outside
 * [{@linkcode MIN_HEARTBEAT_INTERVAL}, {@linkcode MAX_HEARTBEAT_INTERVAL}].
 */
export function helloInterval(d: unknown): number {
  if (!isRecord(d)) {
    throw new TypeError(
      `HELLO's 'd' must be an object: current value '${describeValue(d)}'`,
    );
  }
  const interval = d.heartbeat_interval;
  if (typeof interval !== "number") {
    throw new TypeError(
      `HELLO's 'heartbeat_interval' must be a number: current value '${
        describeValue(interval)
      }'`,
    );
  }
  if (
    !(interval >= MIN_HEARTBEAT_INTERVAL && interval <= MAX_HEARTBEAT_INTERVAL)
  ) {
    throw new RangeError(
      `HELLO's 'heartbeat_interval' must be from ${MIN_HEARTBEAT_INTERVAL} to ${MAX_HEARTBEAT_INTERVAL} ms: current value '${interval}'`,
    );
  }
  return interval;
}

/**
 * The longest READY `session_id` the shard keeps (Discord's are 32 hex
 * characters). A longer one would make every RESUME pass 4,096 bytes, and
 * a session store refuse the session (Deno KV takes 64 KiB a value, and
 * saves many shards in one commit).
 */
export const MAX_SESSION_ID_LENGTH = 512;

/**
 * The longest resume URL the shard keeps (Discord's are about 40
 * characters), for the same reason as {@linkcode MAX_SESSION_ID_LENGTH}.
 */
export const MAX_RESUME_URL_LENGTH = 2_048;

/**
 * The fields of READY the shard keeps.
 *
 * @param d READY's `d`.
 * @returns The session ID and the resume URL as sent.
 * @throws {TypeError} When `d` is not an object or `session_id` is not a
 * session ID ({@linkcode sessionIdProblem}).
 */
export function readyFields(d: unknown): ReadyFields {
  if (!isRecord(d)) {
    throw new TypeError(
      `READY's 'd' must be an object: current value '${describeValue(d)}'`,
    );
  }
  const sessionId = d.session_id;
  const problem = sessionIdProblem(sessionId);
  if (problem !== undefined) {
    throw new TypeError(`READY's 'session_id' ${problem}`);
  }
  return { sessionId: sessionId as string, resumeUrl: d.resume_gateway_url };
}

/**
 * Why `value` cannot be a session ID, or `undefined` when it can: a string
 * of 1 to {@linkcode MAX_SESSION_ID_LENGTH} characters of well-formed
 * UTF-16. One rule for READY's `session_id` and for every saved session
 * (stores check it on save and load, the shard on restore): a session ID a
 * store hands back that READY would have refused made every RESUME pass
 * 4,096 bytes (closed 4002, three times, before the shard identified), and
 * one READY would accept but a store refuse failed every save. A lone
 * surrogate has no UTF-8 encoding: the RESUME would carry another ID.
 *
 * @param value The candidate.
 * @returns The rule and the current value, to follow the field's name in
 * a message (`"must be a string of …"`), or `undefined`.
 */
export function sessionIdProblem(value: unknown): string | undefined {
  if (
    typeof value === "string" && value.length > 0 &&
    value.length <= MAX_SESSION_ID_LENGTH && value.isWellFormed()
  ) return undefined;
  const length = typeof value === "string" && value.length > 64
    ? ` (${value.length} characters)`
    : "";
  return `must be a string of 1 to ${MAX_SESSION_ID_LENGTH} characters of well-formed UTF-16: current value '${
    describeValue(value)
  }'${length}`;
}

/**
 * Why a resume URL must not be used with a gateway at `gatewayUrl`, or
 * `undefined` when it is fine. A usable resume URL parses as a URL with a
 * host and has the scheme `wss:`, or `ws:` only when the main gateway URL is
 * `ws:` too: a `wss:` gateway never resumes in cleartext (the RESUME carries
 * the token).
 *
 * @param resumeUrl The candidate (READY's `resume_gateway_url`, or a saved
 * session's `resumeUrl`).
 * @param gatewayUrl The shard's main gateway URL.
 * @returns A sentence saying what is wrong, or `undefined`.
 */
export function resumeUrlProblem(
  resumeUrl: unknown,
  gatewayUrl: string,
): string | undefined {
  if (typeof resumeUrl !== "string") {
    return `it is not a string: current value '${describeValue(resumeUrl)}'`;
  }
  if (resumeUrl.length > MAX_RESUME_URL_LENGTH) {
    return `it is longer than ${MAX_RESUME_URL_LENGTH} characters: current length ${resumeUrl.length}`;
  }
  let url: URL;
  try {
    url = new URL(resumeUrl);
  } catch {
    return `it is not a URL: current value '${describeValue(resumeUrl)}'`;
  }
  if (url.hostname === "") {
    return `it has no host: current value '${describeValue(resumeUrl)}'`;
  }
  if (url.protocol === "wss:") return undefined;
  if (url.protocol === "ws:") {
    if (new URL(gatewayUrl).protocol === "ws:") return undefined;
    return `it would send the token in cleartext (ws:) where the gateway uses wss: current value '${
      describeValue(resumeUrl)
    }'`;
  }
  return `its scheme must be wss: (or ws: when the gateway URL is ws:): current value '${
    describeValue(resumeUrl)
  }'`;
}

/**
 * Why a saved session's resume URL must not be used with a gateway at
 * `gatewayUrl`, or `undefined` when it is fine: the rules of
 * {@linkcode resumeUrlProblem}, and a host that belongs to the gateway's.
 * READY's `resume_gateway_url` comes from the gateway the token already
 * went to; a store's may have been written by any program with access to
 * it (the Redis key is shared with twilight-dispatch), and the RESUME
 * carries the token. The rule (no public suffix list: the library has none):
 *
 * - A gateway host that is an IP address, `localhost` (or `*.localhost`),
 *   or a single DNS label: the resume URL must have the same host and the
 *   same port (default ports included). Such a host runs services of other
 *   owners on other ports.
 * - A gateway host in Discord's gateway domain (`discord.gg` or under
 *   it): the resume host is in it too (`gateway.discord.gg` takes
 *   `gateway-us-east1-b.discord.gg`), any port.
 * - Any other gateway host (a DNS name: a proxy of the bot's own): the
 *   same host or one under it, any port (the host's owner runs them all,
 *   and names under it are its owner's to give). Not its parent
 *   domain: that may be a hosting platform's (`fly.dev`, `herokuapp.com`,
 *   `co.uk`), whose other tenants are not the bot's.
 *
 * @param resumeUrl The saved session's `resumeUrl`.
 * @param gatewayUrl The shard's main gateway URL.
 * @returns A sentence saying what is wrong, or `undefined`.
 */
export function restoredResumeUrlProblem(
  resumeUrl: unknown,
  gatewayUrl: string,
): string | undefined {
  const problem = resumeUrlProblem(resumeUrl, gatewayUrl);
  if (problem !== undefined) return problem;
  const url = new URL(resumeUrl as string);
  const gateway = new URL(gatewayUrl);
  const host = bareHost(url);
  const gatewayHost = bareHost(gateway);
  if (isMachineHost(gatewayHost)) {
    if (host === gatewayHost && portOf(url) === portOf(gateway)) {
      return undefined;
    }
    return `its host and port must be the gateway URL's ('${gateway.host}') for a saved session: current value '${
      describeValue(resumeUrl)
    }'`;
  }
  if (host === gatewayHost || host.endsWith(`.${gatewayHost}`)) {
    return undefined;
  }
  if (inDiscordDomain(gatewayHost) && inDiscordDomain(host)) return undefined;
  return `its host must be the gateway URL's ('${gateway.hostname}') or under it, or in discord.gg for Discord's, for a saved session: current value '${
    describeValue(resumeUrl)
  }'`;
}

/** Whether a host is Discord's gateway domain or under it. */
function inDiscordDomain(host: string): boolean {
  return host === "discord.gg" || host.endsWith(".discord.gg");
}

/** The URL's host name without the trailing dot of a fully qualified one. */
function bareHost(url: URL): string {
  return url.hostname.endsWith(".") ? url.hostname.slice(0, -1) : url.hostname;
}

/**
 * Whether a host names one machine rather than a domain: an IPv6 address
 * (the URL parser brackets it), an IPv4 address (the parser writes every
 * form as four decimal numbers), `localhost` and its subdomains, or a
 * single label (a container's name).
 */
function isMachineHost(host: string): boolean {
  return host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host) ||
    host === "localhost" || host.endsWith(".localhost") || !host.includes(".");
}

/** The URL's port, its scheme's default when it names none. */
function portOf(url: URL): string {
  if (url.port !== "") return url.port;
  return url.protocol === "wss:" ? "443" : "80";
}

/** The longest RATE_LIMITED `retry_after` the shard waits, in seconds. */
export const MAX_RETRY_AFTER_SECONDS = 3600;

/**
 * The `nonce` of a GUILD_MEMBERS_CHUNK or RATE_LIMITED `meta`, or
 * `undefined` when `d` has none (or is not an object).
 *
 * @param d The dispatch's `d` (or RATE_LIMITED's `meta`).
 * @returns The nonce.
 */
export function nonceOf(d: unknown): string | undefined {
  return isRecord(d) && typeof d.nonce === "string" ? d.nonce : undefined;
}

/**
 * The most members a GUILD_MEMBERS_CHUNK holds: Discord's docs (Request
 * Guild Members) say it answers "with up to 1000 members per chunk".
 */
export const MAX_CHUNK_MEMBERS = 1_000;

/**
 * The largest GUILD_MEMBERS_CHUNK `chunk_count` a members request accepts.
 * Discord documents no guild member limit; the largest guilds have about
 * 20 million members (20,000 chunks), and this allows five times that, a
 * hundred million members. Without a bound a gateway that sends
 * `chunk_count: 2^53 - 1` keeps the request listening for ever.
 */
export const MAX_MEMBER_CHUNK_COUNT = 100_000;

/**
 * GUILD_MEMBERS_CHUNK's `chunk_count`.
 *
 * @param d The chunk.
 * @returns An integer from 1 to {@linkcode MAX_MEMBER_CHUNK_COUNT}.
 * @throws {RangeError} When `chunk_count` is not an integer in that range.
 */
export function chunkCount(d: unknown): number {
  const count = isRecord(d) ? d.chunk_count : undefined;
  if (
    !Number.isSafeInteger(count) || (count as number) < 1 ||
    (count as number) > MAX_MEMBER_CHUNK_COUNT
  ) {
    throw new RangeError(
      `GUILD_MEMBERS_CHUNK's 'chunk_count' must be an integer from 1 to ${MAX_MEMBER_CHUNK_COUNT}: current value '${
        describeValue(count)
      }'`,
    );
  }
  return count as number;
}

/**
 * Checks GUILD_MEMBERS_CHUNK's `members`: an array (the docs make it
 * required) of at most {@linkcode MAX_CHUNK_MEMBERS} entries. A reader
 * would throw on another shape, and a longer one is more than Discord
 * sends in a chunk (a frame of 10,000 members held 2.7 MB of heap).
 *
 * @param d The chunk.
 * @returns How many members it has.
 * @throws {TypeError} When `members` is not an array.
 * @throws {RangeError} When it has more than {@linkcode MAX_CHUNK_MEMBERS}.
 */
export function chunkMemberCount(d: unknown): number {
  const members = isRecord(d) ? d.members : undefined;
  if (!Array.isArray(members)) {
    throw new TypeError(
      `GUILD_MEMBERS_CHUNK's 'members' must be an array: current value '${
        describeValue(members)
      }'`,
    );
  }
  if (members.length > MAX_CHUNK_MEMBERS) {
    throw new RangeError(
      `GUILD_MEMBERS_CHUNK's 'members' must have at most ${MAX_CHUNK_MEMBERS} entries: current length ${members.length}`,
    );
  }
  return members.length;
}

/**
 * GUILD_MEMBERS_CHUNK's `chunk_index`.
 *
 * @param d The chunk.
 * @param count The reply's `chunk_count`.
 * @returns An integer from 0 to `count - 1`.
 * @throws {RangeError} When `chunk_index` is not an integer in that range.
 */
export function chunkIndex(d: unknown, count: number): number {
  const index = isRecord(d) ? d.chunk_index : undefined;
  if (
    !Number.isSafeInteger(index) || (index as number) < 0 ||
    (index as number) >= count
  ) {
    throw new RangeError(
      `GUILD_MEMBERS_CHUNK's 'chunk_index' must be an integer from 0 to ${
        count - 1
      }: current value '${describeValue(index)}'`,
    );
  }
  return index as number;
}

/**
 * RATE_LIMITED's `retry_after`, in milliseconds.
 *
 * @param d The dispatch's `d`.
 * @returns Whole milliseconds, from 0 to {@linkcode MAX_RETRY_AFTER_SECONDS}
 * seconds.
 * @throws {RangeError} When `retry_after` is not a number of seconds in
 * that range.
 */
export function retryAfterMs(d: unknown): number {
  const seconds = isRecord(d) ? d.retry_after : undefined;
  if (
    typeof seconds !== "number" ||
    !(seconds >= 0 && seconds <= MAX_RETRY_AFTER_SECONDS)
  ) {
    throw new RangeError(
      `RATE_LIMITED's 'retry_after' must be from 0 to ${MAX_RETRY_AFTER_SECONDS} seconds: current value '${
        describeValue(seconds)
      }'`,
    );
  }
  return Math.ceil(seconds * 1000);
}
