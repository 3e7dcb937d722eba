// What the Redis layer needs of a least-privilege Redis user (an ACL), and
// how a refusal for want of it is told apart. Private to the Redis layer.
//
// An ACL such as `+@read +@write +@scripting` leaves out PING (@connection)
// and TIME (@fast) and MULTI/EXEC (@transaction): the identify queue then
// never granted a shard, saying only "NOPERM … 'ping'" or "can't run this
// command", and the user had to find the rest by trial.
import { isRedisReply } from "./connection.ts";
import { isPermissionRefusal } from "./_permission_refusal.ts";

/**
 * Every command `RedisIdentifyQueue` sends or its scripts call, in lower
 * case as an ACL rule names them: the scripts go by `EVALSHA` (whole, by
 * `EVAL`, after `NOSCRIPT`), a process's first attempt measures a round
 * trip with `PING`, the scripts read Redis's clock with `TIME` (unless
 * `clock: "scheduler"`), an aborted wait leaves the queue in a
 * `MULTI`/`EXEC`, and the rest are the keys' commands (all in `@read` and
 * `@write`).
 */
export const IDENTIFY_QUEUE_COMMANDS: readonly string[] = [
  "evalsha",
  "eval",
  "ping",
  "time",
  "multi",
  "exec",
  "del",
  "exists",
  "get",
  "hmget",
  "hset",
  "incr",
  "persist",
  "pexpire",
  "set",
  "type",
  "zadd",
  "zrange",
  "zrangebyscore",
  "zrank",
  "zrem",
  "zscore",
];

/**
 * Whether `error` is Redis refusing a command to the connection's ACL
 * user: `NOPERM` for a command sent, "can't run this command" for one a
 * script called.
 *
 * @param error What a command rejected with.
 * @returns `true` for a permission refusal.
 */
export function isPermissionError(error: unknown): boolean {
  return isRedisReply(error) && isPermissionRefusal(error.message);
}
