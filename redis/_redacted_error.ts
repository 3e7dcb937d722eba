/**
 * Keeping a command's arguments out of the errors a connection hands out:
 * ioredis puts `command = { name, args }` on every error reply and on every
 * command aborted at a close, and those errors reach the logs whole (the log
 * formatter prints an error's properties). A password change mid-run logged
 * the new `HELLO 3 AUTH default <password>`; a save Redis refused (OOM,
 * READONLY) logged the whole Lua script and every shard's session ID and
 * resume URL, 340,013 characters for 2,000 shards, on each warning.
 *
 * Internal to the Redis layer: {@linkcode connectRedis} installs it on every
 * connection it opens, before the first command.
 *
 * @module
 */
import type { Redis } from "ioredis";

/** What is shown of the arguments of a command other than AUTH or HELLO. */
function hiddenArguments(count: number): string {
  return `(${count} argument${count === 1 ? "" : "s"}, not shown)`;
}

/**
 * The arguments of `name` as an error may show them: AUTH's and HELLO's with
 * the password as `***` (the rest of HELLO says which user and protocol),
 * any other command's as a count (keys, values, scripts may all be secret:
 * a session ID lets anyone resume the bot's session).
 */
function shownArguments(name: string, args: readonly unknown[]): unknown {
  switch (name.toLowerCase()) {
    case "auth":
      // AUTH <password>, AUTH <username> <password>.
      return args.map((arg, at) => at === args.length - 1 ? "***" : arg);
    case "hello": {
      // HELLO <protover> [AUTH <username> <password>] [SETNAME <name>].
      const auth = args.findIndex((arg) =>
        String(arg).toUpperCase() === "AUTH"
      );
      return args.map((arg, at) => auth >= 0 && at === auth + 2 ? "***" : arg);
    }
    default:
      return hiddenArguments(args.length);
  }
}

/** An error ioredis gave its command to, `{ name, args }`. */
interface CommandError {
  command?: unknown;
}

/**
 * Replace the arguments of the command an error carries with what may be
 * shown of them (the name is kept: it says what failed). A new object: the
 * one ioredis attached shares its `args` with the command, which a
 * reconnect may send again.
 *
 * @param error An error a command rejected with, or the connection emitted.
 * @returns `error`, redacted in place.
 */
export function redactCommandError<T>(error: T): T {
  if (typeof error !== "object" || error === null) return error;
  const carried = (error as CommandError).command;
  if (typeof carried !== "object" || carried === null) return error;
  const { name, args } = carried as { name?: unknown; args?: unknown };
  if (!Array.isArray(args)) return error;
  const command = typeof name === "string"
    ? { name, args: shownArguments(name, args) }
    : { name, args: hiddenArguments(args.length) };
  (error as CommandError).command = command;
  return error;
}

/** What {@linkcode redactCommandErrors} uses of an ioredis command. */
interface SentCommand {
  reject(error: unknown): void;
}

/** Marks a command whose `reject` is already wrapped (sent again). */
const wrapped = Symbol("disruption.redactedReject");

/**
 * Make every error `redis` hands out carry no command arguments: each
 * command's rejection is redacted before it settles (so before any handler,
 * a caller's, a script's NOSCRIPT fallback or a pipeline's, sees it), and
 * so is each `"error"` event, before the other listeners run. The setup's
 * refused `HELLO … AUTH` is a command like any other: its error, which the
 * client also emits and rejects its queued commands with, is redacted first.
 *
 * @param redis A connection not yet connected.
 */
export function redactCommandErrors(redis: Redis): void {
  // Every command, the client's own (HELLO, AUTH, SELECT, INFO) too, goes
  // through sendCommand; a command queued while offline goes through it
  // again when it is sent.
  const client = redis as unknown as {
    sendCommand(command: SentCommand, ...rest: unknown[]): unknown;
  };
  const send = client.sendCommand;
  client.sendCommand = function (
    command: SentCommand,
    ...rest: unknown[]
  ): unknown {
    const marked = command as SentCommand & { [wrapped]?: true };
    if (!marked[wrapped]) {
      marked[wrapped] = true;
      const reject = command.reject;
      command.reject = function (this: unknown, error: unknown): void {
        reject.call(this, redactCommandError(error));
      };
    }
    return send.call(this, command, ...rest);
  };
  redis.prependListener("error", redactCommandError);
}
