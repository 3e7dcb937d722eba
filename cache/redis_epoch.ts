// The Redis store's epoch marker: how it sees that the database lost its
// keys under it (FLUSHDB, FLUSHALL, a failover to an empty replica that
// keeps the same run_id, the marker evicted) between two batches, which no
// command fails for: the guilds were gone, and every later event of them
// dropped as of a guild not held, with the cache saying it was fresh.
//
// The rule, for a cache several processes share (a fleet, each feeding it
// with some shards): the marker is the database's, not a process's. It is
// created with a random value when missing, atomically (GET, or SET when
// absent, in one script), by the reads of a batch holding a READY; it is
// never replaced while it exists, so one process's READY changes nothing
// another process sees. Each process remembers the value it last read
// (every batch's reads fetch it, in the same round trip) and says the
// database lost its keys when a read finds it missing or changed: changed,
// when it was lost and another process's READY created it again. A process
// that has not seen it yet (started on a database without one) adopts what
// it reads.
import { LUA_GET_OR_SET } from "../redis/lua_get_or_set.ts";
import type { ExtraRead } from "./redis_reads.ts";
import { isWrongType } from "./redis_wrong_type.ts";

/**
 * The marker's key: none of twilight-dispatch's names (`kind:…`,
 * `<kind>_keys`, `gateway_…`), which its consumers read.
 */
export const EPOCH_KEY = "disruption_cache_epoch";

/**
 * Beside the marker, the resources the stores writing the database keep
 * (comma-separated, in `CACHE_RESOURCES` order): a store started without
 * some of them removes their keys (see redis_kind_sweep.ts). Also none of
 * twilight-dispatch's names.
 */
export const RESOURCES_KEY = "disruption_cache_resources";

/** The epoch this process last read, and the check of each new read. */
export class CacheEpoch {
  /** The marker's value as last read; undefined before one was seen. */
  #seen: string | undefined;

  /** Whether this process has read no marker yet. */
  get unseen(): boolean {
    return this.#seen === undefined;
  }

  /**
   * The marker's read, for a batch's read pipeline (see fetchReads).
   *
   * @param create Whether to create it when missing: the batch holds a
   *   READY, which starts rebuilding the cache on what the database holds,
   *   or this process has read none yet.
   * @param lost Called when the answer says the database lost its keys,
   *   with the error and the loss as the log says it.
   */
  read(
    create: boolean,
    lost: (error: Error, what: string) => void,
  ): ExtraRead {
    return {
      queue: (pipeline) => {
        if (create) {
          pipeline.eval(LUA_GET_OR_SET, 1, EPOCH_KEY, crypto.randomUUID());
        } else pipeline.get(EPOCH_KEY);
      },
      answer: (error, value) => {
        // Only a nil reply or another type under the key says it is gone.
        // Another error ("Connection is closed": Redis hung) tells nothing
        // of the keys, and said a loss of keys the database still held:
        // the marker as seen is kept, and the batch's other reads, failing
        // alike, fail the batch the usual way.
        if (error !== null && !isWrongType(error)) return;
        const now = error === null && typeof value === "string"
          ? value
          : undefined; // refused (another type under the key): missing
        const before = this.#seen;
        // Once said, the next marker read (a READY's) is the one awaited.
        this.#seen = now;
        if (before === undefined || before === now) return;
        lost(
          new Error(
            `its ${EPOCH_KEY} marker is ${
              now === undefined ? "gone" : "another"
            }: FLUSHDB, FLUSHALL, a failover to an empty replica, or keys evicted`,
          ),
          "the Redis database lost the cache's keys",
        );
      },
    };
  }
}
