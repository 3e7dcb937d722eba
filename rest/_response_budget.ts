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
   * @param signal Ends the wait: the promise rejects with its reason.
   * @returns `undefined` when granted at once, else a promise settled when
   *   granted (or rejected by `signal`).
   */
  take(bytes: number, signal?: AbortSignal): Promise<void> | undefined;
  /** Give back every byte taken (again: nothing happens). */
  release(): void;
}

interface Lease extends ResponseLease {
  held: number;
}

interface Waiter {
  lease: Lease;
  bytes: number;
  resolve: () => void;
}

/**
 * Grants answers bytes up to `total` held at once. The oldest answer being
 * read (the head) may always grow to `perAnswer`: every grant to another
 * one leaves free at least what the head may still need, so the head always
 * finishes, and when it does at least `perAnswer` is free for the next one.
 * Answers waiting on each other can therefore never hold each other for
 * ever. Waiting answers are served in the order they asked, skipping one
 * that does not fit yet (it becomes the head in its turn).
 *
 * @example Two answers under a budget of 150, each up to 100 bytes
 * ```ts
 * import { ResponseBudget } from "./_response_budget.ts";
 * import assert from "node:assert/strict";
 *
 * const budget = new ResponseBudget(150, 100);
 * const first = budget.lease();
 * const second = budget.lease();
 * assert.equal(first.take(90), undefined);
 * // The head may still need 10: only 50 is free for the rest.
 * assert.equal(second.take(50), undefined);
 * const waiting = second.take(10);
 * assert.ok(waiting instanceof Promise);
 * first.release();
 * await waiting;
 * assert.equal(budget.held, 60);
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
  readonly #waiting = new Set<Waiter>();

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
      take: (bytes, signal) => this.#take(lease, bytes, signal),
      release: () => this.#release(lease),
    };
    return lease;
  }

  #take(
    lease: Lease,
    bytes: number,
    signal: AbortSignal | undefined,
  ): Promise<void> | undefined {
    this.#leases.add(lease);
    if (this.#fits(lease, bytes)) {
      this.#grant(lease, bytes);
      return undefined;
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiting.delete(waiter);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        lease,
        bytes,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.add(waiter);
    });
  }

  /** Whether `lease` may take `bytes` now without risking a standstill. */
  #fits(lease: Lease, bytes: number): boolean {
    const head = this.#leases.values().next().value!;
    if (lease === head) return bytes <= this.#free;
    return this.#free - bytes >= this.perAnswer - head.held;
  }

  #grant(lease: Lease, bytes: number): void {
    lease.held += bytes;
    this.#free -= bytes;
  }

  #release(lease: Lease): void {
    if (!this.#leases.delete(lease)) return;
    this.#free += lease.held;
    lease.held = 0;
    for (const waiter of this.#waiting) {
      if (waiter.lease === lease) this.#waiting.delete(waiter);
    }
    for (const waiter of this.#waiting) {
      if (!this.#fits(waiter.lease, waiter.bytes)) continue;
      this.#waiting.delete(waiter);
      this.#grant(waiter.lease, waiter.bytes);
      waiter.resolve();
    }
  }
}
