/**
 * Whether the Redis server a connection reconnected to after an outage is
 * another server process than before: restarted (without persistence it
 * lost every key, with it what it had not yet written out) or replaced (a
 * failover loses what was not yet replicated). The dispatch service marks
 * its cache stale then, as a failed write does.
 *
 * The Redis cache sees a new server itself, but only at its next batch of
 * events: one restarted empty while no event came left `dispatch_cache_stale`
 * at 0 over an empty cache, for as long as the shards sent nothing, and
 * nothing rebuilt it. Told at the reconnect, the service marks it at once,
 * and `dispatch_cache_stale` (the gauge, and the Redis set a restart reads)
 * says so.
 *
 * Why the server's `run_id` (`INFO server`, new each time a server process
 * starts, which `connectRedis` asks again at each reconnect): it is free
 * here, and it is the cache's own rule, so the two never disagree. A drop to
 * the same server loses nothing it answered (the cache checks what was
 * unanswered), and marking the cache stale at every network blip would keep
 * it stale until every shard started a new session, which resumed shards
 * may not do for days. A database emptied under a server that keeps its
 * `run_id` (FLUSHDB, a failover to an empty replica) needs no outage: the
 * cache's epoch marker (`cache/redis_epoch.ts`) tells that at its next batch.
 *
 * @module
 */
import type { RedisConnection } from "../redis/connection.ts";
import { serverSession } from "../redis/server_session.ts";

/**
 * Call `onReplaced` each time `redis` (a connection from `connectRedis`) is
 * ready again after an outage and its server's `run_id` is not the one
 * before it, or either one is unknown (`INFO` refused or unanswered: what
 * the server kept cannot be known). A connection from elsewhere is not
 * followed.
 *
 * @param redis The connection.
 * @param onReplaced Called once per reconnect to another server.
 */
export function watchRedisRestarts(
  redis: RedisConnection,
  onReplaced: () => void,
): void {
  const session = serverSession(redis);
  if (session === undefined) return;
  let drops = session.drops;
  let runId = session.runId;
  redis.on("ready", () => {
    if (session.drops === drops) return;
    drops = session.drops;
    // Pending from the drop until the server answers INFO (connectRedis's
    // own "ready" listener asks it): taken now, it is this connection's.
    const before = runId;
    const now = session.runId;
    runId = now;
    void Promise.all([before, now]).then(([previous, current]) => {
      if (previous === undefined || previous !== current) onReplaced();
    });
  });
}
