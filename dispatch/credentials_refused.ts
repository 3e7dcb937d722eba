/**
 * Telling a refused login from an outage, so the log names the variable to
 * fix: a wrong `RABBIT_PASSWORD` was logged as "RabbitMQ unreachable", and a
 * Redis that wants a password as "Cannot connect to Redis … Is the server
 * running?", with the service retrying (and, for Redis, running without
 * saved sessions: every restart identified) and nothing saying which
 * setting was wrong.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";

/**
 * Whether an AMQP connection error is the broker refusing the login:
 * RabbitMQ closes the connection with 403 `ACCESS_REFUSED` for an unknown
 * user or a wrong password.
 *
 * @param error What the connection attempt rejected with.
 * @returns `true` for a refused login.
 */
export function isLoginRefused(error: unknown): boolean {
  return error instanceof Error &&
    /ACCESS_REFUSED|\(403\)/.test(error.message);
}

/**
 * What to fix when Redis refused the connection's setup for its password:
 * `NOAUTH` (the server requires one and none was given), `WRONGPASS` (Redis
 * 6 and later) or `invalid password` (earlier) for a wrong one.
 *
 * @param error What connecting rejected with (the reply may be its cause).
 * @param variable The setting that holds the password, e.g. `REDIS_PASSWORD`.
 * @returns The hint (`Set REDIS_PASSWORD`, `Check REDIS_PASSWORD`), or
 *   `undefined` when the password is not the problem.
 */
export function redisPasswordHint(
  error: unknown,
  variable: string,
): string | undefined {
  const text = messages(error);
  if (/\bNOAUTH\b/.test(text)) {
    return `Set ${variable}`;
  }
  if (/\bWRONGPASS\b|\binvalid password\b/i.test(text)) {
    return `Check ${variable}`;
  }
  return undefined;
}

/** The messages of an error and of its causes, joined. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let at = error, depth = 0; at !== undefined && depth < 5; depth++) {
    parts.push(errorText(at));
    at = at instanceof Error ? at.cause : undefined;
  }
  return parts.join("\n");
}
