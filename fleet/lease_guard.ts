/**
 * {@linkcode LeaseGuard}: when a `FleetShards` process must stop its
 * shards because no lease renewal was answered, and whether a shard a tick
 * is still starting may connect on that tick's lease.
 *
 * @module
 */
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import type { SavedSession } from "../gateway/session_store.ts";

/**
 * After a renewal sent at `sentAt` succeeds, the leases are safe until
 * `sentAt + ttl` (Redis renewed them after that). The guard fires `renew`
 * before that (the caller stops every shard then, with a renewal period
 * left to close them) unless armed again first by a later renewal.
 */
export class LeaseGuard {
  readonly #scheduler: Scheduler;
  readonly #ttlMs: number;
  readonly #renewMs: number;
  readonly #fire: () => void;
  #timer: TimerId | undefined;
  /** Bumped when it fires or is disarmed: starts asked before give up. */
  #epoch = 0;
  /**
   * Sessions of the shards stopped when it fired (the caller keeps them):
   * newer than the store's, Redis being silent; used to resume those
   * shards when a renewal turns out to have kept their leases.
   */
  #parked: { of: unknown; sessions: Map<number, SavedSession> } | undefined;

  /**
   * @param scheduler The timers.
   * @param ttlMs The lease TTL.
   * @param renewMs The renewal period.
   * @param fire What to do when it fires (stop every shard).
   */
  constructor(
    scheduler: Scheduler,
    ttlMs: number,
    renewMs: number,
    fire: () => void,
  ) {
    this.#scheduler = scheduler;
    this.#ttlMs = ttlMs;
    this.#renewMs = renewMs;
    this.#fire = fire;
  }

  /** When the leases a renewal sent at `sentAt` renewed stop being safe. */
  deadline(sentAt: number): number {
    return sentAt + this.#ttlMs - this.#renewMs;
  }

  /**
   * A renewal sent at `sentAt` succeeded: fire at its deadline (at once
   * when past) unless armed again first.
   */
  arm(sentAt: number): void {
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = this.#scheduler.setTimeout(() => {
      this.#timer = undefined;
      this.#epoch++;
      this.#fire();
    }, this.deadline(sentAt) - this.#scheduler.now());
  }

  /** Fire no more until armed, and let no start asked before go on. */
  disarm(): void {
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
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

  /** Sessions parked for `of` (see `parkFor`), or none. */
  parkedFor(of: unknown): ReadonlyMap<number, SavedSession> | undefined {
    const parked = this.#parked;
    return parked && parked.of === of ? parked.sessions : undefined;
  }

  /** The map to park `of`'s sessions in (a new one for another `of`). */
  parkFor(of: unknown): Map<number, SavedSession> {
    let parked = this.#parked;
    if (!parked || parked.of !== of) {
      parked = this.#parked = { of, sessions: new Map() };
    }
    return parked.sessions;
  }
}
