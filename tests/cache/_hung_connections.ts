// Fake Redis connections that stay "ready" and never answer some commands:
// a Redis stopped (SIGSTOP) or stalled, its connection still open.
import type { RedisConnection } from "../../redis/mod.ts";

/**
 * A pipeline or transaction whose `exec` is `exec(commands)`, `commands`
 * the count it holds (in `length` too, as ioredis's does, those given at
 * its creation included); every command is taken.
 */
export function queuedCommands(
  exec: (commands: number) => Promise<unknown>,
  commands: unknown[][] = [],
): Record<string, unknown> {
  let length = commands.length;
  const queued: Record<string, unknown> = new Proxy({}, {
    get: (_, name) =>
      name === "exec"
        ? () => exec(length)
        : name === "length"
        ? length
        : () => (length++, queued),
  });
  return queued;
}

/** A promise that never settles: an answer Redis never sends. */
const never = (): Promise<never> => new Promise(() => {});

/**
 * A connection that is ready, whose reads (a batch's pipeline) are answered
 * at once from `held` (MGET; SMEMBERS of a list finds none; the epoch
 * marker, by GET or EVAL, is the same each time, so never lost), and whose
 * transactions (the writes) `send` answers, given their count of commands:
 * never, by default.
 */
export function heldReadsConnection(
  held: Readonly<Record<string, string>>,
  send: (commands: number) => Promise<unknown> = never,
): RedisConnection {
  const pipeline = (): Record<string, unknown> => {
    const answers: [null, unknown][] = [];
    const queued: Record<string, unknown> = new Proxy({}, {
      get: (_, name) =>
        name === "exec"
          ? () => Promise.resolve(answers)
          : (...args: unknown[]) => {
            answers.push([
              null,
              name === "mget"
                ? (args[0] as string[]).map((key) => held[key] ?? null)
                : name === "smembers"
                ? []
                : "epoch",
            ]);
            return queued;
          },
    });
    return queued;
  };
  return {
    status: "ready",
    pipeline,
    multi: (commands?: unknown[][]) => queuedCommands(send, commands),
    ping: () => Promise.resolve("PONG"),
  } as unknown as RedisConnection;
}

/**
 * A connection that is ready, whose reads are answered at once (guild 1 and
 * its channel 2 held) and whose transactions (the writes) never are.
 */
export function writesHungConnection(): RedisConnection {
  return heldReadsConnection({
    "guild:1": JSON.stringify({ id: "1", name: "g" }),
    "channel:2": JSON.stringify({ id: "2", type: 0, guild_id: "1" }),
  });
}

/** A connection that is ready and never answers anything. */
export function hungConnection(): RedisConnection {
  const hung = (commands?: unknown[][]) => queuedCommands(never, commands);
  return {
    status: "ready",
    pipeline: hung,
    multi: hung,
  } as unknown as RedisConnection;
}

/**
 * A connection that is ready, holding nothing, and answers no pipeline or
 * transaction until `answer()` is called, then all of them (those sent
 * later at once): a Redis slow, not stopped.
 */
export function lateConnection(): {
  redis: RedisConnection;
  answer: () => void;
} {
  const held: (() => void)[] = [];
  let answering = false;
  const queue = (): Record<string, unknown> => {
    const answers: [null, unknown][] = [];
    const queued: Record<string, unknown> = new Proxy({}, {
      get: (_, name) =>
        name === "exec"
          ? () =>
            new Promise((resolve) => {
              if (answering) resolve(answers);
              else held.push(() => resolve(answers));
            })
          : (...args: unknown[]) => {
            answers.push([
              null,
              name === "mget"
                ? (args[0] as string[]).map(() => null)
                : name === "smembers"
                ? []
                : name === "get"
                ? null
                : "OK",
            ]);
            return queued;
          },
    });
    return queued;
  };
  const redis = {
    status: "ready",
    pipeline: queue,
    multi: queue,
    ping: () =>
      new Promise((resolve) => {
        if (answering) resolve("PONG");
        else held.push(() => resolve("PONG"));
      }),
  } as unknown as RedisConnection;
  const answer = (): void => {
    answering = true;
    for (const reply of held.splice(0)) reply();
  };
  return { redis, answer };
}
