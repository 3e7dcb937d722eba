/**
 * Thread routes: start (from a message, without one, in a forum), join/leave, members, archived and active lists.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { checkedMessage } from "../_message_limits.ts";
import { isPlainObject } from "../../base/is_record.ts";
import {
  type AuditedRouteOptions,
  auditedRouteOptions,
  type AuditedUploadRouteOptions,
  auditedUploadRouteOptions,
  type RouteOptions,
  routeOptions,
  snowflake,
} from "./_route.ts";
import {
  ARCHIVE_DURATION,
  checkNumbers,
  type NumberRules,
  SLOWMODE,
} from "./_numbers.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Channel, ThreadMember } from "../../types/objects/channel.ts";
import type {
  AllowedMentionsPayload,
  AttachmentPayload,
  ComponentPayload,
} from "../payloads.ts";

/**
 * The Start Thread routes' numbers: `auto_archive_duration` ("can be set
 * to: 60, 1440, 4320, 10080") and `rate_limit_per_user` ("amount of seconds
 * a user has to wait before sending another message (0-21600)").
 */
const START_THREAD_NUMBERS: NumberRules = {
  auto_archive_duration: ARCHIVE_DURATION,
  rate_limit_per_user: SLOWMODE,
};

/**
 * The archived thread lists' `limit`: "optional maximum number of threads
 * to return", typed integer, with no range in the docs: only a negative or
 * fractional count is refused, the rest is Discord's to answer.
 */
const ARCHIVED_LIMIT: NumberRules = { limit: { min: 0 } };

/** Body of {@linkcode startThreadFromMessage}. */
export interface StartThreadBody {
  /** Name (1-100 characters). */
  name: string;
  /** Minutes of inactivity before archiving (60, 1440, 4320, 10080). */
  auto_archive_duration?: number;
  /** Slow mode in seconds (0-21600). */
  rate_limit_per_user?: number | null;
}

/** Body of {@linkcode startThreadWithoutMessage}. */
export interface StartThreadWithoutMessageBody extends StartThreadBody {
  /** 10 announcement thread, 11 public, 12 private (default 12). */
  type?: 10 | 11 | 12;
  /** Private threads: non-moderators may add members. */
  invitable?: boolean;
}

/** Body of {@linkcode startThreadInForum}. */
export interface StartForumThreadBody extends StartThreadBody {
  /** The first message (at least one of content, embeds, sticker_ids, components or files). */
  message: {
    /** Message contents (up to 2000 characters). */
    content?: string;
    /** Up to 10 `rich` embeds (up to 6000 characters). */
    embeds?: unknown[];
    /** Who may be pinged. */
    allowed_mentions?: AllowedMentionsPayload;
    /** Components (builders' output or literals). */
    components?: ComponentPayload[];
    /** Up to 3 of the guild's stickers. */
    sticker_ids?: Snowflake[];
    /**
     * The attachments' metadata (alt text, file name); the options' files
     * get their entries after these.
     */
    attachments?: AttachmentPayload[];
    /** Message flags (only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS). */
    flags?: number;
  };
  /** Tag IDs to apply. */
  applied_tags?: Snowflake[];
}

/** Query of {@linkcode listThreadMembers}. */
export interface ListThreadMembersQuery {
  /** Include each member's guild member. */
  with_member?: boolean;
  /** Members after this user ID. */
  after?: Snowflake;
  /** How many (1-100). */
  limit?: number;
}

/** Query of the archived thread lists. */
export interface ArchivedThreadsQuery {
  /** Threads archived before this ISO 8601 time (or ID for the joined list). */
  before?: string;
  /** How many. */
  limit?: number;
}

/** Answer of the archived thread lists. */
export interface ArchivedThreads {
  /** The threads. */
  threads: Channel[];
  /** The bot's thread members among them. */
  members: ThreadMember[];
  /** Whether more exist. */
  has_more: boolean;
}

/**
 * Start a thread from a message (`POST /channels/{channelId}/messages/{messageId}/threads`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} When `auto_archive_duration` is not a number, or
 *   `rate_limit_per_user` neither a number nor `null`, before anything is
 *   sent.
 * @throws {RangeError} When `auto_archive_duration` is not 60, 1440, 4320 or
 *   10080, or `rate_limit_per_user` not an integer from 0 to 21600, before
 *   anything is sent.
 */
export async function startThreadFromMessage(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  body: StartThreadBody,
  options: AuditedRouteOptions = {},
): Promise<Channel> {
  body = checkNumbers("start thread from message", body, START_THREAD_NUMBERS);
  return await rest.request<Channel>(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/messages/${
      snowflake("messageId", messageId)
    }/threads`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Start a thread without a message (`POST /channels/{channelId}/threads`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} When `auto_archive_duration` is not a number, or
 *   `rate_limit_per_user` neither a number nor `null`, before anything is
 *   sent.
 * @throws {RangeError} When `auto_archive_duration` is not 60, 1440, 4320 or
 *   10080, or `rate_limit_per_user` not an integer from 0 to 21600, before
 *   anything is sent.
 */
export async function startThreadWithoutMessage(
  rest: RestClient,
  channelId: Snowflake,
  body: StartThreadWithoutMessageBody,
  options: AuditedRouteOptions = {},
): Promise<Channel> {
  body = checkNumbers(
    "start thread without message",
    body,
    START_THREAD_NUMBERS,
  );
  return await rest.request<Channel>(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/threads`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Start a post in a forum or media channel (files allowed) (`POST /channels/{channelId}/threads`).
 * The files' `attachments` (their alt text) go in `body.message`, where
 * Discord reads them.
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body The fields to send.
 * @param options Signal, audit-log reason, files.
 * @returns Discord's answer.
 * @throws {TypeError} When `auto_archive_duration` is not a number, or
 *   `rate_limit_per_user` neither a number nor `null`, before anything is
 *   sent.
 * @throws {RangeError} When `auto_archive_duration` is not 60, 1440, 4320 or
 *   10080, or `rate_limit_per_user` not an integer from 0 to 21600, before
 *   anything is sent.
 */
export async function startThreadInForum(
  rest: RestClient,
  channelId: Snowflake,
  body: StartForumThreadBody,
  options: AuditedUploadRouteOptions = {},
): Promise<Channel & { message?: unknown }> {
  body = checkNumbers("start thread in forum", body, START_THREAD_NUMBERS);
  // The first message, checked as a message; read once from the copy.
  if (isPlainObject(body)) {
    body.message = checkedMessage(
      "start thread in forum",
      body.message,
      "message.",
    );
  }
  return await rest.request<Channel & { message?: unknown }>(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/threads`,
    auditedUploadRouteOptions(options, { body }),
  );
}

/**
 * Join a thread (`PUT /channels/{channelId}/thread-members/@me`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function joinThread(
  rest: RestClient,
  channelId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "PUT",
    `/channels/${snowflake("channelId", channelId)}/thread-members/@me`,
    routeOptions(options),
  );
}

/**
 * Add a member to a thread (`PUT /channels/{channelId}/thread-members/{userId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param userId The user.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function addThreadMember(
  rest: RestClient,
  channelId: Snowflake,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "PUT",
    `/channels/${snowflake("channelId", channelId)}/thread-members/${
      snowflake("userId", userId)
    }`,
    routeOptions(options),
  );
}

/**
 * Leave a thread (`DELETE /channels/{channelId}/thread-members/@me`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function leaveThread(
  rest: RestClient,
  channelId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/channels/${snowflake("channelId", channelId)}/thread-members/@me`,
    routeOptions(options),
  );
}

/**
 * Remove a member from a thread (`DELETE /channels/{channelId}/thread-members/{userId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param userId The user.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function removeThreadMember(
  rest: RestClient,
  channelId: Snowflake,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/channels/${snowflake("channelId", channelId)}/thread-members/${
      snowflake("userId", userId)
    }`,
    routeOptions(options),
  );
}

/**
 * Get a thread member (`GET /channels/{channelId}/thread-members/{userId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param userId The user.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getThreadMember(
  rest: RestClient,
  channelId: Snowflake,
  userId: Snowflake,
  query: { with_member?: boolean } = {},
  options: RouteOptions = {},
): Promise<ThreadMember> {
  return await rest.request<ThreadMember>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/thread-members/${
      snowflake("userId", userId)
    }`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * List thread members (privileged GUILD_MEMBERS intent needed) (`GET /channels/{channelId}/thread-members`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 100 (the docs'
 *   "Max number of thread members to return (1-100)"), before anything is sent.
 */
export async function listThreadMembers(
  rest: RestClient,
  channelId: Snowflake,
  query: ListThreadMembersQuery = {},
  options: RouteOptions = {},
): Promise<ThreadMember[]> {
  query = checkNumbers("list thread members", query, {
    limit: { min: 1, max: 100 },
  });
  return await rest.request<ThreadMember[]>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/thread-members`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * List public archived threads (`GET /channels/{channelId}/threads/archived/public`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is negative or not an integer, before
 *   anything is sent (the docs give no range).
 */
export async function listPublicArchivedThreads(
  rest: RestClient,
  channelId: Snowflake,
  query: ArchivedThreadsQuery = {},
  options: RouteOptions = {},
): Promise<ArchivedThreads> {
  query = checkNumbers("list public archived threads", query, ARCHIVED_LIMIT);
  return await rest.request<ArchivedThreads>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/threads/archived/public`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * List private archived threads (`GET /channels/{channelId}/threads/archived/private`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is negative or not an integer, before
 *   anything is sent (the docs give no range).
 */
export async function listPrivateArchivedThreads(
  rest: RestClient,
  channelId: Snowflake,
  query: ArchivedThreadsQuery = {},
  options: RouteOptions = {},
): Promise<ArchivedThreads> {
  query = checkNumbers("list private archived threads", query, ARCHIVED_LIMIT);
  return await rest.request<ArchivedThreads>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/threads/archived/private`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * List private archived threads the bot joined (`GET /channels/{channelId}/users/@me/threads/archived/private`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is negative or not an integer, before
 *   anything is sent (the docs give no range).
 */
export async function listJoinedPrivateArchivedThreads(
  rest: RestClient,
  channelId: Snowflake,
  query: ArchivedThreadsQuery = {},
  options: RouteOptions = {},
): Promise<ArchivedThreads> {
  query = checkNumbers(
    "list joined private archived threads",
    query,
    ARCHIVED_LIMIT,
  );
  return await rest.request<ArchivedThreads>(
    "GET",
    `/channels/${
      snowflake("channelId", channelId)
    }/users/@me/threads/archived/private`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * List a guild's active threads (`GET /guilds/{guildId}/threads/active`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listActiveGuildThreads(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<{ threads: Channel[]; members: ThreadMember[] }> {
  return await rest.request<{ threads: Channel[]; members: ThreadMember[] }>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/threads/active`,
    routeOptions(options),
  );
}
