/**
 * The error class the gateway raises for failures a caller acts on
 * ({@linkcode GatewayError}), and {@linkcode OtherBotSessionsError}, the
 * refusal to start on another bot's saved sessions.
 *
 * @module
 */

/**
 * What went wrong, as a string a caller can `switch` on.
 *
 * - `authentication_failed`, `invalid_shard`, `sharding_required`,
 *   `invalid_api_version`, `invalid_intents`, `disallowed_intents`: Discord
 *   closed with a fatal code (4004, 4010-4014); the shard stopped and will
 *   not reconnect.
 * - `payload_too_large`: a command encodes to more than 4096 bytes; nothing
 *   was sent.
 * - `invalid_payload`: a command cannot be encoded as JSON.
 * - `shard_closed`: the shard was closed before the command could be sent.
 * - `decode`: a frame could not be decoded; the shard resumes to get it again.
 *   Or a members request's reply is not what Discord documents (a malformed
 *   chunk or RATE_LIMITED, a chunk repeated or out of its `chunk_count`);
 *   that request ends.
 * - `timeout`: connecting, HELLO or READY/RESUMED took too long; the shard
 *   reconnects.
 * - `connect_failed`: one attempt to open the connection failed (refused,
 *   DNS, TLS, an HTTP status instead of the upgrade, a bad
 *   `Sec-WebSocket-Accept`); `cause` says why, `status` and `retryAfter`
 *   carry an HTTP refusal. The shard tries again (after `retryAfter` when
 *   the server sent one).
 * - `permission_denied`: the runtime refused network access (Deno without
 *   `--allow-net` for the gateway's host); the shard stopped.
 * - `backlog_full`: a members request held its `maxBacklog` chunks and its
 *   reader had taken none of them; the request stopped listening, and the
 *   reader gets the chunks held before this error. Or a command was sent
 *   while 1,000 already waited on its shard (Discord takes 120 frames a
 *   minute): it was refused, nothing queued.
 * - `identify_queue`: the identify queue's `acquire` failed (`cause` says
 *   why); nothing was sent, and the shard reconnects to ask it again.
 * - `session_lost`: a members request's reply was cut off by a new session
 *   (op 9, a close 4007/4009, any new IDENTIFY), which does not replay the
 *   old one's chunks; the reader gets the chunks that came before this
 *   error, and has to ask again for the whole list. (A request with no
 *   chunk yet is asked again on the new session instead.)
 */
export type GatewayErrorKind =
  | "authentication_failed"
  | "invalid_shard"
  | "sharding_required"
  | "invalid_api_version"
  | "invalid_intents"
  | "disallowed_intents"
  | "payload_too_large"
  | "invalid_payload"
  | "shard_closed"
  | "decode"
  | "timeout"
  | "connect_failed"
  | "permission_denied"
  | "backlog_full"
  | "identify_queue"
  | "session_lost";

/** Options for {@linkcode GatewayError}. */
export interface GatewayErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** The close code Discord sent, when the error comes from a close. */
  closeCode?: number;
  /** The shard the error happened on. */
  shardId?: number;
  /** The HTTP status the server answered the upgrade with, if not 101. */
  status?: number | undefined;
  /** How long the server asked to wait before trying again (ms), if it did. */
  retryAfter?: number | undefined;
}

/**
 * A gateway failure with a machine-readable {@linkcode GatewayErrorKind}.
 *
 * @example Tell a bad token from the rest
 * ```ts
 * import { GatewayError } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * const error = new GatewayError("authentication_failed", "bad token", { closeCode: 4004 });
 * assert.equal(error.kind, "authentication_failed");
 * assert.equal(error.closeCode, 4004);
 * assert.ok(error instanceof Error);
 * ```
 */
export class GatewayError extends Error {
  /** What went wrong. */
  readonly kind: GatewayErrorKind;
  /** The close code Discord sent, if any. */
  readonly closeCode: number | undefined;
  /** The shard the error happened on, if known. */
  readonly shardId: number | undefined;
  /** The HTTP status of a refused upgrade (`connect_failed`), if any. */
  readonly status: number | undefined;
  /** The wait the server asked for before the next attempt (ms), if any. */
  readonly retryAfter: number | undefined;

  /**
   * Create a gateway error.
   *
   * @param kind What went wrong.
   * @param message A sentence saying what to fix.
   * @param options Cause, close code and shard.
   */
  constructor(
    kind: GatewayErrorKind,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "GatewayError";
    this.kind = kind;
    this.closeCode = options.closeCode;
    this.shardId = options.shardId;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
  }
}

/**
 * A `ShardManager` (a `Client`, the dispatch service) was started with a
 * session store holding sessions saved by another bot (their `botId` is
 * not the bot of this token). Started anyway, it offered that bot's
 * session IDs with its own token, was refused, identified, and its
 * sessions replaced the other bot's: that bot's next restart could resume
 * none (its events lost, an identify spent), nothing said. Refused before
 * any shard connects, and the store is left as it was.
 *
 * @example Tell it apart
 * ```ts
 * import { OtherBotSessionsError } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * const error = new OtherBotSessionsError("111111111111111111", "222222222222222222", [0, 1]);
 * assert.equal(error.savedBotId, "111111111111111111");
 * assert.match(error.message, /its own session store/);
 * ```
 */
export class OtherBotSessionsError extends Error {
  /** The user id of the bot whose sessions the store holds. */
  readonly savedBotId: string;
  /** The user id of the bot this process's token is for. */
  readonly botId: string;
  /** The shards whose saved session is the other bot's. */
  readonly shardIds: readonly number[];

  /**
   * Make the error.
   *
   * @param savedBotId The bot the saved sessions are of.
   * @param botId The bot of this process's token.
   * @param shardIds The shards whose saved session is the other bot's.
   */
  constructor(savedBotId: string, botId: string, shardIds: readonly number[]) {
    const shards = shardIds.length > 10
      ? `${shardIds.slice(0, 10).join(", ")} and ${shardIds.length - 10} more`
      : shardIds.join(", ");
    super(
      `Cannot start the shards: the session store holds sessions of bot ${savedBotId} (shard ${shards}), and this process's token is bot ${botId}'s. Give each bot its own session store (or Redis key / KV prefix); if the store is to be bot ${botId}'s from now on, stop bot ${savedBotId}'s processes and clear it first`,
    );
    this.name = "OtherBotSessionsError";
    this.savedBotId = savedBotId;
    this.botId = botId;
    this.shardIds = [...shardIds];
  }
}
