/**
 * {@linkcode LeaseTimes}: the lease TTL a `FleetShards` process runs with,
 * the fleet's (stored in Redis with its shard count, see
 * `generation_seed.ts`) rather than its own option, and the renewal period
 * that goes with it.
 *
 * Every process reads another's leases and memberships with its own TTL: an
 * expiry further ahead than twice that TTL counts as a ghost. With
 * different options (a rolling config change, one deployment's typo), a
 * process with a TTL under half another's took that one's running shards,
 * and one with the longer TTL had its membership dropped by the other, so
 * the fair share counted it out. Rejoin graces, the reshard barrier and the
 * claims of the duplicate filter assume one TTL too. So the TTL is the
 * fleet's: a process whose option differs runs with the fleet's, and says
 * so on stderr. It does not refuse to start: in a rolling change the new
 * processes would then never start while an old one runs, and an operator
 * would have to stop the whole fleet to deploy a value they may not even
 * have meant to change. The fleet's TTL changes once no process of it is
 * live (the first to start then stores its own), or by hand in Redis.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";

const logger = getLogger(["disruption", "fleet"]);
/** A process not running with its own option is for an operator to see. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/** `FleetShards`' lease TTL when `leaseTtlMs` is not given, in ms. */
export const DEFAULT_LEASE_TTL_MS = 15_000;

/**
 * One process's lease timings, shared by reference with the parts that
 * read them at each use (leases, guard, generation): changed only by
 * {@linkcode LeaseTimes.adopt}.
 */
export class LeaseTimes {
  /** The process's own `leaseTtlMs`. */
  readonly configuredMs: number;
  /** The process's own `renewMs`, when given. */
  readonly #renewOption: number | undefined;
  #ttlMs: number;
  /** The fleet TTL last said to differ from the option, if any. */
  #said: number | undefined;

  /**
   * @param ttlMs The process's `leaseTtlMs` ({@linkcode DEFAULT_LEASE_TTL_MS}
   *   when not given).
   * @param renewMs The process's `renewMs`, when given.
   */
  constructor(ttlMs = DEFAULT_LEASE_TTL_MS, renewMs?: number) {
    this.configuredMs = ttlMs;
    this.#renewOption = renewMs;
    this.#ttlMs = ttlMs;
  }

  /** The lease TTL the process runs with, in ms. */
  get ttlMs(): number {
    return this.#ttlMs;
  }

  /**
   * The renewal period: the option, but at most a third of the TTL run
   * with (a shorter fleet TTL would otherwise expire between renewals);
   * a third of it when not given.
   */
  get renewMs(): number {
    const third = this.#ttlMs / 3;
    return this.#renewOption === undefined
      ? third
      : Math.min(this.#renewOption, third);
  }

  /**
   * Run with the fleet's TTL from now on (the next renewal writes it).
   *
   * @param fleetTtlMs The TTL stored in Redis.
   * @param where Where it is stored, for the warning.
   */
  adopt(fleetTtlMs: number, where: string): void {
    this.#ttlMs = fleetTtlMs;
    if (fleetTtlMs === this.configuredMs) {
      if (this.#said !== undefined) {
        logger.info("Running with this process's leaseTtlMs again ({ttl})", {
          ttl: fleetTtlMs,
        });
      }
      this.#said = undefined;
      return;
    }
    if (this.#said === fleetTtlMs) return;
    this.#said = fleetTtlMs;
    visible.warn(
      "This process's leaseTtlMs ({configured}) differs from the fleet's ({ttl} ms, in Redis at {where}, field lease_ttl): running with the fleet's (renewing every {renew} ms), as processes with different TTLs take each other's leases; the fleet's changes once none of its processes is live (stop them all, then start them with the new value)",
      {
        configured: this.configuredMs,
        ttl: fleetTtlMs,
        where,
        renew: this.renewMs,
      },
    );
  }
}
