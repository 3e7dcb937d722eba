/**
 * The gateway: one {@linkcode Shard} per WebSocket session, written as an
 * explicit state machine whose timers all go through an injected
 * {@linkcode Scheduler}.
 *
 * @module
 */
// Shards and their manager.
export {
  type RawShardDispatch,
  Shard,
  type ShardCloseOptions,
  type ShardDispatch,
  type ShardEventMap,
  type ShardListener,
  type ShardListenOptions,
  type ShardStateChange,
} from "./shard.ts";
export {
  type ResumableSession,
  type ShardOptions,
  type ShardTimeouts,
} from "./shard_options.ts";
export { type ShardStatus } from "./shard_state.ts";
export {
  type ShardInfo,
  ShardManager,
  type ShardManagerCloseOptions,
  type ShardManagerOptions,
  type SharedShardOptions,
} from "./shard_manager.ts";
export {
  shardForGuild,
  shardsForProcess,
  type ShardsForProcessOptions,
} from "./shard_routing.ts";
export { type MemberRequestOptions } from "./member_request.ts";
export {
  GatewayError,
  type GatewayErrorKind,
  type GatewayErrorOptions,
  OtherBotSessionsError,
} from "./errors.ts";
export {
  HandshakeError,
  type HandshakeErrorOptions,
} from "./connect_failure.ts";

// Seams: identify pacing, saved sessions, sockets, time.
export {
  type IdentifyQueue,
  MemoryIdentifyQueue,
  type MemoryIdentifyQueueOptions,
  type SessionStartLimit,
} from "./identify_queue.ts";
export { type SavedSession } from "./saved_session.ts";
export { MemorySessionStore, type SessionStore } from "./session_store.ts";
export {
  KvSessionStore,
  type KvSessionStoreOpenOptions,
  type KvSessionStoreOptions,
} from "./kv_session_store.ts";
export {
  type GatewaySocket,
  type SocketListener,
  type Transport,
  webSocketTransport,
} from "./transport.ts";
export {
  createTcpWebSocketTransport,
  tcpWebSocketTransport,
  type TcpWebSocketTransportOptions,
} from "./tcp_transport.ts";
export { defaultTransport } from "./default_transport.ts";
export { type TransportCompression } from "./inflater.ts";
export {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";

// The wire types the shard's commands and dispatches use (also in the
// types entry), so this entry stands on its own.
export { GatewayOpcode } from "../types/opcodes.ts";
export type {
  BotActivity,
  GatewayCommand,
  IdentifyProperties,
  PresenceStatus,
  RequestChannelInfoData,
  RequestGuildMembersData,
  RequestSoundboardSoundsData,
  Snowflake,
  UpdatePresenceData,
  UpdateVoiceStateData,
} from "../types/gateway_payloads.ts";
export type { GuildMembersChunkDispatch } from "../types/dispatch_payloads.ts";
export type { GuildMember } from "../types/objects/member.ts";
export type {
  Activity,
  ActivityAssets,
  ActivityButton,
  ActivityEmoji,
  ActivityParty,
  ActivitySecrets,
  ActivityTimestamps,
  ActivityType,
  ClientStatus,
  PartialPresenceUpdate,
  PresenceUpdate,
  ReceivedPresenceStatus,
} from "../types/objects/presence.ts";
export type {
  AvatarDecorationData,
  Collectibles,
  NameplateData,
  PartialUser,
  PremiumType,
  User,
  UserPrimaryGuild,
} from "../types/objects/user.ts";
