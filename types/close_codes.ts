/**
 * Close codes the gateway sends, as documented in Discord's close-code table.
 *
 * @example Usage
 * ```ts
 * import { GatewayCloseCode } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(GatewayCloseCode.AuthenticationFailed, 4004);
 * ```
 */
export const GatewayCloseCode = {
  /** Unknown problem; try reconnecting. */
  UnknownError: 4000,
  /** An invalid opcode, or an invalid payload for a valid opcode. */
  UnknownOpcode: 4001,
  /** A payload could not be decoded (also: over 4096 bytes). */
  DecodeError: 4002,
  /** A payload was sent before identifying, or the session was invalidated. */
  NotAuthenticated: 4003,
  /** The token in IDENTIFY is wrong. */
  AuthenticationFailed: 4004,
  /** More than one IDENTIFY was sent. */
  AlreadyAuthenticated: 4005,
  /** The sequence in RESUME was invalid. */
  InvalidSeq: 4007,
  /** Payloads were sent too fast. */
  RateLimited: 4008,
  /** The session timed out. */
  SessionTimedOut: 4009,
  /** The shard in IDENTIFY is invalid. */
  InvalidShard: 4010,
  /** The session would handle too many guilds; the bot must shard. */
  ShardingRequired: 4011,
  /** The gateway version `v` is invalid. */
  InvalidApiVersion: 4012,
  /** The intents bitfield is invalid. */
  InvalidIntents: 4013,
  /** A privileged intent is not enabled or approved for the application. */
  DisallowedIntents: 4014,
} as const;

/** A documented gateway close code. */
export type GatewayCloseCode =
  typeof GatewayCloseCode[keyof typeof GatewayCloseCode];
