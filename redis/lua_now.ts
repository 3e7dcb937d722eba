// The scripts of the Redis-backed parts take "now" from the caller, so a
// test's virtual clock drives them, or, given "", from the server's clock,
// which every process sharing the server agrees on.

/**
 * Lua that sets `name` (declared before) to Redis's clock in whole
 * milliseconds, from `TIME`.
 *
 * @param name The Lua variable.
 * @returns The Lua.
 */
export function luaTimeMs(name: string): string {
  return `local t = redis.call('TIME')
  ${name} = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
}

/**
 * Redis's `TIME` reply (seconds, microseconds) in whole milliseconds, as
 * {@linkcode luaTimeMs} reads it in a script.
 *
 * @param reply The reply.
 * @returns Milliseconds since the epoch.
 */
export function timeReplyMs([seconds, micros]: readonly unknown[]): number {
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/**
 * Lua that sets `now` (milliseconds) from `ARGV[arg]`, or from Redis's
 * `TIME` when that argument is not a number.
 *
 * @param arg The index of the argument in `ARGV`.
 */
export function luaNow(arg: number): string {
  return `local now = tonumber(ARGV[${arg}])
if not now then
  ${luaTimeMs("now")}
end`;
}
