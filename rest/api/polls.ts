/**
 * Poll routes.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Message } from "../../types/objects/message.ts";
import type { User } from "../../types/objects/user.ts";

/**
 * List who voted for an answer (`GET /channels/{channelId}/polls/{messageId}/answers/{answerId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param answerId The poll answer (its `answer_id`).
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getAnswerVoters(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  answerId: Snowflake,
  query: { after?: Snowflake; limit?: number } = {},
  options: RouteOptions = {},
): Promise<{ users: User[] }> {
  return await rest.request<{ users: User[] }>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/polls/${
      snowflake("messageId", messageId)
    }/answers/${snowflake("answerId", answerId)}`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * End a poll the bot created now (`POST /channels/{channelId}/polls/{messageId}/expire`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function endPoll(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  options: RouteOptions = {},
): Promise<Message> {
  return await rest.request<Message>(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/polls/${
      snowflake("messageId", messageId)
    }/expire`,
    routeOptions(options),
  );
}
