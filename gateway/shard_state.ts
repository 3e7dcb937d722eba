/**
 * The shard's public state value and the close-code policy: what a shard
 * does after each way a connection can end, written as data.
 *
 * @module
 */
import type { GatewayErrorKind } from "./errors.ts";
import { GatewayIntent } from "../types/intents.ts";

/**
 * Where a shard is in its life.
 *
 * - `idle`: created, {@linkcode Shard.connect} not called yet.
 * - `connecting`: the socket is opening.
 * - `waiting_for_hello`: the socket is open; HELLO has not arrived.
 * - `identifying`: waiting for the identify queue, or IDENTIFY sent and READY
 *   not yet received.
 * - `resuming`: RESUME sent; the server is replaying missed events.
 * - `ready`: READY or RESUMED received; dispatches flow and commands go out.
 * - `reconnecting`: the connection ended; waiting out the backoff.
 * - `closed`: stopped, by {@linkcode Shard.close} or a fatal close code.
 */
export type ShardStatus =
  | "idle"
  | "connecting"
  | "waiting_for_hello"
  | "identifying"
  | "resuming"
  | "ready"
  | "reconnecting"
  | "closed";

/**
 * What to do after a connection ends.
 *
 * - `resume`: reconnect and RESUME if a session exists (otherwise IDENTIFY).
 * - `new_session`: forget the session, reconnect and IDENTIFY.
 * - `fatal`: stop; reconnecting would fail the same way.
 */
export type CloseAction = "resume" | "new_session" | "fatal";

/** A fatal close code's error kind and the sentence telling what to fix. */
export interface FatalClose {
  /** The error kind the shard stops with. */
  kind: GatewayErrorKind;
  /** What went wrong and what to change. */
  message: string;
}

/**
 * What a shard does after one close code: an action, and for a fatal one
 * the error it stops with.
 */
export type ClosePolicy =
  | { action: "resume" | "new_session" }
  | ({ action: "fatal" } & FatalClose);

/** Where to get a bot token, for every message about a rejected one. */
export const TOKEN_HELP: string =
  "copy the bot token from the Discord Developer Portal (https://discord.com/developers/applications → your application → Bot → Reset Token)";

/**
 * Close codes whose action is not `resume`, with the error of each fatal
 * one. Every code not listed here, including 1000/1001 sent by the server,
 * 1005 (no code) and 1006 (dropped connection), resumes: a RESUME Discord no
 * longer accepts comes back as op 9 `d:false`, which costs nothing, while an
 * IDENTIFY spends the daily budget.
 */
export const CLOSE_CODE_POLICY: Readonly<Record<number, ClosePolicy>> = {
  4003: { action: "new_session" },
  4004: {
    action: "fatal",
    kind: "authentication_failed",
    message: `Discord rejected the token (close code 4004): ${TOKEN_HELP}`,
  },
  4007: { action: "new_session" },
  4009: { action: "new_session" },
  4010: {
    action: "fatal",
    kind: "invalid_shard",
    message:
      "Discord rejected the shard (close code 4010): 'shardId' must be below 'shardCount', and large bots must use a multiple of their assigned shard count",
  },
  4011: {
    action: "fatal",
    kind: "sharding_required",
    message:
      "Discord requires sharding (close code 4011): this session would hold too many guilds, start more shards (GET /gateway/bot gives the recommended count)",
  },
  4012: {
    action: "fatal",
    kind: "invalid_api_version",
    message:
      "Discord rejected the gateway version (close code 4012): use API version 10",
  },
  4013: {
    action: "fatal",
    kind: "invalid_intents",
    message:
      "Discord rejected the intents (close code 4013): the intents value has undocumented bits, build it from GatewayIntent",
  },
  4014: {
    action: "fatal",
    kind: "disallowed_intents",
    message:
      "Discord refused a privileged intent (close code 4014): enable GUILD_MEMBERS, GUILD_PRESENCES or MESSAGE_CONTENT for the app in the Developer Portal (Bot > Privileged Gateway Intents), or stop requesting it",
  },
};

const RESUME: ClosePolicy = { action: "resume" };

/**
 * The policy for a close code: what the shard does next and, when that is
 * to stop, why.
 *
 * @param code The close code the connection ended with.
 * @param intents The intents the shard identified with: a 4014's message
 * then names the privileged ones among them.
 * @returns The row of {@linkcode CLOSE_CODE_POLICY} (a 4014's message
 * narrowed to `intents`), or `resume`.
 *
 * @example Usage
 * ```ts
 * import { closePolicy } from "./shard_state.ts";
 * import assert from "node:assert/strict";
 *
 * const policy = closePolicy(4014);
 * assert.equal(policy.action, "fatal");
 * if (policy.action === "fatal") assert.equal(policy.kind, "disallowed_intents");
 * assert.deepEqual(closePolicy(1006), { action: "resume" });
 * ```
 */
export function closePolicy(code: number, intents?: number): ClosePolicy {
  const policy = CLOSE_CODE_POLICY[code] ?? RESUME;
  if (code !== 4014 || intents === undefined || policy.action !== "fatal") {
    return policy;
  }
  // Named as the Portal names them, and only those the shard asked for: a
  // bot told to enable an intent it never requested looks in vain.
  const asked = PORTAL_INTENT_NAMES.filter(([bit]) => (intents & bit) !== 0)
    .map(([, name]) => name);
  if (asked.length === 0) return policy;
  return {
    ...policy,
    message: `Discord refused a privileged intent (close code 4014): enable ${
      asked.join(" and ")
    } for the app in the Developer Portal (Bot > Privileged Gateway Intents), or stop requesting it`,
  };
}

/** The privileged intents, by their names in the Developer Portal. */
const PORTAL_INTENT_NAMES: readonly (readonly [number, string])[] = [
  [GatewayIntent.GuildPresences, "Presence Intent (GuildPresences)"],
  [GatewayIntent.GuildMembers, "Server Members Intent (GuildMembers)"],
  [GatewayIntent.MessageContent, "Message Content Intent (MessageContent)"],
];

/**
 * The action for a close code.
 *
 * @param code The close code the connection ended with.
 * @returns What the shard does next.
 *
 * @example Usage
 * ```ts
 * import { closeAction } from "./shard_state.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(closeAction(4000), "resume");
 * assert.equal(closeAction(4007), "new_session");
 * assert.equal(closeAction(4004), "fatal");
 * assert.equal(closeAction(1006), "resume");
 * ```
 */
export function closeAction(code: number): CloseAction {
  return closePolicy(code).action;
}
