// One chunk of a batch's writes to Redis, recorded as plain arrays and sent
// as one MULTI/EXEC when its turn comes (see RedisCache's #applyNow).
//
// Chunks, because one GUILD_CREATE can write hundreds of thousands of
// commands (75,000 members and as many presences, three commands each): as
// one pipeline, they were all unanswered at once, so the store's bound on
// unanswered writes dropped the events behind a healthy Redis; and ioredis
// held each queued command at about 1.2 KB (2 KB once sent), measured,
// where the arrays here cost about 200 bytes.
//
// MULTI/EXEC, because the writes of one change (a value's SET and the SADDs
// that list it in `<kind>_keys` and `guild_keys:G`) are separate commands:
// in a plain pipeline, a Redis past its `maxmemory` refused some and took
// others, leaving a value no index lists (kept through a rebuild and a
// GUILD_DELETE) or an index naming a key that is gone. Redis checks memory
// once, at EXEC, for the whole transaction: a chunk is written whole or
// not at all (and then the store goes stale).
import type { RedisConnection } from "../redis/connection.ts";
import { CLEAR_ORPHANED } from "./redis_guarded_writes.ts";

/**
 * Commands a chunk reaches before the store starts the next one (a chunk
 * ends only between changes, so it may pass this by one change's writes).
 * Redis runs a MULTI without serving its other clients: a few thousand
 * commands are a few milliseconds; and it is small beside the bound on
 * unanswered writes (`MAX_UNANSWERED_WRITES`), since a batch has one chunk
 * unanswered at a time.
 */
export const CHUNK_COMMANDS = 5_000;

/** The writes of one chunk, in order, until {@linkcode WriteChunk.send}. */
export class WriteChunk {
  #commands: (string | number)[][] = [];
  /** The key the writes recorded now depend on (see `writesUnder`). */
  #owner: string | undefined;
  /** The owner of `#orphans`, and the keys written under it since. */
  #runOwner: string | undefined;
  #orphans: string[] = [];

  /** Commands recorded (a pending CLEAR_ORPHANED included). */
  get length(): number {
    return this.#commands.length + (this.#orphans.length > 0 ? 1 : 0);
  }

  /** Characters of the string arguments recorded (what they hold). */
  get chars(): number {
    let chars = 0;
    for (const key of this.#orphans) chars += key.length;
    for (const command of this.#commands) {
      for (const arg of command) {
        if (typeof arg === "string") chars += arg.length;
      }
    }
    return chars;
  }

  /**
   * Say that the writes recorded next write `key`, which must not outlive
   * key `owner` (its guild, a message's channel); `undefined` ends them.
   * The chunk follows them with a CLEAR_ORPHANED of `owner`, one for the
   * consecutive writes of one owner: when `owner` is gone by then (removed
   * by another process since it was read), they are taken back (see
   * redis_guarded_writes.ts).
   */
  writesUnder(owner: string | undefined, key?: string): this {
    if (owner !== undefined && owner !== this.#runOwner) this.#clearOrphans();
    this.#owner = owner;
    if (owner !== undefined && key !== undefined) {
      this.#runOwner = owner;
      this.#orphans.push(key);
    }
    return this;
  }

  /** Record the CLEAR_ORPHANED of the run of writes under one owner. */
  #clearOrphans(): void {
    if (this.#orphans.length === 0) return;
    const keys = this.#orphans;
    this.#orphans = [];
    this.#commands.push(["eval", CLEAR_ORPHANED, 1, this.#runOwner!, ...keys]);
  }

  #record(command: (string | number)[]): this {
    // A write under no owner ends the run of the last one.
    if (this.#owner === undefined) this.#clearOrphans();
    this.#commands.push(command);
    return this;
  }

  /** Record `SET key value`. */
  set(key: string, value: string): this {
    return this.#record(["set", key, value]);
  }

  /** Record `SADD key member`. */
  sadd(key: string, member: string): this {
    return this.#record(["sadd", key, member]);
  }

  /** Record `SREM key member`. */
  srem(key: string, member: string): this {
    return this.#record(["srem", key, member]);
  }

  /** Record `DEL key`. */
  del(key: string): this {
    return this.#record(["del", key]);
  }

  /** Record `HSET key field value`. */
  hset(key: string, field: string, value: string): this {
    return this.#record(["hset", key, field, value]);
  }

  /** Record `HSETNX key field value`. */
  hsetnx(key: string, field: string, value: string): this {
    return this.#record(["hsetnx", key, field, value]);
  }

  /** Record `HDEL key field…`. */
  hdel(key: string, ...fields: string[]): this {
    return this.#record(["hdel", key, ...fields]);
  }

  /** Record `EVAL script keys…` (`keys` counted first, then ARGV). */
  eval(script: string, keys: number, ...args: (string | number)[]): this {
    return this.#record(["eval", script, keys, ...args]);
  }

  /**
   * Send the commands as one MULTI/EXEC (then forgotten here: ioredis holds
   * them until answered).
   *
   * @returns What ioredis's `exec` gives: each command's error or result;
   *   rejects when Redis refused the transaction whole (`EXECABORT`, or an
   *   `OOM` at EXEC) or the connection failed.
   */
  send(
    redis: RedisConnection,
  ): Promise<[error: Error | null, result: unknown][] | null> {
    this.#owner = undefined;
    this.#clearOrphans();
    const commands = this.#commands;
    this.#commands = [];
    return redis.multi(commands).exec();
  }
}
