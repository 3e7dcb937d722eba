/**
 * Poll routes.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import { checkNumbers } from "./_numbers.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Message } from "../../types/objects/message.ts";
import type { User } from "../../types/objects/user.ts";

/**
 * List who voted for an answer (`GET /channels/{channelId}/polls/{messageId}/answers/{answerId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param answerId The poll answer: its `answer_id`, a positive integer (a
 *   string of its digits is taken too).
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `answerId` is not a positive safe integer or a
 *   string of one's digits (the promise rejects).
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 100 (the docs'
 *   "Max number of users to return (1-100)"), before anything is sent.
 */
export async function getAnswerVoters(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  answerId: number | string,
  query: { after?: Snowflake; limit?: number } = {},
  options: RouteOptions = {},
): Promise<{ users: User[] }> {
  query = checkNumbers("get answer voters", query, {
    limit: { min: 1, max: 100 },
  });
  return await rest.request<{ users: User[] }>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/polls/${
      snowflake("messageId", messageId)
    }/answers/${pollAnswerId(answerId)}`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * A poll answer's id as a path segment: Discord numbers a poll's answers
 * with integers from 1 (`answer_id`), not snowflakes.
 */
function pollAnswerId(value: unknown): string {
  const id = typeof value === "string" && /^[1-9][0-9]{0,15}$/.test(value)
    ? Number(value)
    : value;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    throw new TypeError(
      `Cannot build route as 'answerId' must be a positive integer (a poll answer's answer_id): current value 'answerId=${
        typeof value === "string" || typeof value === "number"
          ? String(value).slice(0, 40)
          : typeof value
      }'`,
    );
  }
  return String(id);
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
