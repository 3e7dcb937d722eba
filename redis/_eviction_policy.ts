// Whether a Redis may evict the library's keys, said once per connection.
//
// A Redis with `maxmemory` set and an evicting `maxmemory-policy` drops keys
// silently under memory pressure: the dispatch service's saved sessions
// vanished and a restart identified instead of resuming (events lost, with
// only "0 to resume, 2 to identify" at info level), and a lost lease, bucket
// time or cache key is as silent. Nothing refuses a write, so nothing else
// would ever say it. Private to the Redis layer.
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";

// The policy is the operator's to change: shown on stderr unless LogTape is
// set up, as the connection's outages are.
const visible = getVisibleLogger(["disruption", "redis"]);
const logger = getLogger(["disruption", "redis"]);

/** What `INFO memory` says of a server's memory limit. */
export interface MemoryPolicy {
  /** `maxmemory` in bytes; 0 for no limit (nothing is ever evicted). */
  readonly maxmemory: number;
  /** `maxmemory_policy`, e.g. `noeviction` or `allkeys-lru`. */
  readonly policy: string;
}

/**
 * Read the memory limit and eviction policy from an `INFO` answer (of the
 * `memory` section, or of the default sections, which hold it).
 *
 * @param info The answer, as the client returns it.
 * @returns The limit and policy, or undefined when the answer does not say
 *   both (not a string, another server's format, a field missing).
 */
export function parseMemoryPolicy(info: unknown): MemoryPolicy | undefined {
  if (typeof info !== "string") return undefined;
  const field = (name: string): string | undefined =>
    new RegExp(`^${name}:([^\r\n]*)\r?$`, "m").exec(info)?.[1]?.trim();
  const maxmemory = field("maxmemory");
  const policy = field("maxmemory_policy");
  if (maxmemory === undefined || !/^\d+$/.test(maxmemory)) return undefined;
  if (policy === undefined || policy === "") return undefined;
  return { maxmemory: Number(maxmemory), policy };
}

/**
 * Warn, on the visible logger, when the server whose `INFO` answer this is
 * may evict keys: `maxmemory` set and a policy other than `noeviction`. An
 * answer that does not say (no `INFO`: refused by an ACL) is noted at debug
 * level only. Call it once per connection.
 *
 * @param info The server's `INFO` answer, undefined when it gave none.
 * @param url The server's URL, its password redacted.
 * @returns Whether it warned.
 */
export function warnIfEvicting(
  info: string | undefined,
  url: string,
): boolean {
  const memory = parseMemoryPolicy(info);
  if (memory === undefined) {
    logger.debug(
      "Redis at {url} did not say its maxmemory-policy (INFO refused or unread): not checked",
      { url },
    );
    return false;
  }
  if (memory.maxmemory === 0 || memory.policy === "noeviction") return false;
  visible.warn(
    "Redis at {url} may evict keys (maxmemory {maxmemory} bytes, maxmemory-policy {policy}): an evicted key is lost without an error, and with it saved sessions (a restart identifies instead of resuming, events lost), fleet leases, identify pacing and cache entries. Set maxmemory-policy noeviction, or no maxmemory",
    { url, maxmemory: memory.maxmemory, policy: memory.policy },
  );
  return true;
}
