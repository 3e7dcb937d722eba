/**
 * {@linkcode ResponseBudget}: the body bytes one `RestClient` holds at once
 * across every answer being read or parsed. A cap per answer bounds one
 * answer, not how many are read together: 16 answers of 32 MiB of
 * `[[],[],…]` read at once took the process out of memory. Private to the
 * package.
 *
 * @module
 */

/** One answer's claim on a {@linkcode ResponseBudget}. */
export interface ResponseLease {
  /**
   * Take `bytes` more for this answer.
   *
   * @param bytes How many.
   * @throws {Error} When they do not fit: the answer stops being read.
   */
  take(bytes: number): void;
  /** Give back every byte taken (again: nothing happens). */
  release(): void;
}

interface Lease extends ResponseLease {
  held: number;
}

/**
 * Grants answers bytes up to `total` held at once. The oldest answer being
 * read (the head) may always grow to `perAnswer`: a grant to another one
 * leaves free at least what the head may still need. An answer that does
 * not fit is refused at once, never paused: over HTTP/2 every answer shares
 * one connection, and the body of a paused answer filled its flow-control
 * window, so the answers it waited for got no more data and all of them
 * waited until their timeout.
 *
 * @example Two answers under a budget of 150, each up to 100 bytes
 * ```ts
 * import { ResponseBudget } from "./_response_budget.ts";
 * import assert from "node:assert/strict";
 *
 * const budget = new ResponseBudget(150, 100);
 * const first = budget.lease();
 * const second = budget.lease();
 * first.take(90);
 * // The head may still need 10: only 50 is free for the rest.
 * second.take(50);
 * assert.throws(() => second.take(10), /maxBufferedResponseBytes/);
 * first.release();
 * assert.equal(budget.held, 50);
 * ```
 */
export class ResponseBudget {
  /** The most bytes held at once. */
  readonly total: number;
  /** The most bytes one answer may hold (at most `total`). */
  readonly perAnswer: number;
  #free: number;
  /** Answers holding or asking for bytes, oldest (the head) first. */
  readonly #leases = new Set<Lease>();

  /**
   * Create a budget.
   *
   * @param total The most bytes held at once.
   * @param perAnswer The most one answer may hold; cut to `total`.
   */
  constructor(total: number, perAnswer: number) {
    this.total = total;
    this.perAnswer = Math.min(perAnswer, total);
    this.#free = total;
  }

  /** Bytes held now, across every answer. */
  get held(): number {
    return this.total - this.#free;
  }

  /**
   * A claim for one answer; it holds nothing until it takes.
   *
   * @returns The lease.
   */
  lease(): ResponseLease {
    const lease: Lease = {
      held: 0,
      take: (bytes) => this.#take(lease, bytes),
      release: () => this.#release(lease),
    };
    return lease;
  }

  #take(lease: Lease, bytes: number): void {
    this.#leases.add(lease);
    if (!this.#fits(lease, bytes)) {
      throw new Error(
        `The answers being read at once would hold more than maxBufferedResponseBytes (${this.total} bytes), so this one stopped being read`,
      );
    }
    lease.held += bytes;
    this.#free -= bytes;
  }

  /** Whether `lease` may take `bytes` now, leaving the head its room. */
  #fits(lease: Lease, bytes: number): boolean {
    const head = this.#leases.values().next().value!;
    if (lease === head) return bytes <= this.#free;
    return this.#free - bytes >= this.perAnswer - head.held;
  }

  #release(lease: Lease): void {
    if (!this.#leases.delete(lease)) return;
    this.#free += lease.held;
    lease.held = 0;
  }
}
