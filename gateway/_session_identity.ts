/**
 * Which saved sessions a manager's shards take and what they save of
 * their own: {@linkcode sessionsOf} and {@linkcode restoreUsable}, and what
 * each session was identified as (its intents, its bot), recorded with it.
 *
 * A RESUME keeps the intents a session was identified with: a process
 * restarted with other intents that resumed its saved sessions never got
 * the new intents' events, nothing said. Such a session is left for an
 * IDENTIFY, said once per start. A session of another bot (a staging bot
 * started on production's store) cannot be resumed with this token:
 * offered, it was refused, identified, and its save replaced the other
 * bot's, whose next restart could resume none. The start is refused
 * instead ({@linkcode otherBotSessions}). Sessions saved without them (by
 * older versions) are taken as before.
 *
 * The fleet (`fleet/`) keeps its own rules (a process with other intents
 * resumes on the old ones, warned; another bot is refused at its prefix)
 * and uses none of this.
 *
 * Private to the package: tested through the manager
 * (`tests/gateway/session_identity_test.ts`).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { botIdOfToken } from "../base/bot_token.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { OtherBotSessionsError } from "./errors.ts";
import { isSessionUsable, type SavedSession } from "./session_store.ts";
import type { Shard } from "./shard.ts";
import { type ResumePoint, savedSequence } from "./resume_point.ts";

// The manager's categories: these lines are the manager's.
const logger = getLogger(["disruption", "gateway", "manager"]);
const visible = getVisibleLogger(["disruption", "gateway", "manager"]);

/** What a shard identifies as: its intents, and its token's bot if known. */
interface Identity {
  readonly intents: number;
  readonly botId: string | undefined;
}

/**
 * What each shard a manager built identifies as: the Shard keeps its
 * options to itself, and a shard's own options may override the shared
 * intents and token.
 */
const identities = new WeakMap<Shard, Identity>();

/**
 * Note what `shard` identifies as, from the options it was built with.
 *
 * @param shard The shard, just built.
 * @param options Its intents and token.
 * @returns The shard.
 */
export function withIdentity(
  shard: Shard,
  options: { readonly intents: number; readonly token: string },
): Shard {
  identities.set(shard, {
    intents: options.intents,
    botId: botIdOfToken(options.token),
  });
  return shard;
}

/**
 * The saved sessions of another bot than the one of their shard's token
 * (both known), as the error a start refuses with; sessions of shards not
 * run here are left out, as are those that name no bot.
 *
 * @param saved The sessions.
 * @param botIdOf The bot of the shard's token, `undefined` when unknown
 *   or the shard is not run here.
 * @returns The refusal, or `undefined` when every session may be resumed.
 */
export function otherBotSessions(
  saved: readonly SavedSession[],
  botIdOf: (shardId: number) => string | undefined,
): OtherBotSessionsError | undefined {
  let found: { savedBotId: string; botId: string } | undefined;
  const shardIds: number[] = [];
  for (const session of saved) {
    const botId = botIdOf(session.shardId);
    if (session.botId === undefined || botId === undefined) continue;
    if (session.botId === botId) continue;
    found ??= { savedBotId: session.botId, botId };
    shardIds.push(session.shardId);
  }
  return found &&
    new OtherBotSessionsError(found.savedBotId, found.botId, shardIds);
}

/**
 * {@linkcode otherBotSessions} for a manager's shards.
 *
 * @param shards The manager's shards, by ID.
 * @param saved The sessions loaded from its store.
 * @returns The refusal, or `undefined`.
 */
export function otherBotSessionsOf(
  shards: ReadonlyMap<number, Shard>,
  saved: readonly SavedSession[],
): OtherBotSessionsError | undefined {
  return otherBotSessions(saved, (id) => {
    const shard = shards.get(id);
    return shard && identities.get(shard)?.botId;
  });
}

/** A saved session left for an IDENTIFY as it has other intents. */
export interface IntentsChange {
  /** The intents the session was identified with. */
  readonly saved: number;
  /** The intents the shard runs with now. */
  readonly intents: number;
}

/**
 * The change when `session` was identified with other intents than
 * `intents` (both known): a RESUME would keep its own.
 *
 * @param session A saved session.
 * @param intents The intents its shard runs with now, if known.
 * @returns The change, or `undefined` when the session may be resumed.
 */
export function intentsChange(
  session: SavedSession,
  intents: number | undefined,
): IntentsChange | undefined {
  return session.intents !== undefined && intents !== undefined &&
      session.intents !== intents
    ? { saved: session.intents, intents }
    : undefined;
}

/**
 * Say, once for a start, that saved sessions were left for an IDENTIFY as
 * they were identified with other intents: on stderr unless LogTape is
 * configured, as the events since the stop are not replayed for them.
 *
 * @param changes One per session left.
 */
export function sayIntentsChanged(changes: readonly IntentsChange[]): void {
  if (changes.length === 0) return;
  const distinct = (values: number[]) => [...new Set(values)].join(", ");
  visible.warn(
    "{count} saved session(s) were identified with intents {saved}, and this process runs with intents {intents}: a RESUME keeps a session's intents, so those shards identify (a session start each) for the new intents to take effect, and their replay is given up: the events sent since the stop are not replayed",
    {
      count: changes.length,
      saved: distinct(changes.map((change) => change.saved)),
      intents: distinct(changes.map((change) => change.intents)),
    },
  );
}

/**
 * The sessions of `shards` as they stand, dated `savedAt`: what a save
 * writes, and what a resumable close leaves for a restart in the process.
 * Each is at the last sequence received, or before the first event a
 * consumer has not finished with (`points`): saved past it, a crash lost
 * that event and those after it (the next process resumed after them, and
 * Discord never sent them again). Each records the intents and the bot of
 * its shard, when known (see {@linkcode withIdentity}).
 *
 * @param shards The shards, by ID.
 * @param shardCount Their shard count.
 * @param savedAt The time to date them with.
 * @param points What the consumers of the shards' events need replayed.
 * @returns One session per shard that has one.
 */
export function sessionsOf(
  shards: ReadonlyMap<number, Shard>,
  shardCount: number,
  savedAt: number,
  points: Iterable<ResumePoint> = [],
): SavedSession[] {
  const sessions: SavedSession[] = [];
  for (const shard of shards.values()) {
    const session = shard.session;
    if (!session) continue;
    const identity = identities.get(shard);
    sessions.push({
      shardId: shard.id,
      shardCount,
      sessionId: session.sessionId,
      sequence: savedSequence(shard, session.sequence, points),
      resumeUrl: session.resumeUrl,
      savedAt,
      ...identity?.intents !== undefined && { intents: identity.intents },
      ...identity?.botId !== undefined && { botId: identity.botId },
    });
  }
  return sessions;
}

/**
 * Hand each idle or closed shard of `shards` its saved session when it is
 * usable at `now` (not stale, same shard count, not identified with other
 * intents than the shard's: said once, see {@linkcode sayIntentsChanged})
 * and not older than the one the shard holds; a running shard (start()
 * called again) keeps its live one.
 *
 * A shard closed resumably keeps its session, and a store may hold an older
 * copy of it (a save at close that failed, a session replaced after op 9
 * while saves failed): taken from the store, it replayed events already
 * delivered, or resumed a dead session and cost a session start. The held
 * one gives way to another session saved after `heldSince` (another
 * process ran the shard meanwhile), and to the same session only further
 * on than both its sequence and the one it had received (`heldReceived`):
 * the held one may have been set back on purpose (a Client's resumable
 * stop that dropped handler calls resumes before their events), and the
 * store may still hold the close's save, at the sequence received, when
 * the save of the set-back one failed. Sequences, not `savedAt`, decide
 * for the same session: another process's clock may lag this one's, and
 * its copy further on then lost, replaying what it had delivered.
 *
 * @typeParam S The sessions' type, kept in the result.
 * @param shards The shards, by ID.
 * @param saved Saved sessions.
 * @param shardCount The shards' count.
 * @param now The current time (the sessions' clock).
 * @param heldSince When each shard's held session was last known current;
 * a shard missing here gives way to any usable saved session of another
 * session.
 * @param heldReceived The last sequence each shard had received in the
 * session it holds (above the one it holds when that was set back).
 * @returns The sessions handed to shards.
 */
export function restoreUsable<S extends SavedSession>(
  shards: ReadonlyMap<number, Shard>,
  saved: readonly S[],
  shardCount: number,
  now: number,
  heldSince?: ReadonlyMap<number, number>,
  heldReceived?: ReadonlyMap<number, number>,
): S[] {
  const restored: S[] = [];
  const changes: IntentsChange[] = [];
  for (const session of saved) {
    const shard = shards.get(session.shardId);
    if (!shard || (shard.status !== "idle" && shard.status !== "closed")) {
      continue;
    }
    if (!isSessionUsable(session, { shardCount, now })) {
      logger.info(
        "Shard {shardId}: the saved session is stale or for another shard count; identifying",
        { shardId: session.shardId },
      );
      continue;
    }
    const change = intentsChange(session, identities.get(shard)?.intents);
    if (change) {
      changes.push(change);
      continue;
    }
    const held = shard.session;
    const since = heldSince?.get(shard.id);
    if (
      held !== undefined &&
      (held.sessionId === session.sessionId
        ? session.sequence <=
          Math.max(held.sequence, heldReceived?.get(shard.id) ?? 0)
        : since !== undefined && session.savedAt <= since)
    ) {
      logger.info(
        "Shard {shardId}: keeping the session it holds (sequence {sequence}) over an older saved one",
        { shardId: shard.id, sequence: held.sequence },
      );
      continue;
    }
    shard.restore({
      sessionId: session.sessionId,
      sequence: session.sequence,
      resumeUrl: session.resumeUrl,
    });
    restored.push(session);
  }
  sayIntentsChanged(changes);
  return restored;
}
