// The scripts of the Redis-backed parts take "now" from the caller, so a
// test's virtual clock drives them, or, given "", from the server's clock,
// which every process sharing the server agrees on.

/**
 * Lua that sets `now` (milliseconds) from `ARGV[arg]`, or from Redis's
 * `TIME` when that argument is not a number.
 *
 * @param arg The index of the argument in `ARGV`.
 */
export function luaNow(arg: number): string {
  return `local now = tonumber(ARGV[${arg}])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end`;
}
