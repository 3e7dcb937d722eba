/**
 * What a shutdown of the dispatch service says when RabbitMQ did not
 * confirm every buffered event in time: the sessions saved (the next
 * process resumes from them, so Discord replays their unconfirmed events),
 * and the unconfirmed events of sessions that were not saved (ended by
 * Discord, a new one started since): nothing can replay those, so they
 * are lost, and said on stderr with the new session that replaced them.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { UnconfirmedRun } from "./_publisher_options.ts";

const logger = getLogger(["disruption", "dispatch"]);
const visible = getVisibleLogger(["disruption", "dispatch"]);

/** A shard's session as saved: its id and the sequence confirmed. */
export interface SavedSequence {
  /** The session. */
  readonly sessionId: string | undefined;
  /** The sequence saved. */
  readonly sequence: number;
}

/**
 * Say what a shutdown that could not drain leaves.
 *
 * @param runs The unconfirmed events, by shard and session.
 * @param saved The sessions saved, by shard.
 */
export function sayUndrained(
  runs: readonly UnconfirmedRun[],
  saved: ReadonlyMap<number, SavedSequence>,
): void {
  const sessions = [...saved].slice(0, 10).map((
    [id, { sessionId, sequence }],
  ) => `shard ${id}: session ${sessionId} at ${sequence}`);
  if (saved.size > 10) sessions.push("...");
  logger.warn(
    "RabbitMQ did not confirm {count} event(s) in time; the saved sessions resume before them: {sessions}",
    {
      count: runs.reduce((sum, run) => sum + run.count, 0),
      sessions: sessions.join(", ") || "none",
    },
  );
  for (const run of runs) {
    const now = saved.get(run.shardId);
    if (now?.sessionId === run.sessionId) continue;
    visible.warn(
      "Shard {shardId}: {count} event(s) of session {old} (sequences {first} to {last}) were not confirmed by RabbitMQ and are lost: Discord ended that session, and the saved one is {session}",
      {
        shardId: run.shardId,
        count: run.count,
        old: run.sessionId,
        first: run.first,
        last: run.last,
        session: now?.sessionId ?? "none",
      },
    );
  }
}
