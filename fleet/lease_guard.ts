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
import type { SessionStore } from "../gateway/session_store.ts";
import { ParkedSessions, type ParkedSet } from "./parked_sessions.ts";

/**
 * After a renewal sent at `sentAt` succeeds, the leases are safe until
 * `sentAt + ttl` (Redis renewed them after that). The guard fires `renew`
 * before that (the caller stops every shard then, with a renewal period
 * left to close them) unless armed again first by a later renewal.
 */
export class LeaseGuard {
  readonly #scheduler: Scheduler;
  /** Read at each use: a process runs with the fleet's TTL once it knows it. */
  readonly #times: { readonly ttlMs: number; readonly renewMs: number };
  readonly #fire: () => void;
  /** When the renewal the guard is armed for was sent, if it is armed. */
  #armedAt: number | undefined;
  #timer: TimerId | undefined;
  /** Bumped when it fires or is disarmed: starts asked before give up. */
  #epoch = 0;
  /**
   * Sessions of the shards stopped when it fired (the caller parks them):
   * newer than the store's, Redis being silent; used to resume those shards
   * and written back to the store once a renewal goes through. The caller
   * keeps those of shards it hands over there too, for a lease TTL.
   */
  readonly parked: ParkedSessions = new ParkedSessions();

  /**
   * @param scheduler The timers.
   * @param times The lease TTL and the renewal period (a `LeaseTimes`).
   * @param fire What to do when it fires (stop every shard).
   */
  constructor(
    scheduler: Scheduler,
    times: { readonly ttlMs: number; readonly renewMs: number },
    fire: () => void,
  ) {
    this.#scheduler = scheduler;
    this.#times = times;
    this.#fire = fire;
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

  /** When the leases a renewal sent at `sentAt` renewed stop being safe. */
  deadline(sentAt: number): number {
    return sentAt + this.#times.ttlMs - this.#times.renewMs;
  }

  /**
   * A renewal sent at `sentAt` succeeded: fire at its deadline (at once
   * when past) unless armed again first.
   */
  arm(sentAt: number): void {
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#armedAt = sentAt;
    this.#timer = this.#scheduler.setTimeout(() => {
      this.#timer = undefined;
      this.#armedAt = undefined;
      this.#epoch++;
      this.#fire();
    }, this.deadline(sentAt) - this.#scheduler.now());
  }

  /** Fire no more until armed, and let no start asked before go on. */
  disarm(): void {
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = undefined;
    this.#epoch++;
  }

  /**
   * Whether a shard leased by a renewal sent at `sentAt` may connect: until
   * that renewal's deadline, and only while the guard has neither fired nor
   * been disarmed since this was asked.
   */
  startable(sentAt: number): () => boolean {
    const epoch = this.#epoch;
    const until = this.deadline(sentAt);
    return () => epoch === this.#epoch && this.#scheduler.now() < until;
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
    const ms = this.deadline(sentAt) - this.#scheduler.now();
    const written = this.parked.publish(store, set, fleetNow);
    await settlesWithin(this.#scheduler, written, ms);
  }
}
