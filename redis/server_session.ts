// Which server a connection talks to, and how often it lost it: a store that
// keeps state in Redis must learn that its data may be gone (the server was
// restarted, or another one took over) although the client reconnects on its
// own and no command of the store ever failed.
import type { Redis } from "ioredis";

/** What {@linkcode serverSession} knows of one connection's server. */
export interface RedisServerSession {
  /** How many times the connection was lost since it was opened. */
  readonly drops: number;
  /**
   * The server's `run_id` (`INFO server`: new each time a server process
   * starts) as of the latest connection; pending after a drop until the
   * connection is ready again and the server answered, and undefined when it
   * did not (`INFO` refused by an ACL, the connection closed).
   */
  readonly runId: Promise<string | undefined>;
  /**
   * Call `callback` once when the connection is next lost: what waits for
   * a server's answers can stop waiting then, as the client holds its
   * commands until it reconnects, which may be never.
   *
   * @returns Forget the callback (call it once the wait is over: a
   *   callback kept until the next loss keeps whatever it closes over).
   */
  onLost(callback: () => void): () => void;
}

const sessions = new WeakMap<Redis, RedisServerSession>();

/**
 * What is known of the server of a connection opened by `connectRedis`
 * (undefined for any other): compare two readings to learn whether the
 * connection was lost, and whether to another server process, in between.
 */
export function serverSession(
  redis: Redis,
): RedisServerSession | undefined {
  return sessions.get(redis);
}

/**
 * Whether the connection of `session` was lost since this call: what was
 * sent before and is unanswered, or still to send, may be lost or land
 * after what comes since. Never, for a connection not followed.
 *
 * @param session The connection's {@linkcode serverSession}.
 * @returns The check, to call as often as needed.
 */
export function lostSince(
  session: RedisServerSession | undefined,
): () => boolean {
  if (session === undefined) return () => false;
  const drops = session.drops;
  return () => session.drops !== drops;
}

/**
 * Start following a ready connection's server (see
 * {@linkcode serverSession}). Listeners are the connection's own: one set
 * per connection, however many stores use it.
 */
export function trackServerSession(redis: Redis): void {
  const waiters = new Set<() => void>();
  const session = {
    drops: 0,
    runId: runIdOf(redis),
    onLost(callback: () => void): () => void {
      waiters.add(callback);
      return () => waiters.delete(callback);
    },
  };
  sessions.set(redis, session);
  let reconnected: ((runId: string | undefined) => void) | undefined;
  redis.on("close", () => {
    session.drops++;
    const waiting = [...waiters];
    waiters.clear();
    for (const callback of waiting) callback();
    // Pending from the drop on: a store reading it once the client is ready
    // again (its "ready" event comes a tick later) waits for the new answer.
    if (reconnected === undefined) {
      session.runId = new Promise((resolve) => reconnected = resolve);
    }
  });
  redis.on("ready", () => {
    const resolve = reconnected;
    reconnected = undefined;
    if (resolve) void runIdOf(redis).then(resolve);
  });
  redis.on("end", () => {
    reconnected?.(undefined);
    reconnected = undefined;
  });
}

/** The server's run_id, or undefined when it does not say. */
async function runIdOf(redis: Redis): Promise<string | undefined> {
  try {
    const info = await redis.info("server");
    return /^run_id:([0-9a-f]+)\r?$/m.exec(info)?.[1];
  } catch {
    return undefined;
  }
}
