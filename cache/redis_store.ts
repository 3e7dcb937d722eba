/**
 * {@linkcode RedisCache}: the pure core's changes kept in Redis with
 * twilight-dispatch's key layout, so its existing consumers can read it.
 *
 * @module
 */
import { realScheduler, type Scheduler } from "../base/scheduler.ts";
import type { RedisConnection } from "../redis/connection.ts";
import type { Snowflake } from "../types/gateway_payloads.ts";
import type { UnavailableGuildCreate } from "../types/dispatch_payloads.ts";
import type { Role } from "../types/objects/role.ts";
import type { User } from "../types/objects/user.ts";
import type {
  CacheChange,
  CachedValue,
  CacheKind,
  CacheLookup,
  CacheUpdate,
} from "./changes.ts";
import type {
  CachedChannel,
  CachedMember,
  CachedMessage,
} from "./memory_store.ts";
import type { CachedGuild } from "./cached_guild.ts";
import type { RedisCacheOptions } from "./redis_cache_options.ts";
import {
  compareSnowflakes,
  REDIS_ONLY_CACHE_KEYS,
  resolveCacheOptions,
  type ResolvedCacheOptions,
} from "./options.ts";
import { BatchOverlay, messageChannels } from "./batch_overlay.ts";
import {
  joinMessagesOf,
  runRemoval,
  type WriteStep,
} from "./redis_removal_steps.ts";
import { checkShardIds, RedisStaleness } from "./redis_staleness.ts";
import { parseValue, readValue, redisKey } from "./redis_layout.ts";
import { RedisBacklog, type Waiting, weigh } from "./redis_backlog.ts";
import { ExpiryWrites, resolveTtl, sweepExpiry } from "./redis_expiry.ts";
import { ExpiryClock } from "./redis_clock.ts";
import { EMPTY_LOOKUP, fetchReads } from "./redis_reads.ts";
import { CacheEpoch } from "./redis_epoch.ts";
import { type BatchWrites, writeChange } from "./redis_change_write.ts";
import { BatchTexts } from "./redis_guarded_writes.ts";
import { cacheReads, NOTHING, reduceDispatch } from "./reduce.ts";
import { CHUNK_COMMANDS, WriteChunk } from "./redis_write_chunk.ts";
import { MessageTrims } from "./redis_trims.ts";
import { indexKeysOf } from "./redis_wrong_type.ts";
import { OversizedValues } from "./redis_oversized.ts";
import { SilenceWatch } from "./redis_silence.ts";
import { botId, keptKeys, UnkeptKinds } from "./redis_kind_sweep.ts";
import { AppliedMarks, type AppliedPosition } from "./redis_applied_marks.ts";

/**
 * Dispatches applied as one batch at most, when calls pile up (more make
 * one round trip's reads and writes larger without saving round trips).
 */
const MAX_BATCH = 1_000;

/** A dispatch as applied: `t`, `d`, and where it stands in its session. */
type Dispatch = {
  event: string;
  data: unknown;
  position?: AppliedPosition | undefined;
};

/**
 * The Redis store. {@linkcode RedisCache.apply} takes one dispatch: it reads
 * what the core needs in one round trip, computes the changes, sends the
 * writes and returns the previous state. The writes go as MULTI/EXEC
 * transactions of a few thousand commands (each change whole in one, so
 * a Redis refusing writes never keeps half of one); the first is not
 * awaited (the next dispatch's reads queue behind it on the same
 * connection), the others of a big batch each once the one before is
 * answered, before the call resolves. A call made before the last one
 * resolved waits for it (so it sees its writes); calls that wait together
 * run as one batch.
 * Usable from a Client or from a standalone process (the dispatch service).
 * Two processes may write one guild: a write is kept only while what it
 * was computed from is still there (see redis_guarded_writes.ts).
 *
 * Layout (values are Discord's JSON as text): `bot_user`, `guild:G`,
 * `channel:C`, `role:G:R`, `emoji:G:E`, `member:G:U`, `presence:G:U`,
 * `voice:G:U`, `message:C:M`, and beyond twilight-dispatch's set
 * `sticker:G:S`, `stage_instance:G:I`, `scheduled_event:G:E`,
 * `soundboard_sound:G:S`, `integration:G:I`. Sets: `<kind>_keys` (every key of a kind),
 * `guild_keys:G` (a guild's keys, channels included), `channel_keys:C`
 * (a channel's messages), and beyond twilight-dispatch's
 * `guild_kind_keys:G:K` (a guild's channel, emoji, sticker and soundboard
 * sound keys, the lists the core reads whole). Users live inside members and messages: the
 * layout has no user key. A thread is a `channel:C` key listed in its
 * guild's channel kind set only, not in `guild_keys:G` nor `channel_keys`,
 * which twilight-dispatch never listed one in (see redis_listing.ts).
 * Values differ from twilight-dispatch's on purpose in a few ways (README,
 * "Cache"): a guild's lists are stored empty (see redis_guild_value.ts),
 * an outage keeps the guild, and voice states and messages carry no
 * `member`. The first batch removes the keys of kinds an earlier run kept
 * and this one does not (see redis_kind_sweep.ts), and the getters find
 * none of them: processes sharing one cache keep the same resources.
 *
 * A Redis failure never throws out of `apply`: it is logged, the cache is
 * marked {@linkcode RedisCache.stale} and `onStale` is called once. So is
 * a Redis too slow to keep up: past 20,000 dispatches waiting or with
 * writes unanswered, 500,000 entities or 64 million characters of strings
 * in the dispatches waiting to be read (entities: one each plus their
 * top-level lists; a call is taken when none waits), or 100,000 write
 * commands or 32 million characters of their arguments unanswered (see
 * redis_backlog.ts), the next ones are dropped (no previous state) rather
 * than held; one that has not answered for 10 s (stopped: its calls still
 * wait); a server restarted or replaced (a new `run_id`) or a connection
 * lost while writes were unanswered, on a connection from `connectRedis`,
 * and a database that lost its keys (a
 * FLUSHDB: its marker `disruption_cache_epoch` is gone, see
 * redis_epoch.ts). The cache is fresh again once every shard that fed it
 * sent a new READY (one store may serve several; a shard whose
 * READY was dropped fed it too; after a reshard, the shards of the new count
 * only); the READY of shard 0 (which gets the DMs) first drops what no
 * GUILD_CREATE rebuilds: DM channels, and messages of channels no guild
 * holds. A READY of another bot than the `bot_user` stored (two bots on one
 * database: use one per bot) is said once on stderr and marks it stale.
 *
 * @example Keep a bot's state in Redis
 * ```ts
 * import { RedisCache } from "@disruption/disruption/cache";
 * import { closeRedis, connectRedis } from "@disruption/disruption/redis";
 *
 * async function main(): Promise<void> {
 *   const redis = await connectRedis({ url: "redis://127.0.0.1:6379" });
 *   const cache = new RedisCache(redis, { resources: ["guilds", "channels", "members"] });
 *   const { old } = await cache.apply("GUILD_UPDATE", { id: "1", name: "Renamed" });
 *   console.log(old, await cache.guild("1"));
 *   await closeRedis(redis);
 * }
 * void main; // needs a server: defined, not run
 * ```
 */
export class RedisCache {
  readonly #redis: RedisConnection;
  readonly #options: ResolvedCacheOptions;
  readonly #ttl: { members?: number; messages?: number };
  readonly #scheduler: Scheduler;
  /** Expiry's clock: Redis's, or the scheduler given (redis_clock.ts). */
  readonly #clock: ExpiryClock;
  /** Whether it is stale, and what makes it so and not. */
  readonly #staleness: RedisStaleness;
  /** The database's epoch marker as last read (see redis_epoch.ts). */
  readonly #epoch = new CacheEpoch();
  /** What is written instead of a value too long to keep. */
  readonly #oversized = new OversizedValues();
  readonly #answers: SilenceWatch; // a frozen Redis, noticed in time
  /** Calls of applyBatch waiting for the batch in progress. */
  #waiting: Waiting[] = [];
  /**
   * Dispatches taken and not yet answered by Redis: waiting, being read, or
   * written and unacknowledged. Writes count too: an event that needs no
   * reads resolves at once, and its writes would otherwise pile up in the
   * client's queue without bound while Redis does not answer.
   */
  readonly #backlog = new RedisBacklog();
  /** Write chunks whose answers are not looked at yet: `flush()` waits. */
  readonly #unchecked = new Set<Promise<void>>();
  #draining = false;
  #sweeping: Promise<number> | undefined; // see sweepExpired()
  /** What the batch just applied still writes after its first chunk. */
  #afterBatch: Promise<void> | undefined;
  /** The last call whose writes were sent: a restarted server may lose them. */
  #sentThrough = 0;
  /** The kinds an earlier run kept and it does not: removed at its start. */
  readonly #unkept: UnkeptKinds;
  /** What each shard's session had applied: its replays are skipped. */
  readonly #marks = new AppliedMarks();

  /**
   * Create a store on a connection from `connectRedis`.
   *
   * @param redis The connection (closing it stays the caller's job).
   * @param options What to keep, and expiry.
   * @throws {TypeError} An unknown resource or `ttl` key, `ttl` not an
   * object, or `shardIds` not iterable.
   * @throws {RangeError} A bad message bound, a `ttl` that is not a
   * positive number of seconds up to 10 years, or a shard id that is not a
   * non-negative integer.
   */
  constructor(redis: RedisConnection, options: RedisCacheOptions = {}) {
    this.#redis = redis;
    this.#options = resolveCacheOptions(options, REDIS_ONLY_CACHE_KEYS);
    this.#ttl = resolveTtl(options.ttl);
    this.#unkept = new UnkeptKinds(this.#options.resources);
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#clock = new ExpiryClock(
      this.#ttl.members !== undefined || this.#ttl.messages !== undefined,
      options.scheduler,
    );
    this.#staleness = new RedisStaleness(
      redis,
      options.onStale,
      checkShardIds(options.shardIds, "create a RedisCache"),
    );
    this.#answers = new SilenceWatch(this.#scheduler, this.#staleness, redis);
  }

  /**
   * Whether writes were lost to a Redis failure since the last rebuild: until
   * every shard that fed the cache has sent a new READY.
   */
  get stale(): boolean {
    return this.#staleness.stale;
  }

  /**
   * The shards whose state in the cache may be wrong while it is
   * {@linkcode RedisCache.stale}: each must send a new READY (start a new
   * session) before the cache is right again. Empty while it is not stale.
   * Ids of the shard count of the last READY (a READY of another count, a
   * reshard, drops those of the old one).
   * A service that outlives its process keeps this list (in Redis, say)
   * and hands it to {@linkcode RedisCache.markStale} at its next start: the
   * shards it resumes then are not rebuilt, and the cache stays wrong.
   */
  get staleShards(): number[] {
    return this.#staleness.awaiting;
  }

  /**
   * Say the cache missed these shards' events: it was created after their
   * sessions began (Redis was unreachable when they started), or a previous
   * process left it stale for them. It is stale (logged, `onStale` called)
   * until each of them sends a new READY.
   *
   * @param shardIds The shards' ids.
   * @param reason Why, for the log.
   * @throws {TypeError} `shardIds` not iterable.
   * @throws {RangeError} A shard id that is not a non-negative integer.
   *
   * @example A store created once the shards were already running
   * ```ts
   * import { RedisCache } from "@disruption/disruption/cache";
   * import { connectRedis } from "@disruption/disruption/redis";
   *
   * async function main(): Promise<void> {
   *   const redis = await connectRedis({ url: "redis://127.0.0.1:6379" });
   *   const cache = new RedisCache(redis);
   *   cache.markStale([0, 1], "Redis came up after shards 0 and 1 started");
   *   console.log(cache.stale, cache.staleShards); // true [ 0, 1 ]
   * }
   * void main; // needs a server: defined, not run
   * ```
   */
  markStale(shardIds: Iterable<number>, reason: string): void {
    // An id no READY can carry would keep the cache stale for good.
    const ids = checkShardIds(shardIds, "mark a RedisCache stale");
    this.#staleness.missed(ids, new Error(reason));
  }

  /**
   * Apply one dispatch.
   *
   * With its position (shard, the shard's session id, `s`), it is applied
   * once: the store marks in Redis the last position it applied of each
   * shard, and skips (no changes, no `old`) a dispatch of the same session
   * at or below it, which Discord replays to a process that restarted and
   * RESUMEd. Without it, a replay is applied again (a reaction counted twice).
   *
   * @param event The dispatch's `t`.
   * @param data The dispatch's `d`.
   * @param position Where it stands in its shard's session.
   * @returns The changes and the previous state (nothing when Redis failed,
   * or for a replay of a dispatch applied already).
   *
   * @example Apply a shard's dispatches once across restarts
   * ```ts
   * import { RedisCache } from "@disruption/disruption/cache";
   * import { connectRedis } from "@disruption/disruption/redis";
   *
   * async function main(): Promise<void> {
   *   const redis = await connectRedis({ url: "redis://127.0.0.1:6379" });
   *   const cache = new RedisCache(redis); // a shard's event, its sessionId:
   *   const position = { shardId: 0, sessionId: "9f3c", sequence: 42 };
   *   const data = { id: "1", name: "Renamed" };
   *   const { old } = await cache.apply("GUILD_UPDATE", data, position);
   *   // Its replay after a restart (same session, sequence 42) is skipped.
   *   console.log(old);
   * }
   * void main; // needs a server: defined, not run
   * ```
   */
  async apply(
    event: string,
    data: unknown,
    position?: { shardId: number; sessionId: string; sequence: number },
  ): Promise<CacheUpdate> {
    return (await this.applyBatch([{ event, data, position }]))[0]!;
  }

  /**
   * Apply several dispatches, in order, with one round trip of reads for
   * the whole batch (two when some event needs a whole list, e.g. a guild's
   * emojis) and one transaction of writes (more for a big batch, see
   * {@linkcode RedisCache}): the way a busy shard's cache keeps up. Each
   * dispatch sees the state its predecessors in the batch left, as
   * with {@linkcode RedisCache.apply} one by one.
   *
   * Calls need not be awaited one by one: one made before the last one
   * resolved waits for its writes to be sent (it sees them), and the calls
   * waiting together run as one batch.
   *
   * @param dispatches The dispatches (`t` and `d`, and each one's position
   * in its shard's session: see {@linkcode RedisCache.apply}), in gateway
   * order.
   * @returns One update per dispatch (nothing for any when Redis failed).
   */
  applyBatch(
    dispatches: readonly {
      event: string;
      data: unknown;
      position?:
        | { shardId: number; sessionId: string; sequence: number }
        | undefined;
    }[],
  ): Promise<CacheUpdate[]> {
    const weight = weigh(dispatches);
    const { entities, chars } = weight;
    const behind = this.#backlog.admit(dispatches.length, entities, chars);
    const admitted = this.#staleness.admit();
    if (behind !== undefined) {
      this.#staleness.dropped(
        dispatches,
        new Error(`Redis is too slow: ${behind}, and more are dropped`),
        admitted,
      );
      return Promise.resolve(dispatches.map(() => NOTHING));
    }
    return this.#enqueue(dispatches, admitted, weight);
  }

  /** Queue a call behind the waiting ones (admitted already). */
  #enqueue(
    dispatches: readonly Dispatch[],
    admitted: number,
    weight = weigh(dispatches),
  ): Promise<CacheUpdate[]> {
    return new Promise((resolve) => {
      this.#waiting.push({ dispatches, ...weight, admitted, resolve });
      if (!this.#draining) void this.#drain();
    });
  }

  /**
   * Run the waiting calls, those that came during one batch's reads as the
   * next batch: a batch's reads are sent after the writes of the one before
   * it, on the same connection, so each sees what its predecessors wrote
   * even when the caller does not await each call (the dispatch service);
   * and calls that pile up meanwhile cost one round trip together.
   */
  async #drain(): Promise<void> {
    this.#draining = true;
    while (this.#waiting.length > 0) {
      const calls: Waiting[] = [];
      let count = 0, entities = 0, chars = 0;
      while (this.#waiting.length > 0 && count < MAX_BATCH) {
        const call = this.#waiting.shift()!;
        calls.push(call);
        count += call.dispatches.length;
        entities += call.entities;
        chars += call.chars;
      }
      const dispatches: readonly Dispatch[] = calls.length === 1
        ? calls[0]!.dispatches
        : calls.flatMap((call) => call.dispatches);
      let updates: CacheUpdate[];
      let written: Promise<void> | undefined;
      const untilLost = this.#staleness.untilLost();
      // Each dispatch's call number, for a READY's (see sessionStarted).
      const admitted = (i: number): number => {
        for (const call of calls) {
          if (i < call.dispatches.length) return call.admitted;
          i -= call.dispatches.length;
        }
        return calls[calls.length - 1]!.admitted;
      };
      const last = calls[calls.length - 1]!.admitted;
      // Reduced (or failed before): the batch weighs its writes now (bounded
      // as sent); its dispatches count until they are answered.
      let released = false;
      const reduced = (): void => {
        if (!released) this.#backlog.reduced(entities, chars);
        released = true;
      };
      try {
        [updates, written] = await this.#applyNow(
          dispatches,
          untilLost,
          admitted,
          reduced,
        );
      } catch (error) {
        this.#staleness.dropped(dispatches, error, last);
        updates = dispatches.map(() => NOTHING);
      }
      reduced();
      if (written === undefined) this.#backlog.done(count);
      else void written.then(() => this.#backlog.done(count));
      // What this batch still writes (its next chunks, a chunked removal)
      // lands before the next batch reads and before its callers go on, as
      // if it were all sent at once.
      if (this.#afterBatch !== undefined) {
        await untilLost(this.#afterBatch).catch((error) =>
          this.#staleness.failed(error, last)
        );
      }
      this.#afterBatch = undefined;
      let from = 0;
      for (const call of calls) {
        const to = from + call.dispatches.length;
        call.resolve(updates.slice(from, to));
        from = to;
      }
    }
    this.#draining = false;
  }

  /**
   * Apply one batch.
   *
   * @param reduced Called once the dispatches are reduced, before their
   * writes are sent.
   * @returns The updates, and when its writes are answered (none: nothing
   * was written). The promise never rejects: a failure marks the cache stale.
   */
  async #applyNow(
    dispatches: readonly Dispatch[],
    untilLost: <T>(promise: Promise<T>) => Promise<T>,
    admitted: (index: number) => number,
    reduced: () => void,
  ): Promise<[CacheUpdate[], Promise<void>?]> {
    if (dispatches.length === 0) return [[]]; // flush's turn: nothing to write
    const last = admitted(dispatches.length - 1);
    // Dropped whole: the stale cache awaits the shards of its READYs too.
    const failed = (error: unknown): [CacheUpdate[]] => {
      this.#staleness.dropped(dispatches, error, last);
      return [dispatches.map(() => NOTHING)];
    };
    if (this.#redis.status !== "ready") {
      // Down or reconnecting: fail fast rather than hold the gateway's
      // events behind a queue that may never drain.
      return failed(new Error(`the connection is ${this.#redis.status}`));
    }
    const lost = this.#staleness.lostSince();
    try {
      // Right after a reconnect this waits for the server's run_id: lost
      // again meanwhile, the batch fails rather than wait for the retries.
      await untilLost(this.#staleness.checkServer(this.#sentThrough));
      await untilLost(this.#staleness.beforeBatch(dispatches));
    } catch (error) {
      return failed(error);
    }
    // The core throwing on a payload (a bug it should not have) costs that
    // dispatch its changes and marks the cache stale; it never rejects the
    // batch, whose other writes would be lost without a trace.
    const reads = dispatches.flatMap(({ event, data }) => {
      try {
        return cacheReads(event, data, this.#options);
      } catch {
        return []; // reported when it is reduced
      }
    });
    const single = dispatches.length === 1;
    // In a batch, a message created can evict one a later dispatch reads,
    // and a guild removed takes its channels' messages: the overlay trims
    // and removes as the store will, knowing each message's channel. Read
    // alone too: a message is written only while it exists (see
    // redis_guarded_writes.ts).
    const trimmed: string[] = [];
    for (const [channelId, created] of messageChannels(dispatches)) {
      if (created && !single) trimmed.push(channelId);
      reads.push({ type: "get", kind: "channel", scope: "", id: channelId });
    }
    const read = new Map<string, string | null>();
    let snapshot: CacheLookup = EMPTY_LOOKUP;
    // The marks of the shards' sessions new to this process: their replays
    // (a restart's RESUME) were applied already (redis_applied_marks.ts).
    const marks = this.#marks.read(dispatches.map((d) => d.position));
    if (reads.length > 0 || trimmed.length > 0 || marks !== undefined) {
      // The epoch marker, read with the rest: the keys lost under the store
      // since its last batch are lost after the writes it sent.
      // Created by a READY, or by this process's first read (its shards
      // may all have resumed: it would never see a marker to miss).
      const extras = [
        this.#epoch.read(
          this.#epoch.unseen ||
            dispatches.some(({ event }) => event === "READY"),
          (error, what) =>
            this.#staleness.failed(error, this.#sentThrough, what),
        ),
        ...this.#unkept.read(),
        ...this.#clock.reads(),
        ...marks === undefined ? [] : [marks],
      ];
      try {
        // A connection lost meanwhile fails the batch at once: the client
        // would hold the reads, and every event behind them, until it is back.
        snapshot = await this.#answers.watch(
          untilLost(fetchReads(this.#redis, reads, trimmed, extras, read)),
        );
        // Before the first writes: what an earlier run kept and this one
        // does not is gone (redis_kind_sweep.ts).
        await untilLost(this.#unkept.sweep(this.#redis));
      } catch (error) {
        this.#staleness.suspect(error, () => indexKeysOf(reads, trimmed, []));
        return failed(error);
      }
    }
    const overlay = single
      ? undefined
      : new BatchOverlay(snapshot, redisKey, this.#options);
    const state = overlay ?? snapshot;
    const updates: CacheUpdate[] = [];
    // The writes in order: chunks (see WriteChunk) of CHUNK_COMMANDS or so,
    // each ended between two changes, and where a role is deleted, a guild
    // or a channel's messages removed, a chunked removal between two.
    let chunk = new WriteChunk();
    const steps: WriteStep[] = [{ chunk }];
    const emptied = new Set<string>();
    const expiry = new ExpiryWrites(this.#ttl, this.#clock.now());
    const texts = new BatchTexts(read);
    const trims = new MessageTrims(this.#options, overlay);
    const oversized = this.#oversized;
    const messagesFirst = (id: string) => (
      joinMessagesOf(steps, id) || split({ messagesOf: [id] }), chunk
    );
    const keepsChannels = this.#options.resources.has("channels");
    const writing = { texts, oversized, trims, messagesFirst, keepsChannels };
    // Each chunk ends with the marks of the dispatches written whole by then.
    const vouched = this.#marks.batch();
    const split = (...between: WriteStep[]): void => {
      trims.endChunk(chunk);
      expiry.endChunk(chunk);
      vouched.end(chunk);
      chunk = new WriteChunk();
      // One at a time: no list is spread into a call's arguments.
      for (const step of between) steps.push(step);
      steps.push({ chunk });
    };
    let writes = 0;
    for (const [index, { event, data, position }] of dispatches.entries()) {
      if (this.#marks.applied(position)) {
        updates.push(NOTHING); // a replay: written before, `old` unknown
        continue;
      }
      let update: CacheUpdate;
      try {
        update = reduceDispatch(state, event, data, this.#options);
      } catch (error) {
        this.#staleness.dropped([{ event, data }], error, admitted(index));
        updates.push(NOTHING);
        continue;
      }
      const batch: BatchWrites = { event, data, emptied, expiry, ...writing };
      // The changes as written: a value too long to keep is written as its
      // stub (a channel: its removal), which the batch's next dispatches
      // must see too.
      let asWritten = update.changes;
      for (let i = 0; i < update.changes.length; i++) {
        const change = update.changes[i]!;
        if (change.op === "remove_role") split({ removal: change });
        else if (change.op === "remove_unguilded") {
          texts.removedUnguilded();
          split({ unguilded: true });
        } else if (change.op === "remove_guild") {
          // A guild set later in this batch is rebuilt whole (see
          // writeChange).
          emptied.add(change.id);
          texts.removedGuild(change.id);
          split({ guild: change.id });
        } else {
          const instead = writeChange(chunk, change, batch);
          if (instead !== undefined) {
            if (asWritten === update.changes) asWritten = [...asWritten];
            (asWritten as CacheChange[])[i] = instead;
          }
          if (chunk.length >= CHUNK_COMMANDS) split();
        }
      }
      overlay?.apply(asWritten);
      writes += update.changes.length;
      updates.push(update);
      vouched.done(position);
      if (event === "READY") {
        this.#staleness.sessionStarted(data, admitted(index), update.old);
      }
    }
    reduced();
    if (writes === 0) return [updates];
    trims.endChunk(chunk);
    expiry.endChunk(chunk);
    vouched.end(chunk); // last: after the writes it vouches for
    const [first, ...rest] = steps as [{ chunk: WriteChunk }, ...WriteStep[]];
    // A loss of these writes covers this batch, no later call: a READY
    // behind it rebuilds what they held.
    this.#sentThrough = last;
    // Where a WRONGTYPE of these writes can come from: computed only then.
    const suspects = (): Set<string> =>
      indexKeysOf([], [], updates.flatMap((update) => update.changes));
    const written = this.#exec(first.chunk, last, suspects).then(() =>
      this.#staleness.checkLost(lost, last)
    );
    if (rest.length === 0) return [updates, written];
    // The next batch waits for the rest (see #drain), sent a step at a time
    // once the one before is answered: a big guild's writes are never all
    // unanswered at once (see MAX_UNANSWERED_WRITES).
    this.#afterBatch = (async () => {
      await written;
      for (let step; (step = rest.shift()) !== undefined;) {
        // Lost midway (the status tells before "close" counts a cut MULTI):
        // the rest would land after a rebuild. Dropped; #drain said it.
        if (lost() || this.#redis.status !== "ready") return;
        if (!("chunk" in step)) await runRemoval(this.#redis, step);
        else if (step.chunk.length > 0) {
          await this.#exec(step.chunk, last, suspects);
        }
      }
      this.#staleness.checkLost(lost, last);
    })().catch((error) => {
      this.#staleness.suspect(error, suspects);
      // After a loss already said; again, it would undo a rebuild's fresh.
      if (!lost()) this.#staleness.failed(error, last);
    });
    return [updates, this.#afterBatch];
  }

  /**
   * Send a chunk's writes; a failure (a command's, or the chunk refused
   * whole) marks the cache stale, `suspects` the index keys its writes may
   * name (see `RedisStaleness.suspect`).
   */
  #exec(
    chunk: WriteChunk,
    through: number,
    suspects: () => Iterable<string>,
  ): Promise<void> {
    const sent = this.#answers.watch(this.#backlog.send(chunk, this.#redis));
    const failed = (error: unknown) => {
      this.#staleness.suspect(error, suspects);
      this.#staleness.failed(error, through);
    };
    const checked = sent.then((results) => {
      const error = results?.find(([error]) => error !== null);
      if (error) failed(error[0]);
    }, failed);
    this.#unchecked.add(checked);
    void checked.then(() => this.#unchecked.delete(checked));
    return checked;
  }

  /**
   * Wait until every call's writes are answered (at once if all are), and
   * a write Redis refused has marked the cache {@linkcode RedisCache.stale}.
   */
  async flush(): Promise<void> {
    // Behind the calls waiting, not through admission: refused past a bound
    // (a big batch's writes unanswered), it marked a healthy cache stale.
    await this.#enqueue([], this.#staleness.admit());
    // Nothing unanswered, no PING: a frozen Redis never answers it.
    if (this.#unchecked.size === 0) return;
    await this.#answers.watch(this.#redis.ping());
    // Answered before the PING, but ioredis settles a transaction turns later.
    await Promise.all(this.#unchecked);
  }

  /**
   * Remove members and messages whose time is up (see `ttl`). Call it
   * periodically, e.g. every second; a call while a sweep is unanswered
   * shares it (behind a frozen Redis, a timer's sweeps piled up).
   *
   * @returns How many entities were removed.
   */
  sweepExpired(): Promise<number> {
    return this.#sweeping ??= sweepExpiry(this.#redis, this.#clock.sweepNow())
      .finally(() => this.#sweeping = undefined);
  }

  // Getters (Discord JSON) ----------------------------------------------

  /**
   * One entity by kind, scope and id.
   *
   * @returns The value, or `undefined` (always, for a kind the store does
   * not keep: what an earlier run kept of it is not kept up to date).
   */
  async get(
    kind: CacheKind,
    scope: string,
    id: string,
  ): Promise<CachedValue | undefined> {
    const kept = keptKeys(this.#options.resources, kind);
    if (kept === "none") return undefined;
    const key = redisKey(kind, scope, id);
    const [text, bot] = await this.#answers.watch(
      kept === "all"
        ? this.#redis.get(key).then((text) => [text, null])
        : this.#redis.mget(key, "bot_user"),
    );
    if (kept === "bot" && botId(bot ?? null) !== id) return undefined;
    return text === null || text === undefined
      ? undefined
      : readValue(key, text);
  }

  /** The bot's user. */
  botUser(): Promise<User | undefined> {
    return this.get("bot_user", "", "@me") as Promise<User | undefined>;
  }

  /** A {@linkcode CachedGuild}, or the placeholder of one not yet created. */
  guild(
    id: Snowflake,
  ): Promise<CachedGuild | UnavailableGuildCreate | undefined> {
    return this.get("guild", "", id) as Promise<
      CachedGuild | UnavailableGuildCreate | undefined
    >;
  }

  /** A channel or thread. */
  channel(id: Snowflake): Promise<CachedChannel | undefined> {
    return this.get("channel", "", id) as Promise<CachedChannel | undefined>;
  }

  /** A role. */
  role(guildId: Snowflake, roleId: Snowflake): Promise<Role | undefined> {
    return this.get("role", guildId, roleId) as Promise<Role | undefined>;
  }

  /** A member with its user. */
  member(
    guildId: Snowflake,
    userId: Snowflake,
  ): Promise<CachedMember | undefined> {
    return this.get("member", guildId, userId) as Promise<
      CachedMember | undefined
    >;
  }

  /** A message. */
  message(
    channelId: Snowflake,
    messageId: Snowflake,
  ): Promise<CachedMessage | undefined> {
    return this.get("message", channelId, messageId) as Promise<
      CachedMessage | undefined
    >;
  }

  /** A channel's cached messages, oldest first. */
  async channelMessages(channelId: Snowflake): Promise<CachedMessage[]> {
    if (keptKeys(this.#options.resources, "message") === "none") return [];
    const keys = await this.#redis.smembers(`channel_keys:${channelId}`);
    return (await this.#values(keys) as unknown as CachedMessage[])
      .sort((a, b) => compareSnowflakes(a.id, b.id));
  }

  /**
   * Every entity of a kind in a scope (a guild's roles, a channel's
   * messages, …), as the core sees them.
   *
   * @returns The values.
   */
  async all(kind: CacheKind, scope: string): Promise<CachedValue[]> {
    const kept = keptKeys(this.#options.resources, kind);
    if (kept === "none") return [];
    // The core's own read of a whole list, so both find the same keys.
    const lookup = await fetchReads(this.#redis, [
      { type: "all", kind, scope },
    ]);
    const values: CachedValue[] = [];
    const bot = kept === "bot" ? botId(await this.#redis.get("bot_user")) : "";
    for (const id of lookup.ids(kind, scope)) {
      if (kept === "bot" && id !== bot) continue;
      const value = lookup.get(kind, scope, id);
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  // ---------------------------------------------------------------------

  async #values(keys: string[]): Promise<CachedValue[]> {
    if (keys.length === 0) return [];
    const texts = await this.#redis.mget(keys);
    const values: CachedValue[] = [];
    for (const text of texts) {
      const value = text === null ? undefined : parseValue(text);
      if (value !== undefined) values.push(value);
    }
    return values;
  }
}
