/**
 * Invites.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { Application } from "./application.ts";
import type { ChannelType } from "./channel.ts";
import type { Guild } from "./guild.ts";
import type { Role } from "./role.ts";
import type { GuildScheduledEvent } from "./scheduled_event.ts";
import type { User } from "./user.ts";

/** Target of a voice-channel invite: 1 stream, 2 embedded application. */
export type InviteTargetType = 1 | 2;

/** Invite type: 0 guild, 1 group DM, 2 friend. */
export type InviteType = 0 | 1 | 2;

/** The channel an invite leads to. */
export interface InviteChannel {
  /** Channel ID. */
  id: Snowflake;
  /** Channel name. */
  name: string | null;
  /** Channel type. */
  type: ChannelType;
}

/** An invite to a guild, group DM or friendship. */
export interface Invite {
  /** Invite type. */
  type: InviteType;
  /** Invite code. */
  code: string;
  /** The guild the invite is for. */
  guild?: Partial<Guild>;
  /** The channel the invite is for. */
  channel: InviteChannel | null;
  /** The user who created the invite. */
  inviter?: User;
  /** Target type of a voice-channel invite. */
  target_type?: InviteTargetType;
  /** The user whose stream to show, for stream invites. */
  target_user?: User;
  /** The embedded application to open, for application invites. */
  target_application?: Partial<Application>;
  /** Approximate online member count (with `with_counts`). */
  approximate_presence_count?: number;
  /** Approximate member count (with `with_counts`). */
  approximate_member_count?: number;
  /** When the invite expires. */
  expires_at: string | null;
  /** The scheduled event the invite points to. */
  guild_scheduled_event?: GuildScheduledEvent;
  /** Invite flags bitfield (1 guest invite). */
  flags?: number;
  /** Roles (partial) given to the user who accepts the invite. */
  roles?: Partial<Role>[];
}

/** An invite with its usage metadata (from channel/guild invite listings). */
export interface InviteWithMetadata extends Invite {
  /** Number of times the invite was used. */
  uses: number;
  /** Maximum number of uses (0 unlimited). */
  max_uses: number;
  /** Lifetime in seconds (0 never expires). */
  max_age: number;
  /** Whether the invite grants temporary membership. */
  temporary: boolean;
  /** When the invite was created. */
  created_at: string;
}
