/**
 * Member and ban routes: get, list, search, modify (nickname, roles, timeout), kick, bans.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import {
  type AuditedRouteOptions,
  auditedRouteOptions,
  type RouteOptions,
  routeOptions,
  snowflake,
} from "./_route.ts";
import { checkNumbers, type NumberRule, plainCopy } from "./_numbers.ts";
import { CLOCK_TOLERANCE, routeClock } from "./_clock.ts";
import { parseIsoTimestamp } from "../../base/iso_timestamp.ts";
import { optionKeys } from "../../base/option_keys.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { GuildMember } from "../../types/objects/member.ts";
import type { User } from "../../types/objects/user.ts";
import { accessTokenBody } from "./_user_token.ts";
import { checkSnowflake } from "../../base/snowflake.ts";
import { assertBooleanOption, shownQuoted } from "../../base/option_checks.ts";
import { isRecord } from "../../base/is_record.ts";
import { RestError } from "../errors.ts";

/**
 * Body of {@linkcode addGuildMember}. Every field but `access_token` is
 * optional; each needs the bot's permission named beside it.
 */
export interface AddGuildMemberBody {
  /**
   * The user's OAuth2 access token, granted to the bot's own application
   * with the `guilds.join` scope (a leading `Bearer ` is dropped). It is
   * never shown in an error or a log.
   */
  access_token: string;
  /** Nickname, 1 to 32 characters (MANAGE_NICKNAMES). */
  nick?: string;
  /** The roles the member joins with (MANAGE_ROLES). */
  roles?: Snowflake[];
  /** Whether the member is muted in voice channels (MUTE_MEMBERS). */
  mute?: boolean;
  /** Whether the member is deafened in voice channels (DEAFEN_MEMBERS). */
  deaf?: boolean;
}

/**
 * Answer of {@linkcode addGuildMember}: the member Discord created (its
 * `201 Created`), or `added: false` when the user already was a member
 * (its `204 No Content`, no body).
 */
export type AddGuildMemberResult =
  | { added: true; member: GuildMember }
  | { added: false };

/**
 * `delete_message_seconds` of Create Guild Ban and Bulk Guild Ban: "number
 * of seconds to delete messages for, between 0 and 604800 (7 days)".
 */
const DELETE_MESSAGE_SECONDS: NumberRule = { min: 0, max: 604800 };

/**
 * Bulk Guild Ban's numbers: `user_ids` "list of user ids to ban (max
 * 200)" (the docs give no minimum: an empty list is Discord's to answer)
 * and `delete_message_seconds`.
 */
const BULK_BAN_NUMBERS = {
  user_ids: { items: [0, 200], of: "user IDs" },
  delete_message_seconds: DELETE_MESSAGE_SECONDS,
} as const;

/** Query of {@linkcode listGuildMembers}. */
export interface ListGuildMembersQuery {
  /** How many (1-1000, default 1). */
  limit?: number;
  /** Members after this user ID. */
  after?: Snowflake;
}

/** Query of {@linkcode searchGuildMembers}. */
export interface SearchGuildMembersQuery {
  /** The start of a username or nickname. */
  query: string;
  /** How many (1-1000, default 1). */
  limit?: number;
}

/** Body of {@linkcode modifyGuildMember}. */
export interface ModifyGuildMemberBody {
  /** Nickname; `null` or `""` removes it. */
  nick?: string | null;
  /** The full role list. */
  roles?: Snowflake[] | null;
  /** Server mute. */
  mute?: boolean | null;
  /** Server deafen. */
  deaf?: boolean | null;
  /** Move to this voice channel (`null` disconnects). */
  channel_id?: Snowflake | null;
  /** Timeout until this ISO 8601 time (28 days at most; `null` lifts it). */
  communication_disabled_until?: string | null;
  /** Member flags. */
  flags?: number | null;
}

/**
 * The longest timeout, in milliseconds (28 days): Modify Guild Member's
 * `communication_disabled_until` is "when the user's timeout will expire
 * [...] (up to 28 days in the future)".
 */
export const MAX_MEMBER_TIMEOUT = 28 * 24 * 60 * 60 * 1000;

/** Options of {@linkcode modifyGuildMember}. */
export interface ModifyGuildMemberOptions extends AuditedRouteOptions {
  /**
   * The current time in Unix milliseconds, which the 28 days of a timeout
   * are checked against (`Date.now()` through the real scheduler by
   * default): a test's virtual clock, or a clock corrected to Discord's.
   */
  now?: () => number;
}

/** The options of {@linkcode modifyGuildMember} beside the call options. */
const MODIFY_MEMBER_OWN_KEYS = optionKeys(
  { now: true } satisfies Record<
    Exclude<keyof ModifyGuildMemberOptions, keyof AuditedRouteOptions>,
    true
  >,
);

/** Body of {@linkcode modifyCurrentMember}. */
export interface ModifyCurrentMemberBody {
  /** The bot's nickname in the guild. */
  nick?: string | null;
  /** Guild banner as a data URI. */
  banner?: string | null;
  /** Guild avatar as a data URI. */
  avatar?: string | null;
  /** Guild bio. */
  bio?: string | null;
}

/** A ban. */
export interface GuildBan {
  /** Why, if given. */
  reason: string | null;
  /** The banned user. */
  user: User;
}

/** Query of {@linkcode getGuildBans}. */
export interface GetGuildBansQuery {
  /** How many (1-1000). */
  limit?: number;
  /** Bans before this user ID. */
  before?: Snowflake;
  /** Bans after this user ID. */
  after?: Snowflake;
}

/** Body of {@linkcode createGuildBan}. */
export interface CreateGuildBanBody {
  /** Delete the user's messages of the last seconds (0-604800). */
  delete_message_seconds?: number;
}

/** Body of {@linkcode bulkGuildBan}. */
export interface BulkGuildBanBody {
  /** Up to 200 user IDs. */
  user_ids: Snowflake[];
  /** Delete their messages of the last seconds (0-604800). */
  delete_message_seconds?: number;
}

/**
 * Get a member (`GET /guilds/{guildId}/members/{userId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildMember(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildMember> {
  return await rest.request<GuildMember>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/members/${
      snowflake("userId", userId)
    }`,
    routeOptions(options),
  );
}

/**
 * List members (GUILD_MEMBERS intent; at most 1000 per call) (`GET /guilds/{guildId}/members`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 1000 (the docs'
 *   "max number of members to return (1-1000)"), before anything is sent.
 */
export async function listGuildMembers(
  rest: RestClient,
  guildId: Snowflake,
  query: ListGuildMembersQuery = {},
  options: RouteOptions = {},
): Promise<GuildMember[]> {
  query = checkNumbers("list guild members", query, {
    limit: { min: 1, max: 1000 },
  });
  return await rest.request<GuildMember[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/members`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Find members whose username or nickname starts with `query` (`GET /guilds/{guildId}/members/search`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 1000 (the docs'
 *   "max number of members to return (1-1000)"), before anything is sent.
 */
export async function searchGuildMembers(
  rest: RestClient,
  guildId: Snowflake,
  query: SearchGuildMembersQuery,
  options: RouteOptions = {},
): Promise<GuildMember[]> {
  query = checkNumbers("search guild members", query, {
    limit: { min: 1, max: 1000 },
  });
  return await rest.request<GuildMember[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/members/search`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Change a member: nickname, roles, mute, deafen, move, timeout (`PATCH /guilds/{guildId}/members/{userId}`).
 *
 * A timeout (`communication_disabled_until`) is checked before sending
 * against Discord's "up to 28 days in the future" ({@linkcode
 * MAX_MEMBER_TIMEOUT}), by `options.now` (the real clock by default), with
 * a minute of leeway for the clocks' skew: only a time more than 28 days
 * and a minute ahead is refused. `null` lifts a timeout, and a time in the
 * past is sent as it is (the member object's "null or a time in the past
 * if the user is not timed out": it ends one).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param body The fields to send.
 * @param options Signal, audit-log reason; `now`, the clock the 28 days
 *   are checked against.
 * @returns Discord's answer.
 * @throws {TypeError} When `communication_disabled_until` is neither an
 *   ISO 8601 timestamp string of a real date, a valid `Date` (sent as its
 *   ISO 8601 text) nor `null`, or `options.now` is not a function returning
 *   a finite number, before anything is sent.
 * @throws {RangeError} When `communication_disabled_until` is more than 28
 *   days (and the minute of leeway) after `options.now()`, before anything
 *   is sent.
 *
 * @example Time a member out for a week
 * ```ts
 * import { modifyGuildMember, RestClient } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const sent: unknown[] = [];
 * const rest = new RestClient({
 *   token: "t",
 *   fetch: async (input, init) => {
 *     sent.push(await new Request(input, init).json());
 *     return Response.json({});
 *   },
 * });
 * const now = Date.UTC(2026, 0, 1);
 * const week = new Date(now + 7 * 24 * 60 * 60 * 1000).toISOString();
 * await modifyGuildMember(rest, "1", "2", {
 *   communication_disabled_until: week,
 * }, { now: () => now, reason: "spam" });
 * assert.deepEqual(sent, [{ communication_disabled_until: "2026-01-08T00:00:00.000Z" }]);
 *
 * // 30 days is past Discord's 28: refused, nothing sent.
 * await assert.rejects(
 *   modifyGuildMember(rest, "1", "2", {
 *     communication_disabled_until: new Date(now + 30 * 24 * 60 * 60 * 1000)
 *       .toISOString(),
 *   }, { now: () => now }),
 *   RangeError,
 * );
 * assert.equal(sent.length, 1);
 * ```
 */
export async function modifyGuildMember(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  body: ModifyGuildMemberBody,
  options: ModifyGuildMemberOptions = {},
): Promise<GuildMember> {
  const path = `/guilds/${snowflake("guildId", guildId)}/members/${
    snowflake("userId", userId)
  }`;
  // The options first: a `null` is refused as no options object, not with
  // a failed read of its `now`.
  const request = auditedRouteOptions(
    options,
    { body },
    MODIFY_MEMBER_OWN_KEYS,
  );
  request.body = checkTimeout(body, routeClock(MODIFY_MEMBER, options.now));
  return await rest.request<GuildMember>("PATCH", path, request);
}

/** What the timeout's refusals say the call could not do. */
const MODIFY_MEMBER = "modify guild member";

/**
 * Check a body's `communication_disabled_until`, when given and not
 * `null`: a time, at most 28 days (and the tolerance) after `now()`.
 * Returns the body to send: a plain object copied, each field read once,
 * a `Date` as the ISO 8601 text of the time checked.
 */
function checkTimeout(body: unknown, now: () => number): unknown {
  if (typeof body !== "object" || body === null) return body;
  const copy = plainCopy(body) as Record<string, unknown>;
  const field = "communication_disabled_until";
  const value = copy[field];
  if (value === undefined || value === null) return copy;
  // A Date is sent as JSON writes it, its ISO 8601 text.
  const at = value instanceof Date
    ? (Number.isFinite(value.getTime()) ? value.getTime() : undefined)
    : parseIsoTimestamp(value);
  if (at === undefined) {
    throw new TypeError(
      `Cannot ${MODIFY_MEMBER} as '${field}' must be an ISO 8601 timestamp string of a real date, or null: current value '${field}=${
        shownQuoted(value)
      }'`,
    );
  }
  const ahead = at - now();
  if (ahead > MAX_MEMBER_TIMEOUT + CLOCK_TOLERANCE) {
    throw new RangeError(
      `Cannot ${MODIFY_MEMBER} as '${field}' must be at most 28 days from now (Discord's limit; a minute allowed for clock skew): current value '${field}=${
        shownQuoted(value instanceof Date ? value.toISOString() : value)
      }' (${(ahead / 86_400_000).toFixed(2)} days ahead)`,
    );
  }
  if (value instanceof Date && copy !== body) {
    copy[field] = new Date(at).toISOString();
  }
  return copy;
}

/**
 * Change the bot's own nickname (and guild profile) (`PATCH /guilds/{guildId}/members/@me`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyCurrentMember(
  rest: RestClient,
  guildId: Snowflake,
  body: ModifyCurrentMemberBody,
  options: AuditedRouteOptions = {},
): Promise<GuildMember> {
  return await rest.request<GuildMember>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/members/@me`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Give a member a role (`PUT /guilds/{guildId}/members/{userId}/roles/{roleId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param roleId The role.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function addGuildMemberRole(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  roleId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "PUT",
    `/guilds/${snowflake("guildId", guildId)}/members/${
      snowflake("userId", userId)
    }/roles/${snowflake("roleId", roleId)}`,
    auditedRouteOptions(options),
  );
}

/**
 * Take a role from a member (`DELETE /guilds/{guildId}/members/{userId}/roles/{roleId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param roleId The role.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function removeGuildMemberRole(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  roleId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/members/${
      snowflake("userId", userId)
    }/roles/${snowflake("roleId", roleId)}`,
    auditedRouteOptions(options),
  );
}

/**
 * Kick a member (`DELETE /guilds/{guildId}/members/{userId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function removeGuildMember(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/members/${
      snowflake("userId", userId)
    }`,
    auditedRouteOptions(options),
  );
}

/**
 * List bans (`GET /guilds/{guildId}/bans`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 0 to 1000 (the docs'
 *   "number of users to return (up to maximum 1000)"), before anything is sent.
 */
export async function getGuildBans(
  rest: RestClient,
  guildId: Snowflake,
  query: GetGuildBansQuery = {},
  options: RouteOptions = {},
): Promise<GuildBan[]> {
  // "number of users to return (up to maximum 1000)": no minimum stated; a
  // count is not negative, and 0 is left to Discord.
  query = checkNumbers("get guild bans", query, {
    limit: { min: 0, max: 1000 },
  });
  return await rest.request<GuildBan[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/bans`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Get one ban (`GET /guilds/{guildId}/bans/{userId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildBan(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildBan> {
  return await rest.request<GuildBan>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/bans/${
      snowflake("userId", userId)
    }`,
    routeOptions(options),
  );
}

/**
 * Ban a user, optionally deleting their recent messages (`PUT /guilds/{guildId}/bans/{userId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 * @throws {TypeError} When `delete_message_seconds` is not a number, before
 *   anything is sent.
 * @throws {RangeError} When `delete_message_seconds` is not an integer from 0
 *   to 604800, before anything is sent.
 */
export async function createGuildBan(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  body: CreateGuildBanBody = {},
  options: AuditedRouteOptions = {},
): Promise<void> {
  body = checkNumbers("create guild ban", body, {
    delete_message_seconds: DELETE_MESSAGE_SECONDS,
  });
  await rest.request(
    "PUT",
    `/guilds/${snowflake("guildId", guildId)}/bans/${
      snowflake("userId", userId)
    }`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Lift a ban (`DELETE /guilds/{guildId}/bans/{userId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function removeGuildBan(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/bans/${
      snowflake("userId", userId)
    }`,
    auditedRouteOptions(options),
  );
}

/**
 * Ban up to 200 users at once (`POST /guilds/{guildId}/bulk-ban`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} When `user_ids` is not an array or
 *   `delete_message_seconds` not a number, before anything is sent.
 * @throws {RangeError} When `user_ids` holds more than 200 IDs, or
 *   `delete_message_seconds` is not an integer from 0 to 604800, before
 *   anything is sent.
 */
export async function bulkGuildBan(
  rest: RestClient,
  guildId: Snowflake,
  body: BulkGuildBanBody,
  options: AuditedRouteOptions = {},
): Promise<{ banned_users: Snowflake[]; failed_users: Snowflake[] }> {
  body = checkNumbers("bulk guild ban", body, BULK_BAN_NUMBERS);
  return await rest.request<
    { banned_users: Snowflake[]; failed_users: Snowflake[] }
  >(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/bulk-ban`,
    auditedRouteOptions(options, { body }),
  );
}

const ADD_MEMBER = "add guild member";

/**
 * Add a user to a guild with their OAuth2 access token (`PUT
 * /guilds/{guildId}/members/{userId}`): the user authorized the bot's
 * application with the `guilds.join` scope, and the token came from that
 * authorization. Sent with the bot token (of the same application); the
 * bot must be in the guild with CREATE_INSTANT_INVITE, and each optional
 * field needs its permission (see {@linkcode AddGuildMemberBody}). In a
 * guild with Membership Screening the member joins `pending`.
 *
 * The access token is a secret of the request: Discord's error body, a
 * fetch failure or a log line quoting it shows `[REDACTED]`, as for the
 * bot token. The request is not recorded in the audit log (the docs name
 * no `X-Audit-Log-Reason`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user the access token belongs to.
 * @param body The access token and the member's nickname, roles, mute and
 *   deafen.
 * @param options Signal.
 * @returns `{ added: true, member }` for a user Discord added (201), or
 *   `{ added: false }` for one already a member (204): Discord then
 *   answers no member, and its docs do not say the fields were applied
 *   (change an existing member with {@linkcode modifyGuildMember}).
 * @throws {TypeError} When an ID is not a snowflake, `body` is not an
 *   object, `access_token` is not a token (never shown), `nick` is not a
 *   string, `roles` not an array of snowflakes (a hole included), or
 *   `mute` or `deaf` not a boolean: nothing is sent.
 * @throws {RangeError} When `nick` is not 1 to 32 characters.
 * @throws {RestError} When Discord's 2xx answer is neither a member nor
 *   empty.
 *
 * @example Add a user who authorized the bot with guilds.join
 * ```ts
 * import { addGuildMember, RestClient } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const rest = new RestClient({
 *   token: "bot-token",
 *   fetch: async (input, init) => {
 *     const body = JSON.parse(String(init?.body));
 *     assert.equal(String(input), "https://discord.com/api/v10/guilds/1/members/7");
 *     assert.equal(new Headers(init?.headers).get("authorization"), "Bot bot-token");
 *     assert.deepEqual(body, { access_token: "user-access-token", nick: "Ada" });
 *     return Response.json({ user: { id: "7" }, nick: "Ada", roles: [] }, { status: 201 });
 *   },
 * });
 * const result = await addGuildMember(rest, "1", "7", {
 *   access_token: "user-access-token",
 *   nick: "Ada",
 * });
 * assert.ok(result.added);
 * assert.equal(result.member.nick, "Ada");
 * ```
 */
export async function addGuildMember(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  body: AddGuildMemberBody,
  options: RouteOptions = {},
): Promise<AddGuildMemberResult> {
  const path = `/guilds/${snowflake("guildId", guildId)}/members/${
    snowflake("userId", userId)
  }`;
  const sent = accessTokenBody(ADD_MEMBER, body, "guilds.join");
  if (sent.roles !== undefined) sent.roles = roleIds(sent.roles);
  assertBooleanOption(ADD_MEMBER, "mute", sent.mute);
  assertBooleanOption(ADD_MEMBER, "deaf", sent.deaf);
  const answer = await rest.request<unknown>(
    "PUT",
    path,
    routeOptions(options, { body: sent }),
  );
  // The client gives a 2xx's parsed body whatever its status: a 204 has
  // none, a 201 the member.
  if (answer === undefined) return { added: false };
  if (isRecord(answer) && !Array.isArray(answer) && isRecord(answer.user)) {
    return { added: true, member: answer as unknown as GuildMember };
  }
  // Only our own words: the body is the peer's.
  throw new RestError(
    `PUT ${path} answered with a body that is neither a guild member (201 Created) nor empty (204 No Content, already a member): it is ${
      Array.isArray(answer)
        ? "an array"
        : isRecord(answer)
        ? "an object without a 'user' object"
        : "not a JSON object"
    }`,
    { method: "PUT", path },
  );
}

/** `roles` as given, copied with each ID read once (a hole refused). */
function roleIds(roles: unknown): Snowflake[] {
  if (!Array.isArray(roles)) {
    throw new TypeError(
      `Cannot ${ADD_MEMBER} as 'roles' must be an array of role IDs (snowflake strings): current value 'roles=${
        shownQuoted(roles)
      }'`,
    );
  }
  // Indices, not map: a hole was skipped, and sent as null.
  return Array.from(
    { length: roles.length },
    (_, i) => checkSnowflake(ADD_MEMBER, `roles[${i}]`, roles[i]),
  );
}
