// What a Redis permission refusal says, apart from the ioredis error class
// that carries it: the cache reads it without loading ioredis (a Client
// with an in-memory cache imports the cache's modules, and ioredis's
// `debug` dependency reads the environment when loaded, which a bot run
// without --allow-env may not).

/**
 * Whether an error reply's text is Redis refusing a command to the
 * connection's ACL user: `NOPERM` for a command sent, "can't run this
 * command" for one a script called.
 *
 * @param message The reply's text.
 * @returns `true` for a permission refusal.
 */
export function isPermissionRefusal(message: string): boolean {
  return message.startsWith("NOPERM") ||
    message.includes("can't run this command");
}
