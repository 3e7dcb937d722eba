/**
 * Sending the Redis layer's long Lua scripts by their SHA-1 (`EVALSHA`)
 * instead of whole (`EVAL`): each identify queue attempt sent its script,
 * over 10 KB, so 10,000 shards waiting sent Redis 49.5 MB/s, and Redis
 * spent its time reading and hashing them. Measured on Redis 7.0, 20,000
 * attempts of the queue's attempt script, 1,000 at a time: `EVAL` 12,695
 * bytes an attempt into Redis and 1.28 s of Redis CPU, `EVALSHA` 359 bytes
 * and 0.70 s (45 % less).
 *
 * The callers still call `eval` with the script's text: a script marked
 * with {@linkcode sentBySha} is sent as `EVALSHA` by a connection from
 * `connectRedis`, and sent whole only when Redis answers `NOSCRIPT` (its
 * script cache emptied by a restart, a failover or `SCRIPT FLUSH`): that
 * `EVAL` puts it back in the cache, so the next calls go by SHA-1 again.
 * `NOSCRIPT` means the script did not run, so sending it again runs it
 * once. Done where commands are sent, not by each caller, so that every
 * caller (and a test's stand-in for the connection) keeps the one `eval`
 * it knows, and a connection not from `connectRedis` still works, sending
 * the scripts whole.
 *
 * Inside a pipeline or a `MULTI` a script is sent whole as asked: there an
 * `EVALSHA` answered `NOSCRIPT` cannot be sent again on its own (in a
 * transaction the other commands have run by then, and a pipeline's
 * order would change).
 *
 * Internal to the Redis layer: {@linkcode connectRedis} installs it.
 *
 * @module
 */
import { Command, type Redis } from "ioredis";
import { sha1 } from "../base/sha1.ts";

/** Each marked script's text → its SHA-1, as Redis names it (lower hex). */
const SHAS = new Map<string, string>();

/**
 * Mark `script` to be sent by its SHA-1 (see the module's comment); for the
 * scripts a connection runs often and that are long (a SHA-1 is 40 bytes).
 *
 * @param script A Lua script's text, as given to `eval`.
 * @returns `script`.
 */
export function sentBySha(script: string): string {
  const digest = sha1(new TextEncoder().encode(script));
  SHAS.set(
    script,
    Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join(""),
  );
  return script;
}

/** What is used of an ioredis command. */
interface ScriptCommand {
  name: string;
  /** Strings, Buffers and numbers (stringified when the command was made). */
  args: (string | Buffer | number)[];
  inTransaction?: boolean;
  replyEncoding?: BufferEncoding | null;
  errorStack?: Error;
  promise: Promise<unknown>;
  resolve(reply: unknown): unknown;
  reject(error: unknown): void;
}

/** Marks an `EVAL` that is to go whole (after `NOSCRIPT`). */
const whole = Symbol("disruption.sentWhole");

/**
 * Send the scripts marked with {@linkcode sentBySha} as `EVALSHA` on
 * `redis` (outside pipelines and transactions), whole again on `NOSCRIPT`.
 *
 * @param redis A connection, its other wrappers of `sendCommand` installed
 *   (the redaction of errors sees the `EVALSHA` too).
 */
export function sendScriptsBySha(redis: Redis): void {
  const client = redis as unknown as {
    sendCommand(command: ScriptCommand, stream?: unknown): unknown;
  };
  const send = client.sendCommand;
  client.sendCommand = function (
    command: ScriptCommand,
    stream?: unknown,
  ): unknown {
    const marked = command as ScriptCommand & { [whole]?: true };
    const sha = command.name === "eval" && stream === undefined &&
        !command.inTransaction && !marked[whole] &&
        typeof command.args[0] === "string"
      ? SHAS.get(command.args[0])
      : undefined;
    if (sha === undefined) return send.call(this, command, stream);
    const bySha = new Command("evalsha", [sha, ...command.args.slice(1)], {
      // Decoded by `command` as it would decode its own reply.
      replyEncoding: null,
      ...(command.errorStack ? { errorStack: command.errorStack } : {}),
    }) as unknown as ScriptCommand;
    send.call(this, bySha);
    bySha.promise.then(
      (reply) => command.resolve(reply),
      (error: unknown) => {
        if (!isNoScript(error)) return command.reject(error);
        marked[whole] = true;
        send.call(this, command);
      },
    );
    return command.promise;
  };
}

/** Whether Redis answered that it does not have the script. */
function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}
