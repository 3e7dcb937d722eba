// How long this process's Redis round trips take, for RedisIdentifyQueue
// (redis/identify_queue.ts). Private to the queue.
//
// Grants are spaced on Redis's clock, but an IDENTIFY leaves when its grant
// reaches the process: after a grant to a process far from Redis, a grant
// to a near one arrives relatively early (450 ms away, then 50 ms away: the
// IDENTIFYs reached a strict gateway 4,953 ms apart, and the later one was
// refused). Each attempt therefore tells the script how long this process's
// recent round trips took, and a grant holds its bucket that much longer:
// the grant's way back is at most a round trip.
import type { Scheduler } from "../base/scheduler.ts";
import { isRedisReply } from "./connection.ts";

/**
 * The most a grant's round trip adds to its bucket's interval: one absurd
 * measure (a stalled network, a frozen Redis) holds a bucket at most this
 * much longer.
 */
export const MAX_ROUND_TRIP_MS = 5_000;

/** How many of the latest round trips count. */
const KEPT = 8;
/**
 * How long a round trip counts, in ms: one slow reply (a Redis hiccup, a
 * reconnect) held every grant of the next 8 attempts 5 s longer, however
 * long after; now at most for this long.
 */
export const ROUND_TRIP_COUNTS_MS = 30_000;

/**
 * The longest of this process's latest {@linkcode KEPT} round trips to
 * Redis measured within {@linkcode ROUND_TRIP_COUNTS_MS}, on the queue's
 * scheduler (the latest one when none is that recent).
 */
export class RoundTrips {
  readonly #scheduler: Scheduler;
  /** The latest round trips (ms, and when measured), oldest first. */
  readonly #latest: { ms: number; at: number }[] = [];
  /** The first measure in progress, shared by every waiter. */
  #first: Promise<void> | undefined;

  /**
   * Measure on `scheduler`'s clock.
   *
   * @param scheduler The queue's scheduler.
   */
  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler;
  }

  /**
   * The longest recent round trip in ms, at most
   * {@linkcode MAX_ROUND_TRIP_MS} (0 before any).
   */
  get longest(): number {
    const since = this.#scheduler.now() - ROUND_TRIP_COUNTS_MS;
    let longest = this.#latest.at(-1)?.ms ?? 0;
    for (const { ms, at } of this.#latest) {
      if (at >= since && ms > longest) longest = ms;
    }
    return Math.min(longest, MAX_ROUND_TRIP_MS);
  }

  /**
   * Measure one round trip with `probe` (a PING) when none was measured
   * yet: the first attempt of a process may be granted, and its grant must
   * already count the way back. An error reply measures it as well as any
   * (a user whose ACL refuses PING never had its scripts tried).
   *
   * @param probe Sends a command and resolves with its reply.
   * @returns A promise that resolves once a round trip is known, or rejects
   * as `probe` when no reply came (the connection failed).
   */
  ready(probe: () => Promise<unknown>): Promise<void> {
    if (this.#latest.length > 0) return Promise.resolve();
    this.#first ??= this.time(probe).then(() => {}, (error: unknown) => {
      if (!isRedisReply(error)) throw error;
    }).finally(() => {
      this.#first = undefined;
    });
    return this.#first;
  }

  /**
   * Send with `send` and note how long its reply took (an error reply too:
   * Redis answered; not a failed connection, which says nothing of the way
   * back of a grant).
   *
   * @param send Sends a command and resolves with its reply.
   * @returns A promise that settles as `send`'s.
   */
  async time<T>(send: () => Promise<T>): Promise<T> {
    const sentAt = this.#scheduler.now();
    try {
      const reply = await send();
      this.#note(sentAt);
      return reply;
    } catch (error) {
      if (isRedisReply(error)) this.#note(sentAt);
      throw error;
    }
  }

  #note(sentAt: number): void {
    const at = this.#scheduler.now();
    this.#latest.push({ ms: Math.max(0, at - sentAt), at });
    if (this.#latest.length > KEPT) this.#latest.shift();
  }
}
