/**
 * {@linkcode OverdueHold}: the events a `FleetShards` process holds back
 * while its lease renewal is overdue. Cut off from Redis (a dropped
 * connection, a network hole), a process's shards ran on until its lease
 * guard stopped them, `leaseTtlMs - renewMs` after the last renewal
 * answered, delivering all the while; it could save no session meanwhile,
 * so the process taking the shards over RESUMEd from the sequence saved
 * before the cut and every event of those seconds was delivered twice.
 *
 * Held from the moment a renewal is overdue (see {@linkcode overdueAfterMs}),
 * an event is delivered after the next renewal that goes through (whose
 * session saves stay before it, through {@linkcode OverdueHold.resumePoint}),
 * or dropped when its shard is stopped for another process to take
 * ({@linkcode OverdueHold.drop}): the saved session is from before it, so
 * the taker has Discord send it again.
 *
 * Private to the package: tested through `FleetShards`
 * (`tests/fleet/fleet_overdue_hold_test.ts`).
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";
import { resumeBefore } from "../gateway/resume_point.ts";
import type { Shard, ShardDispatch } from "../gateway/shard.ts";
import { DEFAULT_MAX_HELD } from "./held_events.ts";
import {
  BLOCKED_LOOP_MS,
  type ElapsedScheduler,
  wallClockLead,
} from "./lease_guard.ts";

/** Said without setup: the sign of a process cut off from Redis. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/**
 * How long after a renewal was sent, with none answered since, events are
 * held: a renewal period and the lesser of half of one and a second. A
 * healthy fleet's next renewal is sent a period after the last and answered
 * within milliseconds (a loaded machine's timers run tens late), so it never
 * holds; the guard stops the shards at `ttlMs - renewMs`, at least two
 * periods (see `lease_times.ts`), so a cut-off process holds for at least
 * half a period before that.
 *
 * @param renewMs The renewal period.
 * @returns The threshold, in ms since the last answered renewal was sent.
 */
export function overdueAfterMs(renewMs: number): number {
  return renewMs + Math.min(BLOCKED_LOOP_MS, renewMs / 2);
}

/** One event held, the session it came in, and how to deliver it. */
interface Held {
  readonly shard: Shard;
  readonly sessionId: string | undefined;
  readonly deliver: () => void;
}

/** Where a shard's saves must stay: before its first held event. */
interface First {
  readonly sessionId: string | undefined;
  readonly from: number;
}

/**
 * The events held while a renewal is overdue, in the order they came
 * (every shard's: a release delivers them as they would have been).
 */
export class OverdueHold {
  readonly #times: { readonly renewMs: number };
  readonly #clock: Pick<ElapsedScheduler, "now" | "elapsed">;
  readonly #maxHeld: number;
  /** When the last answered renewal was sent; `undefined` before one. */
  #renewedAt: number | undefined;
  #held: Held[] = [];
  readonly #first = new Map<Shard, First>();
  /** Shards dropped (see `drop`): what they still hand on is dropped too. */
  readonly #gone = new WeakSet<Shard>();
  /** Past the bound: events pass until the next renewal (said once). */
  #overflowing = false;
  /** Said once per hold: the first event held since a release. */
  #said = false;

  /**
   * @param times The renewal period (read at each use: the fleet's).
   * @param clock Its clocks (a `FleetClock`'s `scheduler`): `now`, the
   *   local clock `sentAt` is on, which never steps; `elapsed`, the
   *   milliseconds elapsed since a renewal's `sentAt` (a suspend counted),
   *   so a hold the wall clock's jump accounts for is said as the jump (see
   *   `#say`).
   * @param maxHeld The most events held; past it, they are delivered as
   *   they come until the next renewal (a possible second copy rather than
   *   a process holding without bound).
   */
  constructor(
    times: { readonly renewMs: number },
    clock: Pick<ElapsedScheduler, "now" | "elapsed">,
    maxHeld: number = DEFAULT_MAX_HELD,
  ) {
    this.#times = times;
    this.#clock = clock;
    this.#maxHeld = maxHeld;
  }

  /**
   * A renewal sent at `sentAt` was answered: nothing is overdue till
   * {@linkcode overdueAfterMs} after it. What is held waits for
   * {@linkcode OverdueHold.release}, once the tick saved the sessions.
   */
  renewed(sentAt: number): void {
    this.#renewedAt = sentAt;
    this.#overflowing = false;
  }

  /**
   * An event of `shard`: `deliver` runs now, or once released when a
   * renewal is overdue or events are held already (order kept).
   */
  take(shard: Shard, event: ShardDispatch, deliver: () => void): void {
    if (this.#held.length === 0 && !this.#overdue()) return deliver();
    if (!this.#first.has(shard)) {
      const from = resumeBefore(event.sequence, event.name);
      this.#first.set(shard, { sessionId: shard.sessionId, from });
    }
    // Stopping: its saves stay before this event, for whoever resumes it.
    if (this.#gone.has(shard)) return;
    if (this.#held.length >= this.#maxHeld) {
      this.#overflow();
      return deliver();
    }
    this.#held.push({ shard, sessionId: shard.sessionId, deliver });
    if (this.#said) return;
    this.#said = true;
    this.#say();
  }

  /**
   * Where `shard`'s session must be saved at most (a `ResumePoint`): before
   * its first held event, so whoever resumes it has Discord send it again.
   */
  resumePoint = (shard: Shard): number | undefined => {
    const first = this.#first.get(shard);
    return first && first.sessionId === shard.sessionId
      ? first.from
      : undefined;
  };

  /**
   * Deliver what is held, in order: a renewal went through and the
   * sessions were saved before these events. Nothing when still overdue
   * (a tick that renewed late).
   */
  release(): void {
    if (this.#overdue()) return;
    const held = this.#held;
    this.#held = [];
    this.#first.clear();
    this.#said = false;
    for (const h of held) h.deliver();
  }

  /**
   * Drop the held events of `shards`, stopped for another process (or
   * this one, later) to resume from a session saved before them, and those
   * they hand on while closing, when held: their resume points stay till
   * the next release, for the saves of their closing.
   */
  drop(shards: Iterable<Shard>): void {
    const gone = new Set(shards);
    for (const shard of gone) this.#gone.add(shard);
    if (this.#held.length === 0) return;
    const kept: Held[] = [];
    const ended: Held[] = [];
    for (const h of this.#held) {
      if (!gone.has(h.shard)) kept.push(h);
      // Of a session Discord ended since (op 9, a new session): no one can
      // resume it to have them sent again, so they are delivered now.
      else if (h.sessionId !== h.shard.sessionId) ended.push(h);
    }
    this.#held = kept;
    if (kept.length === 0) this.#said = false;
    for (const h of ended) h.deliver();
  }

  /**
   * Drop every held event (the process leaves). The resume points stay:
   * a close whose wait for Redis ran out saves its shards after this, and
   * those saves must still stay before the events dropped.
   */
  discard(): void {
    // Every shard with an event held: none is left, nor said.
    this.drop(new Set(this.#held.map((h) => h.shard)));
  }

  /**
   * Say why events are held. After the wall clock stepped forward (or the
   * machine was suspended) the last renewal answered looks as old as the
   * jump: "no renewal answered for 3722741 ms" was said of a process whose
   * renewals went on and whose events were held 370 ms. When the jump is
   * most of that time, the jump is said (as the lease guard says it).
   */
  #say(): void {
    const at = this.#renewedAt;
    const ms = at === undefined ? 0 : this.#clock.elapsed(at);
    const jumped = at === undefined ? 0 : wallClockLead(this.#clock, at);
    const local = ms - jumped;
    if (jumped > BLOCKED_LOOP_MS && jumped > ms / 2) {
      visible.warn(
        "The wall clock jumped {jumped} ms ahead of the monotonic one since the last lease renewal answered, {local} ms ago (the machine suspended, or its clock stepped): holding the shards' events until the next renewal is answered (or delivering none, if their shards stop for another process to resume)",
        { jumped, local },
      );
      return;
    }
    visible.warn(
      "No lease renewal answered for {ms} ms: holding the shards' events until one is (or delivering none, if their shards stop for another process to resume)",
      { ms },
    );
  }

  #overdue(): boolean {
    if (this.#overflowing) return false;
    const at = this.#renewedAt;
    return at !== undefined &&
      this.#clock.elapsed(at) > overdueAfterMs(this.#times.renewMs);
  }

  /** The bound was reached: deliver what is held, then pass events. */
  #overflow(): void {
    this.#overflowing = true;
    visible.warn(
      "No lease renewal answered and {held} events held: delivering them and the next ones as they come until a renewal is (a process taking these shards over may deliver them again)",
      { held: this.#held.length },
    );
    const held = this.#held;
    this.#held = [];
    this.#first.clear();
    this.#said = false;
    for (const h of held) h.deliver();
  }
}
