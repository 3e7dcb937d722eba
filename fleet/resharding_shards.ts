/**
 * {@linkcode ReshardingShards}: every shard of a bot in one process, with a
 * shard count that can grow (or shrink) without downtime: the new set runs
 * alongside the old one until it is complete, then takes over.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { checkSessionStartsLeft, checkShardCount } from "./shard_count.ts";
import { checkReshard, type ReshardOptions } from "./reshard_budget.ts";
import { ReshardError } from "./reshard_error.ts";
import { assertReshardingOptions } from "./fleet_options_check.ts";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import type { IdentifyQueue } from "../gateway/identify_queue.ts";
import { Shard } from "../gateway/shard.ts";
import type { FleetDispatch, FleetShardOptions } from "./fleet_dispatch.ts";
import {
  type DuplicateFilter,
  MemoryDuplicateFilter,
} from "./duplicate_filter.ts";
import { HeldEvents } from "./held_events.ts";
import { whenAllComplete } from "./shard_completion.ts";
import { onStopped } from "./shard_stops.ts";
import { drainOldSet } from "./old_set_drain.ts";
import { BudgetWatchingQueue } from "./reshard_identify_guard.ts";
import { DISCORD_HEARTBEAT_MS } from "./shard_read_barrier.ts";
import {
  type WatchRecommendedOptions,
  watchRecommendedShards,
} from "./watch_recommended.ts";

const logger = getLogger(["disruption", "fleet", "reshard"]);

/**
 * How long after the old set closed the new set's events are still checked
 * for second copies: one the old set delivered just before it closed may
 * reach the new shard a moment later.
 */
const OVERLAP_GRACE_MS = 60_000;

export { ReshardError, type ReshardOptions };

/** Options for {@linkcode ReshardingShards}. */
export interface ReshardingShardsOptions {
  /** Options every shard gets. */
  shard: FleetShardOptions;
  /** The shard count to start with. */
  shardCount: number;
  /** Paces IDENTIFY, for the first set and every new one. */
  identifyQueue: IdentifyQueue;
  /**
   * Called with each event, from one shard set at a time; what it throws
   * or rejects with is logged.
   */
  onDispatch: (event: FleetDispatch) => void;
  /**
   * The timers.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

/** What a switch-over did. */
export interface ReshardResult {
  /** The shard count before. */
  from: number;
  /** The shard count now. */
  to: number;
  /** Events the new set received before the switch that the old had not delivered: delivered at the switch. */
  heldDelivered: number;
  /** Second copies (received by both sets) dropped. */
  duplicatesDropped: number;
}

interface ShardSet {
  count: number;
  shards: Shard[];
  /**
   * Switched away from by a reshard: the closes of its shards not yet
   * READY are that reshard's drain, not a failure of start().
   */
  replaced?: boolean;
}

/**
 * The old set after a switch, until its shards are closed: it still
 * delivers what no copy of was (see HeldEvents.fromSet), so no other
 * reshard may replace the duplicate filter meanwhile.
 */
interface Retired {
  /** The set switched away from. */
  set: ShardSet;
  /** The count switched to. */
  to: number;
  /** Aborted by close(): the drain ends at once. */
  abort: AbortController;
  /**
   * Its shards left running once the drain ended, for the guilds of a new
   * shard that stopped for good meanwhile; empty while it drains.
   */
  kept: Shard[];
}

/**
 * All shards of a bot in one process, reshardable while running.
 *
 * {@linkcode ReshardingShards.reshard} starts the new set alongside the
 * old one (identifying through the queue, refused up front when the day's
 * session starts cannot cover it), holds the new set's events until every
 * new shard is READY and has received a GUILD_CREATE for each guild its
 * READY listed, all at once (one whose session ends meanwhile, by op 9 or
 * a close such as 4007/4009, counts again once its new session is; a
 * RESUME that succeeds keeps it counted), then switches: the held events the old set had not
 * delivered are delivered, from then on events come from the new set only,
 * and the old set is closed, each of its shards once it has read
 * everything Discord sent it before the switch (see below).
 *
 * What a handler sees: every event once, where Discord sent it to either
 * set. Discord sends guild events to both sets while both run, and the
 * copies are recognised by their identity (event name plus the payload's
 * JSON) and dropped, for the last 50 000 events. Two different events with
 * the same name and payload are indistinguishable and the second of them is
 * dropped during the overlap (from `reshard()` until a minute after the old
 * set closed, a reshard begun within that minute carrying it on; outside
 * it, nothing is compared). After the switch the old
 * set keeps reading, delivering what no copy of was (an event Discord sent
 * only to it, before the new sessions existed, still on its way in), and
 * each old shard is closed once a heartbeat ACK shows it has read
 * everything Discord sent it before the switch; one reconnecting at the
 * switch is first waited for to RESUME, its replay delivered. One that is
 * not back within 90 s, loses its session, gets no such ACK within two
 * heartbeat intervals and 10 s (92.5 s on Discord), or keeps reconnecting
 * past 90 s and that ACK wait after the switch, is closed with a warning
 * naming the sequence from which events may be lost. A new shard that
 * stops for good (a fatal close) before the old set is closed leaves the
 * old shards that may hold its guilds, those still open, running (said as
 * an error; `reshard()` then rejects) until `close()`.
 *
 * Until the old set is closed, and while shards of it are kept open, the
 * reshard counts as running: another `reshard()` is refused (with old
 * shards kept, until `close()` and `start()`), and `watchRecommended`
 * waits. With none kept (those that held a stopped shard's guilds were
 * closed already), a later reshard may start at once, and brings those
 * guilds back.
 */
export class ReshardingShards {
  readonly #options: ReshardingShardsOptions;
  readonly #scheduler: Scheduler;
  #current: ShardSet | undefined;
  #next: ShardSet | undefined;
  /** The count the next start() starts: the last switch's, once one was. */
  #count: number;
  /** The old set of the last switch, until it is closed. */
  #retired: Retired | undefined;
  /** Delivers the running set's events and holds the next set's. */
  readonly #events: HeldEvents;
  /** The first set's start, shared by calls made while it runs. */
  #starting: Promise<void> | undefined;
  /** Ends the overlap's duplicate check, a while after a switch. */
  #overlapTimer: TimerId | undefined;
  /**
   * The running close(): a start() called meanwhile waits for it, and no
   * reshard may start a set it would not close.
   */
  #closing: Promise<void> | undefined;
  /** close() calls so far: a start() waiting for one is void after another. */
  #closeCalls = 0;

  /**
   * Prepare the shards; {@linkcode ReshardingShards.start} connects them.
   *
   * @param options Shard options, starting count, queue and the handler.
   * @throws {TypeError} When an option is missing or has the wrong type
   * (`shard`, `identifyQueue`, `onDispatch`, `scheduler`, or a shard option
   * such as `shard.token`).
   * @throws {RangeError} When `shardCount` is not an integer from 1 to
   * 65,536, or a shard option (`shard.intents`, `shard.timeouts`, ...) is
   * out of range.
   */
  constructor(options: ReshardingShardsOptions) {
    assertReshardingOptions(options);
    this.#options = options;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#count = options.shardCount;
    // No filter outside a reshard: an event that repeats an earlier one
    // exactly (a reaction added again) is a new event there.
    this.#events = new HeldEvents((event) => options.onDispatch(event));
  }

  /**
   * The shard count events come from (when stopped: the count the next
   * `start()` starts, the last switch's once one was).
   */
  get shardCount(): number {
    return this.#current?.count ?? this.#count;
  }

  /**
   * Start the first set. A call while it runs, or once it runs, starts no
   * second set (one would connect every shard twice, and spend the session
   * starts twice): it shares the first call's promise. Start again after
   * {@linkcode ReshardingShards.close}, with the count of the last switch
   * (the constructor's before any); a call during `close()` waits for it,
   * then starts.
   *
   * @returns A promise that resolves when every shard is READY; or, when
   * a `reshard()` called before that switched away from the set (whose
   * new set is then READY), once each of its shards is READY or closed
   * (the reshard's drain closes those still waiting to identify, at once).
   * @throws {ReshardError} When `close()` was called again after this call,
   * while it waited for an earlier close (the later close wins).
   * @throws {GatewayError} When a shard of the set stops for good before
   * it is READY (a fatal close, or `close()`) and no reshard has switched
   * away from the set.
   */
  start(): Promise<void> {
    // Started during a close(): once it is done (its end would forget a
    // set started meanwhile, left connected with nothing to close it).
    if (this.#closing) {
      const calls = this.#closeCalls;
      return this.#closing.then(() => {
        // close() was called again after this start(): it wins.
        if (this.#closeCalls !== calls) {
          throw new ReshardError(
            "Cannot start: close() was called after this start()",
          );
        }
        return this.start();
      });
    }
    if (this.#starting) return this.#starting;
    // A completed switch's count: going back to the first one would run
    // fewer shards than Discord asked for (4011), or waste sessions.
    const set = this.#createSet(this.#count);
    this.#current = set;
    this.#starting = Promise.all(
      set.shards.map((shard) =>
        shard.connect().catch((error: unknown) => {
          // Closed by the drain of a reshard called meanwhile, which switched
          // away from this set: the user closed nothing, and the running set
          // is READY.
          if (!set.replaced) throw error;
        })
      ),
    ).then(() => {});
    return this.#starting;
  }

  /**
   * Move to `shardCount` shards without downtime. May be called once
   * `start()` was, before it resolves: the set it started is the old set,
   * and its shards still waiting to identify at the switch are closed
   * (`start()` then resolves; see {@linkcode ReshardingShards.start}).
   *
   * @param shardCount The new count.
   * @param options The day's session starts left, to refuse early.
   * @returns What the switch did, once the old set is closed.
   * @throws {ReshardError} When not started, already resharding (the last
   * reshard's old set still draining included), the session starts left
   * cannot cover the new set (up front, or later: a new shard that would
   * wait for the budget's reset because other shards identified meanwhile),
   * or a new shard stopped before the switch (a fatal close, whose
   * `GatewayError` is then the cause, or `close()`): the old set runs on.
   * Also when a new shard stopped for good after the switch, before the old
   * set was closed (its `GatewayError` the cause): the switch stands, and
   * the old shards that may hold its guilds stay open until `close()`.
   * @throws {RangeError} When `shardCount` is not an integer from 1 to
   * 65,536 or `sessionStartsLeft` not an integer >= 0.
   */
  async reshard(
    shardCount: number,
    options: ReshardOptions = {},
  ): Promise<ReshardResult> {
    checkShardCount(shardCount);
    checkSessionStartsLeft(options.sessionStartsLeft, shardCount);
    this.#checkIdle(shardCount);
    // The day's session starts: given, or the identify queue's budget.
    await checkReshard(
      this.#scheduler,
      this.#options.identifyQueue,
      shardCount,
      options,
    );
    const old = this.#checkIdle(shardCount); // again: the check awaited
    // A new shard stopped (a fatal close after its READY, or close()): the
    // set can never complete, and the wait would never end.
    const stopped = Promise.withResolvers<never>();
    stopped.promise.catch(() => {}); // also rejected by the closes below
    // The budget checked above can run out before every new shard has
    // identified (old shards losing their sessions identify too): one left
    // waiting for the reset would hold the reshard up to a day.
    const queue = new BudgetWatchingQueue(
      this.#options.identifyQueue,
      this.#scheduler,
      (shardId) =>
        stopped.reject(
          new ReshardError(
            `Cannot reshard to ${shardCount} shards: new shard ${shardId} would wait for the session start budget's reset, as no session start is left (shards that identified since the reshard began used those it counted on); the old set runs on: reshard again after the reset`,
          ),
        ),
    );
    const next = this.#createSet(shardCount, queue);
    this.#next = next;
    this.#events.discard();
    // Both sets run from here: the new set's copies of what the old one
    // delivered are dropped. A filter still set is the previous overlap's,
    // in its grace (#checkIdle refuses every other case): the running set
    // may still read copies of what that old set delivered just before it
    // closed, so it goes on as this one's (a fresh one delivered them
    // again), its grace timer left to end it should this reshard fail.
    const filter = this.#events.filter ?? new MemoryDuplicateFilter();
    this.#events.filter = filter;
    const before = this.#events.duplicates;
    // Every new shard complete at once: one that completed and then lost
    // its session (op 9, 4007, 4009) counts again once its new one is.
    const all = whenAllComplete(next.shards);
    const off = onStopped(next.shards, (shard, why) =>
      stopped.reject(
        new ReshardError(
          `Cannot reshard to ${shardCount} shards: new shard ${shard.id} stopped before the switch${
            why ? `: ${why.message}` : ""
          }`,
          why ? { cause: why } : undefined,
        ),
      ));
    try {
      await Promise.race([
        all.complete,
        stopped.promise,
        Promise.all(next.shards.map((shard) => shard.connect())).then(() =>
          all.complete
        ),
      ]);
    } catch (error) {
      this.#next = undefined;
      this.#events.discard();
      await Promise.all(next.shards.map((s) => s.close()));
      // The new set delivered nothing: nothing of it can be a copy (a
      // previous overlap's grace still running ends the filter itself).
      if (
        this.#next === undefined && this.#events.filter === filter &&
        this.#overlapTimer === undefined
      ) {
        this.#events.filter = undefined;
      }
      throw error;
    } finally {
      all.stop();
      off();
      queue.stop();
    }
    // The switch: held events the old set did not deliver go out now, and
    // from here on the new set delivers (the old one, until closed, only
    // what no copy of was: see HeldEvents.fromSet).
    old.replaced = true;
    this.#current = next;
    this.#next = undefined;
    this.#count = shardCount;
    const since = this.#scheduler.now();
    // Busy until the old set is closed: a reshard started meanwhile would
    // replace the filter while the old set still delivers late copies.
    const retired: Retired = {
      set: old,
      to: shardCount,
      abort: new AbortController(),
      kept: [],
    };
    this.#retired = retired;
    const early = this.#events.deliveredEarly;
    const heldDelivered = await this.#events.release();
    logger.info(
      "Resharded from {from} to {to} shards ({held} held events delivered; {early} delivered as they came, past the held bound)",
      { from: old.count, to: shardCount, held: heldDelivered, early },
    );
    const { kept, stopped: lost } = await drainOldSet({
      old,
      next,
      since,
      scheduler: this.#scheduler,
      signal: retired.abort.signal,
    });
    // Kept: they still deliver (what no copy of was, by the filter, which
    // stays), and the reshard still counts as running.
    retired.kept = kept;
    if (kept.length === 0 && this.#retired === retired) {
      this.#retired = undefined;
    }
    // Not once close() has begun (or ended): it ends the overlap itself,
    // and a timer armed after it would outlive it.
    if (
      kept.length === 0 && this.#current === next &&
      this.#closing === undefined
    ) {
      this.#endOverlapLater(filter);
    }
    const first = lost[0];
    if (first !== undefined) {
      throw new ReshardError(
        `Resharded to ${shardCount} shards, but new shard${
          lost.length > 1 ? "s" : ""
        } ${
          lost.map((s) => s.shard.id).join(", ")
        } stopped for good before the old set was closed${
          first.why ? `: ${first.why.message}` : ""
        }; ${
          kept.length > 0
            ? `old shards ${
              kept.map((s) => s.id).join(", ")
            } of ${old.count} stay open for their guilds until close()`
            : "no old shard was left open for their guilds"
        }`,
        first.why ? { cause: first.why } : undefined,
      );
    }
    return {
      from: old.count,
      to: shardCount,
      heldDelivered,
      duplicatesDropped: this.#events.duplicates - before,
    };
  }

  /**
   * Opt in to resharding by itself: every `intervalMs`, ask for the
   * recommended shard count and reshard when it is above the current one
   * (within the day's session starts; a refusal is logged as a warning and
   * asked again next time).
   *
   * @param options How to ask, and how often (at least a minute apart).
   * @returns A function that stops watching.
   * @throws {TypeError} When `fetch` is not a function.
   * @throws {RangeError} When `intervalMs` is not an integer from 60,000 to
   * 2^31 - 1.
   */
  watchRecommended(options: WatchRecommendedOptions): () => void {
    return watchRecommendedShards(this.#scheduler, options, {
      shardCount: () => this.shardCount,
      // The last reshard's old set still draining counts: see #checkIdle.
      busy: () =>
        this.#next !== undefined || this.#retired !== undefined ||
        this.#current === undefined,
      reshard: (count, left) =>
        this.reshard(count, { sessionStartsLeft: left }),
    });
  }

  /**
   * Close every shard.
   *
   * @returns A promise that resolves when they are closed.
   */
  close(): Promise<void> {
    this.#closeCalls++;
    this.#retired?.abort.abort();
    return this.#closing ??= this.#close().finally(() => {
      this.#closing = undefined;
    });
  }

  async #close(): Promise<void> {
    const sets = [this.#current, this.#next, this.#retired?.set]
      .filter((s) => s !== undefined);
    this.#starting = undefined;
    this.#cancelOverlapEnd();
    // The sets stay what they were while they close: what the running one
    // hands on meanwhile is delivered, as before close().
    await Promise.all(sets.flatMap((set) => set.shards.map((s) => s.close())));
    this.#current = this.#next = this.#retired = undefined;
    this.#events.discard();
    this.#events.filter = undefined;
  }

  /** Same as {@linkcode ReshardingShards.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The running set, when a reshard to `shardCount` may start: started,
   * and no other reshard running, its old set's drain included (its late
   * copies need the filter a new reshard would replace).
   */
  #checkIdle(shardCount: number): ShardSet {
    const old = this.#current;
    if (!old || this.#closing !== undefined) {
      throw new ReshardError(
        `Cannot reshard ${
          this.#closing !== undefined ? "while closing" : "before start()"
        }`,
      );
    }
    if (this.#next) {
      throw new ReshardError(
        `Cannot reshard to ${shardCount} shards while a reshard to ${this.#next.count} is running`,
        { runningTo: this.#next.count },
      );
    }
    const retired = this.#retired;
    if (retired && retired.kept.length > 0) {
      throw new ReshardError(
        `Cannot reshard to ${shardCount} shards while old shards ${
          retired.kept.map((s) => s.id).join(", ")
        } of ${retired.set.count} stay open for the guilds of a new shard of ${retired.to} that stopped for good: close() and start() again`,
      );
    }
    if (retired) {
      throw new ReshardError(
        `Cannot reshard to ${shardCount} shards while the reshard to ${retired.to} is closing its old set of ${retired.set.count} (each old shard once a heartbeat ACK shows it has read what Discord sent it before the switch: usually within a heartbeat interval, ${
          DISCORD_HEARTBEAT_MS / 1000
        } s); try again then`,
      );
    }
    return old;
  }

  /**
   * Drop `filter` {@linkcode OVERLAP_GRACE_MS} from now, unless another
   * reshard runs by then, its old set's drain included: that one took the
   * filter on, and ends it after its own grace.
   */
  #endOverlapLater(filter: DuplicateFilter): void {
    this.#cancelOverlapEnd();
    this.#overlapTimer = this.#scheduler.setTimeout(() => {
      this.#overlapTimer = undefined;
      if (
        this.#next === undefined && this.#retired === undefined &&
        this.#events.filter === filter
      ) {
        this.#events.filter = undefined;
      }
    }, OVERLAP_GRACE_MS);
  }

  #cancelOverlapEnd(): void {
    if (this.#overlapTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#overlapTimer);
      this.#overlapTimer = undefined;
    }
  }

  #createSet(
    count: number,
    identifyQueue: IdentifyQueue = this.#options.identifyQueue,
  ): ShardSet {
    const set: ShardSet = { count, shards: [] };
    for (let id = 0; id < count; id++) {
      const shard = new Shard({
        ...this.#options.shard,
        scheduler: this.#scheduler,
        shardId: id,
        shardCount: count,
        identifyQueue,
      });
      shard.on("dispatch", (event) => {
        this.#events.fromSet(set, this.#current, this.#next, shard, event);
      });
      set.shards.push(shard);
    }
    return set;
  }
}
