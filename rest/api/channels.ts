/**
 * Channel routes: get, modify, delete, permission overwrites, invites, typing, pins and announcement follows.
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
import type {
  Channel,
  DefaultReaction,
  ForumTag,
  Overwrite,
} from "../../types/objects/channel.ts";
import type { InviteWithMetadata } from "../../types/objects/invite.ts";
import type { Message } from "../../types/objects/message.ts";
import { isRecord } from "../../base/is_record.ts";
import { type InviteTargetUsers, targetUsersFile } from "./_target_users.ts";
import { accessTokenBody } from "./_user_token.ts";
import {
  ARCHIVE_DURATION,
  checkNumbers,
  GUILD_CHANNEL_NUMBERS,
  type NumberRules,
} from "./_numbers.ts";

/**
 * Modify Channel's numbers and counts, as its tables state them: the guild
 * channel's (`bitrate` min 8000, slow mode 0-21600, the default archive
 * durations); `user_limit` "max 99 for voice channels and 10,000 for stage
 * channels (0 refers to no limit)", checked as 0-10000 (the route does not
 * know the channel's type: Discord refuses 100-10000 on a voice channel);
 * `available_tags` "limited to 20"; and the thread's `auto_archive_duration`
 * and `applied_tags` ("limited to 5").
 */
const MODIFY_CHANNEL_NUMBERS: NumberRules = {
  ...GUILD_CHANNEL_NUMBERS,
  user_limit: { min: 0, max: 10000, nullable: true },
  available_tags: { items: [0, 20], of: "tags" },
  auto_archive_duration: ARCHIVE_DURATION,
  applied_tags: { items: [0, 5], of: "tag IDs" },
};

/**
 * Create Channel Invite's numbers: `max_age` "duration of invite in
 * seconds before expiry, or 0 for never. between 0 and 604800 (7 days)";
 * `max_uses` "max number of uses or 0 for unlimited. between 0 and 100".
 */
const INVITE_NUMBERS: NumberRules = {
  max_age: { min: 0, max: 604800 },
  max_uses: { min: 0, max: 100 },
};
/** Body of {@linkcode modifyChannel} (channels and threads; every field optional). */
export interface ModifyChannelBody {
  /** Name (1-100 characters). */
  name?: string;
  /** Group DMs: base64 encoded icon. */
  icon?: string;
  /** Convert between text (0) and announcement (5). */
  type?: number;
  /** Sorting position. */
  position?: number | null;
  /** Topic (0-1024 characters; 4096 for forums). */
  topic?: string | null;
  /** Age-restricted. */
  nsfw?: boolean | null;
  /** Slow mode in seconds (0-21600). */
  rate_limit_per_user?: number | null;
  /** Voice bitrate, in bits per second (at least 8000). */
  bitrate?: number | null;
  /** Voice user limit (0 none; at most 99 for voice, 10000 for stage). */
  user_limit?: number | null;
  /** Permission overwrites. */
  permission_overwrites?: Partial<Overwrite>[] | null;
  /** Parent category. */
  parent_id?: Snowflake | null;
  /** Voice region, `null` for automatic. */
  rtc_region?: string | null;
  /** Voice and stage: the camera video quality mode (1 auto, 2 full). */
  video_quality_mode?: 1 | 2 | null;
  /** Default archive duration of new threads, in minutes (60, 1440, 4320, 10080). */
  default_auto_archive_duration?: number | null;
  /** Channel flags. */
  flags?: number;
  /**
   * Forum and media: the tags threads may have (20 at most); a new tag
   * needs only `name`, an existing one is kept by its `id`.
   */
  available_tags?: (Partial<ForumTag> & Pick<ForumTag, "name">)[];
  /**
   * Forum and media: the emoji of a post's add reaction button (exactly
   * one of `emoji_id` and `emoji_name`).
   */
  default_reaction_emoji?: Partial<DefaultReaction> | null;
  /** The initial `rate_limit_per_user` of new threads, copied at their creation. */
  default_thread_rate_limit_per_user?: number;
  /** Forum and media: the default sort order of posts (0 latest activity, 1 creation date). */
  default_sort_order?: 0 | 1 | null;
  /** Forum: the default layout of posts (0 not set, 1 list, 2 gallery). */
  default_forum_layout?: 0 | 1 | 2;
  /** Threads: archived. */
  archived?: boolean;
  /** Threads: minutes of inactivity before archiving (60, 1440, 4320, 10080). */
  auto_archive_duration?: number;
  /** Threads: only moderators may unarchive. */
  locked?: boolean;
  /** Private threads: non-moderators may add members. */
  invitable?: boolean;
  /** Forum posts: applied tag IDs (5 at most). */
  applied_tags?: Snowflake[];
}

/** Body of {@linkcode editChannelPermissions}. */
export interface EditChannelPermissionsBody {
  /** Allowed permission bits, as a string. */
  allow?: string | null;
  /** Denied permission bits, as a string. */
  deny?: string | null;
  /** 0 role, 1 member. */
  type: 0 | 1;
}

/** Body of {@linkcode createChannelInvite}. */
export interface CreateChannelInviteBody {
  /** Seconds until it expires (0 never, at most 604800; default 86400). */
  max_age?: number;
  /** Uses allowed (0 unlimited, at most 100). */
  max_uses?: number;
  /** Temporary membership. */
  temporary?: boolean;
  /** Do not reuse a similar invite. */
  unique?: boolean;
  /** 1 stream, 2 embedded application. */
  target_type?: 1 | 2;
  /** The user whose stream to show. */
  target_user_id?: Snowflake;
  /** The embedded application to open. */
  target_application_id?: Snowflake;
  /**
   * Roles given to the users who accept the invite (needs MANAGE_ROLES;
   * none above the sender's).
   */
  role_ids?: Snowflake[];
  /**
   * The users who alone may see and accept the invite: their IDs, which
   * the library writes as the CSV file Discord takes (header `user_id`,
   * one ID a line), or a CSV file of one's own. Given, the request is
   * `multipart/form-data`: this file as the part `target_users_file`, the
   * other fields as `payload_json`. Discord reads the file asynchronously
   * (see `getInviteTargetUsersJobStatus`); a file with an
   * invalid ID is answered 400.
   */
  target_users_file?: InviteTargetUsers;
}

/** Answer of {@linkcode followAnnouncementChannel}. */
export interface FollowedChannel {
  /** The followed channel. */
  channel_id: Snowflake;
  /** The webhook created in the target channel. */
  webhook_id: Snowflake;
}

/** Query of {@linkcode getChannelPins}. */
export interface GetChannelPinsQuery {
  /** Pins before this ISO 8601 time. */
  before?: string;
  /** At most this many (1-50, default 50). */
  limit?: number;
}

/** Answer of {@linkcode getChannelPins}. */
export interface ChannelPins {
  /** Pinned messages with their pin time. */
  items: { pinned_at: string; message: Message }[];
  /** Whether older pins exist. */
  has_more: boolean;
}

/**
 * Get a channel (or thread) (`GET /channels/{channelId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getChannel(
  rest: RestClient,
  channelId: Snowflake,
  options: RouteOptions = {},
): Promise<Channel> {
  return await rest.request<Channel>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}`,
    routeOptions(options),
  );
}

/**
 * Change a channel's or thread's settings (`PATCH /channels/{channelId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} When a number field is not a number, or a list not
 *   an array, before anything is sent.
 * @throws {RangeError} When `rate_limit_per_user` is not an integer from 0
 *   to 21600, `bitrate` below 8000, `user_limit` not 0-10000,
 *   `auto_archive_duration` or `default_auto_archive_duration` not 60,
 *   1440, 4320 or 10080, or `available_tags` (20) or `applied_tags` (5)
 *   too long, before anything is sent.
 */
export async function modifyChannel(
  rest: RestClient,
  channelId: Snowflake,
  body: ModifyChannelBody,
  options: AuditedRouteOptions = {},
): Promise<Channel> {
  body = checkNumbers("modify channel", body, MODIFY_CHANNEL_NUMBERS);
  return await rest.request<Channel>(
    "PATCH",
    `/channels/${snowflake("channelId", channelId)}`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Delete a channel, or close a DM (`DELETE /channels/{channelId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function deleteChannel(
  rest: RestClient,
  channelId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<Channel> {
  return await rest.request<Channel>(
    "DELETE",
    `/channels/${snowflake("channelId", channelId)}`,
    auditedRouteOptions(options),
  );
}

/**
 * Set a role's or member's permission overwrite in a channel (`PUT /channels/{channelId}/permissions/{overwriteId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param overwriteId The role or user the overwrite is for.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function editChannelPermissions(
  rest: RestClient,
  channelId: Snowflake,
  overwriteId: Snowflake,
  body: EditChannelPermissionsBody,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "PUT",
    `/channels/${snowflake("channelId", channelId)}/permissions/${
      snowflake("overwriteId", overwriteId)
    }`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Remove a permission overwrite (`DELETE /channels/{channelId}/permissions/{overwriteId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param overwriteId The role or user the overwrite is for.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteChannelPermission(
  rest: RestClient,
  channelId: Snowflake,
  overwriteId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/channels/${snowflake("channelId", channelId)}/permissions/${
      snowflake("overwriteId", overwriteId)
    }`,
    auditedRouteOptions(options),
  );
}

/**
 * List a channel's invites (`GET /channels/{channelId}/invites`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getChannelInvites(
  rest: RestClient,
  channelId: Snowflake,
  options: RouteOptions = {},
): Promise<InviteWithMetadata[]> {
  return await rest.request<InviteWithMetadata[]>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/invites`,
    routeOptions(options),
  );
}

/**
 * Create an invite to a channel (`POST /channels/{channelId}/invites`).
 * With `target_users_file`, only those users may see and accept it: the
 * request is then `multipart/form-data`, the users' CSV file as the part
 * `target_users_file` and the other fields as `payload_json`; without it,
 * the body is JSON.
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} Before anything is sent, when `target_users_file` is
 *   an empty list, holds an ID that is not a snowflake string, or is
 *   neither a list nor a file, or `max_age` or `max_uses` is not a number.
 * @throws {RangeError} Before anything is sent, when `max_age` is not an
 *   integer from 0 to 604800 or `max_uses` one from 0 to 100.
 * @throws {UploadError} When the file is over 10 MiB or cannot be read.
 *
 * @example An invite only two users may accept, giving them a role
 * ```ts
 * import { createChannelInvite, RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * // The fake keeps no channel 123: it answers 404, after recording the request.
 * await createChannelInvite(rest, "123", {
 *   max_age: 0,
 *   role_ids: ["333333333333333333"],
 *   target_users_file: ["111111111111111111", "222222222222222222"],
 * }).catch(() => {});
 * const sent = discord.requests.at(-1)!;
 * assert.deepEqual(sent.body, { max_age: 0, role_ids: ["333333333333333333"] });
 * assert.equal(sent.files![0]!.field, "target_users_file");
 * assert.equal(
 *   new TextDecoder().decode(sent.files![0]!.data),
 *   "user_id\n111111111111111111\n222222222222222222\n",
 * );
 * ```
 */
export async function createChannelInvite(
  rest: RestClient,
  channelId: Snowflake,
  body: CreateChannelInviteBody = {},
  options: AuditedRouteOptions = {},
): Promise<InviteWithMetadata> {
  const path = `/channels/${snowflake("channelId", channelId)}/invites`;
  body = checkNumbers("create channel invite", body, INVITE_NUMBERS);
  const users = isRecord(body) ? body.target_users_file : undefined;
  if (users === undefined) {
    return await rest.request<InviteWithMetadata>(
      "POST",
      path,
      auditedRouteOptions(options, { body }),
    );
  }
  const file = targetUsersFile("create channel invite", users);
  const { target_users_file: _file, ...json } = body;
  // The client sends this route's file as `target_users_file`
  // (`namedFileField`), the other fields as `payload_json`.
  return await rest.request<InviteWithMetadata>("POST", path, {
    ...auditedRouteOptions(options, { body: json }),
    files: [file],
  });
}

/**
 * Follow an announcement channel into another channel (`POST /channels/{channelId}/followers`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body The channel to post crossposts in.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function followAnnouncementChannel(
  rest: RestClient,
  channelId: Snowflake,
  body: { webhook_channel_id: Snowflake },
  options: AuditedRouteOptions = {},
): Promise<FollowedChannel> {
  return await rest.request<FollowedChannel>(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/followers`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Show "typing..." in a channel for up to 10 seconds (`POST /channels/{channelId}/typing`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function triggerTypingIndicator(
  rest: RestClient,
  channelId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/typing`,
    routeOptions(options),
  );
}

/**
 * List pinned messages, newest first (paginated by `before`) (`GET /channels/{channelId}/messages/pins`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 50 (the
 *   docs' "Max number of pins to return (1-50)"), before anything is sent.
 */
export async function getChannelPins(
  rest: RestClient,
  channelId: Snowflake,
  query: GetChannelPinsQuery = {},
  options: RouteOptions = {},
): Promise<ChannelPins> {
  query = checkNumbers("get channel pins", query, {
    limit: { min: 1, max: 50 },
  });
  return await rest.request<ChannelPins>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/messages/pins`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Pin a message (at most 250 per channel) (`PUT /channels/{channelId}/messages/pins/{messageId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function pinMessage(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "PUT",
    `/channels/${snowflake("channelId", channelId)}/messages/pins/${
      snowflake("messageId", messageId)
    }`,
    auditedRouteOptions(options),
  );
}

/**
 * Set a voice channel's status text (`PUT /channels/{channelId}/voice-status`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function setVoiceChannelStatus(
  rest: RestClient,
  channelId: Snowflake,
  body: { status: string | null },
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "PUT",
    `/channels/${snowflake("channelId", channelId)}/voice-status`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Unpin a message (`DELETE /channels/{channelId}/messages/pins/{messageId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param messageId The message.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function unpinMessage(
  rest: RestClient,
  channelId: Snowflake,
  messageId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/channels/${snowflake("channelId", channelId)}/messages/pins/${
      snowflake("messageId", messageId)
    }`,
    auditedRouteOptions(options),
  );
}

/** Body of {@linkcode groupDmAddRecipient}. */
export interface GroupDmAddRecipientBody {
  /**
   * The user's OAuth2 access token, granted to the application with the
   * `gdm.join` scope (a leading `Bearer ` is dropped). It is never shown
   * in an error or a log.
   */
  access_token: string;
  /** The user's nickname in the group DM, 1 to 32 characters. */
  nick?: string;
}

// Create Group DM (`POST /users/@me/channels` with `access_tokens` and
// `nicks`) is left out: its docs say it "was intended to be used with the
// now-deprecated GameBridge SDK" and limit it to 10 active group DMs.

/**
 * Add a user to a group DM with their OAuth2 access token (`PUT
 * /channels/{channelId}/recipients/{userId}`), granted to the application
 * with the `gdm.join` scope.
 *
 * Who may call it: Discord's docs do not say which token the request
 * carries. They say bots "cannot have friends or be added to or join
 * Group DMs", and that a group DM may be `managed` by an application
 * "via the gdm.join OAuth2 scope"; the route is sent with the client's
 * bot token, for a group DM the application manages (one made through
 * the GameBridge-era Create Group DM, which this library does not
 * offer).
 *
 * The access token is a secret of the request: Discord's error body, a
 * fetch failure or a log line quoting it shows `[REDACTED]`, as for the
 * bot token.
 *
 * @param rest The REST client.
 * @param channelId The group DM.
 * @param userId The user the access token belongs to.
 * @param body The access token and the user's nickname.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it (its docs
 *   name no answer).
 * @throws {TypeError} When an ID is not a snowflake, `body` is not an
 *   object, `access_token` is not a token (never shown) or `nick` not a
 *   string: nothing is sent.
 * @throws {RangeError} When `nick` is not 1 to 32 characters.
 */
export async function groupDmAddRecipient(
  rest: RestClient,
  channelId: Snowflake,
  userId: Snowflake,
  body: GroupDmAddRecipientBody,
  options: RouteOptions = {},
): Promise<void> {
  const path = recipientPath(channelId, userId);
  await rest.request(
    "PUT",
    path,
    routeOptions(options, {
      body: accessTokenBody("add group DM recipient", body, "gdm.join"),
    }),
  );
}

/**
 * Remove a user from a group DM (`DELETE
 * /channels/{channelId}/recipients/{userId}`). As for
 * {@linkcode groupDmAddRecipient}, the docs do not say which token the
 * request carries: it is sent with the client's bot token, for a group
 * DM the application manages.
 *
 * @param rest The REST client.
 * @param channelId The group DM.
 * @param userId The user.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 * @throws {TypeError} When an ID is not a snowflake: nothing is sent.
 */
export async function groupDmRemoveRecipient(
  rest: RestClient,
  channelId: Snowflake,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    recipientPath(channelId, userId),
    routeOptions(options),
  );
}

function recipientPath(channelId: Snowflake, userId: Snowflake): string {
  return `/channels/${snowflake("channelId", channelId)}/recipients/${
    snowflake("userId", userId)
  }`;
}
