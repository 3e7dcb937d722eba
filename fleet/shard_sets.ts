/**
 * The shards of one shard count that a `FleetShards` process runs (a
 * {@linkcode ShardSet}; two side by side during a reshard), and the start
 * of the shards a tick leased ({@linkcode startShards}): all at once, each
 * store's sessions read once, and none connected once its lease may be
 * another's.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Scheduler } from "../base/scheduler.ts";
import type { IdentifyQueue } from "../gateway/identify_queue.ts";
import { Shard } from "../gateway/shard.ts";
import { GatewayError } from "../gateway/errors.ts";
import type { ShardStatus } from "../gateway/shard_state.ts";
import {
  isSessionUsable,
  type SavedSession,
  type SessionStore,
} from "../gateway/session_store.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { RedisSessionStore } from "../redis/session_store.ts";
import { eraKeys, type FleetGeneration } from "./fleet_generation.ts";
import { TickSessions } from "./fleet_sessions.ts";
import type { StoreFailures } from "./store_failures.ts";
import { RefusingLeases } from "./refusing_leases.ts";
import { sayWaiting, waitsForSession } from "./identify_after_loss.ts";
import type { FleetShardOptions } from "./fleet_dispatch.ts";

const logger = getLogger(["disruption", "fleet"]);
const visible = getVisibleLogger(["disruption", "fleet"]);

/** The shards of one shard count that this process runs. */
export interface ShardSet {
  count: number;
  /** Its leases, less the shards that stopped for good here. */
  leases: RefusingLeases;
  /** Its sessions while it is the new set (see `eraKeys`). */
  sessions: SessionStore;
  shards: Map<number, Shard>;
  /** Stops watching a new set's shard for completeness. */
  watchers: Map<number, () => void>;
  /**
   * Shards not running whose leases a tick answered late renewed: claimed
   * again at the next tick (see {@linkcode heldIds}).
   */
  carried: number[];
  /**
   * As the new set, the reshard request it was started for (see
   * `FleetGeneration.reshardId`).
   */
  reshardId?: string | undefined;
  /**
   * As the new set of a reshard Redis lost with its keys, until when it is
   * kept (see {@linkcode keepsNext}), on the leases' clock.
   */
  keptUntil?: number | undefined;
}

/**
 * Whether the new set `set` is the one of the reshard to `count` requested
 * as `reshardId`: another reshard to the same count (given up and asked
 * again) starts its barrier empty, and a set kept would not mark its
 * complete shards again (marks go out when a shard changes), so it never
 * flipped.
 */
export function startedFor(
  set: ShardSet,
  count: number | undefined,
  reshardId: string | undefined,
): boolean {
  return set.count === count && set.reshardId === reshardId;
}

/** What {@linkcode keepsNext} needs of the last sync (`FleetGeneration`). */
export interface SyncedReshard {
  /** The id of the reshard request running. */
  readonly reshardId: string | undefined;
  /** The count of the reshard the sync found lost with Redis's keys. */
  readonly lostNext: number | undefined;
  /** When the hold after a loss ends, on the leases' clock. */
  readonly takeFrom: number;
}

/**
 * Whether the new set `set` stays at a sync that found the reshard to
 * `count` running (`undefined`: none), at `now` on the leases' clock: it
 * was started for that reshard (see {@linkcode startedFor}), or Redis lost
 * its reshard with the fleet's keys and the hold after the loss (a lease
 * TTL, see `generation_seed.ts`) is not over. A process that switched
 * before the loss puts the new count back within that hold (it syncs every
 * renewal), and the kept set then switches as at a flip, its held events
 * delivered and its sessions live. Closed at once, the new shards of the
 * processes that had not switched were started again from scratch once
 * the count came back: their held events discarded, their sessions (lost
 * with the keys) identified again, and every event of their guilds lost
 * from the old set's close to the new READY.
 */
export function keepsNext(
  set: ShardSet,
  count: number | undefined,
  synced: SyncedReshard,
  now: number,
): boolean {
  if (startedFor(set, count, synced.reshardId)) return true;
  if (count !== undefined) return false; // another reshard asked since
  if (synced.lostNext === set.count) set.keptUntil = synced.takeFrom;
  return set.keptUntil !== undefined && now < set.keptUntil;
}

/** The IDs of the shards a set runs, in order. */
export function idsOf(set: ShardSet): number[] {
  return [...set.shards.keys()].sort((a, b) => a - b);
}

/** The shards of `ids` that `set` runs, in that order. */
export function shardsOf(set: ShardSet, ids: readonly number[]): Shard[] {
  return ids.map((id) => set.shards.get(id)).filter((s) => s !== undefined);
}

/**
 * What a tick claims to hold: the shards running and those carried (once:
 * a claim not answered soon goes stale, as the lease may expire). Also
 * what a set that stops releases: a shard waiting for its session after a
 * loss (see `identify_after_loss.ts`) is carried, leased but not run; left
 * out of close()'s release, its lease kept every other process off it for
 * a lease TTL.
 */
export function heldIds(set: ShardSet): number[] {
  const ids = new Set([...idsOf(set), ...set.carried]);
  set.carried = [];
  return [...ids];
}

/** Where a set's leases and sessions live, and whose they are. */
export interface ShardSetOptions {
  /** The fleet's prefix. */
  prefix: string;
  /** This process's name among the members. */
  owner: string;
  /** The shards this process may run, of any count. */
  pool: readonly number[] | undefined;
  /** The lease TTL, in ms, or the process's `LeaseTimes` (read at each tick). */
  ttlMs: number | { readonly ttlMs: number };
}

/** An empty set of `count` shards. */
export function createShardSet(
  redis: RedisConnection,
  count: number,
  options: ShardSetOptions,
): ShardSet {
  return {
    count,
    shards: new Map(),
    watchers: new Map(),
    carried: [],
    leases: new RefusingLeases(redis, {
      // One lease namespace per shard count: the old and the new set are
      // leased side by side during a reshard.
      prefix: `${options.prefix}:${count}`,
      owner: options.owner,
      shardCount: count,
      pool: options.pool?.filter((id) => id < count),
      ttlMs: options.ttlMs,
    }),
    sessions: new RedisSessionStore(redis, {
      key: eraKeys(options.prefix, count).sessions,
      shardCountKey: eraKeys(options.prefix, count).sessionCount,
    }),
  };
}

/** What {@linkcode startShards} needs of the process. */
export interface ShardStarts {
  scheduler: Scheduler;
  /** Options every shard gets. */
  shard: FleetShardOptions;
  identifyQueue: IdentifyQueue;
  /** The running set's sessions (the fleet's store). */
  sessionStore: SessionStore;
  /** Where a session that cannot be loaded is said. */
  storeFailures: StoreFailures;
  record: FleetGeneration;
  /** Whether `set` is the running set (else a reshard's new set). */
  isRunning(set: ShardSet): boolean;
  /** The time on the fleet's clock. */
  fleetNow(): number;
  /** Deliver a new shard's events. */
  listen(set: ShardSet, shard: Shard): void;
  /** Watch a new set's shard, once started, until it is complete. */
  watch(set: ShardSet, shard: Shard, resumed: boolean): void;
  /** Take a shard out of `set` (unmarked, closed): it stopped for good. */
  stop(set: ShardSet, shard: Shard): Promise<void>;
  /**
   * Stop every shard now if their leases may be gone (`LeaseGuard.check`):
   * asked, synchronously, as a shard is about to connect (see
   * {@linkcode checkOnConnect}).
   */
  checkLeases?: () => void;
}

/** When the shards of one tick may start. */
export interface StartWindow {
  /** The timers with the local clock `until` is on (see fleet_clock.ts). */
  clock: Scheduler;
  /** The tick's guard deadline (on `clock`): no load waits past. */
  until: number;
  /** Whether a shard may connect now (its lease is still safe). */
  safe: () => boolean;
  /** Sessions the process kept of shards it stopped (running set only). */
  kept?: ReadonlyMap<number, SavedSession> | undefined;
}

/**
 * Start shards of `set` a tick leased, all at once, each store's sessions
 * read once. A shard not `safe` to connect once its session is loaded is
 * not started (its lease may be another's: a load that outlasted it had
 * two processes resume one session) and its lease is released, as is that
 * of a shard that cannot be created. A running set's shard with no session
 * right after Redis lost the fleet's keys waits instead (see
 * `identify_after_loss.ts`): claimed again at the next tick, whose start
 * reads the store again.
 *
 * @returns Once each shard is started or given up.
 * @throws The first error creating a shard, after starting the others.
 */
export async function startShards(
  starts: ShardStarts,
  set: ShardSet,
  ids: readonly number[],
  window: StartWindow,
): Promise<void> {
  if (ids.length === 0) return;
  const { sessionStore, storeFailures: failures } = starts;
  if (!window.safe()) {
    void set.leases.release(ids).catch(() => {});
    return;
  }
  const { clock, until, kept } = window;
  const sessions = {
    fleet: new TickSessions(sessionStore, clock, until, failures, kept),
    set: new TickSessions(set.sessions, clock, until, failures),
  };
  const errors: unknown[] = [];
  const running = await Promise.all(
    ids.map((id) =>
      startShard(starts, set, id, sessions, window.safe).catch(
        (error: unknown) => {
          errors.push(error);
          return false;
        },
      )
    ),
  );
  // Carried only while the leases are safe and the process has not left:
  // carried after close(), a lease was kept till it expired.
  const safe = window.safe();
  const waits = (i: number) => running[i] === "waiting";
  const waiting = safe ? ids.filter((_, i) => waits(i)) : [];
  set.carried.push(...waiting);
  sayWaiting(starts.record, waiting, starts.fleetNow());
  const dropped = ids.filter((_, i) => !running[i] || (!safe && waits(i)));
  if (dropped.length === 0) return;
  if (dropped.length > errors.length && clock.now() >= until) {
    visible.warn(
      "Did not start shards {shards}: their leases ran short while their sessions loaded (the session store or Redis slow or silent); released",
      { shards: dropped },
    );
  }
  void set.leases.release(dropped).catch(() => {});
  if (errors.length > 0) throw errors[0];
}

/**
 * Start one shard (see startShards): `false` when it was not, `"waiting"`
 * when it waits for its session after a loss.
 */
async function startShard(
  starts: ShardStarts,
  set: ShardSet,
  id: number,
  sessions: { fleet: TickSessions; set: TickSessions },
  safe: () => boolean,
): Promise<boolean | "waiting"> {
  const shard = new Shard({
    ...starts.shard,
    scheduler: starts.scheduler,
    shardId: id,
    shardCount: set.count,
    identifyQueue: starts.identifyQueue,
  });
  starts.listen(set, shard);
  watchStop(starts, set, shard);
  checkOnConnect(starts, shard);
  let resumed = false;
  const resume = async (store: TickSessions): Promise<void> => {
    try {
      const saved = await store.get(id);
      if (
        saved && isSessionUsable(saved, {
          shardCount: set.count,
          now: starts.fleetNow(),
        })
      ) {
        shard.restore(saved);
        resumed = true;
      }
    } catch (error) {
      starts.storeFailures.failed(
        "load",
        "Could not load shard {id}'s saved session, so it identifies (a session start) instead of resuming: {error}",
        { id, error },
      );
    }
  };
  // A shard whose process died after it completed in a reshard's new set
  // resumes from that set's store (see eraKeys): Discord then replays its
  // missed events, which nobody else delivers once the set flipped.
  const wasComplete = (): Promise<boolean> =>
    starts.record.wasComplete(set.count, id).catch(() => false);
  const live = starts.isRunning(set);
  if (live) {
    await resume(sessions.fleet);
    if (!resumed && await wasComplete()) await resume(sessions.set);
    const record = starts.record;
    // Not after close() nor past the lease: released, not carried.
    if (!resumed && waitsForSession(record, starts.fleetNow())) {
      return safe() ? "waiting" : false;
    }
  } else {
    // A new set's shard counts toward the fleet's barrier once complete;
    // one taken over from a process that died is uncounted until then
    // (until RESUMED, when it resumes a complete one).
    await starts.record.markReady(set.count, id, false).catch(() => {});
    if (await wasComplete()) await resume(sessions.set);
  }
  if (!safe()) return false;
  if (set.shards.has(id)) return true;
  if (!live) starts.watch(set, shard, resumed);
  set.shards.set(id, shard);
  logger.info("Running shard {id} of {count} ({how})", {
    id,
    count: set.count,
    how: resumed ? "resuming" : "identifying",
  });
  // Rejected when the shard stops before a READY: said below, if the fleet
  // did not stop it itself.
  shard.connect().catch(() => {});
  return true;
}

/**
 * Watch `shard` of `set` for a stop for good (a fatal close, network access
 * to the gateway host denied): the fleet takes a shard out of its set
 * before it closes it, so one that closes while still in it stopped on its
 * own. Its lease was renewed at every tick, and no other process ever ran
 * it; it is said visibly and refused (see {@linkcode RefusingLeases}), so
 * that another process runs it.
 */
function watchStop(starts: ShardStarts, set: ShardSet, shard: Shard): void {
  let reason: unknown;
  // The shard reports why (an "error" event) just before it stops.
  shard.on("error", (error) => void (reason = error));
  shard.on("state", ({ current }) => {
    if (current !== "closed" || set.shards.get(shard.id) !== shard) return;
    const id = shard.id;
    visible.error(
      "Shard {id} of {count} stopped for good ({reason}): this process does not run it again and released its lease, which another process of the fleet takes (the others no longer count this one in their fair shares); with no other process, the shard stays unrun: fix this process (its token, intents or network permissions) and restart it",
      { id, count: set.count, reason: kindOf(reason) },
    );
    void Promise.all([
      set.leases.refuse(id).catch((error: unknown) => {
        logger.warn(
          "Could not release the lease of stopped shard {id}; it expires unrenewed: {error}",
          { id, error },
        );
      }),
      starts.stop(set, shard),
    ]);
  });
}

/** The states a shard takes on its way to a connection (RESUME or IDENTIFY). */
const TOWARD_CONNECTION: ReadonlySet<ShardStatus> = new Set([
  "reconnecting",
  "connecting",
  "waiting_for_hello",
  "identifying",
  "resuming",
]);

/**
 * Check the leases ({@linkcode ShardStarts.checkLeases}) each time `shard`
 * moves toward a connection. After a suspend with no renewal in flight,
 * nothing of the fleet runs at the resume (its timers are on the monotonic
 * clock, which stopped) while the leases expired in Redis and another
 * process took the shards; the first thing to run is a shard whose socket
 * died meanwhile, reconnecting on its own. Its state listeners run
 * synchronously before the reconnect is armed and before a socket opens,
 * and a shard a listener closes goes no further: stopped here, it never
 * RESUMEs the session the other process took (replaying its events again).
 */
function checkOnConnect(starts: ShardStarts, shard: Shard): void {
  const check = starts.checkLeases;
  if (!check) return;
  shard.on("state", ({ current }) => {
    if (TOWARD_CONNECTION.has(current)) check();
  });
}

/**
 * Why a shard stopped, in short: the shard said it in full just before (on
 * stderr too), so the fleet's line names the kind only.
 */
function kindOf(value: unknown): string {
  if (value instanceof GatewayError) return value.kind;
  return errorText(value);
}
