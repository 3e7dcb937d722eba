// Expiry of cached members and messages in Redis, in twilight-dispatch's
// form (`expiry_keys` holds each key's time as its expiry job writes it), so
// either program's sweep removes what the other wrote.
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { luaNow } from "../redis/lua_now.ts";
import { CHUNK } from "./redis_chunks.ts";
import { SWEEP } from "./redis_scripts.ts";
import { UNGUILDED_KEY } from "./redis_unguilded.ts";
import type { WriteChunk } from "./redis_write_chunk.ts";

/** Seconds members and messages are kept, each optional. */
type Ttl = { members?: number; messages?: number };

/** Where the entries' writes are recorded: a batch's write chunk. */
type Writes = Pick<WriteChunk, "hset" | "hsetnx" | "hdel">;

/**
 * The events whose write of a message starts its time again, as in
 * twilight-dispatch (its src/cache.rs records a message's expiry on
 * MESSAGE_CREATE and MESSAGE_UPDATE only): a reaction or a poll vote
 * rewrites the message, and a message reacted to every few minutes would
 * otherwise never expire.
 */
const MESSAGE_WRITES: ReadonlySet<string> = new Set([
  "MESSAGE_CREATE",
  "MESSAGE_UPDATE",
]);

/**
 * What the writes of one batch of members and messages do to their
 * `expiry_keys` entries: with a TTL for the kind, each write records its
 * time (a message's only on its create or update, see
 * {@linkcode MESSAGE_WRITES}; its other writes keep the time it has, and
 * give one only to a message without); without one, the entry a key may
 * hold is removed, or the sweep would remove the key by it: entries a run
 * with a TTL left, or twilight-dispatch, which records one for every
 * member. Those removals are HDELs at the end of each write chunk,
 * not one command more per write, as this store cannot tell which keys
 * have an entry without reading them.
 */
export class ExpiryWrites {
  readonly #ttl: Ttl;
  readonly #now: number;
  /** Keys written without a TTL, whose entries the chunk removes last. */
  readonly #unexpiring: string[] = [];

  /**
   * @param ttl The store's TTLs.
   * @param now The time of the writes, in ms since the epoch.
   */
  constructor(ttl: Ttl, now: number) {
    this.#ttl = ttl;
    this.#now = now;
  }

  /**
   * Queue what writing member or message `key` does to its entry.
   *
   * @param writes The chunk the write is in.
   * @param kind The key's kind.
   * @param key The key written.
   * @param event The dispatch whose change it is.
   */
  wrote(
    writes: Writes,
    kind: "member" | "message",
    key: string,
    event: string,
  ): void {
    const ttl = kind === "member" ? this.#ttl.members : this.#ttl.messages;
    if (ttl === undefined) {
      this.#unexpiring.push(key);
      return;
    }
    const time = expiryTime(this.#now + ttl * 1000);
    if (kind === "message" && !MESSAGE_WRITES.has(event)) {
      writes.hsetnx("expiry_keys", key, time);
    } else writes.hset("expiry_keys", key, time);
  }

  /** Queue, last in `writes`, the removals of the entries it needs. */
  endChunk(writes: Writes): void {
    const keys = this.#unexpiring;
    for (let from = 0; from < keys.length; from += CHUNK) {
      writes.hdel("expiry_keys", ...keys.slice(from, from + CHUNK));
    }
    keys.length = 0;
  }
}

/**
 * The longest TTL, in milliseconds: 10 years (of 365.25 days), far beyond
 * any cache's use. Each write records its now + TTL in `expiry_keys` as a
 * twilight-dispatch timestamp ({@linkcode expiryTime}), made with
 * `Date#toISOString`: that throws past 8.64e15 ms from 1970 (so every
 * member or message write failed, and the cache went stale), and past the
 * year 9999 it writes a six-digit year that neither this store's sweep nor
 * twilight-dispatch's parses, so the entry would never expire. Now + 10
 * years stays clear of both until the year 9989. The dispatch service's
 * `STATE_*_TTL` has the same bound.
 */
export const MAX_TTL_MS = 315_576_000_000;

/** The keys of `ttl`: a misspelt one (`member`) would expire nothing. */
const TTL_KEYS = optionKeys(
  { members: true, messages: true } satisfies Record<keyof Ttl, true>,
);

/**
 * `ttl` checked: each a positive number of seconds up to
 * {@linkcode MAX_TTL_MS}, or absent; no other key. A copy: the caller's
 * object changed later would change every write's expiry, past the check.
 */
export function resolveTtl(
  ttl: Ttl | undefined,
): Ttl {
  if (ttl === undefined) return {};
  if (ttl === null || typeof ttl !== "object" || Array.isArray(ttl)) {
    throw new TypeError(
      `Cannot create cache as 'ttl' must be an object of seconds: current value '${
        Array.isArray(ttl) ? "array" : String(ttl)
      }'`,
    );
  }
  // Inherited keys too, as the values are read through the prototype.
  const keys: Record<string, true> = {};
  for (const key in ttl) keys[key] = true;
  checkOptionKeys("create cache", "ttl.", keys, TTL_KEYS);
  // Each value read once, checked and kept as read (a getter or a
  // prototype's included: a spread copies own properties only).
  const checked: Ttl = {};
  for (const name of TTL_KEYS as (keyof Ttl)[]) {
    const seconds = ttl[name];
    if (seconds === undefined) continue;
    if (
      !(typeof seconds === "number" && seconds > 0 &&
        seconds <= MAX_TTL_MS / 1000)
    ) {
      throw new RangeError(
        `Cannot create cache as 'ttl.${name}' must be a positive number of seconds up to ${
          MAX_TTL_MS / 1000
        } (10 years): current value '${String(seconds)}'`,
      );
    }
    checked[name] = seconds;
  }
  return checked;
}

/**
 * An `expiry_keys` value as twilight-dispatch writes one (`expire_all` in
 * its src/cache.rs; `FormattedDateTime` in src/models.rs): a JSON string of
 * the UTC time, `"2024-05-01T12:00:00.123000000"`, no zone. Its expiry job
 * then sweeps this store's members and messages too, and this store's sweep
 * its entries.
 */
export function expiryTime(ms: number): string {
  return JSON.stringify(twilightTimestamp(ms));
}

/**
 * A time as twilight-dispatch writes it (`%FT%T.%N` in UTC, its
 * `FormattedDateTime`): `2024-05-01T12:00:00.123000000`. Also the dispatch
 * service's `gateway_started` and `last_ack`.
 */
export function twilightTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, -1)}000000`;
}

/**
 * {@linkcode SWEEP} with its "now" (`ARGV[1]`) taken from Redis's `TIME`
 * when given "" (see luaNow): every process sweeping then agrees on what is
 * due, whatever its own clock says. Set into `ARGV[1]`, which the sweep
 * compares each entry's time with.
 */
const SWEEP_AT = `${luaNow(1)}
ARGV[1] = now
${SWEEP}`;

/**
 * Remove the members and messages of `expiry_keys` whose time is up, a
 * chunk of entries a script (HSCAN): one script over the whole hash blocked
 * Redis for every client (hundreds of ms with a big guild's members).
 *
 * @param now The time, in ms since the epoch, or "" for Redis's clock
 *   (each chunk's script reads it).
 * @returns How many entities were removed; rejects with Redis's error.
 */
export async function sweepExpiry(
  redis: RedisConnection,
  now: string,
): Promise<number> {
  let removed = 0;
  let cursor = "0";
  do {
    const [next, entries] = await redis.hscan(
      "expiry_keys",
      cursor,
      "COUNT",
      CHUNK,
    );
    cursor = next;
    // Field, value, field, value…: the times are read again by the script.
    const keys = entries.filter((_, i) => i % 2 === 0);
    if (keys.length > 0) {
      removed += Number(
        await redis.eval(SWEEP_AT, keys.length, ...keys, now, UNGUILDED_KEY),
      );
    }
  } while (cursor !== "0");
  return removed;
}
