// What a Redis store holds for a Redis that has not answered yet: the
// dispatches taken and not yet written, and the writes sent and not yet
// answered. Both are bounded: a Redis that is up but slower than the
// gateway (a long script, a saturated server) would otherwise have the
// process hold every event it receives, and every write it makes of them.

import type { CacheUpdate } from "./changes.ts";

/**
 * Dispatches that may wait for Redis at most (taken, their writes not yet
 * answered). Past it the store drops the next ones and says it is stale, as
 * when Redis is down.
 */
export const MAX_WAITING = 20_000;

/**
 * Entities the dispatches waiting to be read and reduced may carry at most
 * (each dispatch counts one, plus the length of each array at its top: a
 * GUILD_CREATE's members, presences and channels, a chunk's members, a bulk
 * delete's ids); once a batch is reduced, its writes are what it weighs,
 * bounded by {@linkcode MAX_UNANSWERED_WRITES}. The dispatch count alone
 * bounds nothing: 2,000 GUILD_CREATEs of 1,000 members each, waiting behind
 * a read Redis had not answered, held 420 MB of heap (measured), and 20,000
 * would have been allowed. Discord's largest GUILD_CREATEs carry about
 * 150,000 (75,000 members and as many presences): a READY's burst of three
 * arriving together, before the first is reduced, is taken, where 100,000
 * dropped the third on a healthy Redis. A Redis that never answers holds
 * this many at most, about 105 MB of parsed dispatches (210 bytes each,
 * measured), beside the one batch whose writes it stopped answering.
 */
export const MAX_WAITING_ENTITIES = 500_000;

/**
 * Write commands that may be unanswered at once. Dispatches alone bound
 * nothing: a GUILD_MEMBERS_CHUNK writes up to 1,000 members, and 20,000
 * chunks of only 10 held 1.15 GB (measured) in the client's queue. A
 * batch's writes go a chunk at a time (`CHUNK_COMMANDS`, a few thousand
 * commands), the next once the one before is answered: a GUILD_CREATE of
 * 150,000 entities writes about 450,000 commands, but a healthy Redis,
 * which answers a chunk in milliseconds, never has this many unanswered;
 * one that has stopped answering reaches it with many batches.
 */
export const MAX_UNANSWERED_WRITES = 100_000;

/** A call of `RedisCache.applyBatch` waiting for its turn. */
export interface Waiting {
  dispatches: readonly { event: string; data: unknown }[];
  /** What the dispatches weigh ({@linkcode entitiesOf}). */
  entities: number;
  /** The call's number (see `RedisStaleness.admit`). */
  admitted: number;
  resolve: (updates: CacheUpdate[]) => void;
}

/** The store's dispatches and writes in flight, against their bounds. */
export class RedisBacklog {
  #dispatches = 0;
  #entities = 0;
  #writes = 0;

  /** Dispatches taken and not yet answered. */
  get dispatches(): number {
    return this.#dispatches;
  }

  /**
   * Take `count` more dispatches carrying `entities` (see
   * {@linkcode entitiesOf}), or say why not (the store then drops them and
   * goes stale). Past the bounds on dispatches and entities, a call is
   * still taken when none waits, whatever it carries: the largest guild, or
   * the largest batch, is not dropped for being large.
   *
   * @returns Undefined when taken (its entities counted until
   *   {@linkcode reduced}, its dispatches until {@linkcode done}), or what
   *   Redis is behind on.
   */
  admit(count: number, entities: number): string | undefined {
    // As for entities: a call when none waits is taken, however many
    // dispatches it brings (README: "however large"); refused, it was
    // dropped on an idle, healthy Redis and the cache said it was stale.
    if (this.#dispatches > 0 && this.#dispatches + count > MAX_WAITING) {
      return `${this.#dispatches} dispatches are waiting for it`;
    }
    if (
      this.#entities > 0 && this.#entities + entities > MAX_WAITING_ENTITIES
    ) {
      return `${this.#dispatches} dispatches of ${this.#entities} entities are waiting for it`;
    }
    if (this.#writes > MAX_UNANSWERED_WRITES) {
      return `${this.#writes} writes are unanswered`;
    }
    this.#dispatches += count;
    this.#entities += entities;
    return undefined;
  }

  /**
   * Dispatches carrying `entities` taken by {@linkcode admit} were reduced:
   * their writes are made (and bounded as they are sent, see
   * {@linkcode sending}).
   */
  reduced(entities: number): void {
    this.#entities -= entities;
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

/**
 * What `dispatches` weigh against {@linkcode MAX_WAITING_ENTITIES}: one
 * each, plus the length of each array at the top of its data. Cheap (the
 * top-level fields only), and what decides both the heap a parsed dispatch
 * holds and the writes it makes.
 */
export function entitiesOf(
  dispatches: readonly { data: unknown }[],
): number {
  let entities = dispatches.length;
  for (const { data } of dispatches) {
    if (typeof data !== "object" || data === null) continue;
    try {
      for (const key in data) {
        const value = (data as Record<string, unknown>)[key];
        if (Array.isArray(value)) entities += value.length;
      }
    } catch {
      // A payload with a throwing getter: the core reports it when it
      // reads it; here it weighs what was counted.
    }
  }
  return entities;
}
