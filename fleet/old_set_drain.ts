/**
 * {@linkcode drainOldSet}: the end of a reshard's old shard set after the
 * switch, each old shard closed once it has read what Discord sent it
 * before (or kept, while a new shard that took over some of its guilds has
 * stopped for good).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { GatewayError } from "../gateway/errors.ts";
import type { Shard } from "../gateway/shard.ts";
import { readBarrier, type ReadBarrierResult } from "./shard_read_barrier.ts";
import { onStopped } from "./shard_stops.ts";

const logger = getLogger(["disruption", "fleet", "reshard"]);
/** Events that may be lost, and guilds left without events, are for an operator to see. */
const visible = getVisibleLogger(["disruption", "fleet", "reshard"]);

/** A shard set as the drain sees it. */
export interface DrainedSet {
  /** Its shard count. */
  count: number;
  /** Its shards, by ID. */
  shards: readonly Shard[];
}

/** What {@linkcode drainOldSet} needs. */
export interface OldSetDrainOptions {
  /** The set switched away from. */
  old: DrainedSet;
  /** The set switched to. */
  next: DrainedSet;
  /** When the switch was, on `scheduler`'s clock. */
  since: number;
  /** The shards' clock. */
  scheduler: Scheduler;
  /** Ends the drain at once, closing nothing (`close()` closes them). */
  signal: AbortSignal;
}

/** A new shard that stopped for good during the drain. */
export interface StoppedShard {
  /** The shard. */
  shard: Shard;
  /** Its fatal close, or `undefined` when closed otherwise. */
  why: GatewayError | undefined;
}

/** How a drain ended. */
export interface OldSetDrained {
  /**
   * Old shards left running, because a new shard that stopped (see
   * `stopped`) got some of their guilds: nothing else delivers those guilds'
   * events.
   */
  kept: Shard[];
  /** New shards that stopped for good during the drain. */
  stopped: StoppedShard[];
}

/**
 * The old shards that may hold guilds of new shard `id` of a set of
 * `count`: guild `g` is on shard `(g >> 22) % n` of a set of `n`, and some
 * number is `j` modulo `old.count` and `id` modulo `count` exactly when
 * `j` and `id` agree modulo the two counts' greatest common divisor.
 */
export function coveringShards(
  old: DrainedSet,
  count: number,
  id: number,
): Shard[] {
  const step = gcd(old.count, count);
  return old.shards.filter((shard) => shard.id % step === id % step);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Close each shard of `old` once it has read everything Discord sent it
 * before the switch ({@linkcode readBarrier}): an event Discord sent only
 * to it (before the new sessions existed) may still be on its way in, or,
 * for a shard reconnecting at the switch, in the replay of its RESUME.
 * One that does not get there in time (down past `RESUME_WAIT_MS`, its
 * session lost, no proving ACK within `ackWaitMs`, or reconnecting over and
 * over until the barrier's overall deadline) is closed with a warning
 * naming it and the sequence from which what it had not read is lost.
 *
 * Meanwhile the new set is watched: a new shard that stops for good leaves
 * its guilds to the old shards that may hold them, which are then not
 * closed (said as an error); those already closed cannot help.
 *
 * @param options The sets, the switch and the clock.
 * @returns The old shards left running and the new shards that stopped.
 */
export async function drainOldSet(
  options: OldSetDrainOptions,
): Promise<OldSetDrained> {
  const { old, next, since, scheduler, signal } = options;
  const keep = new Set<Shard>();
  const closed = new Set<Shard>();
  const stopped: StoppedShard[] = [];
  const stop = (shard: Shard, why: GatewayError | undefined): void => {
    if (signal.aborted || stopped.some((s) => s.shard === shard)) return;
    stopped.push({ shard, why });
    const open = coveringShards(old, next.count, shard.id)
      .filter((s) => !closed.has(s) && s.status !== "closed");
    for (const s of open) keep.add(s);
    visible.error(
      "New shard {id} of {count} stopped for good after the switch{why}: {what}",
      {
        id: shard.id,
        count: next.count,
        why: why ? ` (${why.message})` : "",
        what: open.length > 0
          ? `old shards ${
            open.map((s) => s.id).join(", ")
          } of ${old.count} stay open to deliver its guilds' events, until close()`
          : `the old shards that held its guilds are closed already: its guilds get no events until it runs again (a later reshard, or close() and start())`,
      },
    );
  };
  const off = onStopped(next.shards, stop);
  // One that stopped between the switch and now emits nothing more.
  for (const shard of next.shards) {
    if (shard.status === "closed") stop(shard, undefined);
  }
  try {
    await Promise.all(old.shards.map(async (shard) => {
      const read = await readBarrier(shard, since, scheduler, signal);
      if (read.end === "aborted") return;
      if (keep.has(shard) && shard.status !== "closed") return;
      sayUnread(shard, old.count, read);
      closed.add(shard);
      await shard.close();
    }));
  } finally {
    off();
  }
  // Aborted by close(), which closes every shard of both sets.
  if (signal.aborted) return { kept: [], stopped: [] };
  return { kept: [...keep].filter((s) => !closed.has(s)), stopped };
}

/** Say what an old shard that did not pass its barrier may have lost. */
function sayUnread(
  shard: Shard,
  count: number,
  { end, sequence, sessionId, waited }: ReadBarrierResult,
): void {
  const where = {
    id: shard.id,
    count,
    sequence: sequence ?? "none",
    session: sessionId ?? "none",
  };
  switch (end) {
    case "read":
      return;
    case "stopped":
      // Said by the shard itself (its fatal close).
      logger.info("Old shard {id} of {count} stopped before it drained", where);
      return;
    case "not_resumed":
      visible.warn(
        "Old shard {id} of {count} was not back within {ms} ms of the switch to replay what it missed: closed; the events Discord sent it after sequence {sequence} (session {session}) and not to the new shards are lost",
        { ...where, ms: waited },
      );
      return;
    case "session_lost":
      if (sessionId === undefined) {
        // Still starting at the switch: nothing of it to replay.
        logger.info("Old shard {id} of {count} had no session yet", where);
        return;
      }
      visible.warn(
        "Old shard {id} of {count} lost its session after the switch, before resuming it: closed; the events Discord sent it after sequence {sequence} (session {session}) and not to the new shards are lost",
        where,
      );
      return;
    case "unacknowledged":
      visible.warn(
        "Old shard {id} of {count} got no heartbeat ACK within {ms} ms of the switch to show it had read everything sent before it: closed anyway; an event sent only to it after sequence {sequence} (session {session}) and still on its way may be lost",
        { ...where, ms: waited },
      );
  }
}
