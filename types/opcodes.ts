/**
 * Gateway opcodes (API v10), as documented in Discord's opcode table.
 *
 * @example Usage
 * ```ts
 * import { GatewayOpcode } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(GatewayOpcode.Heartbeat, 1);
 * ```
 */
export const GatewayOpcode = {
  /** An event was dispatched; carries `t` and `s`. */
  Dispatch: 0,
  /** Sent by the client on an interval; sent by the server to ask for one at once. */
  Heartbeat: 1,
  /** Starts a new session. */
  Identify: 2,
  /** Updates the client's presence ("Update Presence"). */
  PresenceUpdate: 3,
  /** Joins, moves between or leaves voice channels ("Update Voice State"). */
  VoiceStateUpdate: 4,
  /** Resumes a dropped session. */
  Resume: 6,
  /** The server asks the client to reconnect and resume. */
  Reconnect: 7,
  /** Requests guild members; answered by GUILD_MEMBERS_CHUNK dispatches. */
  RequestGuildMembers: 8,
  /** The session is invalid; `d` says whether it may be resumed. */
  InvalidSession: 9,
  /** Sent right after connecting; carries the heartbeat interval. */
  Hello: 10,
  /** Acknowledges a heartbeat. */
  HeartbeatAck: 11,
  /** Requests soundboard sounds; answered by SOUNDBOARD_SOUNDS dispatches. */
  RequestSoundboardSounds: 31,
  /** Requests ephemeral channel info; answered by a CHANNEL_INFO dispatch. */
  RequestChannelInfo: 43,
} as const;

/** A gateway opcode value. */
export type GatewayOpcode = typeof GatewayOpcode[keyof typeof GatewayOpcode];

/** Opcodes a client may send after the handshake (user commands). */
export type GatewayCommandOpcode =
  | typeof GatewayOpcode.PresenceUpdate
  | typeof GatewayOpcode.VoiceStateUpdate
  | typeof GatewayOpcode.RequestGuildMembers
  | typeof GatewayOpcode.RequestSoundboardSounds
  | typeof GatewayOpcode.RequestChannelInfo;
