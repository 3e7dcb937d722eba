/**
 * Guild members.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { AvatarDecorationData, Collectibles, User } from "./user.ts";

/** A user's membership in a guild. */
export interface GuildMember {
  /**
   * The user. Discord leaves it out only of the `member` of
   * MESSAGE_CREATE/MESSAGE_UPDATE and of interactions' resolved members,
   * which are typed {@linkcode PartialGuildMember} and `ResolvedMember`.
   */
  user: User;
  /** Guild nickname. */
  nick?: string | null;
  /** Guild avatar hash. */
  avatar?: string | null;
  /** Guild banner hash. */
  banner?: string | null;
  /** IDs of the member's roles. */
  roles: Snowflake[];
  /** When the user joined the guild; null for guest members. */
  joined_at: string | null;
  /** When the user started boosting the guild. */
  premium_since?: string | null;
  /** Whether the member is server-deafened. */
  deaf: boolean;
  /** Whether the member is server-muted. */
  mute: boolean;
  /** Guild member flags bitfield. */
  flags: number;
  /** Whether the member has not yet passed membership screening. */
  pending?: boolean;
  /** Total permissions in the channel; only in interaction payloads. */
  permissions?: string;
  /** When the member's timeout ends. */
  communication_disabled_until?: string | null;
  /** The member's guild avatar decoration. */
  avatar_decoration_data?: AvatarDecorationData | null;
  /** The member's guild collectibles. */
  collectibles?: Collectibles | null;
}

/** A member without `user`, as attached to messages and mentions. */
export interface PartialGuildMember extends Omit<GuildMember, "user"> {}

/** A user as listed in a message's `mentions`, with their partial member. */
export interface UserWithMember extends User {
  /** Member data; present in guild MESSAGE_CREATE and MESSAGE_UPDATE. */
  member?: PartialGuildMember;
}
