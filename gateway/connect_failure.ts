/**
 * Why an attempt to open a gateway connection failed, as a typed error:
 * {@linkcode HandshakeError} is what a transport reports when the server
 * answers the WebSocket upgrade with something else, and
 * {@linkcode connectFailure} turns any cause into the shard's
 * {@linkcode GatewayError} (`permission_denied`, fatal, or
 * `connect_failed`).
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import { GatewayError } from "./errors.ts";

/** Options for {@linkcode HandshakeError}. */
export interface HandshakeErrorOptions {
  /** The HTTP status of the answer, when it was not 101. */
  status?: number | undefined;
  /** `Retry-After` of the answer, in milliseconds. */
  retryAfter?: number | undefined;
}

/**
 * The server did not accept the WebSocket upgrade: an HTTP status other
 * than 101, or a 101 whose headers are wrong (`Sec-WebSocket-Accept`,
 * `Upgrade`, `Connection`, an extension that was not offered).
 *
 * @example Usage
 * ```ts
 * import { HandshakeError } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * const error = new HandshakeError("answered 429", { status: 429, retryAfter: 5000 });
 * assert.equal(error.status, 429);
 * ```
 */
export class HandshakeError extends Error {
  /** The HTTP status, when it was not 101. */
  readonly status: number | undefined;
  /** How long the server asked to wait, in milliseconds. */
  readonly retryAfter: number | undefined;

  /**
   * Create a handshake error.
   *
   * @param message What the server answered.
   * @param options Status and `Retry-After`.
   */
  constructor(message: string, options: HandshakeErrorOptions = {}) {
    super(message);
    this.name = "HandshakeError";
    this.status = options.status;
    this.retryAfter = options.retryAfter;
  }
}

/**
 * A `Retry-After` header value (seconds, or an HTTP date) in milliseconds
 * from `now`; `undefined` when absent or unreadable.
 *
 * @param value The header.
 * @param now The current time in ms since the epoch (for an HTTP date).
 * @returns Milliseconds to wait, never negative.
 */
export function parseRetryAfter(
  value: string | undefined | null,
  now: number,
): number | undefined {
  if (value === undefined || value === null || value.trim() === "") {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Whether `error` is the runtime refusing network access. */
function isPermissionDenied(error: unknown): boolean {
  const errors = (globalThis as {
    Deno?: { errors?: Record<string, new (...args: never[]) => Error> };
  }).Deno?.errors;
  if (errors === undefined) return false;
  return (errors.NotCapable !== undefined &&
    error instanceof errors.NotCapable) ||
    (errors.PermissionDenied !== undefined &&
      error instanceof errors.PermissionDenied);
}

/** The status of a refused upgrade as the runtime's WebSocket words it. */
const NATIVE_STATUS = /Invalid status code:? (\d{3})\b/;

/**
 * The shard's error for one failed connect attempt.
 *
 * @param cause What the transport reported (or threw).
 * @param shardId The shard.
 * @param url Where it tried to connect (logged without the query).
 * @returns `permission_denied` (the shard must stop: retrying cannot help)
 * or `connect_failed` (with `status` and `retryAfter` when known).
 */
export function connectFailure(
  cause: unknown,
  shardId: number,
  url: string,
): GatewayError {
  let where = url;
  try {
    where = new URL(url).host;
  } catch {
    // Not a URL: name it as given.
  }
  if (isPermissionDenied(cause)) {
    return new GatewayError(
      "permission_denied",
      `Shard ${shardId} cannot connect to ${where} as the runtime denies network access: run Deno with --allow-net (or --allow-net=${where})`,
      { cause, shardId },
    );
  }
  let status: number | undefined;
  let retryAfter: number | undefined;
  if (cause instanceof HandshakeError) {
    status = cause.status;
    retryAfter = cause.retryAfter;
  } else if (cause instanceof Error) {
    const match = NATIVE_STATUS.exec(cause.message);
    if (match) status = Number(match[1]);
  }
  const why = errorText(cause);
  return new GatewayError(
    "connect_failed",
    `Shard ${shardId} could not connect to ${where}: ${why}`,
    { cause, shardId, status, retryAfter },
  );
}
