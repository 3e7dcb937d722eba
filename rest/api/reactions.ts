/**
 * Reaction routes. Emojis are given as a Unicode emoji or `name:id` for a custom one; every reaction route of a message shares one rate-limit bucket.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import {
  type RouteOptions,
  routeOptions,
  segment,
  snowflake,
} from "./_route.ts";
import { checkNumbers } from "./_numbers.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { User } from "../../types/objects/user.ts";
/** Query of {@linkcode getReactions}. */
export interface GetReactionsQuery {
  /** 0 normal, 1 super reactions. */
  type?: 0 | 1;
  /** Users after this ID. */
  after?: Snowflake;
  /** How many (1-100, default 25). */
  limit?: number;
}

/**
 * React to a message (`PUT /channels/{channelId}/messages/{messageId}/reactions/{emoji}/@me`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param emoji The emoji: a Unicode emoji or `name:id` for a custom one.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function createReaction(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  emoji: string,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "PUT",
    `/channels/${snowflake("channelId", channelId)}/messages/${
      snowflake("messageId", messageId)
    }/reactions/${segment("emoji", emoji)}/@me`,
    routeOptions(options),
  );
}

/**
 * Remove the bot's reaction (`DELETE /channels/{channelId}/messages/{messageId}/reactions/{emoji}/@me`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param emoji The emoji: a Unicode emoji or `name:id` for a custom one.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteOwnReaction(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  emoji: string,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/channels/${snowflake("channelId", channelId)}/messages/${
      snowflake("messageId", messageId)
    }/reactions/${segment("emoji", emoji)}/@me`,
    routeOptions(options),
  );
}

/**
 * Remove a user's reaction (`DELETE /channels/{channelId}/messages/{messageId}/reactions/{emoji}/{userId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param emoji The emoji: a Unicode emoji or `name:id` for a custom one.
 * @param userId The user.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteUserReaction(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  emoji: string,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/channels/${snowflake("channelId", channelId)}/messages/${
      snowflake("messageId", messageId)
    }/reactions/${segment("emoji", emoji)}/${snowflake("userId", userId)}`,
    routeOptions(options),
  );
}

/**
 * List the users who reacted with an emoji (`GET /channels/{channelId}/messages/{messageId}/reactions/{emoji}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param emoji The emoji: a Unicode emoji or `name:id` for a custom one.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 100 (the docs'
 *   "Max number of users to return (1-100)"), before anything is sent.
 */
export async function getReactions(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  emoji: string,
  query: GetReactionsQuery = {},
  options: RouteOptions = {},
): Promise<User[]> {
  query = checkNumbers("get reactions", query, { limit: { min: 1, max: 100 } });
  return await rest.request<User[]>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/messages/${
      snowflake("messageId", messageId)
    }/reactions/${segment("emoji", emoji)}`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Remove every reaction from a message (`DELETE /channels/{channelId}/messages/{messageId}/reactions`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteAllReactions(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/channels/${snowflake("channelId", channelId)}/messages/${
      snowflake("messageId", messageId)
    }/reactions`,
    routeOptions(options),
  );
}

/**
 * Remove every reaction of one emoji (`DELETE /channels/{channelId}/messages/{messageId}/reactions/{emoji}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param emoji The emoji: a Unicode emoji or `name:id` for a custom one.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteAllReactionsForEmoji(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  emoji: string,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/channels/${snowflake("channelId", channelId)}/messages/${
      snowflake("messageId", messageId)
    }/reactions/${segment("emoji", emoji)}`,
    routeOptions(options),
  );
}
