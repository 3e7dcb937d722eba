/**
 * {@linkcode LeaseGuard}: when a `FleetShards` process must stop its
 * shards because no lease renewal was answered, whether a shard a tick is
 * still starting may connect on that tick's lease, and the sessions of the
 * shards it stopped.
 *
 * @module
 */
import {
  type Scheduler,
  settlesWithin,
  type TimerId,
} from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { BLOCKED_LOOP_MS } from "../base/blocked_loop.ts";
import type { SessionStore } from "../gateway/session_store.ts";
import { ParkedSessions, type ParkedSet } from "./parked_sessions.ts";

const visible = getVisibleLogger(["disruption", "fleet"]);

// Shared with the shard's timers, which judge a late firing the same way;
// re-exported for the fleet modules that import it from here.
export { BLOCKED_LOOP_MS };

/**
 * The timers, with time elapsed on this machine (its `now()`, never going
 * back) and since a send (`elapsed`, counting a suspend: see
 * `FleetClock.stamp`).
 */
export interface ElapsedScheduler extends Scheduler {
  /** Milliseconds elapsed since `sentAt`, a time of `FleetClock.stamp()`. */
  elapsed(sentAt: number): number;
}

/**
 * How far the wall clock moved ahead of the local one (which never steps)
 * since `sentAt`: a suspended machine or a clock stepped forward, seen as
 * time elapsed (`elapsed`, a suspend counted) beyond the local clock's.
 *
 * @param clock The local clock and the time elapsed (a `FleetClock`'s
 *   `scheduler`; without `elapsed`, the local clock alone: no lead).
 * @param sentAt A local time.
 * @param now The local clock now, if already read.
 * @returns The lead, in milliseconds.
 */
export function wallClockLead(
  clock: Pick<ElapsedScheduler, "now"> & Partial<ElapsedScheduler>,
  sentAt: number,
  now: number = clock.now(),
): number {
  return (clock.elapsed?.(sentAt) ?? now - sentAt) - (now - sentAt);
}

/**
 * A guard's timer: what it runs once the leases of the renewal sent at
 * `sentAt` are `margin` from their end.
 */
interface Pending {
  readonly sentAt: number;
  readonly margin: number;
  readonly run: () => void;
}

/** How long before its leases end a late guard's renewal must answer. */
const LATE_RENEWAL_MARGIN_MS = 1_000;

/**
 * After a renewal sent at `sentAt` succeeds, the leases are safe until
 * `sentAt + ttl` (Redis renewed them after that). The guard fires `renew`
 * before that (the caller stops every shard then, with a renewal period
 * left to close them) unless armed again first by a later renewal.
 *
 * A guard that runs late (the event loop was blocked: its timer and the
 * renewals' could not run, Redis was not silent) says so, and while the
 * leases have not run out yet it asks for one renewal and stops the shards
 * only if none answers before they do.
 */
export class LeaseGuard {
  readonly #scheduler: Scheduler & Partial<Pick<ElapsedScheduler, "elapsed">>;
  /** Read at each use: a process runs with the fleet's TTL once it knows it. */
  readonly #times: { readonly ttlMs: number; readonly renewMs: number };
  readonly #fire: (why: string, late: boolean) => unknown;
  readonly #renew: (() => void) | undefined;
  /** When the renewal the guard is armed for was sent, if it is armed. */
  #armedAt: number | undefined;
  #timer: TimerId | undefined;
  /**
   * What `#timer` runs, and the renewal and margin it is for: run at once
   * by {@linkcode LeaseGuard.check} once that deadline is past.
   */
  #pending: Pending | undefined;
  /** Bumped when it fires or is disarmed: starts asked before give up. */
  #epoch = 0;
  /**
   * It fired, and no renewal was answered in time since: the shards it
   * stopped are not running. A late answer then stops nothing, and the
   * first renewal answered in time says they run again.
   */
  #stopped = false;
  /**
   * Sessions of the shards stopped when it fired (the caller parks them):
   * newer than the store's, Redis being silent; used to resume those shards
   * and written back to the store once a renewal goes through. The caller
   * keeps those of shards it hands over there too, for a lease TTL.
   */
  readonly parked: ParkedSessions = new ParkedSessions();

  /**
   * @param scheduler The timers, with time elapsed on this machine (a
   *   `FleetClock`'s: a wall clock stepped back must not delay the guard,
   *   and its `elapsed` counts a suspend since a renewal was sent).
   * @param times The lease TTL and the renewal period (a `LeaseTimes`).
   * @param fire What to do when it fires (stop every shard), given why:
   *   what no renewal was answered by, for how long; `false` when it
   *   stopped nothing (no shard ran), so that no recovery is said after.
   * @param renew Send a renewal now (one that succeeds arms the guard
   *   again): asked when the guard runs late with the leases not run out.
   */
  constructor(
    scheduler: Scheduler & Partial<Pick<ElapsedScheduler, "elapsed">>,
    times: { readonly ttlMs: number; readonly renewMs: number },
    fire: (why: string, late: boolean) => unknown,
    renew?: () => void,
  ) {
    this.#scheduler = scheduler;
    this.#times = times;
    this.#fire = fire;
    this.#renew = renew;
  }

  /**
   * Until when, on a clock `offset` ahead of the scheduler's, the leases of
   * the last renewal are safe; `undefined` once the guard fired or was
   * disarmed (nothing runs on a renewal then).
   */
  safeUntil(offset: number): number | undefined {
    return this.#armedAt === undefined
      ? undefined
      : this.deadline(this.#armedAt) + offset;
  }

  /**
   * When the leases a renewal sent at `sentAt` renewed stop being safe, on
   * the scheduler's clock as it reads now (a suspend since brings it
   * closer: that clock stopped, the leases' did not).
   */
  deadline(sentAt: number): number {
    return this.#scheduler.now() + this.#left(sentAt, this.#times.renewMs);
  }

  /**
   * How long the leases a renewal sent at `sentAt` renewed have left, less
   * `margin`: counted on the larger of the scheduler's elapsed times (see
   * `FleetClock.elapsed`).
   */
  #left(sentAt: number, margin: number): number {
    return this.#times.ttlMs - margin - this.#elapsed(sentAt);
  }

  /** Milliseconds elapsed since `sentAt`, a suspend counted (see `#left`). */
  #elapsed(sentAt: number): number {
    return this.#scheduler.elapsed?.(sentAt) ?? this.#scheduler.now() - sentAt;
  }

  /**
   * A renewal sent at `sentAt` succeeded: fire at its deadline (at once
   * when past) unless armed again first.
   */
  arm(sentAt: number): void {
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#armedAt = sentAt;
    const armedAt = this.#scheduler.now();
    // The timer's own lateness is what a blocked loop shows: a deadline
    // already past here (a renewal answered late, Redis back after an
    // outage, the machine suspended) fires at once, not the loop's doing.
    // Counted from the deadline, that was read as the loop blocked a minute.
    const left = this.#left(sentAt, this.#times.renewMs);
    if (left > 0 && this.#stopped) {
      // The tick this renewal answered starts them (see FleetShards):
      // said where the stop was, or the last line an operator saw was it.
      this.#stopped = false;
      visible.info(
        "A lease renewal was answered in time again: the shards this process stopped run again (those whose leases it still holds)",
      );
    }
    const delay = Math.max(0, left);
    const after = left > 0
      ? undefined
      : this.#times.ttlMs - this.#times.renewMs - left;
    this.#schedule(
      sentAt,
      this.#times.renewMs,
      () => this.#due(sentAt, armedAt + delay, after),
      delay,
    );
  }

  /** Run `run` in `delay` ms (or at `check()` past `sentAt`'s `margin`). */
  #schedule(
    sentAt: number,
    margin: number,
    run: () => void,
    delay: number,
  ): void {
    const pending: Pending = { sentAt, margin, run };
    this.#pending = pending;
    this.#timer = this.#scheduler.setTimeout(() => {
      if (this.#pending === pending) this.#pending = undefined;
      run();
    }, delay);
  }

  /**
   * Fire now if the guard's deadline is past, without waiting for its
   * timer: asked when a shard is about to connect. Timers run on the
   * monotonic clock, which stops while the machine is suspended: after a
   * minute's suspend with no renewal in flight, the guard's timer and the
   * next tick ran up to a renewal period after the resume, while the leases
   * had expired in Redis and another process had taken the shards; this
   * process's shards, their sockets dead, reconnected by themselves and
   * RESUMEd, taking the sessions back and replaying events delivered
   * already. Cheap (two clock reads): what runs is what the timer would.
   */
  check(): void {
    const pending = this.#pending;
    if (!pending || this.#left(pending.sentAt, pending.margin) > 0) return;
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
    pending.run();
  }

  /**
   * The deadline of a renewal sent at `sentAt` came; its timer was due at
   * `expected`. `answeredAfter`: how long after it was sent the renewal was
   * answered, if its deadline had passed by then.
   */
  #due(sentAt: number, expected: number, answeredAfter?: number): void {
    this.#timer = undefined;
    const now = this.#scheduler.now();
    const blocked = now - expected;
    if (blocked <= BLOCKED_LOOP_MS && answeredAfter === undefined) {
      // Past the deadline by the wall clock only: the machine was
      // suspended (the local clock stopped, the leases' did not) or its
      // clock stepped forward. The leases may be gone: no wait for Redis.
      const jumped = wallClockLead(this.#scheduler, sentAt, now);
      if (jumped > BLOCKED_LOOP_MS) {
        return this.#fired(
          `in time, the wall clock jumped ${jumped} ms ahead of the monotonic one (the machine suspended, or its clock stepped)`,
          true,
        );
      }
      const ms = this.#times.ttlMs - this.#times.renewMs;
      return this.#fired(`by Redis for ${ms} ms`, false);
    }
    // Late, by a blocked loop or by a renewal answered past its deadline
    // (Redis slow, or back after an outage): the leases that renewal set are
    // still good till about `sentAt` + TTL, so renew first rather than stop
    // and resume every shard. A second short of the leases' end: another
    // member may take them as soon as they expire, and its RESUME must not
    // find this one's open.
    const left = this.#left(sentAt, LATE_RENEWAL_MARGIN_MS);
    const renew = left > 0 ? this.#renew : undefined;
    // Stopped already (the guard fired at the deadline): nothing to stop.
    const action = this.#stopped
      ? `renewals answer again: the shards it stopped run again at the next renewal answered in time${
        renew ? " (asked now)" : ""
      }`
      : renew
      ? `renewing now; its shards stop only if no renewal answers within ${left} ms (a second before their leases end)`
      : "its leases may have expired: stopping its shards";
    let why: string;
    const jumped = wallClockLead(this.#scheduler, sentAt, now);
    if (answeredAfter !== undefined && jumped > BLOCKED_LOOP_MS) {
      // Redis may have answered at once: the wall clock moved meanwhile.
      visible.error(
        "The wall clock jumped {jumped} ms ahead of the monotonic one while a lease renewal was in flight (the machine suspended, or its clock stepped); {action}",
        { jumped, action },
      );
      why = `in time, the wall clock jumped ${jumped} ms`;
    } else if (answeredAfter !== undefined) {
      // The timer was set past its deadline: no sign of a blocked loop.
      const after = answeredAfter;
      visible.error(
        "Redis answered a lease renewal after {after} ms, past the {ms} ms the leases allow; {action}",
        { after, ms: this.#times.ttlMs - this.#times.renewMs, action },
      );
      why = `in time, Redis answered after ${after} ms`;
    } else {
      visible.error(
        "This process's event loop was blocked for at least {blocked} ms, or the process was paused (SIGSTOP, a VM pause; a handler doing synchronous work blocks it too: move that to a worker or await between parts): its lease renewals could not run; {action}",
        { blocked, action },
      );
      why =
        `in time, the event loop blocked or the process paused for ${blocked} ms`;
    }
    if (!renew) return this.#fired(why, true);
    // Armed again (clearing this) when the renewal succeeds.
    this.#schedule(sentAt, LATE_RENEWAL_MARGIN_MS, () => {
      this.#timer = undefined;
      this.#fired(why, true);
    }, left);
    renew();
  }

  /** Fired: no start asked before goes on; `why` no renewal was answered. */
  #fired(why: string, late: boolean): void {
    this.#armedAt = undefined;
    this.#pending = undefined;
    this.#epoch++;
    this.#stopped = this.#fire(why, late) !== false;
  }

  /** Fire no more until armed, and let no start asked before go on. */
  disarm(): void {
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
    this.#armedAt = undefined;
    this.#stopped = false; // closing: nothing runs again
    this.#epoch++;
  }

  /**
   * Whether a shard leased by a renewal sent at `sentAt` may connect: until
   * that renewal's deadline, and only while the guard has neither fired nor
   * been disarmed since this was asked.
   */
  startable(sentAt: number): () => boolean {
    const epoch = this.#epoch;
    return () =>
      epoch === this.#epoch && this.#left(sentAt, this.#times.renewMs) > 0;
  }

  /**
   * Write the parked sessions back to `store` (see
   * {@linkcode ParkedSessions.publish}) after a renewal sent at `sentAt`
   * went through, waiting no longer than its leases are safe: a store that
   * does not answer must not hold the renewal's starts past them.
   *
   * @param store The fleet's session store.
   * @param set The running set.
   * @param sentAt When the renewal was sent, on the scheduler's clock.
   * @param fleetNow The time on the fleet's clock, to date the sessions.
   */
  async writeBack(
    store: SessionStore,
    set: ParkedSet,
    sentAt: number,
    fleetNow: number,
  ): Promise<void> {
    const ms = this.#left(sentAt, this.#times.renewMs);
    const written = this.parked.publish(store, set, fleetNow);
    await settlesWithin(this.#scheduler, written, ms);
  }
}
