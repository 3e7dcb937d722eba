/**
 * What every typed route function shares: path segments checked before
 * anything is sent, and the per-call options, their keys checked as the
 * client's own methods check theirs.
 *
 * @module
 */
import type { RequestOptions } from "../rest_client.ts";
import {
  type AuditedRouteOptions,
  type AuditedUploadRouteOptions,
  clientCallOptions,
  type RouteKind,
  type RouteOptions,
  type UploadRouteOptions,
} from "../_request_io.ts";
import { checkSnowflake } from "../../base/snowflake.ts";
import { isDotSegment } from "../routes.ts";

export type {
  AuditedRouteOptions,
  AuditedUploadRouteOptions,
  RouteOptions,
  UploadRouteOptions,
};

/**
 * Options a route does not take, as `never`: a route function whose
 * options type takes a reason (or files) cannot hand them to a builder of
 * a route that takes none, so each function's type and its builder agree.
 */
type NotTaken<K extends "reason" | "files" | "uploadLimit"> = {
  [P in K]?: never;
};

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
 * The request options of a route that takes no audit-log reason and no
 * files.
 *
 * @param options The call's options.
 * @param extra Body and query.
 * @param own Keys of the route's own options, which the route reads.
 * @returns The options for `RestClient.request`.
 * @throws {TypeError} When `options` is not an object, or has a key none
 *   of the call options nor of `own` (the message names the nearest known
 *   one): from JavaScript or through a cast, a misspelt `reson` or `signl`
 *   was ignored, the call going unrecorded or uncancellable.
 * @throws {TypeError} When `options` sets `reason`, `files` or
 *   `uploadLimit` (from JavaScript or through a cast): sent, the header
 *   would record nothing.
 */
export function routeOptions(
  options: RouteOptions & NotTaken<"reason" | "files" | "uploadLimit">,
  extra: Extra = {},
  own: readonly string[] = [],
): RequestOptions {
  return build(options, "plain", extra, own);
}

/**
 * The request options of a route Discord records in the audit log.
 *
 * @param options The call's options.
 * @param extra Body and query.
 * @param own Keys of the route's own options, which the route reads.
 * @returns The options for `RestClient.request`.
 * @throws {TypeError} When `options` is not an object, or has a key none
 *   of the call options nor of `own` (the message names the nearest known
 *   one): from JavaScript or through a cast, a misspelt `reson` or `signl`
 *   was ignored, the call going unrecorded or uncancellable.
 * @throws {TypeError} When `options` sets `files` or `uploadLimit`.
 */
export function auditedRouteOptions(
  options: AuditedRouteOptions & NotTaken<"files" | "uploadLimit">,
  extra: Extra = {},
  own: readonly string[] = [],
): RequestOptions {
  return build(options, "audited", extra, own);
}

/**
 * The request options of a route that takes files.
 *
 * @param options The call's options.
 * @param extra Body and query.
 * @param own Keys of the route's own options, which the route reads
 *   (`executeWebhook`'s `wait`, `threadId`, `withComponents`).
 * @returns The options for `RestClient.request`.
 * @throws {TypeError} When `options` is not an object, or has a key none
 *   of the call options nor of `own` (the message names the nearest known
 *   one): from JavaScript or through a cast, a misspelt `reson` or `signl`
 *   was ignored, the call going unrecorded or uncancellable.
 * @throws {TypeError} When `options` sets `reason`.
 */
export function uploadRouteOptions(
  options: UploadRouteOptions & NotTaken<"reason">,
  extra: Extra = {},
  own: readonly string[] = [],
): RequestOptions {
  return build(options, "upload", extra, own);
}

/**
 * The request options of a route that takes files and is recorded in the
 * audit log.
 *
 * @param options The call's options.
 * @param extra Body and query.
 * @param own Keys of the route's own options, which the route reads.
 * @returns The options for `RestClient.request`.
 * @throws {TypeError} When `options` is not an object, or has a key none
 *   of the call options nor of `own` (the message names the nearest known
 *   one): from JavaScript or through a cast, a misspelt `reson` or `signl`
 *   was ignored, the call going unrecorded or uncancellable.
 */
export function auditedUploadRouteOptions(
  options: AuditedUploadRouteOptions,
  extra: Extra = {},
  own: readonly string[] = [],
): RequestOptions {
  return build(options, "auditedUpload", extra, own);
}

/** What a route adds to its per-call options. */
type Extra = Pick<RequestOptions, "body" | "query">;

function build(
  options: AuditedUploadRouteOptions,
  kind: RouteKind,
  extra: Extra,
  own: readonly string[],
): RequestOptions {
  // The client methods' check: the builders read only the keys they know,
  // and a misspelt one was dropped without a word.
  const out = clientCallOptions(options, kind, own);
  if (extra.body !== undefined) out.body = extra.body;
  if (extra.query !== undefined) out.query = extra.query;
  return out;
}

/** Query parameters as the client takes them. */
export type Query = Record<string, string | number | boolean | undefined>;
