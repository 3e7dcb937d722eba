/**
 * What every typed route function shares: path segments checked before
 * anything is sent, and the per-call options.
 *
 * @module
 */
import type { CallOptions, RequestOptions } from "../rest_client.ts";
import { callOptions } from "../_request_io.ts";
import { checkSnowflake } from "../../base/snowflake.ts";
import { isDotSegment } from "../routes.ts";

/** Options of a route that takes no audit-log reason and no files. */
export type RouteOptions = Pick<CallOptions, "signal">;

/** Options of a route Discord records in the audit log. */
export type AuditedRouteOptions = Pick<CallOptions, "signal" | "reason">;

/** Options of a route that takes file uploads. */
export type UploadRouteOptions = Pick<
  CallOptions,
  "signal" | "files" | "uploadLimit"
>;

/** Options of a route that takes file uploads and is recorded in the audit log. */
export type AuditedUploadRouteOptions = Pick<
  CallOptions,
  "signal" | "reason" | "files" | "uploadLimit"
>;

/**
 * A snowflake path segment.
 *
 * @param name The parameter's name, for the error.
 * @param value The value.
 * @returns The value.
 * @throws {TypeError} When it is not a snowflake string.
 */
export function snowflake(name: string, value: string): string {
  return checkSnowflake("build route", name, value);
}

/**
 * A free-text path segment (an emoji, an invite code, a token), encoded.
 *
 * @param name The parameter's name, for the error.
 * @param value The value.
 * @param secret Whether to leave the value out of the error (tokens).
 * @returns The encoded value.
 * @throws {TypeError} When it is empty, `.` or `..`, or holds a lone
 *   surrogate (half of an emoji).
 */
export function segment(name: string, value: string, secret = false): string {
  const current = secret
    ? ""
    : `: current value '${name}=${String(value).slice(0, 40)}'`;
  if (typeof value !== "string" || value === "" || value.length > 512) {
    throw new TypeError(
      `Cannot build route as '${name}' must be a non-empty string${current}`,
    );
  }
  if (isDotSegment(value)) {
    // encodeURIComponent leaves dots, and URL parsing would then drop the
    // segment or climb one up: DELETE .../reactions/.. deleted the message.
    throw new TypeError(
      `Cannot build route as '${name}' must not be '.' or '..' (the URL would name another endpoint)${current}`,
    );
  }
  if (!value.isWellFormed()) {
    // encodeURIComponent throws a URIError on half an emoji.
    throw new TypeError(
      `Cannot build route as '${name}' must be well-formed text (it holds a lone surrogate, half of an emoji)${current}`,
    );
  }
  return encodeURIComponent(value);
}

/**
 * The request options of a route call.
 *
 * @param options The call's options.
 * @param extra Body and query.
 * @returns The options for `RestClient.request`.
 */
export function routeOptions(
  options: CallOptions,
  extra: Pick<RequestOptions, "body" | "query"> = {},
): RequestOptions {
  const out = callOptions(options);
  if (extra.body !== undefined) out.body = extra.body;
  if (extra.query !== undefined) out.query = extra.query;
  return out;
}

/** Query parameters as the client takes them. */
export type Query = Record<string, string | number | boolean | undefined>;
