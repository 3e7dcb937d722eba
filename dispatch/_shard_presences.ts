/**
 * {@linkcode ShardPresences}: the presence updates (op 3) of one handler's
 * shards. Only the latest presence counts, and a shard lets later commands
 * pass one that must wait (5 per 20 s): presences keep no place in their
 * shard's turns (`shard_turns.ts`), so a flood of them holds none of the
 * shard's other commands back, and each shard holds at most two of them,
 * one given to it and the newest one taken after it, waiting here for
 * that one to be written (in the shard's budget of `shard_holds.ts`, or
 * put back when that is full). A presence older than one already taken or put
 * back for its shard is superseded: settled as done at once, as the shard
 * settles one a newer presence replaced, rather than given to the shard or
 * put back at the tail again. A flood of 200 presences, each going round
 * the queue as any command did, held an op 31 published after them for
 * 120 s, and one of 2,000 had the broker publish 3,700 copies a second.
 *
 * @module
 */

/**
 * The presences of one handler's shards.
 *
 * @typeParam T What is kept of a waiting presence.
 */
export class ShardPresences<T> {
  /** The newest presence's turn taken or put back, by shard. */
  readonly #latest = new Map<number, number>();
  /** Shards holding one of this handler's presences, not written yet. */
  readonly #given = new Set<number>();
  /** The newest presence taken while the shard held one, by shard. */
  readonly #waiting = new Map<number, T>();

  /**
   * Whether a presence of the shard is older than one already taken or put
   * back: only the latest counts.
   *
   * @param shard The shard.
   * @param turn The presence's turn.
   * @returns Whether it is superseded.
   */
  superseded(shard: number, turn: number): boolean {
    const latest = this.#latest.get(shard);
    return latest !== undefined && turn < latest;
  }

  /**
   * A presence of the shard is taken or put back: the older ones are
   * superseded.
   *
   * @param shard The shard.
   * @param turn Its turn.
   */
  seen(shard: number, turn: number): void {
    const latest = this.#latest.get(shard);
    if (latest === undefined || turn > latest) this.#latest.set(shard, turn);
  }

  /**
   * Whether the shard holds one of this handler's presences.
   *
   * @param shard The shard.
   * @returns Whether one was given to it and is not settled.
   */
  given(shard: number): boolean {
    return this.#given.has(shard);
  }

  /**
   * A presence is given to the shard, or settled.
   *
   * @param shard The shard.
   * @param given Whether it holds one now.
   */
  setGiven(shard: number, given: boolean): void {
    if (given) this.#given.add(shard);
    else this.#given.delete(shard);
  }

  /**
   * Keep the shard's newest presence until the one it holds is written.
   *
   * @param shard The shard.
   * @param item The presence.
   * @returns The one it replaces (superseded), if any.
   */
  wait(shard: number, item: T): T | undefined {
    const replaced = this.#waiting.get(shard);
    this.#waiting.set(shard, item);
    return replaced;
  }

  /**
   * Take the shard's waiting presence, if any.
   *
   * @param shard The shard.
   * @returns It, or `undefined`.
   */
  take(shard: number): T | undefined {
    const item = this.#waiting.get(shard);
    this.#waiting.delete(shard);
    return item;
  }
}
