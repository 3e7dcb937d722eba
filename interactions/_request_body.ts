/**
 * Reading an interaction request's body within the bytes the endpoint holds
 * for every body being read ({@linkcode BodyBudget}): until its signature is
 * checked a body is anyone's, so only bytes that arrived are counted, and a
 * share is kept for small bodies, such as Discord's. Private to the package.
 *
 * @module
 */
import { joinChunks, readBounded } from "../base/read_bounded.ts";
import { ResponseBudget } from "../rest/_response_budget.ts";

/**
 * A body of up to this many bytes is small: Discord's interactions are a
 * few KiB.
 */
const SMALL_BODY = 65_536;

/** A body did not fit in the endpoint's `maxBufferedBodyBytes`. */
export class BodyBudgetSpent extends Error {}

/** One body's claim on a {@linkcode BodyBudget}. */
export interface BodyLease {
  /**
   * Take `bytes` more for the body.
   *
   * @param bytes How many.
   * @throws {BodyBudgetSpent} When they do not fit.
   */
  take(bytes: number): void;
  /** Give back every byte taken (again: nothing happens). */
  release(): void;
}

/**
 * The body bytes an endpoint holds at once, `total` (`maxBufferedBodyBytes`)
 * of them, in two parts. Bodies take their bytes from the shared part,
 * whose oldest body may always grow to `maxBody` (the REST client's
 * {@linkcode ResponseBudget}: refused, never paused). The rest, an eighth
 * (4 MiB of the default 32 MiB), is kept for small bodies (up to 64 KiB)
 * that the shared part refused: their bytes move there (and back, should
 * one grow past 64 KiB and the shared part take it). Slow senders that
 * fill the shared part with large bodies (up to the body deadline) then
 * do not refuse Discord's requests of a few KiB; to take the kept part
 * too, they must send its bytes in small bodies. None is kept when every
 * body is small (`maxBody` up to 64 KiB), nor past `total - maxBody` (a
 * body of `maxBody` must fit in the shared part).
 *
 * @example Small bodies get the kept part
 * ```ts
 * import { BodyBudget, BodyBudgetSpent } from "./_request_body.ts";
 * import assert from "node:assert/strict";
 *
 * const budget = new BodyBudget(800_000, 200_000);
 * // Four bodies of 150,000 fill the shared 700,000 (the oldest may reach
 * // 200,000): a fifth is refused, and a small one goes to the kept 100,000.
 * for (let i = 0; i < 4; i++) budget.lease().take(150_000);
 * assert.throws(() => budget.lease().take(150_000), BodyBudgetSpent);
 * budget.lease().take(60_000);
 * assert.equal(budget.held, 660_000);
 * ```
 */
export class BodyBudget {
  /** The most bytes held at once. */
  readonly total: number;
  readonly #shared: ResponseBudget;
  readonly #kept: ResponseBudget;

  /**
   * Create a budget.
   *
   * @param total The most bytes held at once (at least `maxBody`).
   * @param maxBody The most one body may hold.
   */
  constructor(total: number, maxBody: number) {
    this.total = total;
    const kept = maxBody <= SMALL_BODY
      ? 0
      : Math.min(Math.floor(total / 8), total - maxBody);
    this.#shared = new ResponseBudget(total - kept, maxBody);
    this.#kept = new ResponseBudget(kept, SMALL_BODY);
  }

  /** Bytes held now, across every body. */
  get held(): number {
    return this.#shared.held + this.#kept.held;
  }

  /**
   * A claim for one body; it holds nothing until it takes.
   *
   * @returns The lease.
   */
  lease(): BodyLease {
    const shared = this.#shared.lease();
    const kept = this.#kept.lease();
    let size = 0;
    let moved = false;
    return {
      take: (bytes) => {
        size += bytes;
        try {
          if (!moved) {
            try {
              shared.take(bytes);
              return;
            } catch (error) {
              if (size > SMALL_BODY) throw error;
            }
            kept.take(size);
            shared.release();
            moved = true;
          } else if (size <= SMALL_BODY) {
            kept.take(bytes);
          } else {
            // Past 64 KiB, it may only be held in the shared part again.
            shared.take(size);
            kept.release();
            moved = false;
          }
        } catch {
          throw new BodyBudgetSpent();
        }
      },
      release: () => {
        shared.release();
        kept.release();
      },
    };
  }
}

/**
 * Read a request body, stopping (and cancelling the stream) as soon as it
 * passes `max` bytes: a body without Content-Length cannot make us buffer
 * more than that. Its bytes are taken from `lease` as they arrive; one
 * whose Content-Length says it has bytes takes its first one before a byte
 * is read.
 *
 * @param request The request.
 * @param max The most bytes read.
 * @param signal Ends the read (the body's deadline).
 * @param lease Takes the body's bytes.
 * @param declared The Content-Length (`NaN` or 0 when it does not say).
 * @returns The body, or `undefined` when it passed `max`.
 * @throws {BodyBudgetSpent} When its bytes do not fit in the budget (the
 *   body is cancelled).
 */
export async function readRequestBody(
  request: Request,
  max: number,
  signal: AbortSignal,
  lease: BodyLease,
  declared: number,
): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array();
  // Only bytes that arrived are taken: a Content-Length taken before its
  // bytes came let 32 header-only requests declaring 1 MiB each (no body
  // sent, the signature's format all that is checked) get every other
  // request answered 503, Discord's included, until their body deadline,
  // for a few KB/s of headers. Its first byte is taken up front all the
  // same: when the bodies being read fill the budget, a request is refused
  // before a chunk of it is read into the server's buffers (1,000 slow
  // bodies of 1 MB refused chunk by chunk: 410 MB of RSS; before a byte of
  // them was read: 215 MB).
  let prepaid = Number.isSafeInteger(declared) && declared > 0 ? 1 : 0;
  try {
    if (prepaid > 0) lease.take(prepaid);
  } catch (error) {
    await request.body.cancel().catch(() => {});
    throw error;
  }
  const reserve = (bytes: number): void => {
    const beyond = bytes - prepaid;
    prepaid = Math.max(0, prepaid - bytes);
    if (beyond > 0) lease.take(beyond);
  };
  const read = await readBounded(request.body, max, undefined, signal, reserve);
  return read.type === "read" ? joinChunks(read.chunks, read.size) : undefined;
}
