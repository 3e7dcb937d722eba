/**
 * The type of the previous state each event gets from the cache
 * ({@linkcode OldState}): what `reduceDispatch` returns as `old`, which the
 * Client hands its handlers as `ctx.old`.
 *
 * @module
 */
import type { UnavailableGuildCreate } from "../types/dispatch_payloads.ts";
import type { Emoji } from "../types/objects/emoji.ts";
import type { PresenceUpdate } from "../types/objects/presence.ts";
import type { Role } from "../types/objects/role.ts";
import type { GuildScheduledEvent } from "../types/objects/scheduled_event.ts";
import type { SoundboardSound } from "../types/objects/soundboard.ts";
import type { StageInstance } from "../types/objects/stage_instance.ts";
import type { Sticker } from "../types/objects/sticker.ts";
import type { User } from "../types/objects/user.ts";
import type { VoiceState } from "../types/objects/voice.ts";
import type {
  CachedChannel,
  CachedIntegration,
  CachedMember,
  CachedMessage,
} from "./memory_store.ts";
import type { CachedGuild } from "./cached_guild.ts";

/**
 * The previous state of each event that has one, by event name, as cached
 * before the event: the entity it changed or removed, or a list of them for
 * events that change several. Events not listed have none. A guild seen
 * only in READY (or first in an outage) is cached as `{ id, unavailable:
 * true }` (see {@linkcode CachedGuild}).
 */
export interface CachedOldState {
  /** The bot's user before this session. */
  READY: User;
  /** The channel before the update. */
  CHANNEL_UPDATE: CachedChannel;
  /** The deleted channel. */
  CHANNEL_DELETE: CachedChannel;
  /** The cached channels before their status and voice start time changed. */
  CHANNEL_INFO: CachedChannel[];
  /** The voice channel before its status changed. */
  VOICE_CHANNEL_STATUS_UPDATE: CachedChannel;
  /** The voice channel before its start time changed. */
  VOICE_CHANNEL_START_TIME_UPDATE: CachedChannel;
  /** The thread, when it was already cached (a thread the bot was added to). */
  THREAD_CREATE: CachedChannel;
  /**
   * The thread before the update (also when the update archived it: the
   * cache, holding active threads only, then dropped it with its messages).
   */
  THREAD_UPDATE: CachedChannel;
  /** The deleted thread. */
  THREAD_DELETE: CachedChannel;
  /** The cached threads the sync removed (no longer active, or archived). */
  THREAD_LIST_SYNC: CachedChannel[];
  /** The thread before the bot's thread member changed. */
  THREAD_MEMBER_UPDATE: CachedChannel;
  /** The thread before its member count changed. */
  THREAD_MEMBERS_UPDATE: CachedChannel;
  /** The channel before its last pin time changed. */
  CHANNEL_PINS_UPDATE: CachedChannel;
  /** The guild as cached before (often the READY placeholder). */
  GUILD_CREATE: CachedGuild | UnavailableGuildCreate;
  /** The guild before the update. */
  GUILD_UPDATE: CachedGuild | UnavailableGuildCreate;
  /** The guild that became unavailable or was removed. */
  GUILD_DELETE: CachedGuild | UnavailableGuildCreate;
  /** The guild's emojis before the update (the whole list). */
  GUILD_EMOJIS_UPDATE: Emoji[];
  /** The guild's stickers before the update (the whole list). */
  GUILD_STICKERS_UPDATE: Sticker[];
  /** The member who left or was removed. */
  GUILD_MEMBER_REMOVE: CachedMember;
  /** The member before the update. */
  GUILD_MEMBER_UPDATE: CachedMember;
  /** The role before the update. */
  GUILD_ROLE_UPDATE: Role;
  /** The deleted role. */
  GUILD_ROLE_DELETE: Role;
  /** The event, when one with its id was already cached. */
  GUILD_SCHEDULED_EVENT_CREATE: GuildScheduledEvent;
  /** The event before the update. */
  GUILD_SCHEDULED_EVENT_UPDATE: GuildScheduledEvent;
  /** The deleted event. */
  GUILD_SCHEDULED_EVENT_DELETE: GuildScheduledEvent;
  /** The event before its user count went up. */
  GUILD_SCHEDULED_EVENT_USER_ADD: GuildScheduledEvent;
  /** The event before its user count went down. */
  GUILD_SCHEDULED_EVENT_USER_REMOVE: GuildScheduledEvent;
  /** The sound, when one with its id was already cached. */
  GUILD_SOUNDBOARD_SOUND_CREATE: SoundboardSound;
  /** The sound before the update. */
  GUILD_SOUNDBOARD_SOUND_UPDATE: SoundboardSound;
  /** The deleted sound. */
  GUILD_SOUNDBOARD_SOUND_DELETE: SoundboardSound;
  /** The cached sounds among those updated, before the update. */
  GUILD_SOUNDBOARD_SOUNDS_UPDATE: SoundboardSound[];
  /** The guild's sounds before the list replaced them. */
  SOUNDBOARD_SOUNDS: SoundboardSound[];
  /** The message before the edit. */
  MESSAGE_UPDATE: CachedMessage;
  /** The deleted message. */
  MESSAGE_DELETE: CachedMessage;
  /** The deleted messages that were cached. */
  MESSAGE_DELETE_BULK: CachedMessage[];
  /** The message before the reaction. */
  MESSAGE_REACTION_ADD: CachedMessage;
  /** The message before the reaction was removed. */
  MESSAGE_REACTION_REMOVE: CachedMessage;
  /** The message before its reactions were removed. */
  MESSAGE_REACTION_REMOVE_ALL: CachedMessage;
  /** The message before the emoji's reactions were removed. */
  MESSAGE_REACTION_REMOVE_EMOJI: CachedMessage;
  /** The message before the vote (its poll's tally without it). */
  MESSAGE_POLL_VOTE_ADD: CachedMessage;
  /** The message before the vote was removed. */
  MESSAGE_POLL_VOTE_REMOVE: CachedMessage;
  /** The member's presence before the update (`user` holds the id only). */
  PRESENCE_UPDATE: PresenceUpdate;
  /** The bot's user before the update. */
  USER_UPDATE: User;
  /** The user's voice state before the change (absent: not in a channel). */
  VOICE_STATE_UPDATE: VoiceState;
  /** The stage instance, when one with its id was already cached. */
  STAGE_INSTANCE_CREATE: StageInstance;
  /** The stage instance before the update. */
  STAGE_INSTANCE_UPDATE: StageInstance;
  /** The deleted stage instance. */
  STAGE_INSTANCE_DELETE: StageInstance;
  /** The integration, when one with its id was already cached. */
  INTEGRATION_CREATE: CachedIntegration;
  /** The integration before the update. */
  INTEGRATION_UPDATE: CachedIntegration;
  /** The deleted integration. */
  INTEGRATION_DELETE: CachedIntegration;
}

/**
 * `ctx.old` of event `K`: its {@linkcode CachedOldState}, or `undefined`
 * (always for events without previous state; for the others when the
 * Client has no `cache`, the resource is not kept, the guild is not held,
 * or the entity was not cached). A list event gets `undefined` the same
 * way (none of the entities it names was cached, or a guild's whole list
 * is not known), and an empty list only when the cache knows there were
 * none: a held guild without emojis, a sync that removed no thread.
 *
 * @typeParam K The event name (a `GatewayEventName`).
 *
 * @example The type of a deleted message's old state
 * ```ts
 * import type { CachedMessage, OldState } from "@disruption/disruption/cache";
 *
 * const old: OldState<"MESSAGE_DELETE"> = undefined;
 * const same: CachedMessage | undefined = old;
 * const none: OldState<"MESSAGE_CREATE"> = undefined;
 * void same, none;
 * ```
 */
export type OldState<K extends string> = K extends keyof CachedOldState
  ? CachedOldState[K] | undefined
  : undefined;
