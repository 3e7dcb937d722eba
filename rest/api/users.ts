/**
 * User routes: the bot user, other users, the bot's guilds, DMs.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import { checkNumbers } from "./_numbers.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Connection, User } from "../../types/objects/user.ts";
import type { Channel } from "../../types/objects/channel.ts";
import type { GuildMember } from "../../types/objects/member.ts";
import { userTokenRouteOptions } from "./_user_token.ts";
/** Query of {@linkcode getCurrentUserGuilds}. */
export interface GetCurrentUserGuildsQuery {
  /** Guilds before this ID. */
  before?: Snowflake;
  /** Guilds after this ID. */
  after?: Snowflake;
  /** How many (1-200). */
  limit?: number;
  /** Include approximate member and presence counts. */
  with_counts?: boolean;
}

/** A guild as listed by {@linkcode getCurrentUserGuilds}. */
export interface PartialGuild {
  /** Guild ID. */
  id: Snowflake;
  /** Name. */
  name: string;
  /** Icon hash. */
  icon: string | null;
  /** Whether the bot owns it. */
  owner: boolean;
  /** The bot's permissions, as a string. */
  permissions: string;
  /** Enabled features. */
  features: string[];
  /** With `with_counts`. */
  approximate_member_count?: number;
  /** With `with_counts`. */
  approximate_presence_count?: number;
}

/**
 * Get the bot user (`GET /users/@me`).
 *
 * @param rest The REST client.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getCurrentUser(
  rest: RestClient,
  options: RouteOptions = {},
): Promise<User> {
  return await rest.request<User>("GET", `/users/@me`, routeOptions(options));
}

/**
 * Get a user (`GET /users/{userId}`).
 *
 * @param rest The REST client.
 * @param userId The user.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getUser(
  rest: RestClient,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<User> {
  return await rest.request<User>(
    "GET",
    `/users/${snowflake("userId", userId)}`,
    routeOptions(options),
  );
}

/**
 * Change the bot's username, avatar or banner (`PATCH /users/@me`).
 *
 * @param rest The REST client.
 * @param body The fields to send.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function modifyCurrentUser(
  rest: RestClient,
  body: { username?: string; avatar?: string | null; banner?: string | null },
  options: RouteOptions = {},
): Promise<User> {
  return await rest.request<User>(
    "PATCH",
    `/users/@me`,
    routeOptions(options, { body }),
  );
}

/**
 * List the bot's guilds (200 per call) (`GET /users/@me/guilds`).
 *
 * @param rest The REST client.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 200 (the docs'
 *   "max number of guilds to return (1-200)"), before anything is sent.
 */
export async function getCurrentUserGuilds(
  rest: RestClient,
  query: GetCurrentUserGuildsQuery = {},
  options: RouteOptions = {},
): Promise<PartialGuild[]> {
  query = checkNumbers("get current user guilds", query, {
    limit: { min: 1, max: 200 },
  });
  return await rest.request<PartialGuild[]>(
    "GET",
    `/users/@me/guilds`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Get the member of the user an OAuth2 access token belongs to, in a guild
 * (`GET /users/@me/guilds/{guildId}/member`). Discord requires a user's
 * access token with the `guilds.members.read` scope: the request is sent
 * with `Authorization: Bearer <accessToken>`, never with the bot token
 * (Discord answers 401 to a bot token here). A bot gets its own member with
 * `getGuildMember(rest, guildId, botUserId)` (`GET
 * /guilds/{guildId}/members/{userId}`) instead.
 *
 * A 401 here is the access token's (expired or revoked): the client keeps
 * using its bot token.
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped), with the `guilds.members.read` scope.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `accessToken` is not a token (it is never
 *   shown).
 */
export async function getCurrentUserGuildMember(
  rest: RestClient,
  guildId: Snowflake,
  accessToken: string,
  options: RouteOptions = {},
): Promise<GuildMember> {
  return await rest.request<GuildMember>(
    "GET",
    `/users/@me/guilds/${snowflake("guildId", guildId)}/member`,
    userTokenRouteOptions(
      options,
      accessToken,
      "guilds.members.read",
      {},
      "a bot gets its own member with getGuildMember",
    ),
  );
}

/**
 * List the accounts on other services (GitHub, Steam, ...) that the user an
 * OAuth2 access token belongs to connected to Discord (`GET
 * /users/@me/connections`). Discord requires the user's access token with
 * the `connections` scope: the request is sent with `Authorization: Bearer
 * <accessToken>`, never with the bot token. Riot Games and League of
 * Legends connections are not listed (since July 10, 2026).
 *
 * @param rest The REST client.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped), with the `connections` scope. It is never shown in an
 *   error or a log.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `accessToken` is not a token (it is never
 *   shown).
 */
export async function getCurrentUserConnections(
  rest: RestClient,
  accessToken: string,
  options: RouteOptions = {},
): Promise<Connection[]> {
  return await rest.request<Connection[]>(
    "GET",
    `/users/@me/connections`,
    userTokenRouteOptions(options, accessToken, "connections"),
  );
}

/**
 * Leave a guild (`DELETE /users/@me/guilds/{guildId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function leaveGuild(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/users/@me/guilds/${snowflake("guildId", guildId)}`,
    routeOptions(options),
  );
}

/**
 * Open (or get) the DM channel with a user (`POST /users/@me/channels`).
 *
 * @param rest The REST client.
 * @param body The user to DM.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function createDM(
  rest: RestClient,
  body: { recipient_id: Snowflake },
  options: RouteOptions = {},
): Promise<Channel> {
  return await rest.request<Channel>(
    "POST",
    `/users/@me/channels`,
    routeOptions(options, { body }),
  );
}
