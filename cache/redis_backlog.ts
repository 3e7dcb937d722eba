// What a Redis store holds for a Redis that has not answered yet: the
// dispatches taken and not yet written, and the writes sent and not yet
// answered. Both are bounded: a Redis that is up but slower than the
// gateway (a long script, a saturated server) would otherwise have the
// process hold every event it receives, and every write it makes of them.

/**
 * Dispatches that may wait for Redis at most (taken, their writes not yet
 * answered). Past it the store drops the next ones and says it is stale, as
 * when Redis is down.
 */
export const MAX_WAITING = 20_000;

/**
 * Write commands that may be unanswered at once. Dispatches alone bound
 * nothing: a GUILD_MEMBERS_CHUNK writes up to 1,000 members, and 20,000
 * chunks of only 10 held 1.15 GB (measured) in the client's queue. A
 * dispatch writes at most a few thousand commands (a GUILD_CREATE's
 * members, presences, channels and roles), so a healthy Redis, which
 * answers this many in well under a second, never reaches it.
 */
export const MAX_UNANSWERED_WRITES = 100_000;

/** The store's dispatches and writes in flight, against their bounds. */
export class RedisBacklog {
  #dispatches = 0;
  #writes = 0;

  /** Dispatches taken and not yet answered. */
  get dispatches(): number {
    return this.#dispatches;
  }

  /**
   * Take `count` more dispatches, or say why not (the store then drops
   * them and goes stale).
   *
   * @returns Undefined when taken (counted until {@linkcode done}), or what
   *   Redis is behind on.
   */
  admit(count: number): string | undefined {
    if (this.#dispatches + count > MAX_WAITING) {
      return `${this.#dispatches} dispatches are waiting for it`;
    }
    if (this.#writes > MAX_UNANSWERED_WRITES) {
      return `${this.#writes} writes are unanswered`;
    }
    this.#dispatches += count;
    return undefined;
  }

  /** `count` dispatches taken by {@linkcode admit} were answered. */
  done(count: number): void {
    this.#dispatches -= count;
  }

  /**
   * `commands` writes were sent; they count until `answered` settles.
   * (Watched beside the caller's own chain, which this leaves as it is.)
   */
  sending(commands: number, answered: Promise<unknown>): void {
    this.#writes += commands;
    const release = (): void => void (this.#writes -= commands);
    answered.then(release, release);
  }
}
