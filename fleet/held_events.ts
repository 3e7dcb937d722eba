/**
 * {@linkcode HeldEvents}: the event side of a reshard, shared by
 * {@linkcode ReshardingShards} (one process) and `FleetShards` (a fleet).
 * Events of the running shard set are delivered; events of the set being
 * started are held; at the switch the held ones are delivered; and while
 * both sets run, second copies (Discord sends a guild's events to the shard
 * of each set that owns the guild) are dropped by event identity through a
 * {@linkcode DuplicateFilter}.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { callListener } from "../base/listener_call.ts";
import type { Shard, ShardDispatch } from "../gateway/shard.ts";
import {
  DEFAULT_MAX_CHARS,
  type DuplicateFilter,
  eventIdentity,
  MemoryDuplicateFilter,
} from "./duplicate_filter.ts";
import type { FleetDispatch } from "./fleet_dispatch.ts";
import { SettledConfirms, type Settling } from "./_settled_confirms.ts";

const logger = getLogger(["disruption", "fleet", "reshard"]);
/**
 * Shown without setup: reaching the held limit changes delivery, and a
 * throwing listener is a bot author's bug.
 */
const visible = getVisibleLogger(["disruption", "fleet", "reshard"]);

function deliveryFailed(error: unknown): void {
  visible.error("A dispatch listener threw: {error}", { error });
}

/** The most events held for a switch by default. */
export const DEFAULT_MAX_HELD = 100_000;

/**
 * The most held events one prune asks the filter about. FleetShards prunes
 * in its renewal tick, after arming the lease guard (`leaseTtlMs - renewMs`,
 * 10 s by default, which stops every shard), so a prune's cost must not
 * grow with what is held: one that serialised and hashed 100,000 held
 * events took 12 s. Past this many, prunes go round the held events in turn
 * (see {@linkcode HeldEvents.prune}): each is asked about again within
 * `ceil(maxHeld / PRUNE_LIMIT)` prunes, 10 by default.
 */
export const PRUNE_LIMIT = 10_000;

/**
 * How long a release keeps, by default, a held event another process has
 * claimed but not confirmed, before asking again (see
 * {@linkcode HeldEventsOptions.claimGraceMs}).
 */
export const DEFAULT_CLAIM_GRACE_MS = 2_000;

/** Held events at which a filter in memory is first asked again. */
const MEMORY_PRUNE_START = 1_024;

/** Options for {@linkcode HeldEvents}. */
export interface HeldEventsOptions {
  /**
   * The most events held for the switch.
   *
   * @default {DEFAULT_MAX_HELD}
   */
  maxHeld?: number;
  /**
   * The most characters of identity (event name plus payload JSON) the held
   * events may have in all: the gateway chooses payload sizes, and a count
   * alone let 4,000 held 100 KB events take 400 MB.
   *
   * @default {DEFAULT_MAX_CHARS}
   */
  maxHeldChars?: number;
  /**
   * How long the switch keeps a held event that another process claimed
   * and has not confirmed (with a filter that has
   * {@linkcode DuplicateFilter.confirm}): then it is dropped if confirmed,
   * delivered (and confirmed) if not, its claimer taken for dead.
   *
   * @default {DEFAULT_CLAIM_GRACE_MS}
   */
  claimGraceMs?: number;
  /**
   * The timers of {@linkcode HeldEventsOptions.claimGraceMs}.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

/** One held event, with what pruning and the switch need of it. */
interface Held {
  readonly event: FleetDispatch;
  /** The length of its identity: what it counts toward `maxHeldChars`. */
  readonly chars: number;
  /** The filter `key` is of (a key means nothing to another filter). */
  filter: DuplicateFilter | undefined;
  /** Its key, computed once when held (a digest costs what the payload does). */
  key: string | Promise<string> | undefined;
}

/**
 * Delivers the running set's events, holds the next set's, and releases the
 * held ones at the switch, in order, dropping second copies while a
 * {@linkcode HeldEvents.filter} is set.
 *
 * Each held event is serialised and keyed once, when it is held; pruning
 * asks the filter about the kept keys, at most {@linkcode PRUNE_LIMIT} a
 * prune, so a tick's cost does not grow with what is held, and in turn, so
 * each held event is asked about again within `ceil(maxHeld / limit)`
 * prunes however fast new ones come (see {@linkcode HeldEvents.prune}).
 *
 * When the filter has {@linkcode DuplicateFilter.confirm}, the keys of the
 * events delivered are confirmed after delivery, in batches (those that
 * come while one is in flight go in the next), delivery never waiting on
 * them; a failure is logged, and costs at most a second copy delivered
 * later. An event whose `deliver` returned a promise (async listeners) is
 * confirmed once that settled, rejected or not: confirmed while a listener
 * still ran, a process killed then had the other set's copy dropped as a
 * second copy of an event nobody finished. Until then only its claim
 * stands, so a listener running longer than the filter's claim TTL
 * (`RedisDuplicateFilterOptions.claimTtlMs`), or than another process's
 * `claimGraceMs` at its switch, lets the other copy be delivered too: at
 * least once. This process's own switch knows its own claims still
 * waiting on listeners, and drops their held copies. Pruning
 * forgets only confirmed events: one only claimed may have been claimed by
 * a process killed before delivering it, so the held copy
 * is kept for the switch. There, a held copy claimed by another process
 * and not confirmed (its claimer may have died since the claim, too
 * recently for the claim to expire) is kept for
 * {@linkcode HeldEventsOptions.claimGraceMs} more: dropped if confirmed
 * by then, else delivered (a possible second copy, never a loss).
 */
export class HeldEvents {
  /** Drops second copies while set; `undefined` delivers everything. */
  filter: DuplicateFilter | undefined;
  readonly #deliver: (event: FleetDispatch) => unknown;
  #held: Held[] = [];
  /** Characters of the held events' identities. */
  #chars = 0;
  readonly #maxHeld: number;
  readonly #maxChars: number;
  #overflowing = false;
  #early = 0;
  /** Held events at which a filter in memory is asked again (see hold()). */
  #pruneAt = MEMORY_PRUNE_START;
  /**
   * The held events in the order prunes ask about them: the one asked
   * longest ago (or never, held longest ago) first. A prune moves those it
   * asks to the back, and a new one joins there: it waits its turn behind
   * every other, so none is passed over however fast events come.
   */
  readonly #turns = new Set<Held>();
  /** Bumped when the held events are released or discarded. */
  #round = 0;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #duplicates = 0;
  /** The delivered events' confirms, and this process's claims awaiting one. */
  readonly #confirms = new SettledConfirms();
  readonly #scheduler: Scheduler;
  readonly #claimGraceMs: number;
  /** The grace of the copies a release kept as claimed elsewhere. */
  #graceTimer: TimerId | undefined;
  /** The copies waiting for that timer, delivered at once by a reset. */
  #graced:
    | { filter: DuplicateFilter; events: FleetDispatch[]; keys: string[] }
    | undefined;
  /** Their recheck, resolved once decided (by it, or by a reset). */
  #rechecking: PromiseWithResolvers<void> | undefined;

  /**
   * @param deliver Called with each event that is delivered, in order; a
   *   promise it returns (async listeners at work) defers the event's
   *   confirm until it settles.
   * @param filter The filter to start with.
   * @param options The bounds on what is held: past either, the next set's
   *   events are delivered as they come (second copies still dropped), so a
   *   new set that never completes, while a gateway sends it events the
   *   running set never gets, cannot grow memory without bound.
   * @throws {RangeError} When a bound is not a positive integer.
   */
  constructor(
    deliver: (event: FleetDispatch) => unknown,
    filter?: DuplicateFilter,
    options: HeldEventsOptions = {},
  ) {
    this.#deliver = deliver;
    this.filter = filter;
    this.#maxHeld = bound("maxHeld", options.maxHeld ?? DEFAULT_MAX_HELD);
    this.#maxChars = bound(
      "maxHeldChars",
      options.maxHeldChars ?? DEFAULT_MAX_CHARS,
    );
    this.#scheduler = options.scheduler ?? realScheduler;
    const grace = options.claimGraceMs ?? DEFAULT_CLAIM_GRACE_MS;
    if (!(grace >= 0) || !Number.isFinite(grace)) {
      throw new RangeError(
        `Cannot hold events as 'claimGraceMs' must be a non-negative number: current value 'claimGraceMs=${grace}'`,
      );
    }
    this.#claimGraceMs = grace;
  }

  /** Second copies dropped so far. */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** Events held for the switch. */
  get heldCount(): number {
    return this.#held.length;
  }

  /** Characters of the held events' identities (bounded by `maxHeldChars`). */
  get heldChars(): number {
    return this.#chars;
  }

  /**
   * Events of the set being started delivered as they came, not held,
   * because a bound was reached, since the last switch or discard.
   */
  get deliveredEarly(): number {
    return this.#early;
  }

  /**
   * A dispatch of `shard`, one of the shards of `set`: delivered when `set`
   * is the running set, held when it is the one being started. When it is
   * neither (switched away from, closing), it is delivered unless a copy
   * was, while a filter runs, and dropped without one: a new shard gets a
   * guild's events only once it has the guild, so an event the old shard
   * took in just before the switch and handed on just after may exist
   * nowhere else (dropping these lost one event in a loaded test run).
   *
   * @param set The shard's set.
   * @param running The running set, if any.
   * @param starting The set being started, if any.
   * @param shard The shard that received the event.
   * @param event The event.
   */
  fromSet<S extends { count: number }>(
    set: S,
    running: S | undefined,
    starting: S | undefined,
    shard: Shard,
    event: ShardDispatch,
  ): void {
    const retired = set !== running && set !== starting;
    if (retired && this.filter === undefined) return;
    const fleetEvent = {
      ...event,
      sessionId: shard.sessionId ?? "",
      shardCount: set.count,
    };
    if (set === starting) this.hold(fleetEvent);
    else this.accept(fleetEvent);
  }

  /**
   * An event of the running set: delivered unless it is a second copy.
   *
   * @param event The event.
   */
  accept(event: FleetDispatch): void {
    void this.#pass([event]);
  }

  /**
   * An event of the set being started: kept for {@linkcode HeldEvents.release}.
   *
   * @param event The event.
   */
  hold(event: FleetDispatch): void {
    const identity = eventIdentity(event);
    const filter = this.filter;
    // Derived once (a digest of the whole payload) and kept with the event.
    const key = filter ? keyFor(filter, identity) : undefined;
    // A filter in memory answers at once; a remote one is asked in batches
    // by prune().
    if (
      filter instanceof MemoryDuplicateFilter &&
      filter.seenAlready([key as string])[0]
    ) {
      // The running set delivered it already: its copy is not kept.
      this.#duplicates++;
      return;
    }
    const chars = identity.length;
    if (
      this.#held.length >= this.#maxHeld ||
      this.#chars + chars > this.#maxChars
    ) {
      // Full: delivered now rather than held. Nothing is lost and a second
      // copy is still dropped; only its place relative to the running
      // set's events differs from a switch.
      this.#overflow(chars);
      void this.#pass([event], key === undefined ? undefined : [key]);
      return;
    }
    const held: Held = { event, chars, filter, key };
    if (typeof key === "object") {
      // Kept as the string once known, so a prune need not wait on it; a
      // failure is met by whoever asks next (and then costs no rejection
      // left unhandled here).
      key.then((known) => {
        if (held.key === key) held.key = known;
      }, () => {});
    }
    this.#held.push(held);
    this.#turns.add(held);
    this.#chars += chars;
    if (
      filter instanceof MemoryDuplicateFilter &&
      this.#held.length >= this.#pruneAt
    ) {
      // Nothing else prunes for a filter in memory (ReshardingShards): the
      // copies the running set delivered after their hold would stay until
      // the switch, every event of the overlap held. Forgotten as they are
      // delivered instead, at doubling sizes (amortised), by the keys kept.
      const all = this.#held;
      const seen = filter.seenAlready(
        // A memory filter's keys are digests computed at once: never promises.
        all.map((h) => this.#keyOf(h, filter) as string),
      );
      this.#forget(all.filter((_, i) => seen[i]));
      this.#pruneAt = Math.max(MEMORY_PRUNE_START, this.#held.length * 2);
    }
  }

  /**
   * Forget held events the running set has delivered since (their copies
   * would be dropped at the switch anyway), so what is held stays about
   * what the new set received ahead of the old, however long the new set
   * takes to complete. Asks about at most `limit` held events, by the keys
   * kept since their hold; successive prunes go round them all in turn,
   * the one asked longest ago (or never, held longest ago) first, a new one
   * behind every other. So each held event is asked about within
   * `ceil(maxHeld / limit)` prunes (10 at the defaults) of its hold and of
   * each time it was asked, whatever the rate new ones come: a copy whose
   * other copy is confirmed is forgotten within that many prunes of the
   * confirm (or of its hold, when later).
   *
   * @param limit The most held events asked about.
   * @returns How many were forgotten.
   */
  async prune(limit: number = PRUNE_LIMIT): Promise<number> {
    const filter = this.filter;
    if (!filter || this.#held.length === 0) return 0;
    const round = this.#round;
    const asked = this.#nextToAsk(limit);
    const keys = asked.map((h) => this.#keyOf(h, filter));
    const seen = await filter.seenAlready(
      keys.every((key): key is string => typeof key === "string")
        ? keys
        : await Promise.all(keys),
    );
    // A release or discard meanwhile took the held events: nothing to prune.
    if (this.#round !== round || this.filter !== filter) return 0;
    return this.#forget(asked.filter((_, i) => seen[i]));
  }

  /**
   * The confirms of the events delivered so far, settled (they never
   * reject: a failure is logged), but of those whose listeners still run.
   *
   * @returns A promise that resolves once none is queued or in flight.
   */
  confirmed(): Promise<void> {
    return this.#confirms.confirmed();
  }

  /**
   * The held copies the last release kept as claimed elsewhere, decided
   * once their grace is over (at once when none waits or was kept).
   *
   * @returns A promise that resolves then (never rejects).
   */
  async rechecked(): Promise<void> {
    await this.#rechecking?.promise;
  }

  /**
   * Forget the held events (the new set was given up, or the process
   * leaves). Copies a release kept for a grace are delivered now instead:
   * nothing would decide them later. Those whose recheck is asking the
   * filter are delivered once it answers, unless confirmed by then.
   */
  discard(): void {
    this.#reset();
  }

  /**
   * The switch: deliver the held events (second copies dropped), by the
   * keys kept since their hold, recorded in batches. With a filter that
   * has {@linkcode DuplicateFilter.confirm}, a copy claimed by another
   * process and not confirmed is kept for `claimGraceMs` (see
   * {@linkcode HeldEvents.rechecked}), the others delivered meanwhile.
   *
   * @returns How many were delivered, once every one is decided but those
   *   kept for the grace.
   */
  release(): Promise<number> {
    const held = this.#held;
    const filter = this.filter;
    this.#reset();
    let kept: Promise<void> | undefined;
    const delivered = this.#pass(
      held.map((h) => h.event),
      filter ? held.map((h) => this.#keyOf(h, filter)) : undefined,
      filter?.confirm
        ? (events, keys) => {
          kept = this.#recheck(filter, events, keys);
        }
        : undefined,
    );
    return Promise.resolve(delivered).then(async (count) => {
      await kept;
      return count;
    });
  }

  /**
   * The held copies a release found claimed (`keys` of `filter`): those
   * confirmed are second copies; the rest (claimed by another, perhaps
   * dead, process) are asked about again after the grace. A copy that
   * cannot be asked about is delivered: a possible second copy rather
   * than a loss. So is one still unconfirmed when a reset (discard, the
   * next release) came while the filter was asked: a reset delivers only
   * the copies waiting for the timer (`#graced`), so the others are this
   * recheck's to deliver, or nobody's. (Not the reset's: before the answer,
   * a copy this process delivered itself, its confirm in flight, looks
   * like another's claim, and would be delivered twice.)
   */
  #recheck(
    filter: DuplicateFilter,
    events: readonly FleetDispatch[],
    keys: readonly string[],
  ): Promise<void> | undefined {
    if (events.length === 0) return undefined;
    const round = this.#round;
    const done = Promise.withResolvers<void>();
    this.#rechecking = done;
    const first = this.#notConfirmed(filter, events, keys).then((claimed) => {
      if (claimed.events.length === 0) return done.resolve();
      if (claimed.failed || this.#round !== round) {
        // Not known to be claimed, or reset meanwhile (no grace would end):
        // delivered now rather than risked.
        this.#deliverAndConfirm(filter, claimed.events, claimed.keys);
        return done.resolve();
      }
      this.#graced = { filter, events: claimed.events, keys: claimed.keys };
      this.#graceTimer = this.#scheduler.setTimeout(() => {
        // Ours from here: a reset while the filter is asked delivers none.
        this.#graceTimer = undefined;
        this.#graced = undefined;
        this.#notConfirmed(filter, claimed.events, claimed.keys).then(
          (dead) => {
            // Its claimer is dead or far too slow: delivered, and confirmed.
            this.#deliverAndConfirm(filter, dead.events, dead.keys);
          },
        ).finally(done.resolve);
      }, this.#claimGraceMs);
    });
    return first;
  }

  /**
   * Of `events` (`keys` of `filter`), those `filter` has not confirmed
   * (all, `failed`, when it cannot be asked); the confirmed ones are counted as
   * second copies. So are those this process claimed itself and confirms
   * once their listeners settle (its first copy is handled here; a process
   * killed meanwhile has it replayed from its saved resume point), and its
   * confirms in flight are awaited first: its own claims are not taken for
   * another's.
   */
  async #notConfirmed(
    filter: DuplicateFilter,
    events: readonly FleetDispatch[],
    keys: readonly string[],
  ): Promise<{ events: FleetDispatch[]; keys: string[]; failed: boolean }> {
    const own = this.#confirms.ownPending(filter, keys);
    await this.confirmed();
    let seen: boolean[] = [];
    let failed = false;
    try {
      seen = await filter.seenAlready(keys);
    } catch (error) {
      failed = true;
      logger.warn(
        "Could not check {count} held events claimed by another process; they are delivered (a second copy of one is possible): {error}",
        { count: keys.length, error },
      );
    }
    const left = {
      events: [] as FleetDispatch[],
      keys: [] as string[],
      failed,
    };
    for (const [i, event] of events.entries()) {
      if (own[i] || seen[i] === true) {
        this.#duplicates++;
      } else {
        left.events.push(event);
        left.keys.push(keys[i]!);
      }
    }
    return left;
  }

  /** Deliver `events`, confirm their `keys` to `filter` once settled. */
  #deliverAndConfirm(
    filter: DuplicateFilter,
    events: readonly FleetDispatch[],
    keys: readonly string[],
  ): void {
    const settling: Settling[] = [];
    this.#settle(events, [], true, settling);
    this.#confirms.confirmSettled(filter, keys, settling);
  }

  #reset(): void {
    if (this.#graceTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#graceTimer);
      this.#graceTimer = undefined;
    }
    const graced = this.#graced;
    this.#graced = undefined;
    if (graced !== undefined) {
      // Not decided yet, and nothing will decide them later: delivered now
      // (a possible second copy rather than a loss), before what follows.
      this.#deliverAndConfirm(graced.filter, graced.events, graced.keys);
      this.#rechecking?.resolve();
    }
    // A recheck asking the filter meanwhile delivers its copies itself,
    // once answered, and resolves `#rechecking` then (see #recheck).
    this.#held = [];
    this.#turns.clear();
    this.#chars = 0;
    this.#pruneAt = MEMORY_PRUNE_START;
    this.#overflowing = false;
    this.#early = 0;
    this.#round++;
  }

  /** A bound was reached: said once per reshard, each event counted. */
  #overflow(chars: number): void {
    this.#early++;
    if (this.#overflowing) return;
    this.#overflowing = true;
    visible.warn(
      "Resharding: {held} events ({chars} characters) of the new shard set are held and it has not completed; one of {size} characters would pass the bound ({maxHeld} events, {maxChars} characters), so events that do not fit are delivered as they come until the switch (second copies still dropped)",
      {
        held: this.#held.length,
        chars: this.#chars,
        size: chars,
        maxHeld: this.#maxHeld,
        maxChars: this.#maxChars,
      },
    );
  }

  /**
   * The first `limit` held events in turn (see `#turns`), moved to the
   * back. One waits behind at most `maxHeld - 1` others, and each prune
   * takes `limit` of those ahead: it is asked within `ceil(maxHeld /
   * limit)` prunes. (Taking the events not yet asked in a sweep instead, a
   * sweep never ended while `limit` new ones came between two prunes: one
   * asked a moment before its other copy was confirmed was never asked
   * again, outlived the confirm in the filter, and was delivered twice.)
   */
  #nextToAsk(limit: number): Held[] {
    const asked: Held[] = [];
    for (const h of this.#turns) {
      if (asked.length >= limit) break;
      asked.push(h);
    }
    for (const h of asked) {
      this.#turns.delete(h);
      this.#turns.add(h);
    }
    return asked;
  }

  /** Drop `gone` from the held events (those still held), as second copies. */
  #forget(gone: readonly Held[]): number {
    if (gone.length === 0) return 0;
    const drop = new Set(gone);
    const kept = this.#held.filter((h) => !drop.has(h));
    const forgotten = this.#held.length - kept.length;
    for (const h of this.#held) {
      if (!drop.has(h)) continue;
      this.#chars -= h.chars;
      this.#turns.delete(h);
    }
    this.#held = kept;
    this.#duplicates += forgotten;
    return forgotten;
  }

  /** `h`'s key for `filter`: the one kept, unless the filter changed since. */
  #keyOf(h: Held, filter: DuplicateFilter): string | Promise<string> {
    if (h.filter !== filter || h.key === undefined) {
      h.filter = filter;
      h.key = keyFor(filter, eventIdentity(h.event));
    }
    return h.key;
  }

  /**
   * Decide and deliver `events` after every earlier one, so the order is
   * kept even when the filter answers asynchronously (its requests are
   * issued at once, so a Redis filter pipelines them).
   *
   * @param keys The events' keys for the current filter, where known.
   * @param claimed Given the events the filter called second copies, and
   *   their keys, instead of dropping them (they are not counted).
   * @returns How many were delivered, at once when the filter answers at
   *   once and nothing is waiting ahead of them.
   */
  #pass(
    events: readonly FleetDispatch[],
    keys?: readonly (string | Promise<string>)[],
    claimed?: (events: FleetDispatch[], keys: string[]) => void,
  ): number | Promise<number> {
    let verdicts: boolean[] | Promise<boolean[]> = [];
    const filter = this.filter;
    /** The keys asked about, once known (for the confirm). */
    let asked: readonly string[] = [];
    if (filter) {
      const known = events.map((event, i) =>
        keys?.[i] ?? keyFor(filter, eventIdentity(event))
      );
      try {
        if (known.every((key): key is string => typeof key === "string")) {
          asked = known;
          verdicts = filter.firstSeen(known);
        } else {
          verdicts = Promise.all(known).then((all) => {
            asked = all;
            return filter.firstSeen(all);
          });
        }
      } catch (error) {
        verdicts = Promise.reject(error);
      }
    }
    const settle = (decided: boolean[]): number => {
      const settling: Settling[] | undefined = filter?.confirm ? [] : undefined;
      const delivered = this.#settle(events, decided, !claimed, settling);
      if (claimed) {
        const second = [...decided.keys()].filter((i) => decided[i] === false);
        claimed(second.map((i) => events[i]!), second.map((i) => asked[i]!));
      }
      if (filter && settling) {
        // Claimed (true) and delivered: confirmed. Second copies (false)
        // were claimed by another; undecided ones (a failure) were not.
        this.#confirms.confirmSettled(filter, asked, settling, decided);
      }
      return delivered;
    };
    if (Array.isArray(verdicts) && this.#pending === 0) {
      return settle(verdicts);
    }
    const decided = Promise.resolve(verdicts).catch((error: unknown) => {
      // Delivering twice beats losing an event.
      logger.warn("Could not check an event for a second copy: {error}", {
        error,
      });
      return [];
    });
    this.#pending++;
    const done = this.#tail.then(async () => settle(await decided))
      .finally(() => this.#pending--);
    this.#tail = done.then(() => {});
    return done;
  }

  /**
   * Deliver each of `events` but those `verdicts` call second copies (a
   * missing verdict delivers: a possible duplicate rather than a loss),
   * counted as duplicates unless `count` is false. When `settling` is
   * given, the promise `deliver` returned for event `i`, if any, is put at
   * `i` (for the confirm to wait on).
   */
  #settle(
    events: readonly FleetDispatch[],
    verdicts: boolean[],
    count = true,
    settling?: Settling[],
  ): number {
    let delivered = 0;
    for (const [i, event] of events.entries()) {
      if (verdicts[i] === false) {
        if (count) this.#duplicates++;
        continue;
      }
      delivered++;
      // A bot author's bug, thrown or rejected: said as a shard's
      // throwing listener is.
      const promise = callListener(this.#deliver, event, deliveryFailed);
      // What the confirm awaits: the promise callListener catches.
      if (settling && promise) settling[i] = promise;
    }
    return delivered;
  }
}

/** `value`, when it is a positive integer (a bound named `name`). */
function bound(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot hold events as '${name}' must be a positive integer: current value '${name}=${value}'`,
    );
  }
  return value;
}

/** `filter`'s key for `identity`; a key() that throws rejects instead. */
function keyFor(
  filter: DuplicateFilter,
  identity: string,
): string | Promise<string> {
  try {
    return filter.key(identity);
  } catch (error) {
    return Promise.reject(error);
  }
}
