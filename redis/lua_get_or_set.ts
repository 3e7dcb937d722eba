// A key's value, written first when missing, in one script: two processes
// that find it missing together agree on one value (the first to run).

/**
 * Lua returning the value of `KEYS[1]`, set to `ARGV[1]` first when the key
 * is missing.
 */
export const LUA_GET_OR_SET = `
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`;
