/**
 * The `state_*` gauges: how many entities of each kind the Redis cache
 * holds, read from twilight-dispatch's index sets (`guild_keys`, …) in one
 * round trip.
 *
 * @module
 */
import type { RedisConnection } from "../redis/connection.ts";

/** Each gauge's name (`state_<name>`) and the set it counts. */
const STATE_SETS: readonly (readonly [string, string])[] = [
  ["guilds", "guild_keys"],
  ["channels", "channel_keys"],
  ["messages", "message_keys"],
  ["members", "member_keys"],
  ["presences", "presence_keys"],
  ["roles", "role_keys"],
  ["emojis", "emoji_keys"],
  ["voices", "voice_keys"],
];

/**
 * Set the `state_*` gauges from the cache's index sets. A connection that
 * is not ready, or a read that fails, leaves them at their last values.
 *
 * @param redis The cache's connection; undefined without a cache.
 * @param gauges The gauges by name (`guilds` for `state_guilds`, …).
 * @returns When they are set, or left.
 */
export async function countState(
  redis: RedisConnection | undefined,
  gauges: Readonly<Record<string, { set(value: number): void }>>,
): Promise<void> {
  if (!redis || redis.status !== "ready") return;
  try {
    const pipeline = redis.pipeline();
    for (const [, key] of STATE_SETS) pipeline.scard(key);
    const results = await pipeline.exec();
    STATE_SETS.forEach(([name], i) => {
      gauges[name]?.set(Number(results?.[i]?.[1] ?? 0));
    });
  } catch {
    // Redis is down: the gauges keep their last values.
  }
}
