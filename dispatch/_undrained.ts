/**
 * What a shutdown of the dispatch service says when RabbitMQ did not
 * confirm every buffered event in time: the sessions saved (the next
 * process resumes from them, so Discord replays their unconfirmed events),
 * and the unconfirmed events of sessions that were not saved (ended by
 * Discord, a new one started since; or a first session whose READY was
 * never confirmed): nothing can replay those, so they are lost, and said on
 * stderr with the new session that replaced them, or as never saved.
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
    const properties = {
      shardId: run.shardId,
      count: run.count,
      old: run.sessionId,
      first: run.first,
      last: run.last,
    };
    if (now === undefined) {
      // No session of the shard was ever saved: its first one is saved once
      // its READY is confirmed, and none was (a broker away since the start).
      // Nothing ended it; the next process cannot resume it all the same.
      visible.warn(
        "Shard {shardId}: {count} event(s) of session {old} (sequences {first} to {last}) were not confirmed by RabbitMQ and are lost: that session was never saved (RabbitMQ did not confirm its READY), so the next start identifies a new one",
        properties,
      );
      continue;
    }
    visible.warn(
      "Shard {shardId}: {count} event(s) of session {old} (sequences {first} to {last}) were not confirmed by RabbitMQ and are lost: Discord ended that session, and the saved one is {session}",
      { ...properties, session: now.sessionId ?? "none" },
    );
  }
}
