/**
 * A saved session, what makes one well formed, and what every session store
 * does with what it is given: keep the documented fields only, check a
 * shard ID argument, render a bad value for an error message. The stores
 * (memory, Deno KV, Redis) share these; the entry point exports only
 * {@linkcode SavedSession} (through `session_store.ts`), and the manager
 * checks what any store loads with {@linkcode isSavedSession}.
 *
 * @module
 */
import { sessionIdProblem } from "./payload_guards.ts";
import { shown } from "../base/option_checks.ts";
import { isSnowflake } from "../base/snowflake.ts";

/** One shard's session as saved for a later RESUME. */
export interface SavedSession {
  /** The shard the session belongs to (zero-based, below `shardCount`). */
  shardId: number;
  /** The shard count the session was identified with. */
  shardCount: number;
  /** The session ID from READY. */
  sessionId: string;
  /** The last sequence number received. */
  sequence: number;
  /** READY's `resume_gateway_url`, if known. */
  resumeUrl?: string | undefined;
  /** When the session was saved, in milliseconds since the Unix epoch. */
  savedAt: number;
  /**
   * The intents the session was identified with, when known (sessions
   * saved before this field have none). A RESUME keeps a session's
   * intents, so a process with other intents identifies instead.
   */
  intents?: number | undefined;
  /**
   * The user id of the bot whose token identified the session, when known
   * (from the token, see `botIdOfToken`). Another bot cannot resume it: a
   * manager refuses to start on a store holding another bot's sessions.
   */
  botId?: string | undefined;
}

/**
 * Check that a value is a well-formed {@linkcode SavedSession}: `shardCount`
 * a positive integer, `shardId` an integer in `[0, shardCount)`, `sessionId`
 * a string of 1 to 512 characters of well-formed UTF-16 (READY's rule,
 * `sessionIdProblem`), `sequence` a non-negative integer, `resumeUrl` a string
 * or absent, `savedAt` a finite number, `intents` a non-negative integer or
 * absent, `botId` a snowflake string or absent. Other fields are allowed
 * and ignored.
 *
 * @param value The value to check.
 * @throws {TypeError} When the value or a field has the wrong type.
 * @throws {RangeError} When a number is out of range.
 *
 * @example Refuse a bad session before saving it
 * ```ts
 * import { assertSavedSession } from "./saved_session.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => assertSavedSession({ shardId: 2, shardCount: 2, sessionId: "a", sequence: 1, savedAt: 0 }),
 *   RangeError,
 * );
 * ```
 */
export function assertSavedSession(
  value: unknown,
): asserts value is SavedSession {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `Cannot use session as it must be an object: current value '${
        shown(value)
      }'`,
    );
  }
  const session = value as Record<string, unknown>;
  const { shardId, shardCount, sessionId, sequence, resumeUrl, savedAt } =
    session;
  assertIdentity(session);
  if (typeof shardCount !== "number") {
    throw new TypeError(
      `Cannot use session as 'shardCount' must be a number: current value 'shardCount=${
        shown(shardCount)
      }'`,
    );
  }
  if (!Number.isSafeInteger(shardCount) || shardCount < 1) {
    throw new RangeError(
      `Cannot use session as 'shardCount' must be a positive integer: current value 'shardCount=${shardCount}'`,
    );
  }
  if (typeof shardId !== "number") {
    throw new TypeError(
      `Cannot use session as 'shardId' must be a number: current value 'shardId=${
        shown(shardId)
      }'`,
    );
  }
  if (!Number.isSafeInteger(shardId) || shardId < 0 || shardId >= shardCount) {
    throw new RangeError(
      `Cannot use session as ${SHARD_OUT_OF_RANGE}: current values 'shardId=${shardId}', 'shardCount=${shardCount}'`,
    );
  }
  // READY's rule: a store's session ID READY would refuse (10 KB written
  // by hand) made every RESUME too large for the gateway.
  const sessionIdIssue = sessionIdProblem(sessionId);
  if (sessionIdIssue !== undefined) {
    throw new TypeError(`Cannot use session as 'sessionId' ${sessionIdIssue}`);
  }
  if (typeof sequence !== "number") {
    throw new TypeError(
      `Cannot use session as 'sequence' must be a number: current value 'sequence=${
        shown(sequence)
      }'`,
    );
  }
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new RangeError(
      `Cannot use session as 'sequence' must be a non-negative integer: current value 'sequence=${sequence}'`,
    );
  }
  if (resumeUrl !== undefined && typeof resumeUrl !== "string") {
    throw new TypeError(
      `Cannot use session as 'resumeUrl' must be a string or undefined: current value 'resumeUrl=${
        shown(resumeUrl)
      }'`,
    );
  }
  if (typeof savedAt !== "number") {
    throw new TypeError(
      `Cannot use session as 'savedAt' must be a number: current value 'savedAt=${
        shown(savedAt)
      }'`,
    );
  }
  if (!Number.isFinite(savedAt)) {
    throw new RangeError(
      `Cannot use session as 'savedAt' must be a finite number: current value 'savedAt=${savedAt}'`,
    );
  }
}

/** Check the optional `intents` and `botId` (absent in older sessions). */
function assertIdentity(session: Record<string, unknown>): void {
  const { intents, botId } = session;
  if (intents !== undefined && typeof intents !== "number") {
    throw new TypeError(
      `Cannot use session as 'intents' must be a number or undefined: current value 'intents=${
        shown(intents)
      }'`,
    );
  }
  if (
    intents !== undefined && (!Number.isSafeInteger(intents) || intents < 0)
  ) {
    throw new RangeError(
      `Cannot use session as 'intents' must be a non-negative integer: current value 'intents=${intents}'`,
    );
  }
  if (botId !== undefined && !isSnowflake(botId)) {
    throw new TypeError(
      `Cannot use session as 'botId' must be a snowflake string or undefined: current value 'botId=${
        shown(botId)
      }'`,
    );
  }
}

/**
 * Check what a session store's `save` was given, before it stores any of
 * it: an array of well-formed sessions. One check for every store, so each
 * refuses bad input with the same message.
 *
 * @param sessions The value given to `save`.
 * @throws {TypeError} When it is not an array, or a session has a field of
 *   the wrong type.
 * @throws {RangeError} When a session has a number out of range.
 */
export function assertSavedSessions(
  sessions: unknown,
): asserts sessions is SavedSession[] {
  if (!Array.isArray(sessions)) {
    throw new TypeError(
      `Cannot save sessions as 'sessions' must be an array: current value '${
        shown(sessions)
      }'`,
    );
  }
  for (const session of sessions) assertSavedSession(session);
}

/**
 * Whether a value is a well-formed {@linkcode SavedSession} (the rules of
 * {@linkcode assertSavedSession}). Use it on what a store reads back.
 *
 * @param value The value to check.
 * @returns `true` for a well-formed session.
 *
 * @example Skip what is not a session
 * ```ts
 * import { isSavedSession } from "./saved_session.ts";
 * import assert from "node:assert/strict";
 *
 * const good = { shardId: 0, shardCount: 1, sessionId: "a", sequence: 3, savedAt: 0 };
 * assert.ok(isSavedSession(good));
 * assert.ok(!isSavedSession({ ...good, sequence: -1 }));
 * assert.ok(!isSavedSession("a"));
 * ```
 */
export function isSavedSession(value: unknown): value is SavedSession {
  try {
    assertSavedSession(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The rule a saved session's shard ID outside its count breaks, as its
 * refusal words it (a store tells such entries apart by it).
 */
export const SHARD_OUT_OF_RANGE =
  "'shardId' must be an integer in [0, shardCount)";

/**
 * A copy of a session with only the documented fields (and no `resumeUrl`,
 * `intents` or `botId` key when it is undefined), shard ID -0 made 0.
 *
 * @param session A well-formed session.
 * @returns The copy.
 */
export function copySession(session: SavedSession): SavedSession {
  const copy: SavedSession = {
    // -0 passes every integer check, but Deno KV keeps it apart from 0.
    shardId: session.shardId || 0,
    shardCount: session.shardCount,
    sessionId: session.sessionId,
    sequence: session.sequence,
    savedAt: session.savedAt,
  };
  if (session.resumeUrl !== undefined) copy.resumeUrl = session.resumeUrl;
  if (session.intents !== undefined) copy.intents = session.intents;
  if (session.botId !== undefined) copy.botId = session.botId;
  return copy;
}

/**
 * Check a shard ID argument.
 *
 * @param shardId The value.
 * @param action What the caller wanted to do, for the message.
 */
export function assertShardId(shardId: number, action: string): void {
  if (!Number.isSafeInteger(shardId) || shardId < 0) {
    throw new RangeError(
      `Cannot ${action} as 'shardId' must be a non-negative integer: current value 'shardId=${
        shown(shardId)
      }'`,
    );
  }
}
