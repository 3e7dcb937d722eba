/**
 * Which shard serves a guild ({@linkcode shardForGuild}) and which shards a
 * process runs when a bot is spread over several processes
 * ({@linkcode shardsForProcess}, {@linkcode shardRange}).
 *
 * @module
 */
import { isSnowflake, MAX_SNOWFLAKE } from "../base/snowflake.ts";

/**
 * The shard that receives a guild's events, by Discord's formula
 * `shard_id = (guild_id >> 22) % num_shards`. Events without a guild (DMs,
 * entitlements, subscriptions) go to shard 0.
 *
 * @param guildId The guild's snowflake, as a decimal string or a bigint
 * (never a number: snowflakes do not fit in one).
 * @param shardCount How many shards the bot runs in total.
 * @returns The shard ID, in `[0, shardCount)`.
 * @throws {TypeError} When `guildId` is not a decimal string of 1 to 20
 * digits or a bigint.
 * @throws {RangeError} When `guildId` is outside the unsigned 64-bit range,
 * or `shardCount` is not a positive integer.
 *
 * @example Usage
 * ```ts
 * import { shardForGuild } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * assert.equal(shardForGuild("197038439483310086", 16), 2);
 * assert.equal(shardForGuild(197038439483310086n, 1), 0);
 * ```
 */
export function shardForGuild(
  guildId: string | bigint,
  shardCount: number,
): number {
  if (!Number.isSafeInteger(shardCount) || shardCount < 1) {
    throw new RangeError(
      `Cannot route guild as 'shardCount' must be a positive integer: current value 'shardCount=${
        String(shardCount)
      }'`,
    );
  }
  let id: bigint;
  if (isSnowflake(guildId)) {
    const shard = snowflakeShard(guildId, shardCount);
    if (shard !== undefined) return shard;
    id = BigInt(guildId); // past 64 bits: refused below
  } else if (typeof guildId === "bigint") {
    id = guildId;
  } else {
    throw new TypeError(
      `Cannot route guild as 'guildId' must be a snowflake (a string of 1 to 20 digits or a bigint): current value 'guildId=${
        typeof guildId === "string" ? guildId : typeof guildId
      }'`,
    );
  }
  if (id < 0n || id > MAX_SNOWFLAKE) {
    throw new RangeError(
      `Cannot route guild as 'guildId' must be an unsigned 64-bit integer: current value 'guildId=${id}'`,
    );
  }
  return Number((id >> 22n) % BigInt(shardCount));
}

/** The largest snowflake, 2^64 - 1, as its 20 digits. */
const MAX_SNOWFLAKE_DIGITS = "18446744073709551615";

/** 2^22: the bits of a snowflake below its timestamp. */
const TIMESTAMP_SHIFT = 4194304;

/**
 * Discord's `(id >> 22) % count` for a snowflake written in digits, without
 * a BigInt ({@linkcode shardForGuild}'s, and the cache's, which works it out
 * for every guild it holds): the id's high digits `hi` and low 7 `lo` make
 * it `hi * 10^7 + lo`, so with `hi = a * 2^22 + b` the shifted id is
 * `a * 10^7 + (b * 10^7 + lo) >> 22`, every part below 2^53. Internal: not
 * exported from an entry point.
 *
 * @param id The snowflake.
 * @param count The shard count (a positive safe integer).
 * @returns The shard, or undefined for an id no shard owns (not 1 to 20
 * digits, or past 64 bits).
 */
export function snowflakeShard(id: string, count: number): number | undefined {
  const length = id.length;
  if (
    length === 0 || length > 20 ||
    (length === 20 && id > MAX_SNOWFLAKE_DIGITS)
  ) return undefined;
  // One pass over the digits, checking them (isSnowflake's test) too.
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    if (i < length - 7) hi = hi * 10 + digit;
    else lo = lo * 10 + digit;
  }
  const a = Math.floor(hi / TIMESTAMP_SHIFT);
  const b = hi % TIMESTAMP_SHIFT;
  return (a * 1e7 + Math.floor((b * 1e7 + lo) / TIMESTAMP_SHIFT)) % count;
}

/** Options for {@linkcode shardsForProcess}. */
export interface ShardsForProcessOptions {
  /**
   * The bot's `max_concurrency` from `GET /gateway/bot`: how many identify
   * buckets (`shard_id % max_concurrency`) there are.
   *
   * @default {1}
   */
  maxConcurrency?: number;
}

/**
 * The shard IDs one process runs when `processCount` processes share a bot
 * with `totalShards` shards. Together the processes run every shard exactly
 * once; each list is in ascending order.
 *
 * Discord lets one IDENTIFY per identify bucket (`shard_id %
 * max_concurrency`) through every 5 seconds, and starts shards in order:
 * shards `0` to `max_concurrency - 1` together, then the next group. The
 * split keeps that:
 *
 * - When `processCount` is at most the number of buckets that hold a shard
 *   (`min(maxConcurrency, totalShards)`), those buckets are split into
 *   contiguous blocks, one per process, the blocks' sizes differing by at
 *   most one bucket; each process gets, in every group of `maxConcurrency`
 *   shards, the shards of its buckets. No two processes ever identify in the
 *   same bucket, so each can pace IDENTIFY with its own in-memory queue, and
 *   the groups still start together across processes, as in one process.
 *   When `totalShards` is a multiple of `maxConcurrency` (as Discord requires
 *   of large bots) the processes' shares differ by at most one bucket's worth.
 * - Otherwise (always the case with `max_concurrency` 1 and two or more
 *   processes) buckets cannot be kept apart: each process gets a contiguous
 *   block of shard IDs, the blocks' sizes differing by at most one, and the
 *   processes must share one `IdentifyQueue` (a lock in Redis, a broker) or
 *   Discord answers the extra IDENTIFYs with op 9. (With more processes than
 *   shards and `maxConcurrency >= totalShards`, each shard is alone in its
 *   bucket, so they are kept apart after all.)
 *
 * Either way the daily `session_start_limit` is one budget for all
 * processes. A process gets no shards only when there are more processes
 * than shards; otherwise every process gets at least one.
 *
 * @param totalShards How many shards the bot runs in total.
 * @param processIndex This process's index, from 0 to `processCount - 1`.
 * @param processCount How many processes share the bot.
 * @param options The bot's `max_concurrency`.
 * @returns The shard IDs this process runs, ascending.
 * @throws {RangeError} When `totalShards`, `processCount` or `maxConcurrency`
 * is not a positive integer, or `processIndex` is not an integer in
 * `[0, processCount)`.
 *
 * @example Two processes share a bot with 32 shards and `max_concurrency` 16
 * ```ts
 * import { shardsForProcess } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * // Each process would read its index from its environment, e.g. PROCESS_INDEX.
 * const first = shardsForProcess(32, 0, 2, { maxConcurrency: 16 });
 * const second = shardsForProcess(32, 1, 2, { maxConcurrency: 16 });
 * // Buckets 0-7 in the first process, 8-15 in the second:
 * assert.deepEqual(first, [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
 * assert.deepEqual(second, [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31]);
 * ```
 *
 * @example Two processes, 8 shards, `max_concurrency` 16: the 8 buckets that hold a shard are split
 * ```ts
 * import { shardsForProcess } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(shardsForProcess(8, 0, 2, { maxConcurrency: 16 }), [0, 1, 2, 3]);
 * assert.deepEqual(shardsForProcess(8, 1, 2, { maxConcurrency: 16 }), [4, 5, 6, 7]);
 * ```
 *
 * @example Two processes, `max_concurrency` 1: contiguous halves
 * ```ts
 * import { shardsForProcess } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(shardsForProcess(5, 0, 2), [0, 1]);
 * assert.deepEqual(shardsForProcess(5, 1, 2), [2, 3, 4]);
 * ```
 */
export function shardsForProcess(
  totalShards: number,
  processIndex: number,
  processCount: number,
  options: ShardsForProcessOptions = {},
): number[] {
  const { maxConcurrency = 1 } = options;
  assertPositiveInteger(totalShards, "totalShards");
  assertPositiveInteger(processCount, "processCount");
  assertPositiveInteger(maxConcurrency, "maxConcurrency");
  if (
    !Number.isSafeInteger(processIndex) || processIndex < 0 ||
    processIndex >= processCount
  ) {
    throw new RangeError(
      `Cannot split shards as 'processIndex' must be an integer in [0, processCount): current values 'processIndex=${
        String(processIndex)
      }', 'processCount=${processCount}'`,
    );
  }
  const ids: number[] = [];
  // Only buckets below totalShards hold a shard: splitting all of
  // maxConcurrency gave the first process every shard when it exceeded
  // totalShards, and walking the empty ones made a max_concurrency of 2^40
  // (GET /gateway/bot's answer) spin for hours.
  const buckets = Math.min(maxConcurrency, totalShards);
  if (processCount <= buckets) {
    const firstBucket = Math.floor((processIndex * buckets) / processCount);
    const endBucket = Math.floor(((processIndex + 1) * buckets) / processCount);
    for (let group = 0; group < totalShards; group += maxConcurrency) {
      for (let bucket = firstBucket; bucket < endBucket; bucket++) {
        const id = group + bucket;
        if (id >= totalShards) break;
        ids.push(id);
      }
    }
    return ids;
  }
  const start = Math.floor((processIndex * totalShards) / processCount);
  const end = Math.floor(((processIndex + 1) * totalShards) / processCount);
  for (let id = start; id < end; id++) ids.push(id);
  return ids;
}

/**
 * The shard IDs from `first` to `last`, both included, like "shards 0-15".
 *
 * @param first The first shard ID.
 * @param last The last shard ID.
 * @returns `[first, first + 1, …, last]`.
 * @throws {RangeError} When `first` or `last` is not a non-negative integer,
 * or `last < first`.
 *
 * @example Usage
 * ```ts
 * import { shardRange } from "./shard_routing.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(shardRange(4, 7), [4, 5, 6, 7]);
 * assert.deepEqual(shardRange(3, 3), [3]);
 * ```
 */
export function shardRange(first: number, last: number): number[] {
  for (const [name, value] of [["first", first], ["last", last]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(
        `Cannot make shard range as '${name}' must be a non-negative integer: current value '${name}=${
          String(value)
        }'`,
      );
    }
  }
  if (last < first) {
    throw new RangeError(
      `Cannot make shard range as 'last' must be >= 'first': current values 'first=${first}', 'last=${last}'`,
    );
  }
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

/**
 * Check that an argument is a positive integer.
 *
 * @param value The value.
 * @param name Its name, for the message.
 */
function assertPositiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot split shards as '${name}' must be a positive integer: current value '${name}=${
        String(value)
      }'`,
    );
  }
}
