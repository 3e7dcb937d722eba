/**
 * The `d` of every dispatch event (op 0), one type per event, named after
 * the event: `MESSAGE_CREATE` -> {@linkcode MessageCreateDispatch}. Written
 * from the field tables of Discord's gateway-events documentation.
 * {@linkcode GatewayEventMap} in events.ts maps each event name to its type.
 *
 * Why one file of over 800 lines: one declaration per documented event, in
 * the order of Discord's documentation, so it reads against that page; it
 * holds no logic.
 *
 * @module
 */
import type { ReadySessionData, Snowflake } from "./gateway_payloads.ts";
import type { GuildApplicationCommandPermissions } from "./objects/application_command.ts";
import type { AuditLogEntry } from "./objects/audit_log.ts";
import type {
  AutoModerationAction,
  AutoModerationRule,
  AutoModerationTriggerType,
} from "./objects/auto_moderation.ts";
import type {
  AddedThreadMember,
  Channel,
  ChannelType,
  ThreadMember,
} from "./objects/channel.ts";
import type { Emoji, PartialEmoji } from "./objects/emoji.ts";
import type { Entitlement } from "./objects/entitlement.ts";
import type { Guild, UnavailableGuild } from "./objects/guild.ts";
import type { Integration } from "./objects/integration.ts";
import type { Interaction } from "./objects/interaction.ts";
import type { InviteTargetType } from "./objects/invite.ts";
import type { Application } from "./objects/application.ts";
import type {
  GuildMember,
  PartialGuildMember,
  UserWithMember,
} from "./objects/member.ts";
import type { Message } from "./objects/message.ts";
import type {
  PartialPresenceUpdate,
  PresenceUpdate,
} from "./objects/presence.ts";
import type { Role } from "./objects/role.ts";
import type { GuildScheduledEvent } from "./objects/scheduled_event.ts";
import type { SoundboardSound } from "./objects/soundboard.ts";
import type { StageInstance } from "./objects/stage_instance.ts";
import type { Sticker } from "./objects/sticker.ts";
import type { Subscription } from "./objects/subscription.ts";
import type {
  AvatarDecorationData,
  Collectibles,
  User,
} from "./objects/user.ts";
import type { VoiceState } from "./objects/voice.ts";

// ---------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------

/** The partial application in READY. */
export interface ReadyApplication {
  /** Application ID. */
  id: Snowflake;
  /** Application flags bitfield. */
  flags: number;
}

/** `d` of READY: the session is established. */
export interface ReadyDispatch extends ReadySessionData {
  /** API version. */
  v: number;
  /** The bot's user. */
  user: User;
  /** The bot's guilds, all unavailable at first (GUILD_CREATE follows). */
  guilds: UnavailableGuild[];
  /** `[shard_id, num_shards]`, when sent in IDENTIFY. */
  shard?: [number, number];
  /** The bot's application (`id` and `flags`). */
  application: ReadyApplication;
}

/**
 * `d` of RESUMED: the replay after a RESUME is complete. Discord documents
 * no payload; in practice it is an object with an undocumented `_trace`, and
 * some servers send `null`.
 */
export type ResumedDispatch = Record<string, unknown> | null;

/** `d` of RATE_LIMITED for a rate-limited Request Guild Members (op 8). */
export interface RequestGuildMembersRateLimitMetadata {
  /** The guild members were requested for. */
  guild_id: Snowflake;
  /** The nonce of the request, if it had one. */
  nonce?: string;
}

/**
 * `d` of RATE_LIMITED: a gateway command was rate limited and dropped.
 *
 * `meta` depends on `opcode`, and only opcode 8's is documented, so the
 * metadata type is given only once `opcode` is narrowed to 8; for any other
 * opcode `meta` is an unknown record. The other opcodes are listed (those a
 * client sends) rather than typed `number`, because TypeScript cannot write
 * "a number but 8": with `number` there, `opcode === 8` would not narrow
 * `meta`.
 *
 * @example Narrowing on the opcode
 * ```ts
 * import type { RateLimitedDispatch } from "@disruption/disruption/types";
 *
 * function limitedGuild(d: RateLimitedDispatch): string | undefined {
 *   return d.opcode === 8 ? d.meta.guild_id : undefined;
 * }
 * ```
 */
export type RateLimitedDispatch =
  | {
    /** Opcode of the rate-limited command: Request Guild Members. */
    opcode: 8;
    /** Seconds (float) to wait before sending it again. */
    retry_after: number;
    /** The guild and nonce of the rate-limited request. */
    meta: RequestGuildMembersRateLimitMetadata;
  }
  | {
    /** Opcode of the rate-limited command (undocumented for these). */
    opcode: 1 | 2 | 3 | 4 | 6 | 31 | 43;
    /** Seconds (float) to wait before sending it again. */
    retry_after: number;
    /** Details of the rate-limited command, in a shape not documented. */
    meta: Record<string, unknown>;
  };

// ---------------------------------------------------------------------------
// Application commands, auto moderation
// ---------------------------------------------------------------------------

/** `d` of APPLICATION_COMMAND_PERMISSIONS_UPDATE. */
export type ApplicationCommandPermissionsUpdateDispatch =
  GuildApplicationCommandPermissions;

/** `d` of AUTO_MODERATION_RULE_CREATE. */
export type AutoModerationRuleCreateDispatch = AutoModerationRule;

/** `d` of AUTO_MODERATION_RULE_UPDATE. */
export type AutoModerationRuleUpdateDispatch = AutoModerationRule;

/** `d` of AUTO_MODERATION_RULE_DELETE. */
export type AutoModerationRuleDeleteDispatch = AutoModerationRule;

/** `d` of AUTO_MODERATION_ACTION_EXECUTION: a rule triggered and an action ran. */
export interface AutoModerationActionExecutionDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** The action that ran. */
  action: AutoModerationAction;
  /** ID of the rule that triggered. */
  rule_id: Snowflake;
  /** Trigger type of the rule. */
  rule_trigger_type: AutoModerationTriggerType;
  /** ID of the user whose content triggered the rule. */
  user_id: Snowflake;
  /** Channel the content was posted in. */
  channel_id?: Snowflake;
  /** ID of the message; absent when the message was blocked. */
  message_id?: Snowflake;
  /** ID of the alert system message, for send-alert actions. */
  alert_system_message_id?: Snowflake;
  /** The user's content; empty without MESSAGE_CONTENT. */
  content: string;
  /** The configured keyword or phrase that matched. */
  matched_keyword: string | null;
  /** The matched part of the content; empty without MESSAGE_CONTENT. */
  matched_content: string | null;
}

// ---------------------------------------------------------------------------
// Channels and threads
// ---------------------------------------------------------------------------

/** `d` of CHANNEL_CREATE. */
export type ChannelCreateDispatch = Channel;

/** `d` of CHANNEL_UPDATE (not sent when only `last_message_id` changes). */
export type ChannelUpdateDispatch = Channel;

/** `d` of CHANNEL_DELETE. */
export type ChannelDeleteDispatch = Channel;

/** One channel's ephemeral data in CHANNEL_INFO. */
export interface ChannelInfoChannel {
  /** Channel ID. */
  id: Snowflake;
  /** Voice channel status, if requested. */
  status?: string | null;
  /** Unix time (seconds) the voice session started, if requested. */
  voice_start_time?: number | null;
}

/** `d` of CHANNEL_INFO: the reply to Request Channel Info (op 43). */
export interface ChannelInfoDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** Ephemeral data of the guild's channels. */
  channels: ChannelInfoChannel[];
}

/** `d` of VOICE_CHANNEL_STATUS_UPDATE. */
export interface VoiceChannelStatusUpdateDispatch {
  /** Channel ID. */
  id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** The new status, or null when cleared. */
  status: string | null;
}

/** `d` of VOICE_CHANNEL_START_TIME_UPDATE. */
export interface VoiceChannelStartTimeUpdateDispatch {
  /** Channel ID. */
  id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** Unix time (seconds) the voice session started, or null when it ended. */
  voice_start_time?: number | null;
}

/** `d` of THREAD_CREATE. */
export interface ThreadCreateDispatch extends Channel {
  /** True when the thread was just created (absent when the bot was added to an existing one). */
  newly_created?: boolean;
}

/** `d` of THREAD_UPDATE (not sent when only `last_message_id` changes). */
export type ThreadUpdateDispatch = Channel;

/** `d` of THREAD_DELETE: a subset of the thread channel. */
export interface ThreadDeleteDispatch {
  /** Thread ID. */
  id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** Parent channel ID. */
  parent_id: Snowflake;
  /** Channel type. */
  type: ChannelType;
}

/** `d` of THREAD_LIST_SYNC: the active threads when the bot gains access to a channel. */
export interface ThreadListSyncDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** Parent channels being synced; absent means the whole guild. */
  channel_ids?: Snowflake[];
  /** Active threads in those channels that the bot can access. */
  threads: Channel[];
  /** The bot's thread members for those threads. */
  members: ThreadMember[];
}

/** `d` of THREAD_MEMBER_UPDATE: the bot's thread member changed. */
export interface ThreadMemberUpdateDispatch extends ThreadMember {
  /** Guild ID. */
  guild_id: Snowflake;
}

/** `d` of THREAD_MEMBERS_UPDATE: users were added to or removed from a thread. */
export interface ThreadMembersUpdateDispatch {
  /** Thread ID. */
  id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** Approximate member count (stops at 50). */
  member_count: number;
  /** Users added, with their guild member and presence. */
  added_members?: AddedThreadMember[];
  /** IDs of the users removed. */
  removed_member_ids?: Snowflake[];
}

/** `d` of CHANNEL_PINS_UPDATE (not sent when a pinned message is deleted). */
export interface ChannelPinsUpdateDispatch {
  /** Guild ID. */
  guild_id?: Snowflake;
  /** Channel ID. */
  channel_id: Snowflake;
  /** When the most recent pinned message was pinned. */
  last_pin_timestamp?: string | null;
}

// ---------------------------------------------------------------------------
// Entitlements, subscriptions
// ---------------------------------------------------------------------------

/** `d` of ENTITLEMENT_CREATE. */
export type EntitlementCreateDispatch = Entitlement;

/** `d` of ENTITLEMENT_UPDATE (for subscriptions: sent when it ends, with `ends_at`). */
export type EntitlementUpdateDispatch = Entitlement;

/** `d` of ENTITLEMENT_DELETE (refund or removal; not sent on expiry). */
export type EntitlementDeleteDispatch = Entitlement;

/** `d` of SUBSCRIPTION_CREATE. */
export type SubscriptionCreateDispatch = Subscription;

/** `d` of SUBSCRIPTION_UPDATE. */
export type SubscriptionUpdateDispatch = Subscription;

/** `d` of SUBSCRIPTION_DELETE. */
export type SubscriptionDeleteDispatch = Subscription;

// ---------------------------------------------------------------------------
// Guilds
// ---------------------------------------------------------------------------

/** An available guild in GUILD_CREATE: the guild plus the gateway-only fields. */
export interface AvailableGuildCreate extends Guild {
  /** When the bot joined the guild. */
  joined_at: string;
  /** Whether the guild is large (over `large_threshold` members). */
  large: boolean;
  /**
   * Never true here: an unavailable guild arrives as
   * {@linkcode UnavailableGuildCreate}, so `if (!d.unavailable)` narrows
   * {@linkcode GuildCreateDispatch} to this type.
   */
  unavailable?: false;
  /** Total number of members. */
  member_count: number;
  /** Voice states of members in voice (without `guild_id`). */
  voice_states: VoiceState[];
  /** Members (only the bot and voice members without GUILD_PRESENCES or in large guilds). */
  members: GuildMember[];
  /** Channels. */
  channels: Channel[];
  /** Active threads the bot can see. */
  threads: Channel[];
  /** Presences (partial; non-offline members only in large guilds). */
  presences: PartialPresenceUpdate[];
  /** Stage instances. */
  stage_instances: StageInstance[];
  /** Scheduled events. */
  guild_scheduled_events: GuildScheduledEvent[];
  /** Soundboard sounds. */
  soundboard_sounds: SoundboardSound[];
}

/** An unavailable guild in GUILD_CREATE (an outage): only the ID. */
export interface UnavailableGuildCreate extends UnavailableGuild {
  /** Always true: the guild is unavailable due to an outage. */
  unavailable: true;
}

/**
 * `d` of GUILD_CREATE: a guild became available (lazy load, outage over, or
 * the bot joined), or an unavailable guild during an outage. `unavailable`
 * tells them apart.
 *
 * @example Narrow on `unavailable`
 * ```ts
 * import type { GuildCreateDispatch } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * function describe(guild: GuildCreateDispatch): string {
 *   if (!guild.unavailable) return `${guild.name} (${guild.member_count} members)`;
 *   return `guild ${guild.id} is unavailable`;
 * }
 * assert.equal(describe({ id: "1", unavailable: true }), "guild 1 is unavailable");
 * ```
 */
export type GuildCreateDispatch = AvailableGuildCreate | UnavailableGuildCreate;

/** `d` of GUILD_UPDATE. */
export type GuildUpdateDispatch = Guild;

/** `d` of GUILD_DELETE: the guild became unavailable, or the bot left or was removed. */
export interface GuildDeleteDispatch {
  /** Guild ID. */
  id: Snowflake;
  /** True during an outage; absent when the bot was removed. */
  unavailable?: boolean;
}

/** `d` of GUILD_AUDIT_LOG_ENTRY_CREATE (needs VIEW_AUDIT_LOG). */
export interface GuildAuditLogEntryCreateDispatch extends AuditLogEntry {
  /** Guild ID. */
  guild_id: Snowflake;
}

/** `d` of GUILD_BAN_ADD. */
export interface GuildBanAddDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** The banned user. */
  user: User;
}

/** `d` of GUILD_BAN_REMOVE. */
export interface GuildBanRemoveDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** The unbanned user. */
  user: User;
}

/** `d` of GUILD_EMOJIS_UPDATE. */
export interface GuildEmojisUpdateDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** All the guild's emoji. */
  emojis: Emoji[];
}

/** `d` of GUILD_STICKERS_UPDATE. */
export interface GuildStickersUpdateDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** All the guild's stickers. */
  stickers: Sticker[];
}

/** `d` of GUILD_INTEGRATIONS_UPDATE. */
export interface GuildIntegrationsUpdateDispatch {
  /** ID of the guild whose integrations changed. */
  guild_id: Snowflake;
}

/** `d` of GUILD_MEMBER_ADD (may also be sent for existing members). */
export interface GuildMemberAddDispatch extends GuildMember {
  /** The user. */
  user: User;
  /** Guild ID. */
  guild_id: Snowflake;
}

/** `d` of GUILD_MEMBER_REMOVE: a user left or was kicked or banned. */
export interface GuildMemberRemoveDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** The user who was removed. */
  user: User;
}

/** `d` of GUILD_MEMBER_UPDATE (the bot's own member is sent even without GUILD_MEMBERS). */
export interface GuildMemberUpdateDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** The member's role IDs. */
  roles: Snowflake[];
  /** The user. */
  user: User;
  /** Guild nickname. */
  nick?: string | null;
  /** Guild avatar hash. */
  avatar: string | null;
  /** Guild banner hash. */
  banner: string | null;
  /** When the user joined the guild; null for guest members. */
  joined_at: string | null;
  /** When the user started boosting the guild. */
  premium_since?: string | null;
  /** Whether the member is server-deafened. */
  deaf?: boolean;
  /** Whether the member is server-muted. */
  mute?: boolean;
  /** Whether the member has not yet passed membership screening. */
  pending?: boolean;
  /** When the member's timeout ends. */
  communication_disabled_until?: string | null;
  /** Guild member flags bitfield. */
  flags?: number;
  /** The member's guild avatar decoration. */
  avatar_decoration_data?: AvatarDecorationData | null;
  /** The member's guild collectibles. */
  collectibles?: Collectibles | null;
}

/** `d` of GUILD_MEMBERS_CHUNK: one chunk of the reply to Request Guild Members (op 8). */
export interface GuildMembersChunkDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** Up to 1000 members. */
  members: GuildMember[];
  /** Index of this chunk (`0 <= chunk_index < chunk_count`). */
  chunk_index: number;
  /** Total number of chunks for the request. */
  chunk_count: number;
  /**
   * Requested user IDs that were not found: an ID too small for a real
   * snowflake comes back as a number (`user_ids: ["123123"]` gives
   * `not_found: [123123]`, Discord's ID serialization).
   */
  not_found?: (Snowflake | number)[];
  /** Presences of the members, when requested with `presences: true`. */
  presences?: PartialPresenceUpdate[];
  /** The request's nonce. */
  nonce?: string;
}

/** `d` of GUILD_ROLE_CREATE. */
export interface GuildRoleCreateDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** The role created. */
  role: Role;
}

/** `d` of GUILD_ROLE_UPDATE. */
export interface GuildRoleUpdateDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** The role updated. */
  role: Role;
}

/** `d` of GUILD_ROLE_DELETE. */
export interface GuildRoleDeleteDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** ID of the deleted role. */
  role_id: Snowflake;
}

/** `d` of GUILD_SCHEDULED_EVENT_CREATE. */
export type GuildScheduledEventCreateDispatch = GuildScheduledEvent;

/** `d` of GUILD_SCHEDULED_EVENT_UPDATE. */
export type GuildScheduledEventUpdateDispatch = GuildScheduledEvent;

/** `d` of GUILD_SCHEDULED_EVENT_DELETE. */
export type GuildScheduledEventDeleteDispatch = GuildScheduledEvent;

/** `d` of GUILD_SCHEDULED_EVENT_USER_ADD: a user subscribed to an event. */
export interface GuildScheduledEventUserAddDispatch {
  /** Event ID. */
  guild_scheduled_event_id: Snowflake;
  /** User ID. */
  user_id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
}

/** `d` of GUILD_SCHEDULED_EVENT_USER_REMOVE: a user unsubscribed from an event. */
export interface GuildScheduledEventUserRemoveDispatch {
  /** Event ID. */
  guild_scheduled_event_id: Snowflake;
  /** User ID. */
  user_id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
}

/** `d` of GUILD_SOUNDBOARD_SOUND_CREATE. */
export type GuildSoundboardSoundCreateDispatch = SoundboardSound;

/** `d` of GUILD_SOUNDBOARD_SOUND_UPDATE. */
export type GuildSoundboardSoundUpdateDispatch = SoundboardSound;

/** `d` of GUILD_SOUNDBOARD_SOUND_DELETE. */
export interface GuildSoundboardSoundDeleteDispatch {
  /** ID of the deleted sound. */
  sound_id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
}

/** `d` of GUILD_SOUNDBOARD_SOUNDS_UPDATE: several sounds changed. */
export interface GuildSoundboardSoundsUpdateDispatch {
  /** The guild's sounds. */
  soundboard_sounds: SoundboardSound[];
  /** Guild ID. */
  guild_id: Snowflake;
}

/** `d` of SOUNDBOARD_SOUNDS: the reply to Request Soundboard Sounds (op 31), one per guild. */
export interface SoundboardSoundsDispatch {
  /** The guild's sounds. */
  soundboard_sounds: SoundboardSound[];
  /** Guild ID. */
  guild_id: Snowflake;
}

// ---------------------------------------------------------------------------
// Integrations, invites
// ---------------------------------------------------------------------------

/** `d` of INTEGRATION_CREATE: the integration without `user`, plus `guild_id`. */
export interface IntegrationCreateDispatch extends Omit<Integration, "user"> {
  /** Guild ID. */
  guild_id: Snowflake;
}

/** `d` of INTEGRATION_UPDATE: the integration without `user`, plus `guild_id`. */
export interface IntegrationUpdateDispatch extends Omit<Integration, "user"> {
  /** Guild ID. */
  guild_id: Snowflake;
}

/** `d` of INTEGRATION_DELETE. */
export interface IntegrationDeleteDispatch {
  /** Integration ID. */
  id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** ID of the bot/OAuth2 application of a Discord integration. */
  application_id?: Snowflake;
}

/** `d` of INVITE_CREATE (needs MANAGE_CHANNELS on the channel). */
export interface InviteCreateDispatch {
  /** Channel the invite is for. */
  channel_id: Snowflake;
  /** Invite code. */
  code: string;
  /** When the invite was created. */
  created_at: string;
  /** Guild of the invite. */
  guild_id?: Snowflake;
  /** The user who created the invite. */
  inviter?: User;
  /** Lifetime in seconds (0 never expires). */
  max_age: number;
  /** Maximum number of uses (0 unlimited). */
  max_uses: number;
  /** Target type of a voice-channel invite. */
  target_type?: InviteTargetType;
  /** The user whose stream to show, for stream invites. */
  target_user?: User;
  /** The embedded application to open, for application invites. */
  target_application?: Partial<Application>;
  /** Whether the invite grants temporary membership. */
  temporary: boolean;
  /** Number of uses (always 0). */
  uses: number;
  /** When the invite expires. */
  expires_at: string | null;
  /** Roles given to users who accept the invite. */
  role_ids?: Snowflake[];
}

/** `d` of INVITE_DELETE. */
export interface InviteDeleteDispatch {
  /** Channel of the invite. */
  channel_id: Snowflake;
  /** Guild of the invite. */
  guild_id?: Snowflake;
  /** Invite code. */
  code: string;
}

// ---------------------------------------------------------------------------
// Messages, reactions, polls
// ---------------------------------------------------------------------------

/**
 * `d` of MESSAGE_CREATE: the message plus gateway-only fields. Without the
 * MESSAGE_CONTENT intent, `content`, `embeds`, `attachments`, `components`
 * and `poll` are empty (except for DMs, mentions and the bot's own messages).
 */
export interface MessageCreateDispatch extends Message {
  /** Guild ID; absent in DMs and ephemeral messages. */
  guild_id?: Snowflake;
  /** The author's member (without `user`), in guilds. */
  member?: PartialGuildMember;
  /** Users mentioned, each with their partial member in guilds. */
  mentions: UserWithMember[];
  /** Type of the channel the message was sent in. */
  channel_type?: ChannelType;
}

/** `d` of MESSAGE_UPDATE: the same shape as MESSAGE_CREATE (`tts` is always false). */
export type MessageUpdateDispatch = MessageCreateDispatch;

/** `d` of MESSAGE_DELETE. */
export interface MessageDeleteDispatch {
  /** Message ID. */
  id: Snowflake;
  /** Channel ID. */
  channel_id: Snowflake;
  /** Guild ID. */
  guild_id?: Snowflake;
}

/** `d` of MESSAGE_DELETE_BULK. */
export interface MessageDeleteBulkDispatch {
  /** IDs of the deleted messages. */
  ids: Snowflake[];
  /** Channel ID. */
  channel_id: Snowflake;
  /** Guild ID. */
  guild_id?: Snowflake;
}

/** Reaction type: 0 normal, 1 burst (super-reaction). */
export type ReactionType = 0 | 1;

/** `d` of MESSAGE_REACTION_ADD. */
export interface MessageReactionAddDispatch {
  /** ID of the user who reacted. */
  user_id: Snowflake;
  /** Channel ID. */
  channel_id: Snowflake;
  /** Message ID. */
  message_id: Snowflake;
  /** Guild ID. */
  guild_id?: Snowflake;
  /** The member who reacted, in guilds. */
  member?: GuildMember;
  /** The emoji (partial). */
  emoji: PartialEmoji;
  /** ID of the author of the message reacted to. */
  message_author_id?: Snowflake;
  /** Whether it is a super-reaction. */
  burst: boolean;
  /** HEX colours of a super-reaction. */
  burst_colors?: string[];
  /** Reaction type. */
  type: ReactionType;
}

/** `d` of MESSAGE_REACTION_REMOVE. */
export interface MessageReactionRemoveDispatch {
  /** ID of the user whose reaction was removed. */
  user_id: Snowflake;
  /** Channel ID. */
  channel_id: Snowflake;
  /** Message ID. */
  message_id: Snowflake;
  /** Guild ID. */
  guild_id?: Snowflake;
  /** The emoji (partial). */
  emoji: PartialEmoji;
  /** Whether it was a super-reaction. */
  burst: boolean;
  /** Reaction type. */
  type: ReactionType;
}

/** `d` of MESSAGE_REACTION_REMOVE_ALL. */
export interface MessageReactionRemoveAllDispatch {
  /** Channel ID. */
  channel_id: Snowflake;
  /** Message ID. */
  message_id: Snowflake;
  /** Guild ID. */
  guild_id?: Snowflake;
}

/** `d` of MESSAGE_REACTION_REMOVE_EMOJI: all reactions with one emoji were removed. */
export interface MessageReactionRemoveEmojiDispatch {
  /** Channel ID. */
  channel_id: Snowflake;
  /** Guild ID. */
  guild_id?: Snowflake;
  /** Message ID. */
  message_id: Snowflake;
  /** The emoji that was removed (partial). */
  emoji: PartialEmoji;
}

/** `d` of MESSAGE_POLL_VOTE_ADD (one event per answer). */
export interface MessagePollVoteAddDispatch {
  /** ID of the voter. */
  user_id: Snowflake;
  /** Channel ID. */
  channel_id: Snowflake;
  /** Message ID. */
  message_id: Snowflake;
  /** Guild ID. */
  guild_id?: Snowflake;
  /** ID of the answer voted for. */
  answer_id: number;
}

/** `d` of MESSAGE_POLL_VOTE_REMOVE (one event per answer). */
export interface MessagePollVoteRemoveDispatch {
  /** ID of the voter. */
  user_id: Snowflake;
  /** Channel ID. */
  channel_id: Snowflake;
  /** Message ID. */
  message_id: Snowflake;
  /** Guild ID. */
  guild_id?: Snowflake;
  /** ID of the answer whose vote was removed. */
  answer_id: number;
}

// ---------------------------------------------------------------------------
// Presence, typing, users
// ---------------------------------------------------------------------------

/**
 * `d` of PRESENCE_UPDATE: only `user.id` and `guild_id` are guaranteed (no
 * other field is required, and `user` may be partial).
 */
export type PresenceUpdateDispatch = PresenceUpdate;

/** `d` of TYPING_START. */
export interface TypingStartDispatch {
  /** Channel ID. */
  channel_id: Snowflake;
  /** Guild ID. */
  guild_id?: Snowflake;
  /** ID of the user typing. */
  user_id: Snowflake;
  /** Unix time (seconds) when the user started typing. */
  timestamp: number;
  /** The member typing, in guilds. */
  member?: GuildMember;
}

/** `d` of USER_UPDATE: the bot's own user changed. */
export type UserUpdateDispatch = User;

// ---------------------------------------------------------------------------
// Voice, webhooks, interactions, stage instances
// ---------------------------------------------------------------------------

/** `d` of VOICE_CHANNEL_EFFECT_SEND: someone sent an emoji reaction or soundboard sound. */
export interface VoiceChannelEffectSendDispatch {
  /** Channel ID. */
  channel_id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** ID of the user who sent the effect. */
  user_id: Snowflake;
  /** The emoji sent, for emoji reactions and soundboard effects. */
  emoji?: PartialEmoji | null;
  /** Animation type: 0 premium, 1 basic. */
  animation_type?: 0 | 1 | null;
  /** ID of the emoji animation. */
  animation_id?: number;
  /** ID of the soundboard sound (a snowflake, or an integer for default sounds). */
  sound_id?: Snowflake | number;
  /** Volume of the soundboard sound, from 0 to 1. */
  sound_volume?: number;
}

/** `d` of VOICE_STATE_UPDATE. */
export type VoiceStateUpdateDispatch = VoiceState;

/** `d` of VOICE_SERVER_UPDATE: the voice server to connect to. */
export interface VoiceServerUpdateDispatch {
  /** Voice connection token. */
  token: string;
  /** Guild ID. */
  guild_id: Snowflake;
  /** Voice server host; null while the server is being reallocated. */
  endpoint: string | null;
}

/** `d` of WEBHOOKS_UPDATE: a channel's webhooks changed. */
export interface WebhooksUpdateDispatch {
  /** Guild ID. */
  guild_id: Snowflake;
  /** Channel ID. */
  channel_id: Snowflake;
}

/** `d` of INTERACTION_CREATE. */
export type InteractionCreateDispatch = Interaction;

/** `d` of STAGE_INSTANCE_CREATE. */
export type StageInstanceCreateDispatch = StageInstance;

/** `d` of STAGE_INSTANCE_UPDATE. */
export type StageInstanceUpdateDispatch = StageInstance;

/** `d` of STAGE_INSTANCE_DELETE. */
export type StageInstanceDeleteDispatch = StageInstance;
