/**
 * {@linkcode readBarrier}: the moment a shard is known to have read
 * everything Discord sent it before a given moment (a reshard's switch),
 * so closing it then loses nothing only it was sent.
 *
 * @module
 */
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import type { Shard } from "../gateway/shard.ts";

/**
 * How long a shard that is not `ready` (reconnecting, resuming) is waited
 * for to be `ready` again: a RESUME replays what Discord sent the session
 * while it was away, and the shard's reconnect backoff stays well under
 * this after a few refused attempts.
 */
export const RESUME_WAIT_MS = 90_000;

/** Discord's heartbeat interval (HELLO's `heartbeat_interval`), in ms. */
export const DISCORD_HEARTBEAT_MS = 41_250;

/**
 * How long a `ready` shard is waited for to prove, by a heartbeat ACK, that
 * it has read what was sent before, on Discord ({@linkcode ackWaitMs} of
 * its interval).
 */
export const ACK_WAIT_MS = ackWaitMs(DISCORD_HEARTBEAT_MS);

/**
 * How long a `ready` shard with heartbeat interval `interval` is waited for
 * to prove, by a heartbeat ACK, that it has read what was sent before: one
 * heartbeat goes out within an interval, its ACK within the round trip; two
 * intervals and 10 s leave room for an ACK that answered an earlier
 * heartbeat, or a socket read late.
 *
 * @param interval The shard's heartbeat interval in ms (`Shard`'s
 * `heartbeatInterval`), or `undefined` when not known: Discord's then.
 * @returns The wait, in ms.
 */
export function ackWaitMs(interval: number | undefined): number {
  return 2 * (interval ?? DISCORD_HEARTBEAT_MS) + 10_000;
}

/**
 * How often the shard's last ACK is looked at: it emits no event for one.
 * Closing an old shard this much later costs nothing.
 */
const POLL_MS = 500;

/** How a {@linkcode readBarrier} ended. */
export type ReadBarrierEnd =
  /** A heartbeat ACK proves everything sent before was read. */
  | "read"
  /**
   * `ready`, but no proving ACK came within {@linkcode ackWaitMs} of it, or
   * by the overall deadline (see {@linkcode readBarrier}).
   */
  | "unacknowledged"
  /**
   * Not `ready` again within {@linkcode RESUME_WAIT_MS}, or at the overall
   * deadline (see {@linkcode readBarrier}).
   */
  | "not_resumed"
  /** Its session ended (it identifies afresh): nothing is replayed. */
  | "session_lost"
  /** It stopped (a fatal close, or closed by someone else). */
  | "stopped"
  /** The signal was aborted. */
  | "aborted";

/** What a {@linkcode readBarrier} reports. */
export interface ReadBarrierResult {
  /** How it ended. */
  end: ReadBarrierEnd;
  /**
   * The last sequence the shard had read of the session it had at the
   * moment (or since, while it had one): where what was not read begins.
   */
  sequence: number | null;
  /** That session's ID. */
  sessionId: string | undefined;
  /** How long the wait lasted, from `since`, in ms. */
  waited: number;
}

/**
 * Wait until `shard` has read everything Discord sent it before `since`.
 *
 * Discord writes a session's frames to its socket in order, and answers a
 * heartbeat with an ACK after what it wrote before the heartbeat came: an
 * ACK of a heartbeat the shard sent after `since`, read while `ready` on
 * the connection it has been `ready` on since, proves that everything
 * Discord wrote before `since` has been read.
 *
 * Which heartbeat an ACK answers: the shard shows no ACK event, only
 * `ackedHeartbeatAt`, when the heartbeat the last ACK answers went out,
 * counting ACKs in order (never later than the truth; not `lastAckAt -
 * latency`, which takes a heartbeat waiting two intervals for one whose
 * ACK was lost, and behind a read backlog that long would pass the
 * barrier early). One ACK whose heartbeat went out after `since` is
 * enough, and it is a state, so polling it misses nothing. Waiting instead
 * for the second ACK after `since` (the heartbeat behind it went out after
 * the first ACK came) takes up to two intervals, not one, and polling
 * `lastAckAt` counts two ACKs in one poll as one.
 *
 * A shard not `ready` (reconnecting, resuming) is waited for: once `ready`
 * again its RESUME has replayed what it missed, and the ACK is then waited
 * for on the new connection, from when it became `ready`.
 *
 * Each wait ({@linkcode RESUME_WAIT_MS} for `ready` again, then
 * {@linkcode ackWaitMs} for the ACK) starts again at each reconnect, so
 * one overall deadline, never re-armed, ends them all: a shard dropped
 * every few seconds would otherwise hold the wait open for ever. It falls
 * {@linkcode RESUME_WAIT_MS} and an ACK wait after `since` (longer once a
 * HELLO gives a longer interval), ending as `unacknowledged` when `ready`
 * then, else `not_resumed`.
 *
 * @param shard The shard.
 * @param since The moment, on `scheduler`'s clock.
 * @param scheduler The shard's clock.
 * @param signal Ends the wait at once (`aborted`).
 * @returns How it ended, and where what was not read begins.
 */
export function readBarrier(
  shard: Shard,
  since: number,
  scheduler: Scheduler,
  signal: AbortSignal,
): Promise<ReadBarrierResult> {
  const { promise, resolve } = Promise.withResolvers<ReadBarrierResult>();
  /** Heartbeats sent after this count (later: since it became `ready`). */
  let from = since;
  let sequence = shard.sequence;
  let sessionId = shard.sessionId;
  // The waits are measured by timers, not by now(): a wall clock stepped
  // forward would end them at once.
  let poll: TimerId | undefined;
  /** Ends the wait for an ACK: armed while `ready`. */
  let ackWait: TimerId | undefined;
  /** Ends the wait for `ready` again: armed while not `ready`. */
  let resumeWait: TimerId | undefined;
  /** Ends the whole wait, however often the shard reconnects. */
  let deadline: TimerId | undefined;
  /** How long after `since` the deadline falls, so far. */
  let allowed = RESUME_WAIT_MS + ackWaitMs(shard.heartbeatInterval);
  let ended = false;
  const clear = (timer: TimerId | undefined): undefined => {
    if (timer !== undefined) scheduler.clearTimeout(timer);
    return undefined;
  };
  const end = (how: ReadBarrierEnd): void => {
    if (ended) return;
    ended = true;
    poll = clear(poll);
    ackWait = clear(ackWait);
    resumeWait = clear(resumeWait);
    deadline = clear(deadline);
    offState();
    signal.removeEventListener("abort", check);
    resolve({ end: how, sequence, sessionId, waited: scheduler.now() - since });
  };
  const armDeadline = (ms: number): void => {
    deadline = scheduler.setTimeout(() => {
      deadline = undefined;
      // A connection made since may have a longer interval: its ACK wait
      // is allowed too (bounded: HELLO's interval is at most an hour). One
      // not known (between connections) moves nothing.
      const interval = shard.heartbeatInterval;
      const total = interval === undefined
        ? allowed
        : RESUME_WAIT_MS + ackWaitMs(interval);
      if (total > allowed) {
        armDeadline(total - allowed);
        allowed = total;
        return;
      }
      check();
      end(shard.status === "ready" ? "unacknowledged" : "not_resumed");
    }, ms);
  };
  /** Wait for what the status calls for: an ACK, or `ready` again. */
  const arm = (): void => {
    if (shard.status === "ready") {
      resumeWait = clear(resumeWait);
      ackWait ??= scheduler.setTimeout(() => {
        ackWait = undefined;
        check();
        end("unacknowledged");
      }, ackWaitMs(shard.heartbeatInterval));
    } else {
      ackWait = clear(ackWait);
      resumeWait ??= scheduler.setTimeout(
        () => end("not_resumed"),
        RESUME_WAIT_MS,
      );
    }
  };
  function check(): void {
    if (ended) return;
    if (signal.aborted) return end("aborted");
    const status = shard.status;
    if (shard.sessionId !== undefined) {
      // Kept while it has a session: a lost one forgets its sequence.
      sequence = shard.sequence;
      sessionId = shard.sessionId;
    }
    if (status === "closed") return end("stopped");
    if (status !== "ready") {
      // Its next connection IDENTIFYs: nothing will be replayed, and
      // waiting would spend a session start on a shard about to close.
      if (status === "identifying" || shard.sessionId === undefined) {
        end("session_lost");
      }
      return;
    }
    const answered = shard.ackedHeartbeatAt;
    // Strictly after: a heartbeat sent in the same millisecond as `since`
    // may have gone out just before it.
    if (answered !== undefined && answered > from) end("read");
  }
  const offState = shard.on("state", ({ current }) => {
    if (current === "ready") {
      // A new connection: its heartbeats count from now, its replay read.
      from = Math.max(from, scheduler.now());
      ackWait = clear(ackWait);
    }
    arm();
    check();
  });
  const tick = (): void => {
    poll = undefined;
    check();
    if (!ended) poll = scheduler.setTimeout(tick, POLL_MS);
  };
  signal.addEventListener("abort", check);
  armDeadline(allowed);
  arm();
  check();
  if (!ended) poll = scheduler.setTimeout(tick, POLL_MS);
  return promise;
}
