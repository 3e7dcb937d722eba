/**
 * The REST client: Discord's HTTP API on the runtime's `fetch`, with
 * per-route rate-limit buckets learnt from Discord's headers, the global
 * limit, 429 handling and typed errors.
 *
 * ```ts
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * const message = await rest.createMessage("123", { content: "hello" });
 * assert.equal(message.content, "hello");
 * ```
 *
 * @module
 */
export * from "./rest_client.ts";
export * from "./errors.ts";
export * from "./rate_limiter.ts";
export * from "./request_policy.ts";
export {
  type HttpMethod,
  parseRoute,
  type ParseRouteOptions,
  redactPath,
  type RouteInfo,
} from "./routes.ts";
export type * from "./payloads.ts";
export {
  DEFAULT_UPLOAD_LIMIT,
  type FileUpload,
  MAX_FILES,
  multipartBody,
  type PreparedUpload,
  prepareUploads,
  type UploadData,
  UploadError,
  type UploadLimits,
} from "./uploads.ts";
export {
  INVALID_REQUEST_LIMIT,
  INVALID_REQUEST_WINDOW,
  InvalidRequestGuard,
  type InvalidRequestGuardOptions,
  InvalidRequestLimitError,
} from "./invalid_requests.ts";
export {
  type AuditedRouteOptions,
  type Query,
  type RouteOptions,
  routeOptions,
  segment,
  snowflake,
  type UploadRouteOptions,
} from "./api/_route.ts";
export {
  createGlobalApplicationCommand,
  createGuildApplicationCommand,
  deleteGlobalApplicationCommand,
  deleteGuildApplicationCommand,
  editGlobalApplicationCommand,
  editGuildApplicationCommand,
  getApplicationCommandPermissions,
  getGlobalApplicationCommand,
  getGlobalApplicationCommands,
  getGuildApplicationCommand,
  getGuildApplicationCommandPermissions,
  getGuildApplicationCommands,
} from "./api/application_commands.ts";
export {
  getGuildAuditLog,
  type GetGuildAuditLogQuery,
} from "./api/audit_log.ts";
export {
  type ChannelPins,
  createChannelInvite,
  type CreateChannelInviteBody,
  deleteChannel,
  deleteChannelPermission,
  editChannelPermissions,
  type EditChannelPermissionsBody,
  followAnnouncementChannel,
  type FollowedChannel,
  getChannel,
  getChannelInvites,
  getChannelPins,
  type GetChannelPinsQuery,
  modifyChannel,
  type ModifyChannelBody,
  pinMessage,
  triggerTypingIndicator,
  unpinMessage,
} from "./api/channels.ts";
export {
  createGuildEmoji,
  deleteGuildEmoji,
  deleteGuildSticker,
  getGuildEmoji,
  getGuildSticker,
  getSticker,
  listGuildEmojis,
  listGuildStickers,
  modifyGuildEmoji,
  modifyGuildSticker,
} from "./api/emojis.ts";
export {
  type ChannelPosition,
  createGuildChannel,
  type CreateGuildChannelBody,
  getGuild,
  getGuildChannels,
  getGuildInvites,
  getGuildPreview,
  type GuildPreview,
  modifyGuild,
  type ModifyGuildBody,
  modifyGuildChannelPositions,
} from "./api/guilds.ts";
export { deleteInvite, getInvite } from "./api/invites.ts";
export {
  addGuildMemberRole,
  bulkGuildBan,
  type BulkGuildBanBody,
  createGuildBan,
  type CreateGuildBanBody,
  getGuildBan,
  getGuildBans,
  type GetGuildBansQuery,
  getGuildMember,
  type GuildBan,
  listGuildMembers,
  type ListGuildMembersQuery,
  modifyCurrentMember,
  type ModifyCurrentMemberBody,
  modifyGuildMember,
  type ModifyGuildMemberBody,
  removeGuildBan,
  removeGuildMember,
  removeGuildMemberRole,
  searchGuildMembers,
  type SearchGuildMembersQuery,
} from "./api/members.ts";
export {
  bulkDeleteMessages,
  crosspostMessage,
  getChannelMessage,
  getChannelMessages,
  type GetChannelMessagesQuery,
} from "./api/messages.ts";
export {
  createReaction,
  deleteAllReactions,
  deleteAllReactionsForEmoji,
  deleteOwnReaction,
  deleteUserReaction,
  getReactions,
  type GetReactionsQuery,
} from "./api/reactions.ts";
export {
  createGuildRole,
  deleteGuildRole,
  getGuildRole,
  getGuildRoles,
  modifyGuildRole,
  modifyGuildRolePositions,
  type RoleBody,
} from "./api/roles.ts";
export {
  createScheduledEvent,
  deleteScheduledEvent,
  getScheduledEvent,
  getScheduledEventUsers,
  type GetScheduledEventUsersQuery,
  listScheduledEvents,
  modifyScheduledEvent,
  type ScheduledEventBody,
} from "./api/scheduled_events.ts";
export {
  addThreadMember,
  type ArchivedThreads,
  type ArchivedThreadsQuery,
  getThreadMember,
  joinThread,
  leaveThread,
  listActiveGuildThreads,
  listJoinedPrivateArchivedThreads,
  listPrivateArchivedThreads,
  listPublicArchivedThreads,
  listThreadMembers,
  type ListThreadMembersQuery,
  removeThreadMember,
  type StartForumThreadBody,
  type StartThreadBody,
  startThreadFromMessage,
  startThreadInForum,
  startThreadWithoutMessage,
  type StartThreadWithoutMessageBody,
} from "./api/threads.ts";
export {
  createDM,
  getCurrentUser,
  getCurrentUserGuildMember,
  getCurrentUserGuilds,
  type GetCurrentUserGuildsQuery,
  getUser,
  leaveGuild,
  modifyCurrentUser,
  type PartialGuild,
} from "./api/users.ts";
export {
  createWebhook,
  deleteWebhook,
  deleteWebhookMessage,
  deleteWebhookWithToken,
  editWebhookMessage,
  executeWebhook,
  type ExecuteWebhookBody,
  type ExecuteWebhookOptions,
  getChannelWebhooks,
  getGuildWebhooks,
  getWebhook,
  getWebhookMessage,
  getWebhookWithToken,
  modifyWebhook,
  type ModifyWebhookBody,
  modifyWebhookWithToken,
} from "./api/webhooks.ts";
