/**
 * Channels, threads and thread members.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { GuildMember } from "./member.ts";
import type { PresenceUpdate } from "./presence.ts";
import type { User } from "./user.ts";

/**
 * Channel types.
 *
 * @example Usage
 * ```ts
 * import { ChannelType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ChannelType.PublicThread, 11);
 * ```
 */
export const ChannelType = {
  /** A text channel in a guild. */
  GuildText: 0,
  /** A direct message. */
  DM: 1,
  /** A voice channel in a guild. */
  GuildVoice: 2,
  /** A group direct message. */
  GroupDM: 3,
  /** A category holding up to 50 channels. */
  GuildCategory: 4,
  /** An announcement channel users can follow. */
  GuildAnnouncement: 5,
  /** A thread in an announcement channel. */
  AnnouncementThread: 10,
  /** A public thread in a text or forum channel. */
  PublicThread: 11,
  /** A private thread in a text channel. */
  PrivateThread: 12,
  /** A stage channel. */
  GuildStageVoice: 13,
  /** The channel in a hub listing its guilds. */
  GuildDirectory: 14,
  /** A channel that holds only threads. */
  GuildForum: 15,
  /** A media channel that holds only threads. */
  GuildMedia: 16,
} as const;

/** A channel type value. */
export type ChannelType = typeof ChannelType[keyof typeof ChannelType];

/** Thread auto-archive duration in minutes. */
export type ThreadAutoArchiveDuration = 60 | 1440 | 4320 | 10080;

/** A permission overwrite on a channel. */
export interface Overwrite {
  /** Role or user ID. */
  id: Snowflake;
  /** 0 role, 1 member. */
  type: 0 | 1;
  /** Allowed permission bitfield, as a decimal string (see {@linkcode hasPermission}). */
  allow: string;
  /** Denied permission bitfield, as a decimal string (see {@linkcode hasPermission}). */
  deny: string;
}

/** Thread-specific fields of a thread channel. */
export interface ThreadMetadata {
  /** Whether the thread is archived. */
  archived: boolean;
  /** Minutes of inactivity after which the thread archives itself. */
  auto_archive_duration: ThreadAutoArchiveDuration;
  /** When the archive status last changed. */
  archive_timestamp: string;
  /** Whether only moderators can unarchive the thread. */
  locked: boolean;
  /** Whether non-moderators can add others (private threads only). */
  invitable?: boolean;
  /** When the thread was created; only for threads created after 2022-01-09. */
  create_timestamp?: string | null;
}

/** A user's membership in a thread. */
export interface ThreadMember {
  /** Thread ID; absent in some gateway events. */
  id?: Snowflake;
  /** User ID; absent in some gateway events. */
  user_id?: Snowflake;
  /** When the user last joined the thread. */
  join_timestamp: string;
  /** Thread member flags (notification settings). */
  flags: number;
  /** The guild member, when requested with `with_member`. */
  member?: GuildMember;
}

/** A thread member in THREAD_MEMBERS_UPDATE's `added_members`. */
export interface AddedThreadMember extends ThreadMember {
  /** The user's presence, or null. */
  presence?: PresenceUpdate | null;
}

/** A tag that can be applied to threads in a forum or media channel. */
export interface ForumTag {
  /** Tag ID. */
  id: Snowflake;
  /** Tag name. */
  name: string;
  /** Whether only members with MANAGE_THREADS can apply the tag. */
  moderated: boolean;
  /** Custom emoji ID. */
  emoji_id: Snowflake | null;
  /** Unicode emoji. */
  emoji_name: string | null;
}

/** The default reaction shown on forum posts. */
export interface DefaultReaction {
  /** Custom emoji ID. */
  emoji_id: Snowflake | null;
  /** Unicode emoji. */
  emoji_name: string | null;
}

/**
 * A guild or DM channel, or a thread. Which optional fields are present
 * depends on `type`.
 */
export interface Channel {
  /** Channel ID. */
  id: Snowflake;
  /** Channel type. */
  type: ChannelType;
  /** Guild ID; may be absent in some gateway events. */
  guild_id?: Snowflake;
  /** Sorting position. */
  position?: number;
  /** Explicit permission overwrites. */
  permission_overwrites?: Overwrite[];
  /** Channel name (1-100 characters). */
  name?: string | null;
  /** Channel topic. */
  topic?: string | null;
  /** Whether the channel is age-restricted. */
  nsfw?: boolean;
  /** ID of the last message (may not point to an existing message). */
  last_message_id?: Snowflake | null;
  /** Voice bitrate in bits. */
  bitrate?: number;
  /** Voice user limit. */
  user_limit?: number;
  /** Slowmode in seconds. */
  rate_limit_per_user?: number;
  /** Recipients of a DM. */
  recipients?: User[];
  /** Group DM icon hash. */
  icon?: string | null;
  /** Creator of a group DM or thread. */
  owner_id?: Snowflake;
  /** Application that created a group DM (null when not bot-created). */
  application_id?: Snowflake | null;
  /** Whether an application manages the group DM. */
  managed?: boolean;
  /** Parent category, or for a thread, the channel it was created in. */
  parent_id?: Snowflake | null;
  /** When the last message was pinned. */
  last_pin_timestamp?: string | null;
  /** Voice region ID; null is automatic. */
  rtc_region?: string | null;
  /** Video quality mode: 1 auto, 2 full (720p). */
  video_quality_mode?: 1 | 2;
  /** Approximate message count of a thread (excludes the starter). */
  message_count?: number;
  /** Approximate member count of a thread (stops at 50). */
  member_count?: number;
  /** Thread-specific fields. */
  thread_metadata?: ThreadMetadata;
  /** The current user's thread member, when they joined the thread. */
  member?: ThreadMember;
  /** Default auto-archive duration for new threads. */
  default_auto_archive_duration?: ThreadAutoArchiveDuration;
  /** Computed permissions of the invoking user (interaction channels only). */
  permissions?: string;
  /**
   * Computed permissions of the bot in the channel, with overwrites
   * (channels in an interaction's resolved data only; see
   * {@linkcode hasPermission}).
   */
  app_permissions?: string;
  /** Channel flags bitfield. */
  flags?: number;
  /** Number of messages ever sent in a thread. */
  total_message_sent?: number;
  /** Tags available in a forum or media channel. */
  available_tags?: ForumTag[];
  /** Tags applied to a thread in a forum or media channel. */
  applied_tags?: Snowflake[];
  /** Default reaction for forum posts. */
  default_reaction_emoji?: DefaultReaction | null;
  /** Initial slowmode for new threads. */
  default_thread_rate_limit_per_user?: number;
  /** Default forum sort order: 0 latest activity, 1 creation date. */
  default_sort_order?: 0 | 1 | null;
  /** Default forum layout: 0 not set, 1 list, 2 gallery. */
  default_forum_layout?: 0 | 1 | 2;
}

/** A channel mentioned in a crossposted message. */
export interface ChannelMention {
  /** Channel ID. */
  id: Snowflake;
  /** ID of the guild holding the channel. */
  guild_id: Snowflake;
  /** Channel type. */
  type: ChannelType;
  /** Channel name. */
  name: string;
}
