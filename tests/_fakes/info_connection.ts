// A Redis connection whose events the test emits ("close", "ready",
// "end") and whose `INFO server` names a run id the test chooses: what
// `trackServerSession` (redis/server_session.ts) reads.
import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";

/**
 * A connection whose `INFO server` names the run id `runs[i]` at call i
 * (an Error: that call is refused; past the list: refused too).
 */
export function fakeConnection(
  runs: (string | Error)[],
): Redis & EventEmitter {
  const redis = new EventEmitter() as Redis & EventEmitter;
  let calls = 0;
  (redis as unknown as { info(): Promise<string> }).info = () => {
    const run = runs[calls++] ?? new Error("no more answers");
    return run instanceof Error
      ? Promise.reject(run)
      : Promise.resolve(`# Server\r\nredis_version:7.2.4\r\nrun_id:${run}\r\n`);
  };
  return redis;
}
