/**
 * Where a shard's session may be saved at while a consumer of its events
 * (a Client's handlers, a `ShardManager.dispatches()` reader) has not
 * finished with all it received: a save at the last sequence received
 * counted the events still waiting, and after a crash the next process
 * resumed after them, so Discord never sent them again.
 *
 * @module
 */
import type { Shard } from "./shard.ts";

/**
 * Where a consumer needs `shard`'s session resumed from for Discord to send
 * again every event of it the consumer has not finished with: the sequence
 * before the first such event (that of a READY or RESUMED itself, see
 * {@linkcode resumeBefore}); `undefined` when it holds none of the
 * session the shard holds now (events of an earlier session cannot be
 * sent again). Asked at each session save, so it should be cheap.
 */
export type ResumePoint = (shard: Shard) => number | undefined;

/**
 * The sequence to resume from for Discord to send the dispatch `name`
 * numbered `sequence` again: the one before it, but a READY's or RESUMED's
 * own. Discord sends those only to answer an IDENTIFY or RESUME, never
 * again, and refuses a RESUME from before READY (three failed RESUMEs,
 * then a new session: the events lost all the same); no other event of a
 * session lies at or below its READY's sequence, so no resume point made
 * of these starts before its READY.
 *
 * @param sequence The dispatch's sequence number.
 * @param name The dispatch's name.
 * @returns The sequence to resume from.
 */
export function resumeBefore(sequence: number, name: string): number {
  return name === "READY" || name === "RESUMED"
    ? sequence
    : Math.max(0, sequence - 1);
}

/**
 * The sequence to save `shard`'s session at: the one received, or the
 * earliest of `points` when one needs an earlier one.
 *
 * @param shard The shard, holding a session.
 * @param received The last sequence it received in that session.
 * @param points What its consumers need (see {@linkcode ResumePoint}).
 * @returns The sequence to save.
 */
export function savedSequence(
  shard: Shard,
  received: number,
  points: Iterable<ResumePoint>,
): number {
  let sequence = received;
  for (const point of points) {
    const from = point(shard);
    if (from !== undefined && from < sequence) sequence = from;
  }
  return sequence;
}
