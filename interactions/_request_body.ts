/**
 * Reading an interaction request's body within the bytes the endpoint holds
 * for every body being read ({@linkcode BodyBudget}): until its signature is
 * checked a body is anyone's, so only bytes that arrived are counted, a
 * share is kept for small bodies, such as Discord's, and the bodies read at
 * once are counted too ({@linkcode MAX_BODY_READS}). Private to the package.
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

/**
 * The most bodies read at once. Each pending read of a Deno request body
 * holds buffers (about 64 KiB, plus the HTTP server's) that no byte count
 * sees: 2,000 connections each sending 1 byte of a declared 1 MB and
 * stalling took the process (56 MB idle) to 461 MB of RSS while their
 * bytes held 2 KB (4,000: 779 MB), about 200 KB a read; a connection
 * refused before its body is read costs little (4,000 answered 401 so:
 * 94 MB). With at most 1,024 read, the same 2,000 peaked at 301 MB and
 * 4,000 at 367 MB: the reads hold some 200 MB at most. Fewer would let
 * fewer idle connections (1,024 per body deadline, a few hundred bytes of
 * headers each) get every other request answered 503. Stopping the oldest
 * read for a new one instead did not bound memory (the new one's read had
 * begun: 359 MB for 2,000 with 16 at once).
 */
export const MAX_BODY_READS = 1024;

/** A body did not fit in the endpoint's `maxBufferedBodyBytes`. */
export class BodyBudgetSpent extends Error {}

/** A body came while {@linkcode MAX_BODY_READS} others were being read. */
export class BodyReadsFull extends BodyBudgetSpent {}

/** One body's claim on a {@linkcode BodyBudget}. */
export interface BodyLease {
  /**
   * Take `bytes` more for the body.
   *
   * @param bytes How many.
   * @throws {BodyBudgetSpent} When they do not fit.
   */
  take(bytes: number): void;
  /**
   * Count the body among those being read (again: nothing happens).
   *
   * @throws {BodyReadsFull} When `maxReads` are.
   */
  open(): void;
  /** Give back every byte taken, and its place among the reads (again: nothing happens). */
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
  /** The most bodies read at once. */
  readonly maxReads: number;
  readonly #shared: ResponseBudget;
  readonly #kept: ResponseBudget;
  #reading = 0;

  /**
   * Create a budget.
   *
   * @param total The most bytes held at once (at least `maxBody`).
   * @param maxBody The most one body may hold.
   * @param maxReads The most bodies read at once.
   */
  constructor(total: number, maxBody: number, maxReads = MAX_BODY_READS) {
    this.total = total;
    this.maxReads = maxReads;
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

  /** How many bodies are being read (their leases opened, not released). */
  get reading(): number {
    return this.#reading;
  }

  /**
   * A claim for one body; it holds nothing until it opens or takes.
   *
   * @returns The lease.
   */
  lease(): BodyLease {
    const shared = this.#shared.lease();
    const kept = this.#kept.lease();
    let size = 0;
    let moved = false;
    let opened = false;
    return {
      open: () => {
        if (opened) return;
        if (this.#reading >= this.maxReads) throw new BodyReadsFull();
        this.#reading++;
        opened = true;
      },
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
        if (opened) this.#reading--;
        opened = false;
      },
    };
  }
}

/**
 * Read a request body, stopping (and cancelling the stream) as soon as it
 * passes `max` bytes: a body without Content-Length cannot make us buffer
 * more than that. It is counted among the bodies being read (`lease` is
 * opened), and its bytes are taken from `lease` as they arrive; one whose
 * Content-Length says it has bytes takes its first one before a byte is
 * read.
 *
 * @param request The request.
 * @param max The most bytes read.
 * @param signal Ends the read (the body's deadline).
 * @param lease Takes the body's bytes.
 * @param declared The Content-Length (`NaN` or 0 when it does not say).
 * @returns The body, or `undefined` when it passed `max`.
 * @throws {BodyBudgetSpent} When its bytes do not fit in the budget, or
 *   (a {@linkcode BodyReadsFull}) it comes while the most bodies are being
 *   read (the body is cancelled; before a byte of it is read).
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
    lease.open();
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
