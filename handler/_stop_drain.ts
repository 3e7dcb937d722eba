// A Client stop's wait for its handlers (the drain), and where it leaves the
// shards' sessions after it. A resumable close saves each session before
// the first event whose handler calls have not finished (so a process
// killed during the drain has Discord send them again): once they finished
// it is saved again at the last sequence received. Had the drain dropped
// calls, the session is set back before the first event of those instead,
// so they are replayed (at least once: an event whose method ran and one of
// whose listeners was dropped comes again whole; a call still running goes
// on in this process and is not). Kept apart from handler/client.ts, which
// checks stop()'s options here and calls the drain from its teardown.
import { assertBooleanOption, shownQuoted } from "../base/option_checks.ts";
import { checkOptionKeys } from "../base/option_keys.ts";
import { type Scheduler, settlesWithin } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  currentSessions,
  type HeldSession,
  type ShardManager,
  type ShardManagerCloseOptions,
} from "../gateway/shard_manager.ts";
import type { ShardSlot } from "./shard_slot.ts";

/** The drain's notice and drop warnings: on stderr unless LogTape takes them. */
const visible = getVisibleLogger(["disruption", "handler"]);

/**
 * How long stop() waits for running handlers before saying it waits: a
 * handler finishing a reply is no news.
 */
const DRAIN_NOTICE_MS = 1_000;

/**
 * stop()'s options, those of the Client's `ClientStopOptions` (not imported:
 * client.ts imports this module).
 */
type StopOptions = ShardManagerCloseOptions & { drainTimeout?: number };

/** stop()'s option keys: a misspelt `resumable` once closed with 1000. */
const STOP_KEYS: Record<keyof StopOptions, true> = {
  resumable: true,
  drainTimeout: true,
};

/**
 * What is wrong with stop()'s `options`, if anything.
 *
 * @param options As given to stop().
 * @returns A TypeError for an unknown key, an options value that is not an
 * object or a `resumable` not boolean; a RangeError for a `drainTimeout`
 * negative or not a finite number; else undefined.
 */
export function stopRefusal(options: StopOptions): Error | undefined {
  try {
    checkOptionKeys("stop client", "", options, Object.keys(STOP_KEYS));
    assertBooleanOption("stop client", "resumable", options.resumable);
  } catch (error) {
    return error as Error;
  }
  const { drainTimeout = 0 } = options;
  if (Number.isFinite(drainTimeout) && drainTimeout >= 0) return undefined;
  return new RangeError(
    `Cannot stop client as 'drainTimeout' must be a finite number >= 0: current value 'drainTimeout=${
      shownQuoted(drainTimeout)
    }'`,
  );
}

/**
 * Wait for the handler calls of every shard up to `timeout` ms, and for the
 * work they run beside later events (route handlers of an attached router),
 * that started by calls still queued included (a route handler awaiting the
 * stop waits for itself, as a handler does); past it, drop the calls not
 * started and report them, and say what still runs beside.
 *
 * @param slots The Client's shard slots, by shard ID.
 * @param idle Settles once the calls queued so far have finished.
 * @param scheduler The Client's clock.
 * @param timeout The `drainTimeout`, in ms.
 * @param by Whether a stop or a failed start drains.
 * @param resumable Whether the stop keeps the sessions (they are then set
 * back before the dropped events, and the warning says so).
 * @returns Per shard, the sequence its session must resume from so that
 * its dropped events come again; empty when nothing was dropped.
 */
export async function drainHandlers(
  slots: readonly (ShardSlot | undefined)[],
  idle: Promise<void>,
  scheduler: Scheduler,
  timeout: number,
  by: "stop" | "start",
  resumable: boolean,
): Promise<Map<number, number>> {
  // Said a second in: a Ctrl+C on a stuck handler otherwise gave `timeout`
  // ms of silence, which looks like a hung process; said at once, it showed
  // on every clean exit, a reply still on its way. The likeliest cause
  // named: a handler or route awaiting stop() itself.
  const notice = timeout > DRAIN_NOTICE_MS
    ? scheduler.setTimeout(() => {
      const running = slots.flatMap((slot) => slot ? stillRunning(slot) : []);
      if (running.length === 0) return;
      visible.warn(
        by === "stop"
          ? "stop() waits up to {timeout} ms (drainTimeout) for handler calls still running ({events}); calls not started by then are dropped (a handler or route awaiting client.stop() waits for itself: write void client.stop() there)"
          : "start() failed and, before it rejects, waits up to {timeout} ms for handler calls still running ({events}); calls not started by then are dropped",
        { timeout, events: running.join(", ") },
      );
    }, DRAIN_NOTICE_MS)
    : undefined;
  // The queued calls first: one not run yet may still start a route.
  const all = idle.then(() =>
    Promise.all(slots.map((slot) => slot?.besidesSettled()))
  );
  const settled = await settlesWithin(scheduler, all, timeout);
  if (notice !== undefined) scheduler.clearTimeout(notice);
  const dropped = settled
    ? new Map<number, number>()
    : abandonCalls(slots, timeout, by, resumable);
  sayUnsettledArrivals(slots, by);
  sayUnsettledBesides(slots, by, timeout);
  return dropped;
}

/** What of `slot` the drain still waits for, for its notice. */
function stillRunning(slot: ShardSlot): string[] {
  const id = slot.ctx.shard.id;
  const besides = slot.besidesPending;
  return [
    ...slot.runner.busy ? [`shard ${id}: ${slot.running}`] : [],
    ...besides > 0 ? [`shard ${id}: ${besides} route handlers`] : [],
  ];
}

/**
 * Say, once for all shards, how many route handlers (work run beside later
 * events) have not settled, the drain over: not waited for any longer.
 */
function sayUnsettledBesides(
  slots: readonly (ShardSlot | undefined)[],
  by: "stop" | "start",
  timeout: number,
): void {
  const shards: string[] = [];
  let pending = 0;
  for (const [shardId, slot] of slots.entries()) {
    const count = slot?.besidesPending ?? 0;
    if (count === 0) continue;
    pending += count;
    shards.push(`shard ${shardId}: ${count}`);
  }
  if (pending === 0) return;
  visible.warn(
    "{pending} route handlers had not settled {timeout} ms (drainTimeout) {when} ({shards}); they are not waited for any longer (their await runs on after the Client {ended})",
    {
      pending,
      when: by === "stop" ? "after stop()" : "after start() failed",
      shards: shards.join(", "),
      timeout,
      ended: by === "stop" ? "stopped" : "failed to start",
    },
  );
}

/**
 * Say, once for all shards, how many `atArrival` listener promises have not
 * settled: the drain waits for queued calls only (nothing queues behind an
 * `atArrival` listener), so such a listener still running went unsaid.
 */
function sayUnsettledArrivals(
  slots: readonly (ShardSlot | undefined)[],
  by: "stop" | "start",
): void {
  const shards: string[] = [];
  let pending = 0;
  for (const [shardId, slot] of slots.entries()) {
    const count = slot?.arrivalsPending ?? 0;
    if (count === 0) continue;
    pending += count;
    shards.push(`shard ${shardId}: ${count}`);
  }
  if (pending === 0) return;
  visible.warn(
    "{pending} atArrival listener calls had not settled {when} ({shards}); they are not waited for (their await runs on after the Client {ended})",
    {
      pending,
      when: by === "stop" ? "at stop()" : "when start() failed",
      shards: shards.join(", "),
      ended: by === "stop" ? "stopped" : "failed to start",
    },
  );
}

/**
 * Drop the handler calls that have not started on each busy shard, for a
 * drain that timed out, and say how many per shard (see
 * {@linkcode drainHandlers}, whose result it is).
 */
function abandonCalls(
  slots: readonly (ShardSlot | undefined)[],
  timeout: number,
  by: "stop" | "start",
  resumable: boolean,
): Map<number, number> {
  const resumeFrom = new Map<number, number>();
  for (const [shardId, slot] of slots.entries()) {
    if (!slot?.runner.busy) continue;
    const abandoned = slot.abandon();
    const replayed = resumable && abandoned.resumeFrom !== undefined;
    if (replayed) resumeFrom.set(shardId, abandoned.resumeFrom!);
    visible.warn(
      by === "stop"
        ? "Shard {shardId}: a handler was still running {timeout} ms after stop(); {dropped} queued handler calls were dropped without running{replay}"
        : "Shard {shardId}: a handler was still running {timeout} ms after start() failed; {dropped} queued handler calls were dropped without running",
      {
        shardId,
        timeout,
        dropped: abandoned.dropped,
        replay: replayed
          ? `; the session is saved before them, so a resume replays them (an event partly handled comes again whole)${
            abandoned.notReplayed === undefined
              ? ""
              : `, but for those of ${abandoned.notReplayed}, which Discord never sends again`
          }`
          : "",
      },
    );
  }
  return resumeFrom;
}

/**
 * The sessions of a manager closed resumably, once its handlers drained:
 * set back to `resumeFrom` and saved to its session store (after the
 * close's own save, in the store's order), so that a RESUME, here or in
 * another process, replays the events whose handler calls were dropped;
 * or, none dropped, saved again if the close's save was `savedBehind`
 * (before events whose calls had not finished then, and have since).
 *
 * @param manager The manager, closed with `resumable: true`.
 * @param resumeFrom Per shard, the sequence to resume from (see
 * {@linkcode drainHandlers}); a shard holding no session, or one already
 * further back, is left as it is.
 * @param savedBehind Whether handler calls had not finished at the close's
 * save.
 * @param now The time to date the sessions with (the manager's clock):
 * no earlier than the close's save, so that a restart in this process keeps
 * them over that copy should this save fail.
 * @returns The sessions as they now stand, for the next start of the
 * Client to resume; a set-back one carries the sequence `received` at the
 * stop (its store copy wins only further on, and the Client's cache, which
 * applied the events up to it, does not apply their replay again).
 */
export async function sessionsAfterDrain(
  manager: ShardManager,
  resumeFrom: ReadonlyMap<number, number>,
  savedBehind: boolean,
  now: number,
): Promise<HeldSession[]> {
  if (resumeFrom.size === 0 && !savedBehind) {
    return currentSessions(manager, now);
  }
  const received = new Map<number, number>();
  for (const [shardId, sequence] of resumeFrom) {
    const shard = manager.shards.get(shardId);
    const session = shard?.session;
    if (session === undefined || session.sequence <= sequence) continue;
    received.set(shardId, session.sequence);
    shard!.restore({ ...session, sequence });
  }
  try {
    await manager.saveSessions();
  } catch (error) {
    visible.warn(
      resumeFrom.size > 0
        ? "Saving the sessions set back before the dropped handler calls failed: a start in this process still replays their events from there, and another process from the stop's first save, before them too (also replaying the events handled while the stop waited): {error}"
        : "Saving the sessions once the handlers finished failed: the store keeps them from before the events the handlers were still on at the stop, which another process then handles again: {error}",
      { error },
    );
  }
  return currentSessions(manager, now).map((session) => {
    const last = received.get(session.shardId);
    return last === undefined ? session : { ...session, received: last };
  });
}
