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
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { GuildMember } from "../../types/objects/member.ts";
import type { User } from "../../types/objects/user.ts";
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
 */
export async function listGuildMembers(
  rest: RestClient,
  guildId: Snowflake,
  query: ListGuildMembersQuery = {},
  options: RouteOptions = {},
): Promise<GuildMember[]> {
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
 */
export async function searchGuildMembers(
  rest: RestClient,
  guildId: Snowflake,
  query: SearchGuildMembersQuery,
  options: RouteOptions = {},
): Promise<GuildMember[]> {
  return await rest.request<GuildMember[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/members/search`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Change a member: nickname, roles, mute, deafen, move, timeout (`PATCH /guilds/{guildId}/members/{userId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyGuildMember(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  body: ModifyGuildMemberBody,
  options: AuditedRouteOptions = {},
): Promise<GuildMember> {
  return await rest.request<GuildMember>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/members/${
      snowflake("userId", userId)
    }`,
    auditedRouteOptions(options, { body }),
  );
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
 */
export async function getGuildBans(
  rest: RestClient,
  guildId: Snowflake,
  query: GetGuildBansQuery = {},
  options: RouteOptions = {},
): Promise<GuildBan[]> {
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
 */
export async function createGuildBan(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  body: CreateGuildBanBody = {},
  options: AuditedRouteOptions = {},
): Promise<void> {
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
 */
export async function bulkGuildBan(
  rest: RestClient,
  guildId: Snowflake,
  body: BulkGuildBanBody,
  options: AuditedRouteOptions = {},
): Promise<{ banned_users: Snowflake[]; failed_users: Snowflake[] }> {
  return await rest.request<
    { banned_users: Snowflake[]; failed_users: Snowflake[] }
  >(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/bulk-ban`,
    auditedRouteOptions(options, { body }),
  );
}
