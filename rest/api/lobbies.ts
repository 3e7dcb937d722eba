/**
 * Lobby routes (Discord Social SDK): a game's backend creates, changes and
 * deletes lobbies, manages their members and moderates their messages with
 * the bot token; a player creates or joins one by its secret, leaves it,
 * links a channel to it, writes to it and reads it with their OAuth2 access
 * token (`Authorization: Bearer`, the `sdk.social_layer` scope).
 *
 * What Discord's tables say it would refuse with a 400 is refused here
 * first, and nothing is sent: metadata that is no object of string values
 * or longer than 1000 characters in all, more than 25 members, an idle
 * timeout outside 5 s-7 days, an additional name not of 1-80 characters, a
 * secret not of 1-250, an empty message, a message limit outside 1-200,
 * moderation metadata of more than 5 keys (keys of at most 1024 characters,
 * values of at most 2000), flags that are no non-negative integer, and IDs
 * that are no snowflakes.
 *
 * A lobby ID is no major parameter of Discord's rate limits: every lobby's
 * requests on a route share its bucket (Discord's development limits count
 * each route per application), and `@me` stays literal in the route key.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import { userTokenRouteOptions } from "./_user_token.ts";
import { RestError } from "../errors.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type {
  Lobby,
  LobbyInvite,
  LobbyMember,
  LobbyMessage,
  LobbyMetadata,
} from "../../types/objects/lobby.ts";
import { isRecord } from "../../base/is_record.ts";
import { checkSnowflake } from "../../base/snowflake.ts";
import { shownQuoted } from "../../base/option_checks.ts";
import { assertTextLength } from "../../base/text_length.ts";
import { checkNumber, type NumberRule } from "./_numbers.ts";
import {
  bodyObject,
  checkFlags,
  checkIdleTimeout,
  checkMember,
  checkMembers,
  checkMetadata,
  lobbyBody,
  moderationMetadata,
} from "./_lobby_checks.ts";

/** A member given to {@linkcode createLobby} or {@linkcode modifyLobby}. */
export interface LobbyMemberParams {
  /** The user's ID. */
  id: Snowflake;
  /** The member's metadata (at most 1000 characters in all), or null. */
  metadata?: LobbyMetadata | null;
  /** `LobbyMemberFlags` combined. */
  flags?: number;
}

/** Body of {@linkcode createLobby} (every field optional). */
export interface CreateLobbyBody {
  /** The lobby's metadata (at most 1000 characters in all), or null. */
  metadata?: LobbyMetadata | null;
  /** Up to 25 users to add to the lobby. */
  members?: LobbyMemberParams[];
  /**
   * Seconds an idle lobby lives before Discord shuts it down: 5 to 604800
   * (7 days); Discord's default is 300.
   */
  idle_timeout_seconds?: number;
}

/** Body of {@linkcode modifyLobby} (every field optional). */
export interface ModifyLobbyBody {
  /** The lobby's new metadata (replacing the old), or null. */
  metadata?: LobbyMetadata | null;
  /**
   * Up to 25 users the lobby's members become: a member not listed is
   * removed.
   */
  members?: LobbyMemberParams[];
  /** Seconds an idle lobby lives: 5 to 604800 (7 days). */
  idle_timeout_seconds?: number;
}

/** Body of {@linkcode createOrJoinLobby}. */
export interface CreateOrJoinLobbyBody {
  /**
   * The secret naming the lobby among the application's (1-250
   * characters): the lobby with it is joined, or one is created.
   */
  secret: string;
  /** Seconds an idle lobby lives: 5 to 604800 (7 days). */
  idle_timeout_seconds?: number;
  /** The lobby's metadata, replacing what it had, or null. */
  lobby_metadata?: LobbyMetadata | null;
  /** The calling user's member metadata, or null. */
  member_metadata?: LobbyMetadata | null;
}

/** Body of {@linkcode addLobbyMember} (every field optional). */
export interface AddLobbyMemberBody {
  /** The member's metadata (at most 1000 characters in all), or null. */
  metadata?: LobbyMetadata | null;
  /** `LobbyMemberFlags` combined. */
  flags?: number;
  /**
   * An additional display name (1-80 characters), such as an in-game
   * character's; left out keeps the member's, null clears it.
   */
  additional_name?: string | null;
}

/** One member of {@linkcode bulkUpdateLobbyMembers}. */
export interface BulkLobbyMemberUpdate extends AddLobbyMemberBody {
  /** The user's ID. */
  id: Snowflake;
  /** Remove the user from the lobby instead (default `false`). */
  remove_member?: boolean;
}

/** Body of {@linkcode sendLobbyMessage}. */
export interface SendLobbyMessageBody {
  /** The message's content (not empty). */
  content: string;
  /**
   * Metadata delivered with the message to active Social SDK clients (not
   * kept on a linked channel's message), or null.
   */
  metadata?: LobbyMetadata | null;
  /**
   * Message flags combined; Discord takes only those the Social SDK can
   * create.
   */
  flags?: number;
}

/** Query of {@linkcode getLobbyMessages}. */
export interface GetLobbyMessagesQuery {
  /** How many of the newest messages (1-200, Discord's default 50). */
  limit?: number;
}

/** The OAuth2 scope of the user-token lobby routes. */
// Leave Lobby and the channel linking routes name no scope: lobbies and
// linked channels are the communication features `sdk.social_layer`
// grants ("OAuth2 Scopes for the Social SDK"), so the message names it.
const SCOPE = "sdk.social_layer";

/** The longest secret Create or Join Lobby takes, in characters. */
const MAX_SECRET = 250;
/** Get Lobby Messages' `limit`: "max number of messages to return (1-200)". */
const MESSAGES_LIMIT: NumberRule = { min: 1, max: 200 };

/**
 * Create a lobby (`POST /lobbies`), with the bot token, adding the members
 * given. Social SDK clients cannot join or leave a lobby created so (with
 * `Client::CreateOrJoinLobby` or `Client::LeaveLobby`): the backend manages
 * its members.
 *
 * @param rest The REST client.
 * @param body Metadata, up to 25 members, idle timeout.
 * @param options Signal.
 * @returns Discord's answer: the lobby.
 * @throws {TypeError} When `body`, a member or a metadata dictionary is not
 *   an object (a `Map` or an array included), a metadata value is not a
 *   string, a member ID not a snowflake, or a member has an
 *   `additional_name` (Discord sets it only through
 *   {@linkcode addLobbyMember} and {@linkcode bulkUpdateLobbyMembers})
 *   (nothing is sent).
 * @throws {RangeError} When there are more than 25 members, a metadata
 *   dictionary's values hold more than 1000 characters, `flags` is no
 *   non-negative integer, or `idle_timeout_seconds` no integer from 5 to
 *   604800 (nothing is sent).
 *
 * @example Usage
 * ```ts
 * import { createLobby, RestClient } from "@disruption/disruption/rest";
 * import { LobbyMemberFlags } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * // Discord, answering with the lobby it made of the body.
 * const rest = new RestClient({
 *   token: "bot-token",
 *   fetch: async (_url, init) => {
 *     const body = JSON.parse(String(init?.body));
 *     return Response.json({
 *       id: "96008815106887111",
 *       application_id: "41771983429993937",
 *       metadata: body.metadata ?? null,
 *       members: body.members ?? [],
 *     });
 *   },
 * });
 * const lobby = await createLobby(rest, {
 *   metadata: { topic: "we need more redstone" },
 *   members: [{ id: "41771983429993000", flags: LobbyMemberFlags.CanLinkLobby }],
 *   idle_timeout_seconds: 3600,
 * });
 * assert.equal(lobby.members[0]!.flags, 1);
 *
 * // Too long a timeout: refused, nothing sent.
 * await assert.rejects(
 *   createLobby(rest, { idle_timeout_seconds: 8 * 24 * 3600 }),
 *   RangeError,
 * );
 * ```
 */
export async function createLobby(
  rest: RestClient,
  body: CreateLobbyBody = {},
  options: RouteOptions = {},
): Promise<Lobby> {
  return await rest.request<Lobby>(
    "POST",
    "/lobbies",
    routeOptions(options, { body: lobbyBody("create lobby", body) }),
  );
}

/**
 * Create a lobby by its secret, or join the one the application has with
 * it (`PUT /lobbies`), as the user an OAuth2 access token belongs to (the
 * `sdk.social_layer` scope), as `Client::CreateOrJoinLobby` does: the
 * lobby's and the user's metadata are set when given. Sent with
 * `Authorization: Bearer <accessToken>`, never with the bot token.
 *
 * @param rest The REST client.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped). It is never shown in an error or a log.
 * @param body Secret, idle timeout, the lobby's and the member's metadata.
 * @param options Signal.
 * @returns Discord's answer: the lobby.
 * @throws {TypeError} When `accessToken` is not a token (it is never
 *   shown), `body` or a metadata dictionary is not an object, a metadata
 *   value not a string, or `secret` not a string (nothing is sent).
 * @throws {RangeError} When `secret` is not of 1-250 characters, a
 *   metadata dictionary's values hold more than 1000 characters, or
 *   `idle_timeout_seconds` is no integer from 5 to 604800 (nothing is
 *   sent).
 */
export async function createOrJoinLobby(
  rest: RestClient,
  accessToken: string,
  body: CreateOrJoinLobbyBody,
  options: RouteOptions = {},
): Promise<Lobby> {
  // The token first: given in the body's place (the two swapped from
  // JavaScript), it would be quoted as the wrong 'body'.
  const sendAs = userTokenRouteOptions(options, accessToken, SCOPE);
  const action = "create or join lobby";
  const checked = bodyObject(action, body);
  // The secret lets anyone join the lobby: a wrong length shows only
  // the length, never the text.
  assertTextLength(action, "secret", checked.secret, 1, MAX_SECRET);
  checkIdleTimeout(action, checked.idle_timeout_seconds);
  checkMetadata(action, "lobby_metadata", checked.lobby_metadata);
  checkMetadata(action, "member_metadata", checked.member_metadata);
  return await rest.request<Lobby>(
    "PUT",
    "/lobbies",
    { ...sendAs, body: checked },
  );
}

/**
 * Get a lobby (`GET /lobbies/{lobbyId}`), with the bot token. One that
 * does not exist is Discord's 404 Unknown Lobby (a
 * {@linkcode DiscordApiError} of JSON code 10031).
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param options Signal.
 * @returns Discord's answer: the lobby.
 * @throws {TypeError} When `lobbyId` is not a snowflake (nothing is sent).
 */
export async function getLobby(
  rest: RestClient,
  lobbyId: Snowflake,
  options: RouteOptions = {},
): Promise<Lobby> {
  return await rest.request<Lobby>(
    "GET",
    lobbyPath(lobbyId),
    routeOptions(options),
  );
}

/**
 * Modify a lobby (`PATCH /lobbies/{lobbyId}`), with the bot token:
 * metadata given replaces the lobby's, members given replace its members
 * (one not listed is removed).
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param body Metadata, up to 25 members, idle timeout.
 * @param options Signal.
 * @returns Discord's answer: the lobby as modified.
 * @throws {TypeError} As {@linkcode createLobby} throws, and when `lobbyId`
 *   is not a snowflake (nothing is sent).
 * @throws {RangeError} As {@linkcode createLobby} throws (nothing is
 *   sent).
 */
export async function modifyLobby(
  rest: RestClient,
  lobbyId: Snowflake,
  body: ModifyLobbyBody,
  options: RouteOptions = {},
): Promise<Lobby> {
  const path = lobbyPath(lobbyId);
  return await rest.request<Lobby>(
    "PATCH",
    path,
    routeOptions(options, { body: lobbyBody("modify lobby", body) }),
  );
}

/**
 * Delete a lobby (`DELETE /lobbies/{lobbyId}`), with the bot token. Safe
 * to call for a lobby already deleted.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param options Signal.
 * @returns A promise that resolves when Discord deleted it.
 * @throws {TypeError} When `lobbyId` is not a snowflake (nothing is sent).
 */
export async function deleteLobby(
  rest: RestClient,
  lobbyId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request("DELETE", lobbyPath(lobbyId), routeOptions(options));
}

/**
 * Add a user to a lobby, or update the member they already are (`PUT
 * /lobbies/{lobbyId}/members/{userId}`), with the bot token.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param userId The user.
 * @param body Metadata, flags, additional name (null clears it).
 * @param options Signal.
 * @returns Discord's answer: the member.
 * @throws {TypeError} When an ID is not a snowflake, `body` or `metadata`
 *   is not an object, a metadata value or `additional_name` not a string
 *   (nothing is sent).
 * @throws {RangeError} When the metadata's values hold more than 1000
 *   characters, `additional_name` is not of 1-80 characters, or `flags` is
 *   no non-negative integer (nothing is sent).
 */
export async function addLobbyMember(
  rest: RestClient,
  lobbyId: Snowflake,
  userId: Snowflake,
  body: AddLobbyMemberBody = {},
  options: RouteOptions = {},
): Promise<LobbyMember> {
  const path = `${lobbyPath(lobbyId)}/members/${snowflake("userId", userId)}`;
  const action = "add lobby member";
  const checked = bodyObject(action, body);
  checkMember(action, "", checked, true);
  return await rest.request<LobbyMember>(
    "PUT",
    path,
    routeOptions(options, { body: checked }),
  );
}

/**
 * Add, update or remove 1 to 25 members of a lobby in one request (`POST
 * /lobbies/{lobbyId}/members/bulk`), with the bot token. A member with
 * `remove_member: true` is removed; the others are added or updated.
 * Discord answers 404 Unknown User for a user it does not know, and
 * silently leaves out a user who fails its permission checks or is in too
 * many of the application's lobbies already.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param members 1 to 25 members.
 * @param options Signal.
 * @returns Discord's answer: the members added or updated (not the ones
 *   removed).
 * @throws {TypeError} When `lobbyId` or a member's ID is not a snowflake,
 *   `members` is not an array, a member or its metadata not an object, a
 *   metadata value or `additional_name` not a string, or `remove_member`
 *   not a boolean (nothing is sent).
 * @throws {RangeError} When there are no members or more than 25, or a
 *   member's metadata, `additional_name` or `flags` is out of Discord's
 *   range (nothing is sent).
 */
export async function bulkUpdateLobbyMembers(
  rest: RestClient,
  lobbyId: Snowflake,
  members: readonly BulkLobbyMemberUpdate[],
  options: RouteOptions = {},
): Promise<LobbyMember[]> {
  const path = `${lobbyPath(lobbyId)}/members/bulk`;
  const action = "update lobby members";
  checkMembers(action, members, 1, true);
  return await rest.request<LobbyMember[]>(
    "POST",
    path,
    routeOptions(options, { body: [...members] }),
  );
}

/**
 * Remove a user from a lobby (`DELETE
 * /lobbies/{lobbyId}/members/{userId}`), with the bot token. Safe to call
 * for a user no longer a member; a lobby that does not exist is Discord's
 * 404.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param userId The user.
 * @param options Signal.
 * @returns A promise that resolves when Discord removed them.
 * @throws {TypeError} When an ID is not a snowflake (nothing is sent).
 */
export async function removeLobbyMember(
  rest: RestClient,
  lobbyId: Snowflake,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `${lobbyPath(lobbyId)}/members/${snowflake("userId", userId)}`,
    routeOptions(options),
  );
}

/**
 * Leave a lobby as the user an OAuth2 access token belongs to (`DELETE
 * /lobbies/{lobbyId}/members/@me`). Safe to call when no longer a member;
 * a lobby that does not exist is Discord's 404. Sent with `Authorization:
 * Bearer <accessToken>`, never with the bot token.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped). It is never shown in an error or a log.
 * @param options Signal.
 * @returns A promise that resolves when the user left.
 * @throws {TypeError} When `lobbyId` is not a snowflake or `accessToken`
 *   not a token (never shown) (nothing is sent).
 */
export async function leaveLobby(
  rest: RestClient,
  lobbyId: Snowflake,
  accessToken: string,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `${lobbyPath(lobbyId)}/members/@me`,
    userTokenRouteOptions(options, accessToken, SCOPE),
  );
}

/**
 * Link a guild text channel to a lobby (`PATCH
 * /lobbies/{lobbyId}/channel-linking`), as the user an OAuth2 access token
 * belongs to: a lobby member with the `CanLinkLobby` flag who may read,
 * write and manage the channel. Lobbies created by their secret cannot be
 * linked. Sent with `Authorization: Bearer <accessToken>`.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped). It is never shown in an error or a log.
 * @param channelId The channel to link.
 * @param options Signal.
 * @returns Discord's answer: the lobby with its `linked_channel`.
 * @throws {TypeError} When `lobbyId` or `channelId` is not a snowflake or
 *   `accessToken` not a token (never shown) (nothing is sent).
 */
export async function linkChannelToLobby(
  rest: RestClient,
  lobbyId: Snowflake,
  accessToken: string,
  channelId: Snowflake,
  options: RouteOptions = {},
): Promise<Lobby> {
  const path = channelLinkingPath(lobbyId);
  const sendAs = userTokenRouteOptions(options, accessToken, SCOPE);
  const channel_id = checkSnowflake(
    "link channel to lobby",
    "channelId",
    channelId,
  );
  return await rest.request<Lobby>("PATCH", path, {
    ...sendAs,
    body: { channel_id },
  });
}

/**
 * Unlink the channel linked to a lobby (`PATCH
 * /lobbies/{lobbyId}/channel-linking` without a `channel_id`), as the user
 * an OAuth2 access token belongs to: a lobby member with the
 * `CanLinkLobby` flag (no Discord permission needed). Sent with
 * `Authorization: Bearer <accessToken>`.
 *
 * The body is `{}`: the docs say to send "an empty body", and Link
 * Channel's table says a request without `channel_id` unlinks; `{}` is
 * both, and a JSON route is sent JSON.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped). It is never shown in an error or a log.
 * @param options Signal.
 * @returns Discord's answer: the lobby without a linked channel.
 * @throws {TypeError} When `lobbyId` is not a snowflake or `accessToken`
 *   not a token (never shown) (nothing is sent).
 */
export async function unlinkChannelFromLobby(
  rest: RestClient,
  lobbyId: Snowflake,
  accessToken: string,
  options: RouteOptions = {},
): Promise<Lobby> {
  const path = channelLinkingPath(lobbyId);
  return await rest.request<Lobby>("PATCH", path, {
    ...userTokenRouteOptions(options, accessToken, SCOPE),
    body: {},
  });
}

/**
 * Send a message to a lobby (`POST /lobbies/{lobbyId}/messages`) as the
 * user an OAuth2 access token belongs to (a member of the lobby; the
 * `sdk.social_layer` scope). A lobby with a linked channel forwards it
 * there too. Sent with `Authorization: Bearer <accessToken>`.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped). It is never shown in an error or a log.
 * @param body Content, metadata, flags.
 * @param options Signal.
 * @returns Discord's answer: the message.
 * @throws {TypeError} When `lobbyId` is not a snowflake, `accessToken` not
 *   a token (never shown), `body` or `metadata` not an object, a metadata
 *   value or `content` not a string (nothing is sent).
 * @throws {RangeError} When `content` is empty, the metadata's values hold
 *   more than 1000 characters, or `flags` is no non-negative integer
 *   (nothing is sent).
 *
 * @example Usage
 * ```ts
 * import { RestClient, sendLobbyMessage } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const seen: (string | null)[] = [];
 * const rest = new RestClient({
 *   token: "bot-token",
 *   fetch: async (_url, init) => {
 *     seen.push(new Headers(init?.headers).get("authorization"));
 *     const body = JSON.parse(String(init?.body));
 *     return Response.json({
 *       id: "1", type: 0, content: body.content, lobby_id: "2",
 *       channel_id: "2", author: { id: "3", username: "ada" }, flags: 0,
 *       application_id: "4",
 *     });
 *   },
 * });
 * // The access token the player's OAuth2 authorization gave the game.
 * const message = await sendLobbyMessage(rest, "2", "player-token", {
 *   content: "gg",
 * });
 * assert.equal(message.content, "gg");
 * assert.deepEqual(seen, ["Bearer player-token"]);
 * ```
 */
export async function sendLobbyMessage(
  rest: RestClient,
  lobbyId: Snowflake,
  accessToken: string,
  body: SendLobbyMessageBody,
  options: RouteOptions = {},
): Promise<LobbyMessage> {
  const path = `${lobbyPath(lobbyId)}/messages`;
  const sendAs = userTokenRouteOptions(options, accessToken, SCOPE);
  const action = "send lobby message";
  const checked = bodyObject(action, body);
  // Discord's table gives no maximum; only "non-empty" is checked.
  if (typeof checked.content !== "string" || checked.content === "") {
    throw new (typeof checked.content === "string" ? RangeError : TypeError)(
      `Cannot ${action} as 'content' must be a non-empty string: current value 'content=${
        shownQuoted(checked.content)
      }'`,
    );
  }
  checkMetadata(action, "metadata", checked.metadata);
  checkFlags(action, "flags", checked.flags);
  return await rest.request<LobbyMessage>("POST", path, {
    ...sendAs,
    body: checked,
  });
}

/**
 * Get the newest messages of a lobby (`GET /lobbies/{lobbyId}/messages`),
 * as the user an OAuth2 access token belongs to (a member of the lobby;
 * the `sdk.social_layer` scope): at most 200, of the last 72 hours. Sent
 * with `Authorization: Bearer <accessToken>`.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped). It is never shown in an error or a log.
 * @param query How many (1-200; Discord's default 50).
 * @param options Signal.
 * @returns Discord's answer: the messages.
 * @throws {TypeError} When `lobbyId` is not a snowflake, `accessToken` not
 *   a token (never shown), `query` not an object or `limit` not a number
 *   (nothing is sent).
 * @throws {RangeError} When `limit` is no integer from 1 to 200 (nothing
 *   is sent).
 */
export async function getLobbyMessages(
  rest: RestClient,
  lobbyId: Snowflake,
  accessToken: string,
  query: GetLobbyMessagesQuery = {},
  options: RouteOptions = {},
): Promise<LobbyMessage[]> {
  const path = `${lobbyPath(lobbyId)}/messages`;
  const sendAs = userTokenRouteOptions(options, accessToken, SCOPE);
  const action = "get lobby messages";
  const checked = bodyObject(action, query, "query");
  checkNumber(action, "limit", checked.limit, MESSAGES_LIMIT);
  const sent: Record<string, number> = {};
  if (checked.limit !== undefined) sent.limit = checked.limit as number;
  return await rest.request<LobbyMessage[]>("GET", path, {
    ...sendAs,
    query: sent,
  });
}

/**
 * Set the moderation metadata of a lobby message (`PUT
 * /lobbies/{lobbyId}/messages/{messageId}/moderation-metadata`), with the
 * bot token: Discord delivers it to the game's active clients as an
 * update of the message, for them to hide, show or censor it.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param messageId The message.
 * @param metadata At most 5 keys (each of at most 1024 characters) to
 *   string values (each of at most 2000).
 * @param options Signal.
 * @returns A promise that resolves when Discord took it (204).
 * @throws {TypeError} When an ID is not a snowflake, `metadata` is not an
 *   object (a `Map` or an array included) or a value not a string
 *   (nothing is sent).
 * @throws {RangeError} When there are more than 5 keys, a key is longer
 *   than 1024 characters or a value longer than 2000 (nothing is sent).
 *
 * @example Usage
 * ```ts
 * import {
 *   RestClient,
 *   updateLobbyMessageModerationMetadata,
 * } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const sent: unknown[] = [];
 * const rest = new RestClient({
 *   token: "bot-token",
 *   fetch: async (_url, init) => {
 *     sent.push(JSON.parse(String(init?.body)));
 *     return new Response(null, { status: 204 });
 *   },
 * });
 * await updateLobbyMessageModerationMetadata(rest, "1", "2", {
 *   action: "hide",
 *   reason: "toxicity",
 * });
 * assert.deepEqual(sent, [{ action: "hide", reason: "toxicity" }]);
 * ```
 */
export async function updateLobbyMessageModerationMetadata(
  rest: RestClient,
  lobbyId: Snowflake,
  messageId: Snowflake,
  metadata: LobbyMetadata,
  options: RouteOptions = {},
): Promise<void> {
  const path = `${lobbyPath(lobbyId)}/messages/${
    snowflake("messageId", messageId)
  }/moderation-metadata`;
  const body = moderationMetadata(metadata);
  await rest.request("PUT", path, routeOptions(options, { body }));
}

/**
 * Create a single-use invite, valid one hour, to a lobby's linked channel
 * for the user an OAuth2 access token belongs to (`POST
 * /lobbies/{lobbyId}/members/@me/invites`; a member of the lobby, the
 * `sdk.social_layer` scope). The lobby must have a linked channel. Sent
 * with `Authorization: Bearer <accessToken>`.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped). It is never shown in an error or a log.
 * @param options Signal.
 * @returns The invite (its `code`).
 * @throws {TypeError} When `lobbyId` is not a snowflake or `accessToken`
 *   not a token (never shown) (nothing is sent).
 * @throws {RestError} When Discord's success answer has no invite code.
 */
export async function createLobbyChannelInviteForSelf(
  rest: RestClient,
  lobbyId: Snowflake,
  accessToken: string,
  options: RouteOptions = {},
): Promise<LobbyInvite> {
  const path = `${lobbyPath(lobbyId)}/members/@me/invites`;
  const answer = await rest.request<unknown>(
    "POST",
    path,
    userTokenRouteOptions(options, accessToken, SCOPE),
  );
  return lobbyInvite(answer, path);
}

/**
 * Create a single-use invite, valid one hour, to a lobby's linked channel
 * for a user, on the application's behalf (`POST
 * /lobbies/{lobbyId}/members/{userId}/invites`), with the bot token. The
 * lobby must have a linked channel.
 *
 * @param rest The REST client.
 * @param lobbyId The lobby.
 * @param userId The user the invite is for.
 * @param options Signal.
 * @returns The invite (its `code`).
 * @throws {TypeError} When an ID is not a snowflake (nothing is sent).
 * @throws {RestError} When Discord's success answer has no invite code.
 */
export async function createLobbyChannelInviteForUser(
  rest: RestClient,
  lobbyId: Snowflake,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<LobbyInvite> {
  const path = `${lobbyPath(lobbyId)}/members/${
    snowflake("userId", userId)
  }/invites`;
  const answer = await rest.request<unknown>(
    "POST",
    path,
    routeOptions(options),
  );
  return lobbyInvite(answer, path);
}

function lobbyPath(lobbyId: Snowflake): string {
  return `/lobbies/${snowflake("lobbyId", lobbyId)}`;
}

function channelLinkingPath(lobbyId: Snowflake): string {
  return `${lobbyPath(lobbyId)}/channel-linking`;
}

/**
 * The invite of Discord's answer, or a {@linkcode RestError}: a bot hands
 * the code on to a player (`discord.gg/<code>`), and `undefined` or an
 * object there would make a broken link.
 */
function lobbyInvite(answer: unknown, path: string): LobbyInvite {
  const fault = answer === undefined
    ? "the body is empty"
    : !isRecord(answer)
    ? "the body is not a JSON object"
    : typeof answer.code !== "string" || answer.code === ""
    ? "its 'code' is not a non-empty string"
    : undefined;
  if (fault !== undefined) {
    throw new RestError(
      `POST ${path} answered with no lobby invite: ${fault}`,
      {
        method: "POST",
        path,
      },
    );
  }
  return answer as LobbyInvite;
}
