/**
 * {@linkcode SILENT_REDIS_MS}: when a Redis that answers nothing counts as
 * silent. Kept apart from connection.ts, whose import loads the Redis client
 * (and its need of `--allow-env`) for any user of the cache.
 *
 * @module
 */

/**
 * How long a round trip to Redis may go unanswered before the wait is said
 * (the identify queue) or the cache marked stale (the Redis cache store):
 * a frozen server (SIGSTOP, a stalled network) fails no command, it only
 * never answers.
 */
export const SILENT_REDIS_MS = 10_000;
