/**
 * {@linkcode DuplicateFilter}: how a reshard tells a second copy of an event
 * (Discord sends a guild's events to the shard of each set that owns it
 * while both sets run) from a new one, by {@linkcode eventIdentity};
 * {@linkcode MemoryDuplicateFilter}, the filter of one process; and
 * {@linkcode RedisDuplicateFilter}, the one a fleet's processes share.
 *
 * @module
 */
import type { FleetDispatch } from "./fleet_dispatch.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { luaNow } from "../redis/lua_now.ts";
import { createHash } from "node:crypto";
import { DEFAULT_SESSION_MAX_AGE } from "../gateway/session_store.ts";
import { DEFAULT_LEASE_TTL_MS } from "./lease_times.ts";

/**
 * Characters of event identities a process holds in memory for a reshard by
 * default (`HeldEvents`' held events): 32 Mi, about 64 MiB as UTF-16.
 */
export const DEFAULT_MAX_CHARS = 32 * 1024 * 1024;

/**
 * Decides whether an event was delivered already, by its identity. It
 * works on keys, which {@linkcode DuplicateFilter.key} derives from an
 * identity once per event, so that an event held for a while can be asked
 * about again without serialising or hashing it again.
 */
export interface DuplicateFilter {
  /**
   * What the filter records for an identity (the identity itself, or a
   * digest of it).
   *
   * @param identity From {@linkcode eventIdentity}.
   * @returns The key, or a promise of it.
   */
  key(identity: string): string | Promise<string>;
  /**
   * Record `keys` and say which are new. Takes many, so that a switch's
   * held events are recorded in a few requests rather than one each. A
   * filter with {@linkcode DuplicateFilter.confirm} records a claim, which
   * counts until confirmed or expired.
   *
   * @param keys From {@linkcode DuplicateFilter.key}.
   * @returns One answer per key, in order: `true` the first time a key is
   *   seen (earlier in `keys` included), `false` after.
   */
  firstSeen(keys: readonly string[]): boolean[] | Promise<boolean[]>;
  /**
   * Whether keys were seen, without recording them: for a filter with
   * {@linkcode DuplicateFilter.confirm}, whether they were confirmed (a
   * claimer may die before delivering, so a claim alone answers `false`).
   *
   * @param keys From {@linkcode DuplicateFilter.key}.
   * @returns One answer per key, in order.
   */
  seenAlready(keys: readonly string[]): boolean[] | Promise<boolean[]>;
  /**
   * Say that the events of `keys`, each answered `true` by
   * {@linkcode DuplicateFilter.firstSeen}, were delivered. Optional: a
   * filter whose records cannot outlive the process that delivers (one in
   * memory) records at `firstSeen`. One shared by processes claims at
   * `firstSeen` instead, so that a process killed before delivering does
   * not leave the event's other copies to be dropped: a claim not confirmed
   * in time expires. `HeldEvents` calls it after delivering, in batches,
   * without making delivery wait; a confirm lost costs at most a second
   * delivery later.
   *
   * @param keys From {@linkcode DuplicateFilter.key}.
   */
  confirm?(keys: readonly string[]): void | Promise<void>;
}

/**
 * What makes two copies of one event the same: its name and its payload as
 * JSON (sequence numbers and sessions differ between shard sets, the payload
 * Discord sends does not).
 *
 * @param event The dispatch.
 * @returns The identity.
 */
export function eventIdentity(event: FleetDispatch): string {
  return `${event.name}\u0000${JSON.stringify(event.data)}`;
}

/**
 * The last identities, in one process's memory: at most `limit` of them,
 * the oldest forgotten first. Its keys are SHA-1 digests of the identities
 * (28 characters of base64), so the bound is a count whatever the gateway
 * sends: 50,000 keys take a few MB. Keyed by the identities themselves,
 * which hold whole payloads, it needed a bound in characters too, and a
 * big bot's GUILD_CREATEs (megabytes each, delivered past the held bound
 * during a reshard) pushed the old set's messages out of it well inside
 * the last 50,000 events: their new set's copies were delivered again.
 * Forgetting costs at most a second copy delivered, never an event lost;
 * two different events with one digest would count as one, which SHA-1
 * makes negligible (the filter is no security boundary). The digest is
 * `node:crypto`'s, synchronous, so a copy held is checked at once (measured
 * here: 6 µs for a 500-character message, 16 ms for a GUILD_CREATE of 6
 * million characters; `base/sha1.ts`, in JavaScript, took two to four
 * times as long). It has no
 * {@linkcode DuplicateFilter.confirm}: it records at
 * {@linkcode DuplicateFilter.firstSeen}, and nothing it records outlives
 * the process that would deliver.
 */
export class MemoryDuplicateFilter implements DuplicateFilter {
  readonly #seen = new Set<string>();
  readonly #limit: number;

  /**
   * @param limit How many keys are remembered (oldest forgotten first).
   */
  constructor(limit = 50_000) {
    this.#limit = limit;
  }

  /**
   * The base64 SHA-1 of `identity`'s UTF-8 bytes.
   *
   * @param identity From {@linkcode eventIdentity}.
   * @returns The key, 28 characters long.
   */
  key(identity: string): string {
    return digest(identity);
  }

  /** @inheritdoc */
  firstSeen(keys: readonly string[]): boolean[] {
    return keys.map((key) => this.#record(key));
  }

  /** @inheritdoc */
  seenAlready(keys: readonly string[]): boolean[] {
    return keys.map((key) => this.#seen.has(key));
  }

  #record(key: string): boolean {
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    if (this.#seen.size > this.#limit) {
      this.#seen.delete(this.#seen.values().next().value!);
    }
    return true;
  }
}

/**
 * How long the fleet's duplicate filter remembers an event at least (at
 * most twice that), for a fleet whose lease TTL is `leaseTtlMs`:
 * `DEFAULT_SESSION_MAX_AGE` (120 s) plus four lease TTLs, 3 minutes by
 * default. Redis then holds the identities of the last one to two windows
 * (about 68 bytes each: 12 to 24 MB at 1,000 events a second by default),
 * however long a reshard stays incomplete.
 *
 * The window must outlast the longest gap between two copies of one event
 * reaching the filter. Discord sends both sets' copies at about the same
 * time; a copy comes late only when
 * - it was held: a process asks Redis about its held events at every
 *   renewal, at most 10,000 a tick (`PRUNE_LIMIT`) of at most 100,000, in
 *   turn (the one asked longest ago first, a new one behind every other,
 *   however fast new ones come), so each is asked again within 10
 *   renewals of its hold and of its last ask, and a held copy whose other
 *   copy was confirmed is forgotten within 10 renewals of the confirm (or
 *   of its hold, when later): under 4 TTLs, as `renewMs` is at most a
 *   third of the TTL. The rest are claimed at the switch;
 * - it is a replay: a shard RESUMEs a session saved at most
 *   `DEFAULT_SESSION_MAX_AGE` ago after a lease takeover (the store's rule),
 *   and within Discord's resume window (about 90 s) after its own drop, so
 *   a replayed event is at most about 2 minutes older than its first copy;
 * - its claimer died: a claim stands `claimTtlMs` (the TTL less a renewal),
 *   and the dead process's shards are resumed within a TTL and a renewal,
 *   which the replay's bound above covers with the TTLs to spare.
 *
 * @param leaseTtlMs The fleet's lease TTL, in ms.
 * @returns The window, in ms.
 */
export function duplicateWindowMs(leaseTtlMs: number): number {
  return DEFAULT_SESSION_MAX_AGE + 4 * leaseTtlMs;
}

/**
 * Lua of every script of {@linkcode RedisDuplicateFilter}: from `now` and
 * `window` (ms), the keys of the window `now` is in (`seen`, `pending`,
 * `claimers`: `KEYS[1]:<window number>`, and that with `:pending` and
 * `:claimers`) and of the one before (`lastSeen`, `lastPending`,
 * `lastClaimers`), and `expiry`, the ms until the end of the next window,
 * when the current one's keys are no longer read. The keys of two windows
 * back are deleted: they also expire on Redis's clock, which a test's
 * clock (the leases', given as `now`) is not.
 */
const WINDOWS = `
local index = math.floor(now / window)
local function windowKeys(i)
  local set = KEYS[1] .. ':' .. string.format('%.0f', i)
  return set, set .. ':pending', set .. ':claimers'
end
local seen, pending, claimers = windowKeys(index)
local lastSeen, lastPending, lastClaimers = windowKeys(index - 1)
redis.call('DEL', windowKeys(index - 2))
local expiry = math.max(1, math.floor((index + 2) * window - now))
`;

/**
 * Claim identities: one whose event was delivered (confirmed in this
 * window's set or the last one's) or is being delivered (claimed in their
 * pending hashes less than the claim TTL ago) is a second copy; a new one,
 * or one whose claimer died before confirming it (claimed longer ago), is
 * claimed now, in this window.
 *
 * Repeat-safe: each call has its own id, stored with each claim it makes
 * (the window's `:claimers` hash, identity to id, next to its pending hash,
 * whose values stay claim times), and a second run of the same call
 * (ioredis resends a command whose reply was lost with the connection, so
 * Redis runs the script twice) answers 1 again for what the first run
 * claimed: it found its own claim fresh, answered 0, and the event was
 * dropped as a second copy by the only process that had it. Only the same
 * call: another call of the same process is a copy like any other's, and
 * an identity twice in one call is claimed once.
 *
 * KEYS: 1 the filter's key (its windows are `KEYS[1]:<n>`; `KEYS[1]`
 * itself, read only, is where a process from before windows confirmed).
 * ARGV: 1 the window (ms), 2 the claim TTL (ms), 3 now (ms, or empty for
 * the server's TIME), 4 the call's id, 5... identity hashes. Returns 1 for
 * each hash claimed, else 0, in order.
 */
const CLAIM_SCRIPT = `
local window = tonumber(ARGV[1])
local claimTtl = tonumber(ARGV[2])
${luaNow(3)}
${WINDOWS}
local call = ARGV[4]
local claimed, asked = {}, {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local answer = 0
  if redis.call('SISMEMBER', seen, id) == 0
    and redis.call('SISMEMBER', lastSeen, id) == 0
    and redis.call('SISMEMBER', KEYS[1], id) == 0 then
    local holder = claimers
    local at = tonumber(redis.call('HGET', pending, id))
    if not at then
      holder = lastClaimers
      at = tonumber(redis.call('HGET', lastPending, id))
    end
    if not at or now - at >= claimTtl then
      redis.call('HSET', pending, id, now)
      redis.call('HSET', claimers, id, call)
      answer = 1
    elseif not asked[id] and redis.call('HGET', holder, id) == call then
      answer = 1
    end
  end
  asked[id] = true
  claimed[i - 4] = answer
end
redis.call('PEXPIRE', pending, expiry)
redis.call('PEXPIRE', claimers, expiry)
return claimed
`;

/**
 * Whether identities are confirmed, in this window or the last one.
 * KEYS as {@linkcode CLAIM_SCRIPT}'s. ARGV: 1 the window (ms), 2 now (as
 * the claim's 3), 3... identity hashes. Returns 1 or 0 for each, in order.
 */
const SEEN_SCRIPT = `
local window = tonumber(ARGV[1])
${luaNow(2)}
${WINDOWS}
local answers = {}
local here = redis.call('SMISMEMBER', seen, unpack(ARGV, 3))
local last = redis.call('SMISMEMBER', lastSeen, unpack(ARGV, 3))
local before = redis.call('SMISMEMBER', KEYS[1], unpack(ARGV, 3))
for i = 1, #here do
  answers[i] = (here[i] == 1 or last[i] == 1 or before[i] == 1) and 1 or 0
end
return answers
`;

/**
 * Confirm identities delivered: added to this window's set, their claims
 * (in this window or the last) dropped. ARGV as {@linkcode SEEN_SCRIPT}'s.
 */
const CONFIRM_SCRIPT = `
local window = tonumber(ARGV[1])
${luaNow(2)}
${WINDOWS}
redis.call('SADD', seen, unpack(ARGV, 3))
for _, key in ipairs({pending, claimers, lastPending, lastClaimers}) do
  redis.call('HDEL', key, unpack(ARGV, 3))
end
redis.call('PEXPIRE', seen, expiry)
redis.call('PEXPIRE', pending, expiry)
redis.call('PEXPIRE', claimers, expiry)
return 1
`;

/**
 * Keys one request records or asks about at most: one command over every
 * held event (100,000 of them) would keep Redis busy, and every other
 * client of it waiting, for that long.
 */
const SEEN_CHUNK = 1_000;

/**
 * How long a claim stands unconfirmed by default: the fleet's default lease
 * TTL less its renewal period (see {@linkcode RedisDuplicateFilterOptions}).
 */
export const DEFAULT_CLAIM_TTL_MS: number = DEFAULT_LEASE_TTL_MS -
  DEFAULT_LEASE_TTL_MS / 3;

/** Options for {@linkcode RedisDuplicateFilter}. */
export interface RedisDuplicateFilterOptions {
  /**
   * How long a claim (an event a process was told is new, and is
   * delivering) stands unconfirmed: until then a copy is a second copy;
   * after, the claimer is taken for dead and the next copy is delivered
   * (perhaps a second delivery). A dead process's shards are
   * resumed, replaying what it was delivering, only after its leases
   * expire, at most a lease TTL after its last renewal; it claimed events
   * up to a renewal period after that renewal. So `FleetShards` passes the
   * lease TTL less the renewal period: every claim of a dead process has
   * expired by the time its shards can be resumed. A live process confirms
   * once its listeners are done with the event: at once when they return,
   * once their promises settle when async (one running longer than this
   * lets the other copy through: a possible second copy). A switch within that time of the
   * claimer's death (it renewed after the new set completed, then died)
   * finds the survivor's held copy claimed and not confirmed, while the
   * old set it was delivering from is never resumed: `HeldEvents` keeps
   * that copy for its `claimGraceMs` and delivers it unless confirmed by
   * then (a possible second copy, never a loss). At most the filter's
   * window.
   *
   * @default {DEFAULT_CLAIM_TTL_MS}
   */
  claimTtlMs?: number;
  /**
   * The time claims are dated on, in ms, or `undefined` for the Redis
   * server's (`FleetShards` passes its leases' clock, a test's fake one).
   * Windows are counted on it too.
   *
   * @default {() => undefined}
   */
  now?: () => number | undefined;
}

/**
 * Event identities delivered, or being delivered, by any process of the
 * fleet, in Redis, by time window (`windowMs` long, numbered from the
 * epoch of the clock): for window `n`, a set of confirmed ones
 * (`key:n`) and a hash of claimed ones (`key:n:pending`, identity to claim
 * time; `key:n:claimers`, identity to the id of the call that claimed it).
 * An identity is looked up in the current window and the one before, and
 * recorded in the current one; a window's keys expire at the end of the
 * next window (and are deleted in the one after). So an event is
 * remembered for `windowMs` at least and twice that at most, and Redis
 * holds what the fleet delivered in the last two windows, however long the
 * overlap lasts (see {@linkcode duplicateWindowMs} for why the fleet's
 * window is long enough for any second copy). Identities are stored as
 * SHA-1 digests, which are its keys: every process of the fleet, of any
 * version, must store the same digest for the same event.
 *
 * {@linkcode RedisDuplicateFilter.firstSeen} claims; the deliverer then
 * {@linkcode RedisDuplicateFilter.confirm}s. A process killed between the
 * two leaves only a claim, which expires (see
 * {@linkcode RedisDuplicateFilterOptions.claimTtlMs}): the event's other
 * copies (a held one, a replay when its shard is resumed) are delivered
 * then rather than dropped as second copies of an event nobody delivered.
 * A claim is repeat-safe: a reply lost with the connection makes ioredis
 * send the same call again (the connection's `autoResendUnfulfilledCommands`,
 * on by default), and that second run answers what the first did rather
 * than take the caller's own fresh claim for another's (and drop an event
 * nobody delivers).
 *
 * Mixed versions (a rolling deploy): a process from before windows
 * confirms into `key` itself, and one from before claims adds identities
 * there directly; this one reads that set as confirmed (their behaviour,
 * as before). Neither reads the windows, so a copy such a process gets of
 * an event confirmed or claimed here is delivered twice, never lost.
 */
export class RedisDuplicateFilter implements DuplicateFilter {
  readonly #redis: RedisConnection;
  readonly #key: string;
  readonly #windowMs: number;
  readonly #claimTtlMs: number;
  readonly #now: () => number | undefined;

  /**
   * @param redis The connection.
   * @param key The filter's key (its windows' keys start with it).
   * @param windowMs How long an event is remembered at least (at most
   *   twice that): the fleet passes {@linkcode duplicateWindowMs}.
   * @param options The claims' TTL and clock.
   * @throws {RangeError} When `windowMs` or `claimTtlMs` is not a positive
   *   number (a fraction is rounded up to whole milliseconds), or
   *   `claimTtlMs` is longer than `windowMs` (a claim would be forgotten
   *   while it stands).
   */
  constructor(
    redis: RedisConnection,
    key: string,
    windowMs: number,
    options: RedisDuplicateFilterOptions = {},
  ) {
    this.#redis = redis;
    this.#key = key;
    this.#windowMs = positive("windowMs", windowMs);
    this.#claimTtlMs = positive(
      "claimTtlMs",
      options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS,
    );
    if (this.#claimTtlMs > this.#windowMs) {
      throw new RangeError(
        `Cannot create a duplicate filter as 'claimTtlMs' must be at most 'windowMs' (${this.#windowMs} ms): current value 'claimTtlMs=${this.#claimTtlMs}'`,
      );
    }
    this.#now = options.now ?? (() => undefined);
  }

  /** @inheritdoc */
  key(identity: string): Promise<string> {
    return Promise.resolve(digest(identity));
  }

  /**
   * Claim `hashes`: `true` for each that is neither confirmed nor claimed
   * within the claim TTL (earlier in `hashes` included), which the caller
   * must deliver and then {@linkcode RedisDuplicateFilter.confirm}. A
   * second run of one call's script (a resend after a lost reply) answers
   * as the first; a second call about a hash this one claimed answers
   * `false`, as for any asker.
   *
   * @param hashes From {@linkcode RedisDuplicateFilter.key}.
   * @returns One answer per hash, in order.
   */
  firstSeen(hashes: readonly string[]): Promise<boolean[]> {
    return this.#inChunks(hashes, (chunk) =>
      this.#redis.eval(
        CLAIM_SCRIPT,
        1,
        this.#key,
        this.#windowMs,
        this.#claimTtlMs,
        this.#nowArgument(),
        crypto.randomUUID(),
        ...chunk,
      ) as Promise<number[]>);
  }

  /**
   * Whether `hashes` are confirmed delivered (within the last one to two
   * windows). One only claimed answers `false`: its claimer may yet die
   * without delivering it.
   *
   * @param hashes From {@linkcode RedisDuplicateFilter.key}.
   * @returns One answer per hash, in order.
   */
  seenAlready(hashes: readonly string[]): Promise<boolean[]> {
    return this.#inChunks(hashes, (chunk) =>
      this.#redis.eval(
        SEEN_SCRIPT,
        1,
        this.#key,
        this.#windowMs,
        this.#nowArgument(),
        ...chunk,
      ) as Promise<number[]>);
  }

  /**
   * Move delivered `hashes` from the claimed to the confirmed (of the
   * current window), in one script per chunk.
   *
   * @param hashes Hashes {@linkcode RedisDuplicateFilter.firstSeen} claimed
   *   for this process, their events delivered.
   */
  async confirm(hashes: readonly string[]): Promise<void> {
    for (let i = 0; i < hashes.length; i += SEEN_CHUNK) {
      await this.#redis.eval(
        CONFIRM_SCRIPT,
        1,
        this.#key,
        this.#windowMs,
        this.#nowArgument(),
        ...hashes.slice(i, i + SEEN_CHUNK),
      );
    }
  }

  /** The scripts' `now`: the clock's, in whole ms, or "" for Redis's. */
  #nowArgument(): number | string {
    const now = this.#now();
    return now === undefined ? "" : Math.floor(now);
  }

  /** Ask `request` about `hashes` a chunk at a time, one chunk after another. */
  async #inChunks(
    hashes: readonly string[],
    request: (chunk: string[]) => Promise<number[]>,
  ): Promise<boolean[]> {
    const answers: boolean[] = [];
    for (let i = 0; i < hashes.length; i += SEEN_CHUNK) {
      const replies = await request(hashes.slice(i, i + SEEN_CHUNK));
      for (const reply of replies) answers.push(reply === 1);
    }
    return answers;
  }
}

/** `value` in whole ms, when it is a positive number (named `name`). */
function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isSafeInteger(Math.ceil(value))) {
    throw new RangeError(
      `Cannot create a duplicate filter as '${name}' must be a positive number of milliseconds: current value '${name}=${value}'`,
    );
  }
  return Math.ceil(value);
}

/** The base64 SHA-1 of an identity, as every process stores it. */
function digest(identity: string): string {
  // Synchronous (6 µs a message), as the memory filter answers: one
  // function keeps both filters' digests the same.
  return createHash("sha1").update(identity).digest("base64");
}
