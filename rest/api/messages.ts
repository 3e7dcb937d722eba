/**
 * Message routes beyond create/edit/delete (which `RestClient` has): list, get, crosspost and bulk delete.
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
import { checkNumbers } from "./_numbers.ts";
import { shownQuoted } from "../../base/option_checks.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Message } from "../../types/objects/message.ts";

/** Query of {@linkcode getChannelMessages}: at most one of around, before, after. */
export interface GetChannelMessagesQuery {
  /** Messages around this one. */
  around?: Snowflake;
  /** Messages before this one. */
  before?: Snowflake;
  /** Messages after this one. */
  after?: Snowflake;
  /** How many (1-100, default 50). */
  limit?: number;
}

/**
 * List messages (newest first; at most 100 per call) (`GET /channels/{channelId}/messages`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 100 (the docs'
 *   "Max number of messages to return (1-100)"), before anything is sent.
 */
export async function getChannelMessages(
  rest: RestClient,
  channelId: Snowflake,
  query: GetChannelMessagesQuery = {},
  options: RouteOptions = {},
): Promise<Message[]> {
  query = checkNumbers("get channel messages", query, {
    limit: { min: 1, max: 100 },
  });
  return await rest.request<Message[]>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/messages`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Get one message (`GET /channels/{channelId}/messages/{messageId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getChannelMessage(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  options: RouteOptions = {},
): Promise<Message> {
  return await rest.request<Message>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/messages/${
      snowflake("messageId", messageId)
    }`,
    routeOptions(options),
  );
}

/**
 * Publish a message of an announcement channel to its followers (`POST /channels/{channelId}/messages/{messageId}/crosspost`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function crosspostMessage(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  options: RouteOptions = {},
): Promise<Message> {
  return await rest.request<Message>(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/messages/${
      snowflake("messageId", messageId)
    }/crosspost`,
    routeOptions(options),
  );
}

/**
 * Delete 2 to 100 messages younger than 14 days (`POST /channels/{channelId}/messages/bulk-delete`).
 *
 * Checked before sending, as the docs state: 2 to 100 IDs ("Any message
 * IDs given that do not exist or are invalid will count towards the
 * minimum and maximum"), none repeated (Discord "will fail with a 400 BAD
 * REQUEST if [...] any duplicate message IDs are provided"). The 2 weeks
 * are not checked here: an ID's age needs a clock one with Discord's, and
 * the real clock would refuse the messages of a test's fake dated on a
 * virtual one; Discord answers an old one with 400 50034.
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body The message IDs.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 * @throws {TypeError} When `messages` is not an array, before anything is
 *   sent.
 * @throws {RangeError} When `messages` holds fewer than 2 or more than 100
 *   IDs (the docs' "an array of message ids to delete (2-100)"), or an ID
 *   twice, before anything is sent.
 */
export async function bulkDeleteMessages(
  rest: RestClient,
  channelId: Snowflake,
  body: { messages: Snowflake[] },
  options: AuditedRouteOptions = {},
): Promise<void> {
  body = checkNumbers(BULK_DELETE, body, {
    messages: { items: [2, 100], of: "message IDs" },
  });
  checkRepeatedIds(body);
  await rest.request(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/messages/bulk-delete`,
    auditedRouteOptions(options, { body }),
  );
}

/** What the refusals say the call could not do. */
const BULK_DELETE = "bulk delete messages";

/** Refuse an ID given twice, naming both places. */
function checkRepeatedIds(body: unknown): void {
  if (typeof body !== "object" || body === null) return;
  const ids: unknown = (body as Record<string, unknown>).messages;
  if (!Array.isArray(ids)) return;
  const seen = new Map<unknown, number>();
  for (let i = 0; i < ids.length; i++) {
    const id: unknown = ids[i];
    const first = seen.get(id);
    if (first !== undefined) {
      throw new RangeError(
        `Cannot ${BULK_DELETE} as 'messages' must not repeat an ID (Discord refuses duplicates): current value 'messages[${i}]=${
          shownQuoted(id)
        }' (also messages[${first}])`,
      );
    }
    seen.set(id, i);
  }
}
