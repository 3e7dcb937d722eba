// What a Redis store holds for a Redis that has not answered yet: the
// dispatches taken and not yet written, and the writes sent and not yet
// answered. Both are bounded, by count and by size: a Redis that is up but
// slower than the gateway (a long script, a saturated server, a process
// stopped with its connection still open) would otherwise have the process
// hold every event it receives, and every write it makes of them.

import type { RedisConnection } from "../redis/connection.ts";
import type { CacheUpdate } from "./changes.ts";
import type { WriteChunk } from "./redis_write_chunk.ts";

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
 * Characters the strings of the dispatches waiting to be read and reduced
 * may hold at most ({@linkcode charsOf}), beside
 * {@linkcode MAX_WAITING_ENTITIES}, which bounds their objects, not how
 * long their strings are. A message may carry 4,000 characters of content
 * and 6,000 of embeds (the store keeps up to 4 times that): 20,000
 * MESSAGE_CREATEs of 8,100 CJK characters, behind a Redis stopped (SIGSTOP:
 * its connection still "ready", nothing fails fast), held 355 MB of heap,
 * and of 80,000 characters 3.2 GB (measured). Under this bound they held
 * 142 MB and 130 MB (measured): a character outside Latin-1 costs V8 two
 * bytes. Discord's largest GUILD_CREATE (75,000 members and as many
 * presences) holds about 17 million: a READY's burst of three is taken.
 */
export const MAX_WAITING_CHARS = 64_000_000;

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

/**
 * Characters the arguments of the write commands unanswered at once may
 * hold at most (values, keys, scripts), beside
 * {@linkcode MAX_UNANSWERED_WRITES}: a command holds what it writes, up to
 * 1 MiB a value. Until answered, a write keeps its batch's dispatches and
 * changes too. Reads answered and writes never, messages of 8,100 CJK
 * characters held 208 MB of heap at 100,000 commands, and 3,000 of 80,000
 * characters 489 MB (the bound on commands not reached); under this bound
 * 56 MB and 64 MB (measured, beside the client's copy of them, encoded).
 */
export const MAX_UNANSWERED_CHARS = 32_000_000;

/** A call of `RedisCache.applyBatch` waiting for its turn. */
export interface Waiting extends Weight {
  dispatches: readonly { event: string; data: unknown }[];
  /** The call's number (see `RedisStaleness.admit`). */
  admitted: number;
  resolve: (updates: CacheUpdate[]) => void;
}

/** The store's dispatches and writes in flight, against their bounds. */
export class RedisBacklog {
  #dispatches = 0;
  #entities = 0;
  #chars = 0;
  #writes = 0;
  #writeChars = 0;

  /** Dispatches taken and not yet answered. */
  get dispatches(): number {
    return this.#dispatches;
  }

  /**
   * Take `count` more dispatches carrying `entities` (see
   * {@linkcode entitiesOf}) and `chars` (see {@linkcode charsOf}), or say
   * why not (the store then drops them and goes stale). Past the bounds on
   * dispatches, entities and characters, a call is still taken when none
   * waits, whatever it carries: the largest guild, or the largest batch, is
   * not dropped for being large.
   *
   * @returns Undefined when taken (its entities and characters counted
   *   until {@linkcode reduced}, its dispatches until {@linkcode done}), or
   *   what Redis is behind on.
   */
  admit(count: number, entities: number, chars = 0): string | undefined {
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
    if (this.#chars > 0 && this.#chars + chars > MAX_WAITING_CHARS) {
      return `${this.#dispatches} dispatches of ${this.#chars} characters are waiting for it`;
    }
    if (this.#writes > MAX_UNANSWERED_WRITES) {
      return `${this.#writes} writes are unanswered`;
    }
    if (this.#writeChars > MAX_UNANSWERED_CHARS) {
      return `${this.#writes} writes of ${this.#writeChars} characters are unanswered`;
    }
    this.#dispatches += count;
    this.#entities += entities;
    this.#chars += chars;
    return undefined;
  }

  /**
   * Dispatches carrying `entities` and `chars` taken by {@linkcode admit}
   * were reduced: their writes are made (and bounded as they are sent, see
   * {@linkcode send}).
   */
  reduced(entities: number, chars = 0): void {
    this.#entities -= entities;
    this.#chars -= chars;
  }

  /** `count` dispatches taken by {@linkcode admit} were answered. */
  done(count: number): void {
    this.#dispatches -= count;
  }

  /**
   * Send `chunk` on `redis` ({@linkcode WriteChunk.send}); its commands and
   * the characters of their arguments count until it is answered.
   * (Watched beside the caller's own chain, which this leaves as it is.)
   */
  send(chunk: WriteChunk, redis: RedisConnection): ReturnType<
    WriteChunk["send"]
  > {
    const commands = chunk.length;
    const chars = chunk.chars;
    const answered = chunk.send(redis);
    this.#writes += commands;
    this.#writeChars += chars;
    const release = (): void => {
      this.#writes -= commands;
      this.#writeChars -= chars;
    };
    answered.then(release, release);
    return answered;
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

/** What a call weighs while it waits (see {@linkcode RedisBacklog.admit}). */
export interface Weight {
  /** See {@linkcode entitiesOf}. */
  entities: number;
  /** See {@linkcode charsOf}. */
  chars: number;
}

/** What `dispatches` weigh while they wait: their entities and characters. */
export function weigh(dispatches: readonly { data: unknown }[]): Weight {
  return { entities: entitiesOf(dispatches), chars: charsOf(dispatches) };
}

/**
 * Objects {@linkcode charsOf} looks into at most: far more than Discord's
 * largest GUILD_CREATE holds (under a million: 75,000 members and as many
 * presences, their users and activities; walked in 30 to 60 ms, a tenth of
 * its `JSON.parse`, measured), and a bound on the walk of a payload that
 * refers to itself.
 */
const MAX_WEIGHED_OBJECTS = 4_000_000;

/**
 * What the strings of `dispatches` weigh against
 * {@linkcode MAX_WAITING_CHARS}: the length of every string in their data,
 * at any depth (property names aside: the parser shares them). Walked
 * without recursion, so no depth of nesting throws; a payload past
 * `MAX_WEIGHED_OBJECTS` objects (one referring to itself) weighs the bound
 * whole: taken only when nothing else waits.
 */
export function charsOf(dispatches: readonly { data: unknown }[]): number {
  let chars = 0;
  let objects = 0;
  const stack: object[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "string") chars += value.length;
    else if (typeof value === "object" && value !== null) {
      objects++;
      stack.push(value);
    }
  };
  for (const { data } of dispatches) visit(data);
  for (let value; (value = stack.pop()) !== undefined;) {
    if (objects > MAX_WEIGHED_OBJECTS) {
      return Math.max(chars, MAX_WAITING_CHARS);
    }
    try {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) visit(value[i]);
      } else {
        for (const key in value) {
          visit((value as Record<string, unknown>)[key]);
        }
      }
    } catch {
      // A payload with a throwing getter: the core reports it when it
      // reads it; here it weighs what was counted.
    }
  }
  return chars;
}
