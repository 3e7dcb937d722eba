/**
 * The frames a fake gateway keeps: a connection's in one direction, a
 * session's dispatches to replay, and the closed connections' logs under
 * one shared budget. Only the most recent ones, so a long run on the fakes
 * (a soak test) does not grow the heap with a record of every frame (nor
 * with a full set per reconnect), nor spend a copy of the whole buffer on
 * each dispatch.
 *
 * @module
 */

/** The last `limit` items pushed, oldest first; `0` keeps none. */
export class FrameLog<T> {
  #items: T[] = [];

  /** @param limit How many of the latest items to keep. */
  constructor(readonly limit: number) {}

  /** Record one item, forgetting the oldest once over the limit. */
  push(item: T): void {
    if (this.limit === 0) return;
    this.#items.push(item);
    // Trimmed only once twice the limit is held: each trim moves `limit`
    // items and comes after `limit` pushes, so a push costs O(1) however
    // large the limit, where a trim per push would move them all each time.
    if (this.#items.length >= 2 * this.limit) {
      this.#items.splice(0, this.#items.length - this.limit);
    }
  }

  /** How many items are kept. */
  get length(): number {
    return Math.min(this.#items.length, this.limit);
  }

  /**
   * Keep only the newest `count` items (at most `limit`), in an array of
   * their own size: what a closed connection holds is trimmed for good.
   *
   * @param count How many of the newest items to keep.
   * @returns How many are kept.
   */
  keepLast(count: number): number {
    const keep = Math.min(count, this.length);
    if (this.#items.length > keep) {
      this.#items = this.#items.slice(this.#items.length - keep);
    }
    return keep;
  }

  /** Forget every item. */
  clear(): void {
    this.#items = [];
  }

  /** The kept items, oldest first (a new array). */
  toArray(): T[] {
    return this.#items.slice(Math.max(0, this.#items.length - this.limit));
  }
}

/** A connection's two logs. */
export interface ConnectionFrames {
  /** What the server sent. */
  readonly sent: FrameLog<unknown>;
  /** What the client sent. */
  readonly received: FrameLog<unknown>;
}

/**
 * The frames closed connections keep: `limit` each way across all of them,
 * spent on the connections closed last (newest frames first); older ones
 * keep fewer, then none. A budget per connection grew the fake by a full
 * set of logs with every reconnect, so a soak on it measured the fake.
 */
export class ClosedFrames {
  /** Closed connections that still hold frames, in the order they closed. */
  #holding: ConnectionFrames[] = [];

  /** @param limit Frames kept each way, across all closed connections. */
  constructor(readonly limit: number) {}

  /** Count a connection that just closed, trimming older ones to fit. */
  add(closed: ConnectionFrames): void {
    this.#holding.push(closed);
    let sent = this.limit;
    let received = this.limit;
    for (let i = this.#holding.length - 1; i >= 0; i--) {
      const logs = this.#holding[i]!;
      sent -= logs.sent.keepLast(sent);
      received -= logs.received.keepLast(received);
    }
    this.#holding = this.#holding.filter((logs) =>
      logs.sent.length + logs.received.length > 0
    );
  }
}
