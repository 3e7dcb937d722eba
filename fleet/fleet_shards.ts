/**
 * {@linkcode FleetShards}: one process's part of a bot whose shards are
 * spread over many processes. It runs the shards it holds leases for,
 * renews them on a timer, takes over shards whose process died (RESUMEing
 * them from the shared session store), hands shards to processes that join,
 * and stops any shard whose lease it can no longer prove.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { checkShardCount } from "./shard_count.ts";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import type { IdentifyQueue } from "../gateway/identify_queue.ts";
import { Shard } from "../gateway/shard.ts";
import {
  isSessionUsable,
  type SessionStore,
} from "../gateway/session_store.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { RedisIdentifyQueue } from "../redis/identify_queue.ts";
import { RedisSessionStore } from "../redis/session_store.ts";
import { HeldEvents, whenComplete } from "./held_events.ts";
import {
  eraKeys,
  FleetGeneration,
  RedisDuplicateFilter,
} from "./fleet_generation.ts";
import { ReshardError, type ReshardOptions } from "./resharding_shards.ts";
import { ShardLeases } from "./shard_leases.ts";
import type { FleetDispatch, FleetShardOptions } from "./fleet_dispatch.ts";

import {
  type WatchRecommendedOptions,
  watchRecommendedShards,
} from "./watch_recommended.ts";

const logger = getLogger(["disruption", "fleet"]);
/** Lines an operator must act on: on stderr when LogTape is not configured. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/** Options for {@linkcode FleetShards}. */
export interface FleetShardsOptions {
  /** The Redis connection the leases live on (the caller closes it). */
  redis: RedisConnection;
  /** Options every shard gets (token, intents, gateway URL). */
  shard: FleetShardOptions;
  /**
   * The bot's shard count when the fleet starts; once the fleet has
   * resharded, the count stored in Redis wins.
   */
  shardCount: number;
  /**
   * The shards this process may run.
   *
   * @default {every shard}
   */
  pool?: readonly number[];
  /** Paces IDENTIFY across the fleet, e.g. a `RedisIdentifyQueue`. */
  identifyQueue: IdentifyQueue;
  /** Where sessions are shared, e.g. a `RedisSessionStore`. */
  sessionStore: SessionStore;
  /**
   * Where the fleet's leases live: the same in every process of the bot.
   *
   * @default {"disruption:fleet"}
   */
  prefix?: string;
  /**
   * How long a lease lasts without renewal, in ms: a dead process's shards
   * move after at most this plus `renewMs`.
   *
   * @default {15000}
   */
  leaseTtlMs?: number;
  /**
   * How often leases are renewed and sessions saved, in ms; at most a third
   * of `leaseTtlMs`.
   *
   * @default {leaseTtlMs / 3}
   */
  renewMs?: number;
  /**
   * Whose clock leases expire on: `"redis"` (the server's) or
   * `"scheduler"` (for tests on a shared fake clock).
   *
   * @default {"redis"}
   */
  clock?: "redis" | "scheduler";
  /**
   * The timers.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

/**
 * One process of a fleet: runs the shards it holds Redis leases for.
 *
 * Guarantees:
 * - **One process per shard.** A lease is renewed every `renewMs`; when a
 *   renewal has not succeeded within `leaseTtlMs - renewMs` of the last
 *   one being sent, every shard is closed resumably before the lease can
 *   expire in Redis, so a process never runs a shard another may have taken.
 * - **Takeover.** A dead process's leases expire after at most
 *   `leaseTtlMs`; a live process takes them at its next tick (within
 *   `renewMs`) and RESUMEs each from the session store (saved every
 *   `renewMs`), or identifies through the queue when none is usable.
 * - **Fair share.** Each process holds `ceil(pool / live processes)`
 *   shards, preferring consecutive IDs (distinct identify buckets); one
 *   that joins gets its share as the others shed theirs, each shed shard
 *   closed resumably and its session saved before its lease is released.
 * - **Resharding across the fleet** ({@linkcode FleetShards.reshard}): the
 *   fleet's shard count lives in Redis; a reshard runs the new count's
 *   shards (leased with the same fair share) alongside the old, holds their
 *   events until every new shard of the fleet is READY with its guilds,
 *   then the count flips in Redis and each process switches at its next
 *   tick (within `renewMs`), see {@linkcode FleetShards.reshard} for what a
 *   handler sees.
 *
 * Delivery across a SIGKILL is at least once: the taker resumes from the
 * sequence saved at the dead process's last tick, so events the dead
 * process received after it are delivered again (at most `renewMs` worth).
 * `(shardId, sessionId, sequence)` identifies an event for deduplication.
 * Among live processes each event is delivered once.
 */
export class FleetShards {
  readonly #options: FleetShardsOptions;
  readonly #prefix: string;
  readonly #owner = crypto.randomUUID();
  readonly #record: FleetGeneration;
  readonly #scheduler: Scheduler;
  readonly #renewMs: number;
  readonly #ttlMs: number;
  readonly #useSchedulerClock: boolean;
  /** The last tick failed (its failure was said once, visibly). */
  #tickFailing = false;
  readonly #listeners = new Set<(event: FleetDispatch) => void>();
  readonly #events: HeldEvents;
  /** The shard set events come from. */
  #current: ShardSet;
  /** The fleet's clock less this machine's, learned at each tick. */
  #clockOffset = 0;
  /** The shard set being started by a reshard, events held. */
  #next: ShardSet | undefined;
  /** When `#next` was first seen: its shards are taken a tick later. */
  #nextSeenAt = 0;
  /** When this process last switched sets: filtering goes on a while. */
  #switchedAt: number | undefined;
  #timer: TimerId | undefined;
  #guard: TimerId | undefined;
  #ticking: Promise<void> | undefined;
  #closed = true;

  /**
   * Prepare a member of the fleet; {@linkcode FleetShards.start} joins.
   *
   * @param options Redis, shard options, queue, store and lease timings.
   * @throws {RangeError} When the timings are out of range.
   */
  constructor(options: FleetShardsOptions) {
    const ttl = options.leaseTtlMs ?? 15_000;
    const renew = options.renewMs ?? ttl / 3;
    if (!(ttl > 0) || !(renew > 0) || renew > ttl / 3) {
      throw new RangeError(
        `Cannot create fleet shards as 'renewMs' must be positive and at most a third of 'leaseTtlMs': current values 'leaseTtlMs=${ttl}', 'renewMs=${renew}'`,
      );
    }
    checkShardCount(options.shardCount);
    this.#options = options;
    this.#ttlMs = ttl;
    this.#renewMs = renew;
    this.#useSchedulerClock = options.clock === "scheduler";
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#prefix = options.prefix ?? "disruption:fleet";
    this.#record = new FleetGeneration(options.redis, this.#prefix, ttl);
    this.#current = this.#createSet(options.shardCount);
    this.#events = new HeldEvents((event) => {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          logger.error("A dispatch listener threw: {error}", { error });
        }
      }
    });
  }

  /** The shards this process runs now (of the set events come from), in order. */
  get shardIds(): number[] {
    return idsOf(this.#current);
  }

  /** The shard count events come from, as this process last saw it. */
  get shardCount(): number {
    return this.#current.count;
  }

  /**
   * The shard count a reshard is moving to and the shards of it this process
   * runs, while one is running.
   */
  get resharding(): { shardCount: number; shardIds: number[] } | undefined {
    return this.#next
      ? { shardCount: this.#next.count, shardIds: idsOf(this.#next) }
      : undefined;
  }

  /**
   * Listen to every dispatch of every shard this process runs, now or later.
   *
   * @param listener Called with each dispatch.
   * @returns A function that removes the listener.
   */
  onDispatch(listener: (event: FleetDispatch) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Join the fleet: take a fair share of the shards and keep renewing.
   *
   * @returns A promise that resolves after the first tick.
   */
  async start(): Promise<void> {
    this.#closed = false;
    await this.#tick();
  }

  /**
   * Move the whole fleet to `shardCount` shards without downtime; any
   * process may ask, and every process follows at its next tick.
   *
   * 1. The request is recorded in Redis (refused when another reshard is
   *    running, or when the day's session starts, `sessionStartsLeft` or
   *    else the shared budget of a `RedisIdentifyQueue`, cannot cover the
   *    new set).
   * 2. Each process, from its second tick after seeing the request (by
   *    then every live process has seen it and filters duplicates), leases
   *    a fair share of the new shards, exactly as for the running set, and
   *    identifies them through the queue. Their events are held.
   * 3. Each new shard that is READY and has received a GUILD_CREATE for
   *    every guild its READY listed is marked in Redis; the mark that
   *    completes the set flips the fleet's shard count (atomically).
   * 4. Each process switches at its next tick (at once for the one whose
   *    mark completed the set): its held events are delivered, from then
   *    on its events come from the new set only, and its old shards are
   *    closed and their leases released.
   *
   * What a handler sees: every event Discord sent to either set, once where
   * the copies can be told apart. From the request until `leaseTtlMs`
   * after its switch, every process checks each event's identity (name
   * plus payload JSON, as in {@linkcode ReshardingShards}) against a set
   * in Redis shared by the fleet and drops second copies: needed because a
   * guild's events reach the old shard of one process and the new shard of
   * another. Between the flip and a process's switch (at most `renewMs`
   * plus a tick) that process still delivers from its old set while others
   * deliver from the new one, so events of one guild may come from two
   * processes in that window, each once; held events are delivered at the
   * switch, after events the old set delivered later than they were
   * received (order across the switch is by arrival at a process, not by
   * Discord's time). Two distinct events with identical name and payload
   * in the overlap are taken for copies, and the second is dropped. When
   * Redis cannot be asked, an event is delivered (a possible duplicate
   * rather than a loss). A process holds at most 100,000 events of at most
   * 32 Mi characters of payload JSON in all; past either, the new set's
   * events are delivered as they come (one warning per reshard), second
   * copies still dropped.
   *
   * @param shardCount The new count.
   * @param options The day's session starts left, when known.
   * @returns The count before and the count asked for, once recorded.
   * @throws {ReshardError} When another reshard is running or the budget
   * cannot cover the new set.
   */
  async reshard(
    shardCount: number,
    options: ReshardOptions = {},
  ): Promise<{ from: number; to: number }> {
    checkShardCount(shardCount);
    let left = options.sessionStartsLeft;
    const queue = this.#options.identifyQueue;
    if (left === undefined && queue instanceof RedisIdentifyQueue) {
      left = (await queue.budget())?.remaining;
    }
    if (left !== undefined && left < shardCount) {
      throw new ReshardError(
        `Cannot reshard the fleet to ${shardCount} shards: ${shardCount} session starts are needed and only ${left} are left today; wait for the reset or reshard later`,
      );
    }
    const asked = await this.#record.request(this.#current.count, shardCount);
    if (asked.running !== undefined) {
      throw new ReshardError(
        `Cannot reshard the fleet to ${shardCount} shards while a reshard to ${asked.running} is running`,
      );
    }
    logger.info("Asked the fleet to reshard from {from} to {to} shards", {
      from: asked.count,
      to: shardCount,
    });
    return { from: asked.count, to: shardCount };
  }

  /**
   * Give up the fleet's running reshard (one whose new shards cannot
   * complete, say): every process closes its new shards at its next tick
   * and keeps running the current count. Nothing happens when the count
   * has flipped already.
   *
   * @param shardCount The count the reshard moves to.
   * @returns `true` when the reshard was running and is given up.
   */
  async cancelReshard(shardCount: number): Promise<boolean> {
    const cancelled = await this.#record.cancel(shardCount);
    if (cancelled) {
      logger.info("Gave up the fleet's reshard to {to} shards", {
        to: shardCount,
      });
    }
    return cancelled;
  }

  /**
   * Opt in to resharding the fleet by itself: every `intervalMs`, ask for
   * the recommended shard count and {@linkcode FleetShards.reshard} when it
   * is above the fleet's (within the day's session starts; a refusal,
   * including another process having asked first, is logged as a warning
   * and asked again next time). Any number of processes may watch.
   *
   * @param options How to ask, and how often.
   * @returns A function that stops watching.
   */
  watchRecommended(options: WatchRecommendedOptions): () => void {
    return watchRecommendedShards(this.#scheduler, options, {
      shardCount: () => this.shardCount,
      busy: () => this.#next !== undefined || this.#closed,
      reshard: (count, left) =>
        this.reshard(count, { sessionStartsLeft: left }),
    });
  }

  /**
   * Leave the fleet: stop renewing, close every shard resumably, save their
   * sessions and release their leases, so others take them over at once.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    if (this.#guard !== undefined) this.#scheduler.clearTimeout(this.#guard);
    this.#timer = this.#guard = undefined;
    await this.#ticking;
    for (const set of [this.#current, this.#next]) {
      if (!set) continue;
      const ids = idsOf(set);
      await this.#stop(set, ids, set === this.#current);
      try {
        await set.leases.release(ids, true);
      } catch (error) {
        logger.warn(
          "Could not release leases ({shards}); they expire in {ttl} ms: {error}",
          { shards: ids, ttl: this.#ttlMs, error },
        );
      }
    }
  }

  /** Now on the leases' clock: the scheduler's, or `undefined` for Redis's. */
  #leaseNow(): number | undefined {
    return this.#useSchedulerClock ? this.#scheduler.now() : undefined;
  }

  #tick(): Promise<void> {
    const run = async (): Promise<void> => {
      const sentAt = this.#scheduler.now();
      try {
        // The count it runs, not the one configured: if Redis lost the key,
        // a reshard done since is not undone.
        const state = await this.#record.sync(
          this.#current.count,
          this.#leaseNow(),
        );
        if (this.#closed) return;
        await this.#follow(state);
      } catch (error) {
        logger.warn("Could not read the fleet's shard count: {error}", {
          error,
        });
      }
      const sets = this.#next ? [this.#current, this.#next] : [this.#current];
      const results = [];
      try {
        for (const set of sets) {
          // A new set's shards are taken from the tick after the first that
          // saw it: by then every live process has seen it (so filters
          // duplicates) and joined its members (so the fair share counts
          // everyone and no process identifies shards it must hand over).
          const take = set === this.#current ||
            sentAt - this.#nextSeenAt >= this.#renewMs;
          results.push(
            await set.leases.tick(
              idsOf(set),
              this.#useSchedulerClock ? sentAt : undefined,
              take,
            ),
          );
        }
      } catch (error) {
        // Said without setup the first time after a tick that went through:
        // an error Redis keeps answering (a script it refuses, a key it
        // cannot read) stops every shard, and must not pass unseen; a
        // Redis outage is also said by the connection itself.
        if (this.#tickFailing) {
          logger.warn("Could not renew shard leases: {error}", { error });
        } else {
          this.#tickFailing = true;
          visible.error(
            "Could not renew shard leases (shards stop when their leases run out, and none is taken until a tick goes through): {error}",
            { error },
          );
        }
        return;
      }
      this.#tickFailing = false;
      if (this.#closed) {
        // close() ran while this tick was in flight: hand back what it took.
        for (const [i, result] of results.entries()) {
          await sets[i]!.leases.release(result.acquired).catch(() => {});
        }
        return;
      }
      this.#armGuard(sentAt);
      // Sessions are dated on the fleet's clock (the leases', Redis's by
      // default), not this machine's: another machine's clock minutes off
      // made every handover's session look stale, so it identified.
      const at = results[0]?.at;
      if (at !== undefined) this.#clockOffset = at - sentAt;
      if (this.#next) {
        await this.#events.prune().catch((error: unknown) => {
          logger.warn("Could not prune held events: {error}", { error });
        });
      }
      for (const [i, result] of results.entries()) {
        const set = sets[i]!;
        const live = set === this.#current;
        if (result.rejoined) {
          logger.warn(
            "This process's fleet membership was gone from Redis (data lost, or ticks failed past the lease TTL): keeping its shards, taking no other for {ttl} ms so that no shard another process runs is taken",
            { ttl: this.#ttlMs },
          );
        }
        if (result.lost.length > 0) {
          logger.warn("Lost the leases of shards {shards}; stopping them", {
            shards: result.lost,
          });
          await this.#stop(set, result.lost, false);
        }
        if (live || set === this.#next) await this.#save(set, result.kept);
        if (result.shed.length > 0) {
          logger.info(
            "Handing shards {shards} over ({members} processes now)",
            { shards: result.shed, members: result.members },
          );
          await this.#stop(set, result.shed, live);
          await set.leases.release(result.shed).catch(() => {});
        }
        for (const id of result.acquired) await this.#run(set, id);
      }
    };
    this.#ticking = run().finally(() => {
      this.#ticking = undefined;
      if (!this.#closed) {
        this.#timer = this.#scheduler.setTimeout(
          () => void this.#tick(),
          this.#renewMs,
        );
      }
    });
    return this.#ticking;
  }

  /** Catch up with the fleet's shard count and reshard as recorded in Redis. */
  async #follow(
    state: { count: number; next: number | undefined },
  ): Promise<void> {
    const now = this.#scheduler.now();
    if (state.count !== this.#current.count) {
      const old = this.#current;
      if (this.#next?.count === state.count) {
        // The switch: the new set delivers from here on, its held events
        // first; the old set's, until it is closed, only when no copy was.
        this.#current = this.#next;
        this.#next = undefined;
        this.#switchedAt = now;
        const early = this.#events.deliveredEarly;
        const held = await this.#events.release();
        logger.info(
          "Switched from {from} to {to} shards ({held} held events delivered; {early} delivered as they came, past the held bound)",
          { from: old.count, to: state.count, held, early },
        );
      } else {
        // Joined late or missed the reshard: run the new count from scratch.
        this.#current = this.#createSet(state.count);
        await this.#dropNext();
      }
      // The old sessions end for good: nobody resumes a count left behind.
      const ids = idsOf(old);
      await this.#stop(old, ids, false, false);
      await old.leases.release(ids, true).catch(() => {});
    }
    if (this.#next && this.#next.count !== state.next) await this.#dropNext();
    if (state.next !== undefined && !this.#next) {
      this.#next = this.#createSet(state.next);
      this.#nextSeenAt = now;
      this.#events.filter = new RedisDuplicateFilter(
        this.#options.redis,
        `${this.#prefix}:seen:${state.next}`,
        4 * this.#ttlMs,
      );
      logger.info("Resharding to {to} shards", { to: state.next });
    }
    if (
      !this.#next && this.#switchedAt !== undefined &&
      now - this.#switchedAt >= 2 * this.#ttlMs
    ) {
      // Every process has switched by now, and a new shard whose process
      // died around the flip was taken over (within a TTL) and its replay
      // delivered: nothing can be a second copy.
      this.#events.filter = undefined;
      this.#switchedAt = undefined;
    }
  }

  async #dropNext(): Promise<void> {
    const next = this.#next;
    if (!next) return;
    this.#next = undefined;
    this.#events.discard();
    const ids = idsOf(next);
    await this.#stop(next, ids, false);
    await next.leases.release(ids, true).catch(() => {});
  }

  /**
   * After a renewal sent at `sentAt` succeeds, the leases are safe until
   * `sentAt + ttl` (Redis renewed them after that). Stop every shard a
   * renewal earlier than that unless another renewal succeeds first.
   */
  #armGuard(sentAt: number): void {
    if (this.#guard !== undefined) this.#scheduler.clearTimeout(this.#guard);
    const deadline = sentAt + this.#ttlMs - this.#renewMs;
    this.#guard = this.#scheduler.setTimeout(() => {
      this.#guard = undefined;
      for (const set of [this.#current, this.#next]) {
        const ids = set ? idsOf(set) : [];
        if (!set || ids.length === 0) continue;
        logger.error(
          "No lease renewal for {ms} ms: stopping shards {shards} before their leases can expire",
          { ms: this.#ttlMs - this.#renewMs, shards: ids },
        );
        void this.#stop(set, ids, false);
      }
    }, deadline - this.#scheduler.now());
  }

  #createSet(count: number): ShardSet {
    return {
      count,
      shards: new Map(),
      watchers: new Map(),
      leases: new ShardLeases(this.#options.redis, {
        // One lease namespace per shard count: the old and the new set are
        // leased side by side during a reshard.
        prefix: `${this.#prefix}:${count}`,
        owner: this.#owner,
        shardCount: count,
        pool: this.#options.pool?.filter((id) => id < count),
        ttlMs: this.#ttlMs,
      }),
      sessions: new RedisSessionStore(this.#options.redis, {
        key: eraKeys(this.#prefix, count).sessions,
        shardCountKey: eraKeys(this.#prefix, count).sessionCount,
      }),
    };
  }

  async #run(set: ShardSet, id: number): Promise<void> {
    const shard = new Shard({
      ...this.#options.shard,
      scheduler: this.#scheduler,
      shardId: id,
      shardCount: set.count,
      identifyQueue: this.#options.identifyQueue,
    });
    shard.on("dispatch", (event) => {
      this.#events.fromSet(set, this.#current, this.#next, shard, event);
    });
    let resumed = false;
    const resume = async (store: SessionStore): Promise<void> => {
      try {
        const saved = await store.load(id);
        if (
          saved && isSessionUsable(saved, {
            shardCount: set.count,
            now: this.#fleetNow(),
          })
        ) {
          shard.restore(saved);
          resumed = true;
        }
      } catch (error) {
        logger.warn(
          "Could not load shard {id}'s session; identifying: {error}",
          { id, error },
        );
      }
    };
    // A shard whose process died after it completed in a reshard's new set
    // resumes from that set's store (see eraKeys): Discord then replays its
    // missed events, which nobody else delivers once the set flipped.
    const wasComplete = (): Promise<boolean> =>
      this.#record.wasComplete(set.count, id).catch(() => false);
    if (set === this.#current) {
      await resume(this.#options.sessionStore);
      if (!resumed && await wasComplete()) await resume(set.sessions);
    } else {
      // A new set's shard counts toward the fleet's barrier once complete;
      // one taken over from a process that died is uncounted until then
      // (until RESUMED, when it resumes a complete one).
      await this.#record.markReady(set.count, id, false).catch(() => {});
      if (await wasComplete()) await resume(set.sessions);
      const { complete, stop } = whenComplete(shard, resumed);
      set.watchers.set(id, stop);
      void complete.then(async () => {
        set.watchers.delete(id);
        if (set !== this.#next || set.shards.get(id) !== shard) return;
        try {
          // Its session first: once marked, the set may flip without this
          // process, and whoever takes the shard over resumes from it.
          await this.#saveShards(set, [shard]);
          const flipped = await this.#record.markReady(
            set.count,
            id,
            true,
            this.#leaseNow(),
          );
          if (flipped && !this.#closed) {
            await this.#ticking;
            if (this.#timer !== undefined) {
              this.#scheduler.clearTimeout(this.#timer);
              this.#timer = undefined;
            }
            void this.#tick();
          }
        } catch (error) {
          logger.warn("Could not mark shard {id} ready: {error}", {
            id,
            error,
          });
        }
      });
    }
    set.shards.set(id, shard);
    logger.info("Running shard {id} of {count} ({how})", {
      id,
      count: set.count,
      how: resumed ? "resuming" : "identifying",
    });
    shard.connect().catch((error: unknown) => {
      logger.warn("Shard {id} stopped: {error}", { id, error });
    });
  }

  /** Close shards; with `save`, store their sessions for whoever runs them next. */
  async #stop(
    set: ShardSet,
    ids: readonly number[],
    save: boolean,
    resumable = true,
  ): Promise<void> {
    const shards = ids.map((id) => set.shards.get(id)).filter((s) =>
      s !== undefined
    );
    for (const shard of shards) {
      set.shards.delete(shard.id);
      set.watchers.get(shard.id)?.();
      set.watchers.delete(shard.id);
    }
    if (set === this.#next && shards.length > 0) {
      // A new shard that stops no longer counts toward the barrier.
      for (const shard of shards) {
        await this.#record.markReady(set.count, shard.id, false).catch(
          () => {},
        );
      }
    }
    await Promise.all(shards.map((s) => s.close({ resumable })));
    if (save) await this.#saveShards(set, shards);
  }

  async #save(set: ShardSet, ids: readonly number[]): Promise<void> {
    const shards = ids.map((id) => set.shards.get(id)).filter((s) =>
      s !== undefined
    );
    await this.#saveShards(set, shards);
  }

  /** The time on the fleet's clock, as of the last tick. */
  #fleetNow(): number {
    return this.#scheduler.now() + this.#clockOffset;
  }

  async #saveShards(set: ShardSet, shards: Shard[]): Promise<void> {
    const now = this.#fleetNow();
    const sessions = shards.flatMap((shard) => {
      const session = shard.session;
      return session
        ? [{
          shardId: shard.id,
          shardCount: set.count,
          ...session,
          savedAt: now,
        }]
        : [];
    });
    if (sessions.length === 0) return;
    // The running set's in the fleet's store; the new set's in its own
    // (keyed by shard id too, they would overwrite the running set's).
    const store = set === this.#current
      ? this.#options.sessionStore
      : set.sessions;
    try {
      await store.save(sessions);
    } catch (error) {
      logger.warn("Could not save sessions: {error}", { error });
    }
  }
}

/** The shards of one shard count that this process runs. */
interface ShardSet {
  count: number;
  leases: ShardLeases;
  /** Its sessions while it is the new set (see `eraKeys`). */
  sessions: SessionStore;
  shards: Map<number, Shard>;
  /** Stops watching a new set's shard for completeness. */
  watchers: Map<number, () => void>;
}

function idsOf(set: ShardSet): number[] {
  return [...set.shards.keys()].sort((a, b) => a - b);
}
