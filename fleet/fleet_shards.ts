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
import { checkReshard, type ReshardOptions } from "./reshard_budget.ts";
import { assertFleetOptions } from "./fleet_options_check.ts";
import {
  realScheduler,
  type Scheduler,
  settlesWithin,
  type TimerId,
} from "../base/scheduler.ts";
import type { Shard } from "../gateway/shard.ts";
import type { SavedSession } from "../gateway/session_store.ts";
import { LeaseGuard } from "./lease_guard.ts";
import { LeaseTimes } from "./lease_times.ts";
import { FleetClock } from "./fleet_clock.ts";
import {
  fromRedis,
  REDIS_WAIT_MS,
  silentRedis,
  waitsUntil,
} from "./redis_waits.ts";
import {
  forgetSessionsPast,
  NewSessionSaves,
  saveSessions,
} from "./fleet_sessions.ts";
import { TickFailures } from "./tick_failures.ts";
import { StoreFailures } from "./store_failures.ts";
import {
  createShardSet,
  heldIds,
  idsOf,
  keepsNext,
  type ShardSet,
  shardsOf,
  type ShardStarts,
  startShards,
} from "./shard_sets.ts";
import { HeldEvents } from "./held_events.ts";
import { OverdueHold } from "./_overdue_hold.ts";
import { forcedTicks } from "./_forced_ticks.ts";
import { FleetListeners } from "./dispatch_listeners.ts";
import type { ShardMarks } from "./reshard_marks.ts";
import { watchNewShard } from "./new_shard_watch.ts";
import { FleetGeneration } from "./fleet_generation.ts";
import { FleetBot } from "./fleet_bot.ts";
import { ReshardOverlap } from "./reshard_overlap.ts";
import { longestInterval, RetiringSets } from "./retiring_sets.ts";
import type { BudgetWatchingQueue } from "./reshard_identify_guard.ts";
import { watchReshardBudget } from "./reshard_budget_watch.ts";
import { closeSetShards } from "./set_stops.ts";
import { leaveSets } from "./fleet_leave.ts";
import { stopUnrenewed } from "./_guard_fired.ts";
import { ReshardError } from "./reshard_error.ts";
import type { FleetDispatch } from "./fleet_dispatch.ts";
import type { FleetShardsOptions } from "./fleet_shards_options.ts";
import {
  type WatchRecommendedOptions,
  watchRecommendedShards,
} from "./watch_recommended.ts";

const logger = getLogger(["disruption", "fleet"]);

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
 *   `renewMs`) and RESUMEs each from the session store (saved at each
 *   READY and every `renewMs`), or identifies through the queue when none
 *   is usable (after Redis lost its keys, only once none came back for a
 *   minute: see `identify_after_loss.ts`).
 * - **Fair share.** Each process holds `ceil(pool / live processes)`
 *   shards, preferring consecutive IDs (distinct identify buckets); one
 *   that joins gets its share as the others shed theirs, each shed shard
 *   closed resumably, its async listeners let finish (half a renewal at
 *   most), and its session saved before its lease is released.
 * - **One bot per prefix** (see `fleet_bot.ts`): a process of another bot
 *   is refused by `start()` (`OtherBotError`), or leaves at its first
 *   READY when its token holds no user id. Intents apply only at a new
 *   IDENTIFY (a RESUME keeps the session's): see `fleet_intents.ts`.
 * - **A fresh count waits a TTL.** After the count is written where Redis
 *   had none (a first start, a data loss), no process takes a shard for
 *   `leaseTtlMs` (see `generation_seed.ts`).
 * - **Resharding across the fleet** ({@linkcode FleetShards.reshard}): the
 *   fleet's shard count lives in Redis; a reshard runs the new count's
 *   shards (leased with the same fair share) alongside the old, holds their
 *   events until every new shard of the fleet is READY with its guilds,
 *   then the count flips in Redis and each process switches at its next
 *   tick (within `renewMs`), see {@linkcode FleetShards.reshard} for what a
 *   handler sees.
 *
 * Renewals, duplicate claims, reshard requests and cancels are safe to run
 * twice in Redis (ioredis resends a command whose reply the connection
 * lost): each answers as its first run did.
 *
 * Delivery is at least once when a process dies or is cut off from Redis:
 * the taker resumes from the sequence saved at its last answered renewal,
 * so what it delivered since is delivered again, at most a renewal period
 * and a half worth (then a cut-off process holds its events, see
 * `_overdue_hold.ts`); `(shardId, sessionId, sequence)` identifies one.
 */
export class FleetShards {
  readonly #options: FleetShardsOptions;
  readonly #prefix: string;
  readonly #owner = crypto.randomUUID();
  readonly #record: FleetGeneration;
  /** The bot the prefix belongs to (see fleet_bot.ts). */
  readonly #bot: FleetBot;
  /** The timers, with time elapsed on this machine (see fleet_clock.ts). */
  readonly #scheduler: Scheduler;
  readonly #clock: FleetClock;
  /** Now on the leases' clock: the scheduler's, or `undefined` for Redis's. */
  readonly #leaseNow = (): number | undefined => this.#clock.leaseNow();
  /** The time on the fleet's clock, as of the last tick. */
  readonly #fleetNow = (): number => this.#clock.fleetNow();
  /** The fleet's lease TTL (its first process's option) and renewal. */
  readonly #times: LeaseTimes;
  readonly #failures = new TickFailures();
  /** Its saves stay before events its async listeners are still at. */
  readonly #listeners = new FleetListeners();
  readonly #events: HeldEvents;
  /** Events held while a renewal is overdue (see _overdue_hold.ts). */
  readonly #hold: OverdueHold;
  /** How shards start (see startShards). */
  readonly #starts: ShardStarts;
  /** The shard set events come from. */
  #current: ShardSet;
  /** Session store failures, each kind said visibly once in a row. */
  readonly #storeFailures = new StoreFailures();
  readonly #newSessions = new NewSessionSaves(this.#storeFailures);
  /** The shard set being started by a reshard, events held. */
  #next: ShardSet | undefined;
  /** When `#next` was first seen: its shards are taken a tick later. */
  #nextSeenAt = 0;
  /** How the new set's shards are marked complete (see reshard_marks.ts). */
  readonly #marks: ShardMarks;
  /** The duplicate filter and overdue warning of a reshard. */
  readonly #overlap: ReshardOverlap;
  /** Old sets draining after a switch (see retiring_sets.ts). */
  readonly #retiring: RetiringSets;
  /** The new set's identify queue, which ends a reshard the budget cannot. */
  #budget: BudgetWatchingQueue | undefined;
  #timer: TimerId | undefined;
  readonly #guard: LeaseGuard;
  #ticking: Promise<void> | undefined;
  #closed = true;
  /** Bumped by start() and close(): a tick of an earlier join schedules none. */
  #joins = 0;
  /** Tick now rather than at the timer (see _forced_ticks.ts). */
  readonly #tickNow = forcedTicks({
    joins: () => this.#joins,
    ticking: () => this.#ticking,
    stale: (joins) => this.#closed || joins !== this.#joins,
    tick: (take) => {
      if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
      this.#timer = undefined;
      void this.#tick(take).catch((error) => this.#failures.threw(error));
    },
  });
  /** Redis ready again after a drop (see start()): renew, taking nothing. */
  readonly #reconnected = (): void => void this.#tickNow(false);

  /**
   * Prepare a member of the fleet; {@linkcode FleetShards.start} joins.
   *
   * @param options Redis, shard options, queue, store and lease timings.
   * @throws {RangeError} When a count, timing or pool id is out of range.
   * @throws {TypeError} When an option has the wrong type (a missing Redis,
   *   queue or store; a clock other than "redis" or "scheduler").
   */
  constructor(options: FleetShardsOptions) {
    assertFleetOptions(options);
    const times = new LeaseTimes(options.leaseTtlMs, options.renewMs);
    this.#options = options;
    this.#times = times;
    const scheduler = options.scheduler ?? realScheduler;
    this.#clock = new FleetClock(scheduler, options.clock === "scheduler");
    this.#scheduler = this.#clock.scheduler;
    this.#prefix = options.prefix ?? "disruption:fleet";
    const [redis, intents] = [options.redis, options.shard.intents];
    this.#record = new FleetGeneration(redis, this.#prefix, times, intents);
    this.#marks = {
      record: this.#record,
      leaseNow: () => this.#leaseNow(),
      save: (set, shards) => this.#saveShards(set, shards),
      flipped: () => this.#tickNow(true),
    };
    // Another bot's process leaves: its sessions are not the fleet's.
    this.#bot = new FleetBot(
      options.redis,
      this.#prefix,
      options.shard.token,
      () => void this.#leave(REDIS_WAIT_MS),
    );
    this.#guard = new LeaseGuard(
      this.#scheduler,
      times,
      // No renewal answered in time (`why`, `late`): stop all.
      (why, late) =>
        stopUnrenewed(why, {
          current: this.#current,
          next: this.#next,
          fleetNow: this.#fleetNow(),
          points: [this.#listeners.resumePoint, this.#hold.resumePoint],
          parked: this.#guard.parked,
          stop: (set, ids) => void this.#stop(set, ids, false, true, late),
        }),
      () => void this.#tickNow(false),
    );
    this.#current = this.#createSet(options.shardCount);
    this.#hold = new OverdueHold(times, this.#clock.scheduler);
    this.#events = new HeldEvents(this.#listeners.deliver, undefined, {
      scheduler,
    });
    this.#overlap = new ReshardOverlap({
      redis: options.redis,
      prefix: this.#prefix,
      times,
      events: this.#events,
      record: this.#record,
      leaseNow: () => this.#leaseNow(),
    });
    this.#retiring = new RetiringSets(
      scheduler,
      (count) => count === this.#current.count || count === this.#next?.count,
    );
    this.#starts = {
      scheduler,
      shard: options.shard,
      identifyQueue: options.identifyQueue,
      sessionStore: options.sessionStore,
      storeFailures: this.#storeFailures,
      record: this.#record,
      isRunning: (set) => set === this.#current,
      fleetNow: () => this.#fleetNow(),
      listen: (set, shard) => {
        shard.on("dispatch", (event) => {
          // A new session: saved now (see NewSessionSaves), not at a tick.
          if (event.name === "READY") {
            const mine = this.#bot.ready(shard, event.data);
            this.#newSessions.save(shard, async () => {
              if (await mine) await this.#saveRunning(set, shard);
            });
          }
          this.#hold.take(shard, event, () => {
            this.#events.fromSet(set, this.#current, this.#next, shard, event);
          });
        });
      },
      watch: (set, shard, resumed) =>
        watchNewShard(
          this.#marks,
          this.#scheduler,
          (s) => s === this.#next,
          set,
          shard,
          resumed,
        ),
      stop: async (set, shard) =>
        void await this.#stop(set, [shard.id], false, false),
      checkLeases: () => this.#guard.check(), // see shard_sets.ts
    };
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
   * @param listener Called with each dispatch (see "Delivery" in the README).
   * @returns A function that removes the listener.
   */
  onDispatch(listener: (event: FleetDispatch) => void): () => void {
    return this.#listeners.add(listener);
  }

  /**
   * Join the fleet: take a fair share of the shards and keep renewing.
   *
   * @returns A promise that resolves after the first tick.
   * @throws {OtherBotError} When the prefix belongs to another bot than
   * the token's (recorded by the fleet's first process): nothing is taken.
   * @throws {Error} When Redis does not answer the first tick within 10 s,
   * or the tick fails otherwise (a shard that cannot be created): the
   * fleet is left then, as by {@linkcode FleetShards.close}, and nothing
   * more is scheduled; or close() was called before it joined.
   */
  async start(): Promise<void> {
    // Before joining: a member of another bot makes the others shed to it.
    const joins = this.#joins; // a close() meanwhile voids this start()
    await this.#bot.assertJoinable(
      this.#scheduler,
      () => this.#joins === joins,
    );
    this.#closed = false;
    this.#joins++;
    // Back after a drop, Redis may have lost the leases (restarted without
    // persistence, failed over): renewing at once, not up to renewMs later,
    // writes them back before a process starting meanwhile takes them.
    const redis = this.#options.redis;
    redis.off("ready", this.#reconnected).on("ready", this.#reconnected);
    this.#record.forget(); // joins afresh, as its leases do
    let failed: { error: unknown } | undefined;
    const first = this.#tick().catch((error: unknown) => {
      failed = { error };
    });
    const answered = await settlesWithin(this.#scheduler, first, REDIS_WAIT_MS);
    if (answered && !failed) return;
    // The caller, told start() failed, may never call close().
    await this.#leave(answered ? REDIS_WAIT_MS : 0);
    throw failed ? failed.error : new Error(
      `Cannot start the fleet: ${silentRedis(REDIS_WAIT_MS)}; left the fleet`,
    );
  }

  /**
   * Move the whole fleet to `shardCount` shards without downtime; any
   * process may ask, and every process follows at its next tick.
   *
   * 1. The request is recorded in Redis (refused when another reshard is
   *    running, or when the day's session starts, `sessionStartsLeft` or
   *    else the shared budget of a `RedisIdentifyQueue`, cannot cover the
   *    new set).
   * 2. Each process, a third of `leaseTtlMs` after it saw the request (by
   *    then every live process has, and filters duplicates), leases a fair
   *    share of the new shards, as for the running set, and identifies them
   *    through the queue; their events are held. A new shard that would
   *    wait for the budget's reset (others identified meanwhile) gives the
   *    reshard up, as `cancelReshard`, said on stderr.
   * 3. Each new shard that is READY and has received a GUILD_CREATE for
   *    every guild its READY listed is marked in Redis (withdrawn while its
   *    session ends, by op 9 or a close such as 4007/4009, until the new one
   *    is complete); the mark that completes the set flips the fleet's
   *    shard count (atomically).
   * 4. Each process switches at its next tick (at once for the one whose
   *    mark completed the set): its held events are delivered, and from
   *    then on its old set delivers only what no copy of was, each old
   *    shard closed (in the background) once a heartbeat ACK shows it read
   *    what Discord sent before the switch, a reconnecting one after its
   *    RESUME's replay (as in {@linkcode ReshardingShards}); the old leases
   *    are released then.
   *
   * What a handler sees: every event Discord sent to either set, once where the
   * copies can be told apart. From the request until twice `leaseTtlMs` after
   * its switch and old set's close (the previous reshard's too, for one asked
   * meanwhile), every process checks each event's identity (name plus payload
   * JSON, as in {@linkcode ReshardingShards}) against sets in Redis shared by
   * the fleet, which remember the last one to two windows of events (see
   * `duplicateWindowMs`), and drops second copies: needed because a guild's
   * events reach the old shard of one process and the new shard of another.
   * Between the flip and a process's switch (at most `renewMs` plus a tick)
   * that process still delivers from its old set while others deliver from the
   * new one, so events of one guild may come from two processes in that window,
   * each once; held events are delivered at the switch, after events the old
   * set delivered later than they were received (order across the switch is by
   * arrival at a process, not by Discord's time). Two distinct events with
   * identical name and payload in the overlap are taken for copies, and the
   * second is dropped. An event is claimed in Redis before it is delivered and
   * confirmed after: a claim left unconfirmed past `leaseTtlMs - renewMs` is
   * taken for its process's death, and another copy is delivered (a held copy
   * still claimed at the switch, its claimer perhaps dead too recently, is kept
   * 2 s more, then delivered unless confirmed meanwhile). When Redis cannot be
   * asked, an event is delivered. A possible duplicate rather than a loss. A
   * process holds at most 100,000 events of at most 32 Mi characters of payload
   * JSON in all; past either, the new set's events are delivered as they come
   * (one warning per reshard), second copies still dropped.
   *
   * @param shardCount The new count.
   * @param options The day's session starts left, when known.
   * @returns The count before and the count asked for, once recorded.
   * @throws {ReshardError} When another reshard is running or the budget
   * cannot cover the new set.
   * @throws {RangeError} When `shardCount` is not an integer from 1 to
   * 65,536 or `sessionStartsLeft` not an integer >= 0.
   * @throws {Error} When Redis does not answer within 10 s (the request may
   * still be recorded once it does).
   */
  async reshard(
    shardCount: number,
    options: ReshardOptions = {},
  ): Promise<{ from: number; to: number }> {
    const queue = this.#options.identifyQueue;
    await checkReshard(
      this.#scheduler,
      queue,
      shardCount,
      options,
      "the fleet",
    );
    const asked = await fromRedis(
      this.#scheduler,
      this.#record.request(this.#current.count, shardCount, this.#leaseNow()),
      `reshard to ${shardCount} shards`,
    );
    if (asked.running !== undefined) {
      throw new ReshardError(
        `Cannot reshard the fleet to ${shardCount} shards while a reshard to ${asked.running} is running`,
        { runningTo: asked.running },
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
   * complete, say, which each process says on stderr every 10 minutes):
   * every process closes its new shards at its next tick and keeps running
   * the current count, and the count's keys go a grace later (see
   * `retiredKeysGraceMs`). Nothing happens when the count has flipped.
   *
   * @param shardCount The count the reshard moves to.
   * @returns `true` when the reshard was running and is given up.
   * @throws {Error} When Redis does not answer within 10 s.
   */
  async cancelReshard(shardCount: number): Promise<boolean> {
    const cancelled = await fromRedis(
      this.#scheduler,
      this.#record.cancel(shardCount, this.#leaseNow()),
      `give up the reshard to ${shardCount} shards`,
    );
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
   * is above the fleet's (within the day's session starts; a refusal is a
   * warning, asked again next time; another's reshard to that count is an
   * info line). Any number of processes may watch.
   *
   * @param options How to ask, and how often.
   * @returns A function that stops watching.
   * @throws {RangeError} An `intervalMs` under a minute or past a timer's
   * longest wait.
   * @throws {TypeError} A `fetch` that is not a function.
   */
  watchRecommended(options: WatchRecommendedOptions): () => void {
    return watchRecommendedShards(this.#scheduler, options, {
      shardCount: () => this.shardCount,
      busy: () =>
        this.#next !== undefined || this.#retiring.busy || this.#closed,
      reshard: (count, left) =>
        this.reshard(count, { sessionStartsLeft: left }),
    });
  }

  /**
   * Leave the fleet: stop renewing, close every shard resumably, save their
   * sessions and release their leases, so others take them over at once;
   * past 10 s without Redis, the shards are closed all the same.
   */
  async close(): Promise<void> {
    await this.#leave(REDIS_WAIT_MS);
  }

  /** Same as {@linkcode FleetShards.close}, for `await using`: leaves resumably. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** What close() does, waiting for Redis at most `ms`. */
  async #leave(ms: number): Promise<void> {
    this.#closed = true;
    this.#joins++;
    this.#options.redis.off("ready", this.#reconnected);
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    const wait = waitsUntil(this.#scheduler, this.#scheduler.now() + ms);
    // The guard stays armed meanwhile: no shard outlives its lease.
    let answered = await wait(this.#ticking);
    this.#guard.disarm();
    this.#budget?.stop();
    // The old sets' drains end: their shards close with the others.
    answered = await wait(this.#retiring.close()) && answered;
    this.#events.discard(); // copies kept for a grace: delivered, no timer
    await leaveSets([this.#current, this.#next], {
      stop: (set, ids) => this.#stop(set, ids, set === this.#current),
      wait,
      ms,
      ttlMs: this.#times.ttlMs,
      answered,
    });
    this.#hold.discard(); // after the saves, which stay before them
  }

  #tick(mayTake = true): Promise<void> {
    // Timed on the local clock (a suspend counted); the leases on theirs.
    const [sentAt, leaseAt] = [this.#clock.stamp(), this.#leaseNow()];
    const joins = this.#joins;
    // close() ran since, or close() and start(): act on nothing more.
    const stale = () => this.#closed || joins !== this.#joins;
    const run = async (): Promise<void> => {
      // The count it runs; one that cannot read it takes nothing.
      let synced = false;
      const bot = this.#bot.mayTake(); // beside the sync: no round trip more
      try {
        const state = await this.#record.sync(
          this.#current.count,
          this.#leaseNow(),
          this.#guard.safeUntil(this.#clock.offset),
        );
        if (stale()) return;
        synced = true;
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
          // A new set's shards are taken a third of the TTL (the longest
          // renewal period any process may run with, see lease_times.ts)
          // after it was first seen: by then every live process has seen it
          // (so filters duplicates) and joined its members (so the fair
          // share counts everyone and no process identifies shards it must
          // hand over). Its own period was too short for a slower process.
          const take = mayTake && synced && await bot &&
            (set === this.#current ||
              sentAt - this.#nextSeenAt >= this.#times.ttlMs / 3);
          results.push(
            await set.leases.tick(
              heldIds(set),
              leaseAt,
              take,
              this.#record.takeFrom,
            ),
          );
        }
      } catch (error) {
        return this.#failures.renewFailed(error);
      }
      this.#failures.renewed();
      if (stale()) {
        // close() ran while this tick was in flight: hand back what it took.
        for (const [i, result] of results.entries()) {
          await sets[i]!.leases.release(result.acquired).catch(() => {});
        }
        return;
      }
      this.#guard.arm(sentAt);
      this.#hold.renewed(sentAt);
      // Sessions (and a flip, see took) are dated on the fleet's clock (the
      // leases', Redis's by default), not this machine's: another machine's
      // clock minutes off made every handover's session look stale.
      const at = results[0]?.at;
      if (at !== undefined) this.#clock.learn(at, sentAt);
      const [store, now] = [this.#options.sessionStore, this.#fleetNow()];
      const fleetNow = this.#clock.known ? now : undefined; // see took
      this.#overlap.took(this.#current.count, fleetNow, this.#scheduler.now());
      // Parked sessions back to the store before any start: Redis may have
      // lost them, and another process may take the shards.
      await this.#guard.writeBack(store, this.#current, sentAt, now);
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
            { ttl: this.#times.ttlMs },
          );
        }
        if (result.lost.length > 0) {
          logger.warn("Lost the leases of shards {shards}; stopping them", {
            shards: result.lost,
          });
          await this.#stop(set, result.lost, false);
        }
        const kept = shardsOf(set, result.kept);
        if (live || set === this.#next) await this.#saveShards(set, kept);
        if (result.shed.length > 0) {
          logger.info(
            "Handing shards {shards} over ({members} processes now)",
            { shards: result.shed, members: result.members },
          );
          // Kept a TTL: Redis may lose them before the taker resumes them.
          const saved = await this.#stop(set, result.shed, live);
          this.#guard.parked.keep(saved, this.#fleetNow() + this.#times.ttlMs);
          await set.leases.release(result.shed).catch(() => {});
        }
        // A kept shard not running was stopped by the guard while this tick
        // went unanswered: nobody else may run it, so it runs again now.
        const idle = result.kept.filter((id) => !set.shards.has(id));
        await this.#startAll(set, [...result.acquired, ...idle], sentAt);
      }
      this.#hold.release(); // the sessions were saved before them
    };
    // Whoever ran it (the timer, a forced tick, start()): a throw after it
    // is said visibly again.
    const ticking = run().then(() => this.#failures.ran()).finally(() => {
      if (this.#ticking === ticking) this.#ticking = undefined;
      if (stale()) return;
      // Due a renewal period after this one was sent, however long it took
      // (at once when longer): the guard counts from the sending.
      this.#timer = this.#scheduler.setTimeout(
        () => void this.#tick().catch((e) => this.#failures.threw(e)),
        Math.max(0, this.#times.renewMs - this.#clock.elapsed(sentAt)),
      );
    });
    this.#ticking = ticking;
    return ticking;
  }

  /** Catch up with the fleet's shard count and reshard as recorded in Redis. */
  async #follow(
    state: { count: number; next: number | undefined },
  ): Promise<void> {
    const now = this.#scheduler.now();
    if (state.count !== this.#current.count) {
      const [old, switched] = [this.#current, this.#next];
      if (switched?.count === state.count) {
        // The switch: the new set delivers from here on, its held events
        // first; the old set's, until it is closed, only when no copy was.
        this.#current = switched;
        this.#next = undefined;
        this.#budget?.stop();
        this.#overlap.end(now, state.count);
        // Switched: its shards count toward no barrier any more.
        for (const stop of this.#current.watchers.values()) stop();
        this.#current.watchers.clear();
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
      // The old sessions end for good (nobody resumes a count left behind;
      // its keys go a grace later: see retiredKeysGraceMs), once each old
      // shard read what was sent before the switch; never awaited here.
      const drain = this.#current === switched;
      const ended = drain
        ? this.#overlap.draining(longestInterval(old))
        : undefined;
      this.#retiring.retire(old, state.count, now, ended);
      const store = this.#options.sessionStore;
      await forgetSessionsPast(store, state.count, this.#storeFailures);
    }
    const [next, id] = [this.#next, this.#record.reshardId];
    if (next && !keepsNext(next, state.next, this.#record, this.#fleetNow())) {
      await this.#dropNext();
    }
    if (state.next !== undefined && !this.#next) {
      this.#next = { ...this.#createSet(state.next), reshardId: id };
      this.#budget = watchReshardBudget(
        this.#options,
        state.next,
        (count) => this.cancelReshard(count).then(() => this.#tickNow(false)),
      );
      this.#nextSeenAt = now;
      this.#overlap.begin(state.next, now);
      logger.info("Resharding to {to} shards", { to: state.next });
    }
    this.#overlap.tick(this.#next !== undefined, now);
  }

  async #dropNext(): Promise<void> {
    const next = this.#next;
    if (!next) return;
    this.#next = undefined;
    this.#budget?.stop();
    this.#overlap.end(this.#scheduler.now());
    this.#events.discard();
    const ids = heldIds(next);
    await this.#stop(next, ids, false);
    await next.leases.release(ids, true).catch(() => {});
  }

  #createSet(count: number): ShardSet {
    return createShardSet(this.#options.redis, count, {
      prefix: this.#prefix,
      owner: this.#owner,
      pool: this.#options.pool,
      ttlMs: this.#times,
    });
  }

  /**
   * Start the shards a tick sent at `sentAt` leased (see startShards): none
   * past that tick's guard deadline, once the guard fired or after close().
   */
  async #startAll(
    set: ShardSet,
    ids: readonly number[],
    sentAt: number,
  ): Promise<void> {
    const startable = this.#guard.startable(sentAt);
    // Past its deadline (Redis stalled): claimed again at the next tick.
    if (!this.#closed && !startable()) return void set.carried.push(...ids);
    // The new set identifies through the queue watching the budget.
    const queue = set === this.#next && this.#budget;
    const starts = queue ? { ...this.#starts, identifyQueue: queue } : null;
    await startShards(starts ?? this.#starts, set, ids, {
      clock: this.#scheduler,
      until: this.#guard.deadline(sentAt),
      safe: () => !this.#closed && startable(),
      kept: this.#guard.parked.of(set.count),
    });
  }

  /** Close shards; with `save`, store their sessions (returned) for whoever runs them next. */
  async #stop(
    set: ShardSet,
    ids: readonly number[],
    save: boolean,
    resumable = true,
    late = false,
  ): Promise<SavedSession[]> {
    if (resumable) this.#hold.drop(shardsOf(set, ids)); // saved before them
    const shards = await closeSetShards(set, ids, {
      record: this.#record,
      scheduler: this.#scheduler,
      isNext: set === this.#next,
      unmarkMs: this.#times.renewMs / 2,
      resumable,
      late,
    });
    if (!save) return [];
    // Handed over (close() does not wait): the taker resumes past what the
    // listeners finish in half a renewal, within the guard's two renewals
    // at least (`leaseTtlMs - renewMs`, lease_times.ts) after this renewal.
    const ms = this.#times.renewMs / 2;
    if (!this.#closed) {
      await this.#listeners.settled(shards, this.#scheduler, ms);
    }
    return await this.#saveShards(set, shards);
  }

  /** Save `shard`'s session while it runs in `set`. */
  async #saveRunning(set: ShardSet, shard: Shard): Promise<void> {
    const running = set === this.#current || set === this.#next;
    if (this.#closed || !running || set.shards.get(shard.id) !== shard) return;
    await this.#saveShards(set, [shard]);
  }

  async #saveShards(set: ShardSet, shards: Shard[]): Promise<SavedSession[]> {
    // The running set's in the fleet's store; the new set's in its own
    // (keyed by shard id too, they would overwrite the running set's).
    const store = set === this.#current
      ? this.#options.sessionStore
      : set.sessions;
    const [now, failures] = [this.#fleetNow(), this.#storeFailures];
    const saved = shards.filter((shard) => this.#bot.saves(shard));
    const points = [this.#listeners.resumePoint, this.#hold.resumePoint];
    return await saveSessions(store, set.count, saved, now, failures, points);
  }
}
