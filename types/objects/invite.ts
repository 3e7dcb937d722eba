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
  /** Roles given to the user who accepts the invite. */
  roles?: InviteRole[];
}

/**
 * A role an invite gives (its `roles`): the partial role Discord sends
 * there, since the Community Invites Update (February 2026) no longer the
 * full role object.
 */
export type InviteRole = Pick<
  Role,
  "id" | "name" | "position" | "color" | "colors" | "icon" | "unicode_emoji"
>;

/**
 * The state of the job that reads an invite's target users from their CSV
 * file (see {@linkcode InviteTargetUsersJob}).
 *
 * @example Usage
 * ```ts
 * import { InviteTargetUsersJobStatus } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(InviteTargetUsersJobStatus.Failed, 3);
 * ```
 */
export const InviteTargetUsersJobStatus = {
  /** The default value. */
  Unspecified: 0,
  /** The job is still being processed. */
  Processing: 1,
  /** The job has completed successfully. */
  Completed: 2,
  /** The job has failed: see its `error_message`. */
  Failed: 3,
} as const;

/** A target users job status value. */
export type InviteTargetUsersJobStatus =
  typeof InviteTargetUsersJobStatus[keyof typeof InviteTargetUsersJobStatus];

/**
 * The job that reads an invite's target users from the CSV file sent when
 * the invite was created or its target users updated: Discord processes
 * the file asynchronously.
 */
export interface InviteTargetUsersJob {
  /** Where the job is (see {@linkcode InviteTargetUsersJobStatus}). */
  status: InviteTargetUsersJobStatus;
  /** The users in the file. */
  total_users: number;
  /** The users processed so far. */
  processed_users: number;
  /** When the job was created (ISO 8601). */
  created_at: string;
  /** When the job completed (ISO 8601); `null` until it has. */
  completed_at: string | null;
  /**
   * Why the job failed (status 3). The docs give it only in their example
   * of a failed job: typed as possibly absent or `null` otherwise.
   */
  error_message?: string | null;
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
