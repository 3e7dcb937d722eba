// One shard's side of the Client: its context, the runner that keeps its
// handler calls in order, the previous state (`ctx.old`) it hands them, and
// the back-pressure that pauses the shard while its handlers fall behind.
import { getLogger } from "@logtape/logtape";
import { Fifo } from "../base/fifo.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import {
  LONG_PAUSE_MS,
  MAX_HELD_EVENT_CHARS,
  mib,
  RESUME_HELD_EVENT_CHARS,
} from "../gateway/event_backlog.ts";
import type { Shard } from "../gateway/shard.ts";
import { resumeBefore } from "../gateway/resume_point.ts";
import {
  type HeldTotal,
  type HeldTotalMember,
  MAX_CLIENT_HELD_CHARS,
  RESUME_CLIENT_HELD_CHARS,
} from "./held_total.ts";
import { ArrivalFlight } from "./_arrival_flight.ts";
import type { RestClient } from "../rest/rest_client.ts";
import { ShardContext } from "./context.ts";
import { OrderedRunner } from "./ordered_runner.ts";

/** A stuck handler and a failing error sink: shown without setup. */
const visible = getVisibleLogger(["disruption", "handler"]);
const logger = getLogger(["disruption", "handler"]);

/**
 * How long a pause may last before the shard RESUMEs anyway if its handlers
 * made room (below the bound, not yet at a quarter), in ms: well within the
 * ~90 s Discord keeps a closed session, so a handler that keeps up only
 * slowly keeps its session, taking one replay more than the bound at most.
 * The gateway's limit for a dispatch stream's pauses, one value for both.
 */
export const MAX_PAUSE_MS: number = LONG_PAUSE_MS;

/**
 * What a handler call queued beyond the first of its event is counted as
 * holding, in characters of frame text (about bytes): an estimate of a
 * queued call's own memory (its closure, its context, its place in the
 * queue: 2.18 million calls of 100,000 events took 593 MB of heap, some
 * 180 to 270 bytes a call), so that many listeners of one event, each
 * queued behind a call that never finishes, reach the bound too: counting
 * only the frame, 50 such listeners held those 593 MB under a 16 MiB bound.
 */
export const QUEUED_CALL_CHARS = 256;

/**
 * What each held event is counted as holding beyond its frame and old
 * state, in characters (about bytes): its parsed data, its context, its
 * first call's place in the queue and its record for a resume. Measured at
 * 370 to 420 bytes of heap an event (386,410 held `onRaw` events of 45
 * characters took 160.6 MB; 134,287 TYPING_STARTs of 125, 72.8 MB):
 * counting only the frame, small events held ten times the bound's heap.
 */
export const HELD_EVENT_CHARS = 400;

/** One pause of the shard, from asked to resumed. */
interface Pause {
  /**
   * Ends the shard's pause (what `Shard.pause()` returned, a microtask
   * after the pause was asked); `undefined` until then.
   */
  resume: (() => void) | undefined;
  /** Fires at {@linkcode MAX_PAUSE_MS}. */
  timer: TimerId | undefined;
  /** The session paused, to tell at the resume whether it survived. */
  session: string | undefined;
  /**
   * {@linkcode MAX_PAUSE_MS} passed with the handlers over the bound: it
   * resumes as soon as they are under it, the session's time running out.
   */
  overdue: boolean;
  /** The shard's own handlers passed its bound: it holds the pause. */
  own: boolean;
  /** All shards' handlers passed theirs: their total holds the pause. */
  all: boolean;
}

/** A dispatch with a handler call the runner has not finished yet. */
interface Unfinished {
  /** The sequence to resume its session from for Discord to send it again. */
  readonly from: number;
  /** READY or RESUMED, which Discord never sends again; else undefined. */
  readonly once: string | undefined;
  /** The session it came in. */
  readonly sessionId: string | undefined;
  /**
   * The runner's `handed` after its last call: all started once `started`
   * reaches it, all finished once the calls finished do.
   */
  readonly end: number;
}

/**
 * What {@linkcode ShardSlot.abandon} dropped, and where the session must
 * resume to have it sent again.
 */
export interface Abandoned {
  /** How many handler calls were dropped without running. */
  readonly dropped: number;
  /**
   * The sequence to resume the shard's session from so that Discord sends
   * again every event with a dropped call (the first one's minus one; a
   * READY's or RESUMED's own, see {@linkcode ShardSlot.queued});
   * `undefined` when none was of the session the shard holds.
   */
  readonly resumeFrom: number | undefined;
  /**
   * The READY or RESUMED of that session whose dropped calls the resume
   * does not replay (Discord never sends them again), if any.
   */
  readonly notReplayed: string | undefined;
}

/** One shard's context and the runner that keeps its events in order. */
export class ShardSlot implements HeldTotalMember {
  readonly ctx: ShardContext;
  readonly runner: OrderedRunner;
  readonly #shard: Shard;
  readonly #scheduler: Scheduler;
  /** Aborted when the Client stops: a paused shard then stays closed. */
  readonly #stopped: AbortSignal;
  /** What every shard of the Client holds together. */
  readonly #total: HeldTotal;
  /** Text of the events whose handlers have not finished yet. */
  #heldChars = 0;
  /** Set from a pause asked until its resume. */
  #pause: Pause | undefined;
  /** The `atArrival` listeners' promises not settled yet. */
  readonly #arrivals: ArrivalFlight;
  /** What those promises are counted as holding (in `#heldChars`). */
  #arrivalChars = 0;
  /**
   * The part of `#arrivalChars` an overdue pause resumed past, left out of
   * the bounds until it settles: see {@linkcode ShardSlot.arrivalPending}.
   */
  #excused = 0;
  /** The `atArrival` and route handler promises counted: each one's number. */
  #arrivalSeq = 0;
  /** The last promise the latest overdue resume set aside (`#excused`). */
  #excusedThrough = 0;
  /**
   * The work run beside later events (route handlers) that has not settled:
   * stop() waits for it (one awaiting the stop so waits for itself, as a
   * handler does). Counted as `atArrival` promises are, apart.
   */
  readonly #besides = new Set<Promise<void>>();
  /** Counts those and says when many, as `#arrivals` does its own. */
  readonly #besideFlight: ArrivalFlight;
  /** The frame length of the event whose handler call runs now, if known. */
  #runningSize: number | undefined;
  /**
   * What the handler call running now handles (an event name, or a
   * lifecycle method such as `onShardStateChange`), set by the Client as
   * each call starts: named when it is stuck.
   */
  running = "";
  /** A resumed pause waits for READY or RESUMED to check its session. */
  #checkingSession = false;
  /**
   * The dispatches with a handler call not finished yet, of the latest
   * session, in order (those found all finished since are removed as more
   * are noted): a session save stays before the first (a crash would lose
   * it), and a resumable stop that drops calls resumes before the first
   * not started.
   */
  readonly #unfinished = new Fifo<Unfinished>();
  /**
   * The last sequence of the set-back session the Client's cache applied
   * before the resumable stop that set that session back (-1: none):
   * the RESUME sends those events again, and applied twice a reaction
   * counted twice (see {@linkcode ShardSlot.cached}).
   */
  cachedUpTo = -1;
  /** The set-back session whose events up to `cachedUpTo` are replayed. */
  #cachedSession: string | undefined;

  constructor(
    shard: Shard,
    rest: RestClient,
    stopped: AbortSignal,
    total: HeldTotal,
    sessionsSaved = false,
  ) {
    this.ctx = new ShardContext(shard, rest, this.#takeBeside);
    this.#shard = shard;
    this.#scheduler = shard.scheduler;
    this.#stopped = stopped;
    this.#total = total;
    total.join(this);
    stopped.addEventListener("abort", () => this.#clearTimer(), {
      once: true,
    });
    this.#arrivals = new ArrivalFlight(shard.id, this.#scheduler);
    this.#besideFlight = new ArrivalFlight(
      shard.id,
      this.#scheduler,
      "route handlers",
    );
    this.runner = new OrderedRunner(
      (error) => visible.error("Handler error sink failed: {error}", { error }),
      {
        onBacklog: (pending) =>
          visible.warn(
            "Shard {shardId} has {pending} handler calls waiting behind one that has not finished (an await that never settles?); its events are held in memory until it does",
            { shardId: shard.id, pending },
          ),
        // A quiet shard would take long to reach the backlog warning.
        scheduler: this.#scheduler,
        // An idle() caller (`await client.idle()`, stop()'s drain) waits
        // too: without a word, a handler that never settles hung it.
        onStuck: (pending, ms, idleWaiting) =>
          visible.warn(
            "Shard {shardId}: the handler call for {event} has not finished after {seconds} s, and {behind} behind it ({why}); the shard's events are not handled until it does{saved}",
            {
              shardId: shard.id,
              event: this.running,
              seconds: Math.round(ms / 1000),
              behind: pending > 0 || !idleWaiting
                ? `${pending} handler calls wait`
                : "a client.idle() or stop() call waits",
              // An idle() awaited in the running handler itself waits for
              // that handler: a wedge, not a slow await.
              why: idleWaiting
                ? "an await that never settles, or a client.idle() awaited in this very handler, which waits for itself?"
                : "an await that never settles?",
              pending,
              // Said only where a session is saved: without a store a
              // restart identifies anew, and nothing replays.
              saved: sessionsSaved
                ? ", and its saved session stays before that event (a restart replays from there)"
                : "",
            },
          ),
      },
    );
  }

  /**
   * Queue a handler call, named for the stuck warning.
   *
   * @param name What it handles: an event name or a lifecycle method.
   * @param call The call.
   * @param size Its event's frame length (`ShardDispatch.size`), if any.
   */
  push(name: string, call: () => void | Promise<void>, size?: number): void {
    this.runner.push(() => {
      this.begin(name, size);
      return call();
    });
  }

  /**
   * Note the handler call that starts now: its name for the stuck warning,
   * and its event's frame length for the work it runs beside.
   *
   * @param name What it handles: an event name or a lifecycle method.
   * @param size Its event's frame length, if any.
   */
  begin(name: string, size: number | undefined): void {
    this.running = name;
    this.#runningSize = size;
  }

  /**
   * Note the dispatch whose handler calls were just queued: while one of
   * them has not finished, {@linkcode ShardSlot.resumePoint} and
   * {@linkcode ShardSlot.abandon} can tell where to resume for it. Nothing
   * is kept when they all finished (the handlers keep up): the cost is
   * paid only while calls run or wait.
   *
   * A READY or RESUMED is never resumed before: Discord sends them only to
   * answer an IDENTIFY or RESUME, never again, and refuses a RESUME before
   * READY's sequence (three failed RESUMEs, then a new session: the events
   * were lost all the same). Their own dropped calls are not replayed;
   * what follows them is. No other event of a session lies at or below its
   * READY's sequence (the shard takes the session at READY and only higher
   * sequences after), so a RESUME never starts before its READY.
   *
   * @param sequence The dispatch's sequence number.
   * @param name The dispatch's name.
   */
  queued(sequence: number, name: string): void {
    const runner = this.runner;
    // Its last call finished: so did every call before it.
    if (!runner.busy) return;
    this.#forgetUpTo(this.#finished());
    const sessionId = this.#shard.sessionId;
    const unfinished = this.#unfinished;
    // Sessions only move on: an earlier one's events cannot come again.
    if (unfinished.length > 0 && unfinished.peek()!.sessionId !== sessionId) {
      unfinished.clear();
    }
    unfinished.push({
      from: resumeBefore(sequence, name),
      once: name === "READY" || name === "RESUMED" ? name : undefined,
      sessionId,
      end: runner.handed,
    });
  }

  /**
   * Where the shard's session must resume from for Discord to send again
   * every event whose handler calls have not all finished (see
   * `ResumePoint`): the session saves stay there. A call running counts as
   * not finished: a crash ends it half-way, and its event comes again whole
   * (at least once).
   *
   * @returns The sequence before the first such event of the session the
   * shard holds, or `undefined` when there is none.
   */
  resumePoint(): number | undefined {
    this.#forgetUpTo(this.#finished());
    const first = this.#unfinished.peek();
    return first !== undefined && first.sessionId === this.#shard.sessionId
      ? first.from
      : undefined;
  }

  /**
   * Drop the handler calls not started yet (`OrderedRunner.abandon`), for a
   * stop that waits no longer, saying where the shard's session must
   * resume so that Discord sends their events again.
   *
   * @returns How many calls were dropped, and the sequence to resume from.
   */
  abandon(): Abandoned {
    // A call running goes on after the stop (this process lives on): only
    // the events of calls not started need sending again.
    this.#forgetUpTo(this.runner.started);
    const dropped = this.runner.abandon();
    const sessionId = this.#shard.sessionId;
    let resumeFrom: number | undefined;
    let notReplayed: string | undefined;
    // Events of an earlier session cannot be sent again: the first one of
    // the session the shard holds is where its RESUME must start.
    for (const unfinished = this.#unfinished; unfinished.length > 0;) {
      const next = unfinished.shift()!;
      if (sessionId === undefined || next.sessionId !== sessionId) continue;
      resumeFrom ??= next.from;
      notReplayed ??= next.once;
    }
    return { dropped, resumeFrom, notReplayed };
  }

  /**
   * Note that the Client's cache applied the events of `sessionId` up to
   * `sequence` (the last received at a resumable stop that set the session
   * back): replayed by the RESUME, they are not applied again.
   *
   * @param sessionId The set-back session.
   * @param sequence The last sequence received in it at the stop.
   */
  cachedThrough(sessionId: string, sequence: number): void {
    this.#cachedSession = sessionId;
    this.cachedUpTo = sequence;
  }

  /**
   * Whether the cache already applied the dispatch numbered `sequence`, one
   * at or below {@linkcode ShardSlot.cachedUpTo} (the Client checks that
   * first: one comparison per event): so while the shard still runs the
   * set-back session. A new session (its RESUME failed) numbers from 1
   * again: the window is then forgotten.
   *
   * @param sequence The dispatch's sequence number.
   * @returns Whether to leave the cache alone for it.
   */
  cached(sequence: number): boolean {
    if (
      sequence <= this.cachedUpTo &&
      this.#shard.sessionId === this.#cachedSession
    ) {
      return true;
    }
    this.cachedUpTo = -1;
    return false;
  }

  /** How many handler calls (bookkeeping included) have finished. */
  #finished(): number {
    const runner = this.runner;
    return runner.started - (runner.busy ? 1 : 0);
  }

  /** Forget the noted dispatches whose calls are all among the first `n`. */
  #forgetUpTo(n: number): void {
    const unfinished = this.#unfinished;
    while ((unfinished.peek()?.end ?? Infinity) <= n) unfinished.shift();
  }

  /**
   * The context of one handler call: the shard's own when the event has no
   * previous state (its `old` is always `undefined`), else one of its own.
   * A handler may read `ctx.old` in work it does not await, after later
   * events' handlers ran: one context per shard whose `old` was swapped
   * between calls gave it another event's state.
   *
   * @param readOld Reads the call's copy of the state before the event.
   */
  contextFor(readOld: (() => unknown) | undefined): ShardContext {
    if (readOld === undefined) return this.ctx;
    const ctx = new ShardContext(
      this.ctx.shard,
      this.ctx.rest,
      this.#takeBeside,
    );
    ctx.readOld = readOld;
    return ctx;
  }

  /**
   * Count an event whose handler calls were just queued, until they finish.
   * Only events that wait (or whose handler is still running) are counted:
   * a bot whose handlers finish synchronously pays nothing, and the Client
   * calls this only for an event that runs a handler (not one parsed only
   * for the cache, or only for `atArrival` listeners). An event the bot
   * handles still counts while the call before it runs: a handler awaiting
   * `requestGuildMembers` for a big guild while the bot also handles
   * GUILD_MEMBERS_CHUNK (or overrides `onRaw`) holds those chunks behind
   * itself, and past the bound the reply stops until it times out. Past
   * {@linkcode MAX_HELD_EVENT_CHARS} the shard is paused (`Shard.pause`),
   * so that Discord keeps what follows, and past
   * {@linkcode MAX_CLIENT_HELD_CHARS} for all shards together so are the
   * shards that hold much (see `HeldTotal.pauses`); it RESUMEs once the
   * handlers caught up.
   *
   * @param frameChars The event's frame length (`ShardDispatch.size`).
   * @param old The cache's previous state the queued calls keep (their
   *   `ctx.old`), counted with the frame: a MESSAGE_DELETE's 136-character
   *   frame keeps the whole deleted message.
   * @param handed The runner's `handed` before the event's calls were
   *   queued: the event adds {@linkcode HELD_EVENT_CHARS}, and each call
   *   past its first {@linkcode QUEUED_CALL_CHARS}.
   */
  held(
    frameChars: number | undefined,
    old?: { readonly oldChars: number },
    handed: number = this.runner.handed,
  ): void {
    if (!this.runner.busy || frameChars === undefined) return;
    const calls = this.runner.handed - handed;
    const chars = frameChars + (old?.oldChars ?? 0) + HELD_EVENT_CHARS +
      (calls > 1 ? (calls - 1) * QUEUED_CALL_CHARS : 0);
    this.runner.callUncounted(release, this, chars);
    this.#hold(chars);
  }

  /**
   * Count what an `atArrival` listener's unsettled promise keeps until it
   * settles, as {@linkcode ShardSlot.held} counts a queued call's event:
   * such a promise runs beside the handlers, and one that never settles
   * kept its event for good, whatever the bound (400,000 events held
   * 547 MB). Only a listener that returns a promise pays for it, and only
   * toward its own shard's bound (not the Client-wide total: what an
   * overdue resume sets aside there would hold other shards paused).
   *
   * Withholding events cannot settle a promise that waits for a later
   * event of its shard (a listener awaiting `awaitMessage`): such a charge
   * pauses the shard, but the 45 s ({@linkcode MAX_PAUSE_MS}) check leaves
   * it out, as it resumes any overdue pause under the bound, and what it
   * then holds is left out of the bounds until it settles. The shard so
   * takes one bound more of events each 45 s at most (its answers among
   * them), never a pause for good; `ArrivalFlight` says how many promises
   * have not settled. Before 45 s, a pause the handlers' events caused
   * ends once those are down to a quarter of the bound, the promises aside,
   * if a quarter is free with them.
   *
   * @param settled Settles (never rejects) once the listener's does.
   * @param chars What it keeps: the event's frame and old state for the
   *   first of an event, {@linkcode QUEUED_CALL_CHARS} for each other one;
   *   `undefined` for a dispatch built by hand (no frame to count).
   */
  arrivalPending(settled: Promise<void>, chars: number | undefined): void {
    this.#countPending(settled, chars ?? 0, this.#arrivals);
  }

  /** How many `atArrival` listener promises have not settled: said at stop. */
  get arrivalsPending(): number {
    return this.#arrivals.count;
  }

  /**
   * Start work a handler call runs beside later events (a route handler of
   * an attached router, through `ctx.beside`): counted until it settles as
   * an `atArrival` promise is (toward this shard's bound, set aside by an
   * overdue resume: a route handler may wait for a click), as the event of
   * the call running now (its frame, and {@linkcode HELD_EVENT_CHARS}), and
   * kept for stop()'s drain ({@linkcode ShardSlot.besidesSettled}). A
   * rejection is said on stderr: nothing may escape into an unhandled
   * rejection.
   */
  readonly #takeBeside = (work: () => PromiseLike<unknown>): void => {
    let started: PromiseLike<unknown>;
    try {
      started = work();
    } catch (error) {
      started = Promise.reject(error);
    }
    const settled = Promise.resolve(started).then(() => {}, (error) => {
      visible.error(
        "A route handler (work run beside the events of shard {shardId}) rejected: {error}",
        { shardId: this.#shard.id, error },
      );
    }).catch(() => {}); // a log sink threw: nothing left to say
    const besides = this.#besides;
    besides.add(settled);
    settled.then(() => besides.delete(settled));
    const chars = HELD_EVENT_CHARS + (this.#runningSize ?? 0);
    this.#countPending(settled, chars, this.#besideFlight);
  };

  /**
   * Settles once the work run beside later events has, that started
   * meanwhile included (never rejects): stop() waits for it after the
   * queued calls.
   */
  async besidesSettled(): Promise<void> {
    while (this.#besides.size > 0) await Promise.all(this.#besides);
  }

  /** How many promises of work run beside later events have not settled. */
  get besidesPending(): number {
    return this.#besides.size;
  }

  /** Count `settled` in `flight` and `chars` held until it settles. */
  #countPending(
    settled: Promise<void>,
    chars: number,
    flight: ArrivalFlight,
  ): void {
    const id = ++this.#arrivalSeq;
    flight.started();
    if (chars > 0) this.#hold(chars, true);
    settled.then(() => this.#arrivalSettled(chars, id, flight));
  }

  #arrivalSettled(chars: number, id: number, flight: ArrivalFlight): void {
    try {
      flight.settled();
      // Its own excuse goes with it, not to a later promise never excused.
      if (id <= this.#excusedThrough) this.#excused -= chars;
      if (chars > 0) this.released(chars, true);
    } catch (error) {
      // A log sink threw: nothing may escape into an unhandled rejection.
      visible.error(
        "Releasing what a settled atArrival or route handler promise held failed: {error}",
        { error },
      );
    }
  }

  /**
   * Count `chars` more held (for an `atArrival` promise: `arrival`), and
   * pause past either bound.
   */
  #hold(chars: number, arrival = false): void {
    this.#heldChars += chars;
    if (arrival) this.#arrivalChars += chars;
    const pause = this.#pause;
    // Closed since (which ends every pause): this pause is over.
    if (pause?.resume && !this.#shard.paused) this.#endPause();
    // The other shards checked, if it crossed a bound. An `atArrival`
    // promise counts toward its own shard only: set aside at an overdue
    // resume, it would hold the others paused in the total.
    if (!arrival) this.#total.add(chars, this);
    this.#pauseIfOver();
  }

  /** Pause past either bound, or note which holds a pause already on. */
  #pauseIfOver(): void {
    const held = this.#heldChars - this.#excused;
    const own = held > MAX_HELD_EVENT_CHARS;
    const pause = this.#pause;
    // Spared by its events alone: the promises are not in the total, and
    // pausing cannot settle them (counted, a shard spared as it resumed
    // paused again at each event).
    const events = this.#heldChars - this.#arrivalChars;
    const all = this.#total.pauses(events, pause !== undefined);
    if (pause === undefined) {
      if (own || all) this.#startPause(own, all);
      return;
    }
    pause.own ||= own;
    pause.all ||= all;
  }

  /**
   * The held event's handlers have finished (`arrival`: an `atArrival`
   * promise settled).
   */
  released(chars: number, arrival = false): void {
    this.#heldChars -= chars;
    if (arrival) this.#arrivalChars -= chars;
    // The other shards checked, if it crossed a bound.
    if (!arrival) this.#total.remove(chars, this);
    this.#maybeResume();
  }

  /** The Client-wide total crossed a bound (see {@linkcode HeldTotal}). */
  check(): void {
    if (this.#stopped.aborted) return;
    const paused = this.#pause !== undefined;
    this.#pauseIfOver();
    if (paused) this.#maybeResume();
  }

  /**
   * Resume when the handlers are down to a quarter of the bound or, the
   * pause overdue, under it: the shard's own, if they passed it, and all
   * shards' together, if theirs did (or, that one over, once the shard is
   * spared: see `HeldTotal.pauses`). Withholding events cannot settle an
   * unsettled `atArrival` or route handler promise (one may wait for a
   * later event, or a click): the shard's own quarter, and whether it is
   * spared, leave them out, so a thousand routes waiting for clicks do not
   * hold every pause until 45 s, but with them a quarter of the shard's
   * bound must be free (right under it, each event a handler awaits paused
   * the shard again). Overdue, they are left out whatever they hold, and
   * stay out of the bounds until they settle.
   *
   * @returns Whether it resumed.
   */
  #maybeResume(): boolean {
    const pause = this.#pause;
    if (pause === undefined) return false;
    const overdue = pause.overdue;
    const events = this.#heldChars - this.#arrivalChars;
    const held = this.#heldChars - this.#excused;
    const free = held <= MAX_HELD_EVENT_CHARS - RESUME_HELD_EVENT_CHARS;
    const room = overdue
      ? events <= MAX_HELD_EVENT_CHARS
      : events <= RESUME_HELD_EVENT_CHARS && free;
    if (pause.own && !room) return false;
    const clientRoom = overdue
      ? !this.#total.pauses(events, true, MAX_CLIENT_HELD_CHARS)
      : !this.#total.pauses(events, true, RESUME_CLIENT_HELD_CHARS) && free;
    if (pause.all && !clientRoom) return false;
    if (overdue) {
      // Every unsettled promise so far is set aside until it settles.
      this.#excused = this.#arrivalChars;
      this.#excusedThrough = this.#arrivalSeq;
    }
    this.#endPause();
    if (this.#stopped.aborted || !this.#shard.paused) return true;
    logger.info("Shard {shardId}: its handlers made room; ending the pause", {
      shardId: this.#shard.id,
    });
    pause.resume?.();
    this.#checkSession(pause.session);
    return true;
  }

  /**
   * Pause, for the shard's `own` bound, or `all` shards' (said once, by
   * the total).
   */
  #startPause(own: boolean, all: boolean): void {
    const values = {
      shardId: this.#shard.id,
      mib: mib(this.#heldChars),
      total: mib(this.#total.chars),
    };
    if (own) {
      visible.warn(
        "Shard {shardId}: its handlers are {mib} MiB of events behind; pausing the connection until they catch up (all shards: {total} MiB; Discord replays what it sent meanwhile)",
        values,
      );
    } else {
      // The Client-wide pause is said once, by the total.
      logger.info(
        "Shard {shardId}: pausing, its handlers {mib} MiB of events behind and all shards' {total} MiB",
        values,
      );
    }
    const pause: Pause = {
      resume: undefined,
      timer: undefined,
      session: undefined,
      overdue: false,
      own,
      all,
    };
    this.#pause = pause;
    // After the frames of the current read: they are delivered and held
    // now, so Discord need not replay them.
    queueMicrotask(() => {
      if (this.#pause !== pause || this.#stopped.aborted) return;
      pause.session = this.#shard.sessionId;
      pause.resume = this.#shard.pause();
      pause.timer = this.#scheduler.setTimeout(
        () => this.#pauseTooLong(pause),
        MAX_PAUSE_MS,
      );
    });
  }

  /** The pause lasted {@linkcode MAX_PAUSE_MS}. */
  #pauseTooLong(pause: Pause): void {
    pause.timer = undefined;
    if (this.#pause !== pause) return;
    // Closed meanwhile: nothing left to say.
    if (!this.#shard.paused) {
      this.#endPause();
      return;
    }
    pause.overdue = true;
    if (this.#maybeResume()) return;
    if (this.#heldChars - this.#arrivalChars <= MAX_HELD_EVENT_CHARS) {
      // Held by all shards' backlog alone now: said once, by the total.
      this.#total.stillOver(MAX_PAUSE_MS);
      return;
    }
    visible.warn(
      "Shard {shardId}: its handlers are still {mib} MiB of events behind after {seconds} s paused, all shards' {total} MiB (a handler that never finishes?); Discord ends a closed session after about 90 s, and the events it held are lost with it",
      {
        shardId: this.#shard.id,
        mib: mib(this.#heldChars),
        total: mib(this.#total.chars),
        seconds: MAX_PAUSE_MS / 1000,
      },
    );
  }

  /**
   * Say so if the session `paused` did not survive the pause: known at the
   * next READY or RESUMED, asked once however many pauses come before it.
   */
  #checkSession(paused: string | undefined): void {
    if (this.#checkingSession || paused === undefined) return;
    this.#checkingSession = true;
    const shardId = this.#shard.id;
    this.#shard.connect().then(() => {
      if (this.#shard.sessionId === paused) return;
      visible.warn(
        "Shard {shardId}: the session ended while the shard was paused; the events Discord sent meanwhile are lost",
        { shardId },
      );
    }, () => {}).finally(() => this.#checkingSession = false);
  }

  #endPause(): void {
    this.#clearTimer();
    this.#pause = undefined;
  }

  #clearTimer(): void {
    const timer = this.#pause?.timer;
    if (timer === undefined) return;
    this.#scheduler.clearTimeout(timer);
    this.#pause!.timer = undefined;
  }
}

function release(slot: ShardSlot, chars: number): void {
  slot.released(chars);
}
