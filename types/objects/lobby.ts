/**
 * Lobbies of the Discord Social SDK: groups of a game's players who chat
 * (and call) together, managed by the game's backend with its bot token
 * and joined, left and written to by players with their OAuth2 access
 * tokens (the `sdk.social_layer` scope).
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { Channel } from "./channel.ts";
import type { User } from "./user.ts";

/**
 * Flags of a lobby member (bits of a {@linkcode LobbyMember}'s `flags`).
 *
 * @example Let a member link a channel
 * ```ts
 * import { LobbyMemberFlags } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(LobbyMemberFlags.CanLinkLobby, 1);
 * ```
 */
export const LobbyMemberFlags = {
  /** The member can link a text channel to the lobby (and unlink it). */
  CanLinkLobby: 1 << 0,
} as const;

/** The name of a lobby member flag, as a key of {@linkcode LobbyMemberFlags}. */
export type LobbyMemberFlagName = keyof typeof LobbyMemberFlags;

/**
 * A lobby's or a member's metadata: string keys to string values, at most
 * 1000 characters in all.
 */
export type LobbyMetadata = Record<string, string>;

/** A member of a lobby. */
export interface LobbyMember {
  /** The user's ID. */
  id: Snowflake;
  /** The member's metadata. */
  metadata?: LobbyMetadata | null;
  /** {@linkcode LobbyMemberFlags} combined. */
  flags?: number;
  /**
   * An additional 1-80 character display name (an in-game character's
   * name), set only by the game's backend (Add a Member, Bulk Update).
   */
  additional_name?: string;
}

/** A lobby. */
export interface Lobby {
  /** The lobby's ID. */
  id: Snowflake;
  /** The application that created the lobby. */
  application_id: Snowflake;
  /** The lobby's metadata. */
  metadata: LobbyMetadata | null;
  /** The lobby's members. */
  members: LobbyMember[];
  /** The guild text channel linked to the lobby, when one is. */
  linked_channel?: Channel;
}

/** A message sent to a lobby. */
export interface LobbyMessage {
  /** The message's ID. */
  id: Snowflake;
  /** Its message type (a `MessageType` value). */
  type: number;
  /** Its content. */
  content: string;
  /** The lobby it was sent to. */
  lobby_id: Snowflake;
  /** The same as `lobby_id` (for the messages interface). */
  channel_id: Snowflake;
  /** Who sent it. */
  author: User;
  /**
   * The author's lobby member `additional_name` when the message was sent;
   * left out when the author had none.
   */
  lobby_member?: { additional_name: string };
  /** Metadata sent with the message to active clients (not kept). */
  metadata?: LobbyMetadata | null;
  /** Moderation metadata the game's backend set. */
  moderation_metadata?: LobbyMetadata | null;
  /** Message flags (`MessageFlags` combined). */
  flags: number;
  /** The application that sent the message. */
  application_id: Snowflake;
}

/**
 * A single-use invite, valid one hour, to a lobby's linked channel,
 * targeted at one user.
 */
export interface LobbyInvite {
  /** The invite code (`https://discord.gg/<code>`). */
  code: string;
}
