// What a Lua script costs Redis, counted where it happens: each script the
// connection sends runs wrapped so that its `redis.call`s are counted by
// Redis itself and returned with its reply. Counting inside the script sees
// only this connection's work, so tests may run side by side on one server
// (INFO commandstats counts every client's).
import type { RedisConnection } from "../../redis/mod.ts";

/** One script run through {@linkcode countingScripts}. */
export interface ScriptRun {
  /** Its `redis.call`s. */
  calls: number;
  /** Its KEYS and ARGV, as sent. */
  args: (string | number)[];
}

/**
 * The script run as a function of its own, with a local `redis` whose `call`
 * counts before it forwards: the script's text is unchanged, and its reply
 * comes back next to the count.
 */
function counting(script: string): string {
  return `local calls = 0
local server = redis
local redis = setmetatable({
  call = function(...)
    calls = calls + 1
    return server.call(...)
  end,
}, { __index = server })
local reply = (function()
${script}
end)()
return { calls, reply }`;
}

/**
 * `redis`, whose `eval`s note in `runs` how many commands each script
 * issued; every other method is the connection's own.
 */
export function countingScripts(
  redis: RedisConnection,
  runs: ScriptRun[],
): RedisConnection {
  return new Proxy(redis, {
    get(target, property): unknown {
      if (property === "eval") {
        return async (
          script: string,
          ...args: (string | number)[]
        ): Promise<unknown> => {
          const [calls, reply] = await (target.eval as (
            ...a: (string | number)[]
          ) => Promise<[number, unknown]>)(counting(script), ...args);
          runs.push({ calls, args });
          return reply;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
