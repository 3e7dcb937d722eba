/**
 * Route -> rate-limit bucket key mapping, and token redaction for paths.
 *
 * Discord's rate limits are per route *and* per "major parameter": the
 * `channel_id`, `guild_id` or `webhook_id` + `webhook_token` at the start of a
 * path. {@linkcode parseRoute} keeps those and replaces every other id, so
 * `GET /channels/1/messages/2` and `GET /channels/1/messages/3` share the key
 * `GET /channels/1/messages/:id` while another channel gets its own. Nothing
 * else a path carries per request (an interaction's id and token, an invite
 * or template code) stays in a key. The rate limiter keeps a hash per key
 * without its major id (`routeHashKey`).
 *
 * @module
 */
import { fnv1a } from "../base/fnv1a.ts";
import { snowflakeMs } from "../base/snowflake.ts";

/** The HTTP methods Discord's API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const METHODS: ReadonlySet<string> = new Set([
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
]);

/**
 * Path segments followed by a code rather than an id (`/invites/{code}`,
 * `/guilds/templates/{code}`, `/guilds/{id}/templates/{code}`,
 * `/applications/{id}/activity-instances/{instance_id}`), and the
 * placeholder that replaces it: each code would otherwise be a route key
 * of its own (an activity instance's ID is text, `i-{launch}-gc-…`, not
 * the digits of an id).
 */
const CODE_HOLDERS: ReadonlyMap<string, string> = new Map([
  ["invites", ":code"],
  ["templates", ":code"],
  ["activity-instances", ":instance_id"],
]);

/** Messages older than this are deleted under a separate, stricter sub-limit. */
const OLD_MESSAGE_AGE = 14 * 24 * 60 * 60 * 1000;

/**
 * What the REST client reads from one request's method and path for its
 * rate limits: the route key it learns a bucket hash for, the major
 * parameter that splits a bucket, and the path with its token redacted.
 */
export interface RouteInfo {
  /** The method, upper case. */
  method: HttpMethod;
  /**
   * The rate-limit route key: method and path, major parameters kept, other
   * ids replaced by `:id` (an interaction callback's too), webhook and
   * interaction tokens by `:token`, invite and template codes by `:code`,
   * activity instance IDs by `:instance_id`,
   * reactions by `:reaction`, query string dropped; e.g.
   * `DELETE /channels/1/messages/:id`. The client maps this key, without its
   * major id (`routeHashKey`), to the bucket hash Discord returns.
   */
  key: string;
  /**
   * The route with every id replaced, the major parameter too: e.g.
   * `POST /channels/:channel_id/messages`. The same for every channel.
   */
  template: string;
  /**
   * Which bucket of a shared hash this request uses: `channels/1`,
   * `guilds/1`, `webhooks/1/<token fingerprint>`, `interactions/1`, or
   * `global` for routes without a major parameter. Deleting a message older
   * than 14 days adds `:old_message_delete` (Discord counts those under a
   * separate, stricter sub-limit).
   */
  majorParameter: string;
  /** The path with any token replaced by `:token`, query kept: safe for logs and errors. */
  redactedPath: string;
  /**
   * Whether the path itself carries a token (an interaction callback or a
   * webhook with its token). Such requests are not authenticated with the bot
   * token and do not count against the bot's global rate limit.
   */
  tokenRoute: boolean;
}

/**
 * Which global rate limit a request counts against, and which one a global
 * 429 to it pauses. Discord's docs: "All bots can make up to 50 requests
 * per second to our API. If no authorization header is provided, then the
 * limit is applied to the IP address", and "Interaction endpoints are not
 * bound to the bot's Global Rate Limit". So:
 * - `bot`: sent with the bot token; the bot's limit (`globalLimit`).
 * - `ip`: sent without `Authorization` (webhook executions with their
 *   token, GET `/gateway`): the IP's limit, 50 per second. Webhook
 *   requests are not interaction endpoints, so they are not exempt; nor do
 *   they count against the bot's limit, which is the bot token's.
 * - `none`: interaction endpoints (callbacks, and follow-ups through the
 *   application's webhook with the interaction's token), and requests with
 *   another `Authorization` (a user's OAuth2 token, under that user's own
 *   limit): held back by no global limit here.
 */
export type GlobalScope = "bot" | "ip" | "none";

/**
 * The global scope of a route from its path alone: interaction callbacks
 * are `none`, other token routes (webhooks with their token, sent without
 * authorization) `ip`, the rest `bot`. A follow-up through the
 * application's webhook looks like a webhook execution, so the REST client
 * says `none` for its interaction methods itself.
 *
 * @param route The parsed route.
 * @returns Its global scope.
 */
export function routeGlobalScope(route: RouteInfo): GlobalScope {
  if (!route.tokenRoute) return "bot";
  return route.majorParameter.startsWith("interactions/") ? "none" : "ip";
}

/** Options for {@linkcode parseRoute}. */
export interface ParseRouteOptions {
  /**
   * The current time in Unix milliseconds, used to tell whether a message
   * being deleted is older than 14 days. Without it no delete counts as old.
   */
  now?: number;
}

/**
 * Map a request to its rate-limit route key and major parameter.
 *
 * @param method The HTTP method.
 * @param path The path below the API base URL, starting with `/`; a query
 * string is allowed and ignored.
 * @param options The current time, for the old-message delete sub-limit.
 * @returns The route key, template, major parameter and redacted path.
 * @throws {TypeError} When the method is unknown or the path does not start
 * with `/`.
 *
 * @example Ids other than the major parameter collapse
 * ```ts
 * import { parseRoute } from "./routes.ts";
 * import assert from "node:assert/strict";
 *
 * const route = parseRoute("PATCH", "/channels/1/messages/2");
 * assert.equal(route.key, "PATCH /channels/1/messages/:id");
 * assert.equal(route.template, "PATCH /channels/:channel_id/messages/:id");
 * assert.equal(route.majorParameter, "channels/1");
 *
 * const callback = parseRoute("POST", "/interactions/5/secret/callback");
 * assert.equal(callback.key, "POST /interactions/:id/:token/callback");
 * assert.equal(callback.majorParameter, "interactions/5");
 * assert.equal(callback.tokenRoute, true);
 * ```
 */
export function parseRoute(
  method: string,
  path: string,
  options: ParseRouteOptions = {},
): RouteInfo {
  if (!METHODS.has(method)) {
    throw new TypeError(
      `Cannot parse route as 'method' must be one of GET, POST, PUT, PATCH, DELETE: current value 'method=${method}'`,
    );
  }
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new TypeError(
      `Cannot parse route as 'path' must start with '/': current value 'path=${
        typeof path === "string" ? redactPath(`/${path}`).slice(1) : typeof path
      }'`,
    );
  }
  const httpMethod = method as HttpMethod;
  const bare = path.split("?", 1)[0]!.split("#", 1)[0]!;
  const segments = bare.split("/").slice(1);
  const keyParts: string[] = [];
  const templateParts: string[] = [];
  let majorParameter = "global";
  let tokenRoute = false;

  const first = segments[0];
  const second = segments[1];
  const isId = (segment: string | undefined): boolean =>
    segment !== undefined && /^\d+$/.test(segment);

  if (
    first === "interactions" && isId(second) && segments.length >= 4 &&
    segments[3] === "callback"
  ) {
    // POST /interactions/{interaction.id}/{interaction.token}/callback: one
    // key for every interaction (with its id the key table grew by one
    // entry per interaction answered), each still its own bucket.
    majorParameter = `interactions/${second}`;
    tokenRoute = true;
    keyParts.push("interactions", ":id", ":token");
    templateParts.push("interactions", ":interaction_id", ":token");
    rest(segments.slice(3));
  } else if (
    (first === "channels" || first === "guilds" || first === "webhooks") &&
    isId(second)
  ) {
    const name = first === "channels"
      ? ":channel_id"
      : first === "guilds"
      ? ":guild_id"
      : ":webhook_id";
    keyParts.push(first, second!);
    templateParts.push(first, name);
    majorParameter = `${first}/${second}`;
    const third = segments[2];
    if (first === "webhooks" && third !== undefined && third !== "") {
      majorParameter += `/${fnv1a(third)}`;
      tokenRoute = true;
      keyParts.push(":token");
      templateParts.push(":token");
      rest(segments.slice(3));
    } else {
      rest(segments.slice(2));
    }
  } else {
    rest(segments);
  }

  function rest(tail: string[]): void {
    for (let i = 0; i < tail.length; i++) {
      const segment = tail[i]!;
      if (segment === "reactions" && i + 1 < tail.length) {
        // Every reaction route of a message shares one bucket.
        keyParts.push("reactions", ":reaction");
        templateParts.push("reactions", ":reaction");
        return;
      }
      const code = i > 0 ? CODE_HOLDERS.get(tail[i - 1]!) : undefined;
      const part = isId(segment) ? ":id" : code ?? segment;
      keyParts.push(part);
      templateParts.push(part);
    }
  }

  if (
    httpMethod === "DELETE" && first === "channels" &&
    segments.length === 4 && segments[2] === "messages" && isId(segments[3]) &&
    options.now !== undefined
  ) {
    const created = snowflakeMs(segments[3]!);
    if (options.now - created > OLD_MESSAGE_AGE) {
      majorParameter += ":old_message_delete";
    }
  }

  return {
    method: httpMethod,
    // A path that is not the canonical token route keeps its token in
    // its parts, and the key is logged: redacted like the path.
    key: `${httpMethod} ${redactPath(`/${keyParts.join("/")}`)}`,
    template: `${httpMethod} ${redactPath(`/${templateParts.join("/")}`)}`,
    majorParameter,
    redactedPath: redactPath(path),
    tokenRoute,
  };
}

/**
 * The key a route's bucket hash is learned under: its route key with the
 * major parameter's id replaced by `:major`. Discord's hash names a limit
 * shared by similar routes, and the major parameter splits it into buckets:
 * learned once, it holds for every channel, guild or webhook, and a new
 * one's requests share their bucket from the first (keyed with the id, each
 * new channel learned again that its routes share a hash, one 429 each).
 *
 * @param routeKey A {@linkcode RouteInfo.key}.
 * @returns The key without the major parameter's id.
 *
 * @example Usage
 * ```ts
 * import { parseRoute, routeHashKey } from "./routes.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   routeHashKey(parseRoute("POST", "/channels/1/messages").key),
 *   "POST /channels/:major/messages",
 * );
 * assert.equal(
 *   routeHashKey(parseRoute("POST", "/webhooks/2/tok").key),
 *   "POST /webhooks/:major/:token",
 * );
 * ```
 */
export function routeHashKey(routeKey: string): string {
  // Only the major parameter's id survives in a key (`parseRoute`).
  return routeKey.replace(
    /^([A-Z]+ \/(?:channels|guilds|webhooks)\/)\d+(?=\/|$)/,
    "$1:major",
  );
}

/**
 * The segment after `webhooks/<id>/` or `interactions/<id>/` (the token),
 * wherever the path has it and however it is written: a hand-built path
 * (`/Webhooks/…`, `/webhooks/abc/…`, `/webhooks/%33/…`, an empty segment)
 * is not the route `parseRoute` reads, but still carries the token to
 * errors and logs. Built once (parseRoute redacts three times a request):
 * every one for replace, the first for exec.
 */
const TOKEN_SEGMENTS =
  /((?:^|\/)(?:webhooks|interactions)\/+[^/?#]*\/+)([^/?#]+)/gi;
const TOKEN_SEGMENT = new RegExp(TOKEN_SEGMENTS.source, "i");

/**
 * The segment right after `webhooks/` or `interactions/` (the id's place):
 * arguments swapped put the token there (`/webhooks/{token}/{id}`), and a
 * Snowflake being a plain string, TypeScript lets that through.
 */
const ID_SEGMENTS = /((?:^|\/)(?:webhooks|interactions)\/+)([^/?#]+)/gi;

/**
 * Replace webhook and interaction tokens in a path by `:token`: the
 * segment after any `webhooks/<id>/` or `interactions/<id>/`, in any case,
 * and the `<id>` itself unless it is all digits or a route key's
 * placeholder (`:id`): a token passed in the id's place is one too.
 *
 * @param path A request path, with or without a query string.
 * @returns The path, safe to log.
 *
 * @example Usage
 * ```ts
 * import { redactPath } from "./routes.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   redactPath("/webhooks/1/aW50ZXJhY3Rpb24/messages/@original"),
 *   "/webhooks/1/:token/messages/@original",
 * );
 * ```
 */
export function redactPath(path: string): string {
  return path
    .replace(
      ID_SEGMENTS,
      (whole, head: string, id: string) =>
        /^(?:\d+|:[a-z_]+)$/.test(id) ? whole : `${head}:token`,
    )
    .replace(TOKEN_SEGMENTS, "$1:token");
}

/**
 * Whether a path is an interaction callback
 * (`/interactions/{id}/{token}/callback`): its body is `{ type, data }`,
 * with the message's fields (files' `attachments` included) in `data`.
 *
 * @param path A request path (a query string is allowed).
 * @returns Whether it is a callback.
 *
 * @example Usage
 * ```ts
 * import { isInteractionCallback } from "./routes.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isInteractionCallback("/interactions/5/tok/callback?with_response=true"), true);
 * assert.equal(isInteractionCallback("/webhooks/1/tok/messages/@original"), false);
 * ```
 */
export function isInteractionCallback(path: string): boolean {
  return /^\/interactions\/\d+\/[^/?#]+\/callback(?:[?#]|$)/.test(path);
}

/**
 * Where the message of a request with files is in its JSON body, so that
 * the files' `attachments` (their alt text) go where Discord reads them: in
 * `data` for an interaction callback (`{ type, data }`), in `message` for
 * a forum or media post (POST `/channels/{id}/threads` with
 * `{ name, message }`: a thread started without a message takes no files),
 * at the top level for every other route.
 *
 * @param method The request's method.
 * @param path A request path (a query string is allowed).
 * @returns Where `multipartBody` puts the `attachments`.
 *
 * @example Usage
 * ```ts
 * import { messageField } from "./routes.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(messageField("POST", "/channels/1/threads"), "message");
 * assert.equal(messageField("POST", "/channels/1/messages"), "body");
 * ```
 */
export function messageField(
  method: HttpMethod,
  path: string,
): "body" | "data" | "message" {
  if (isInteractionCallback(path)) return "data";
  return method === "POST" && /^\/channels\/\d+\/threads(?:[?#]|$)/.test(path)
    ? "message"
    : "body";
}

/**
 * Where a request's files go: the message whose `attachments` list them
 * ({@linkcode messageField}), or the form field a route's docs name for its
 * one file ({@linkcode namedFileField}: an invite's `target_users_file`,
 * sent so rather than as a message's `files[n]`).
 *
 * @param method The request's method.
 * @param path A request path (a query string is allowed).
 * @returns Both, as `multipartBody` and `prepareUploads` take them.
 */
export function uploadLayout(
  method: HttpMethod,
  path: string,
): { message: "body" | "data" | "message"; fileField: string | undefined } {
  return {
    message: messageField(method, path),
    fileField: namedFileField(method, path),
  };
}

/** An invite's target users: `/invites/{code}/target-users`. */
const TARGET_USERS = /^\/invites\/[^/?#]+\/target-users(?:[?#]|$)/;

/**
 * The form field of the file a route takes, when its docs name one other
 * than a message's `files[n]`: `target_users_file` for creating a
 * channel's invite (POST `/channels/{id}/invites`) and for replacing an
 * invite's target users (PUT `/invites/{code}/target-users`). Their file
 * is no attachment: `payload_json` lists no `attachments` for it.
 *
 * @param method The request's method.
 * @param path A request path (a query string is allowed).
 * @returns The field, or `undefined` for a message's files.
 *
 * @example Usage
 * ```ts
 * import { namedFileField } from "./routes.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(namedFileField("PUT", "/invites/abc/target-users"), "target_users_file");
 * assert.equal(namedFileField("POST", "/channels/1/messages"), undefined);
 * ```
 */
export function namedFileField(
  method: HttpMethod,
  path: string,
): string | undefined {
  const invite = method === "POST" &&
    /^\/channels\/\d+\/invites(?:[?#]|$)/.test(path);
  return invite || (method === "PUT" && TARGET_USERS.test(path))
    ? "target_users_file"
    : undefined;
}

/**
 * Whether a route answers with a file, whose text a successful request
 * resolves with rather than parsed JSON: GET `/invites/{code}/target-users`
 * (a CSV file). Its error answers are JSON, as every route's.
 *
 * @param method The request's method.
 * @param path A request path (a query string is allowed).
 * @returns Whether the answer is text.
 *
 * @example Usage
 * ```ts
 * import { answersText } from "./routes.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(answersText("GET", "/invites/abc/target-users"), true);
 * assert.equal(answersText("GET", "/invites/abc/target-users/job-status"), false);
 * ```
 */
export function answersText(method: HttpMethod, path: string): boolean {
  return method === "GET" && TARGET_USERS.test(path);
}

/**
 * Whether a path segment is `.` or `..`, which URL parsing drops or uses to
 * climb one segment up (`/reactions/..` becomes the message's own path).
 * Encoding cannot keep them one segment: `%2e` and `%2E` count as dots too
 * (WHATWG URL), so route builders refuse them.
 *
 * @param value A path segment, before encoding.
 * @returns Whether it is `.` or `..`.
 */
export function isDotSegment(value: string): boolean {
  return value === "." || value === "..";
}

/**
 * Check that a request path reaches the endpoint it names as written: the
 * route (bucket, major parameter, refusals) is read from the literal path,
 * while the URL parser collapses `.` and `..` segments (`%2e` counting as
 * a dot), reads `\` as `/` and drops tabs and newlines, so
 * `/channels/1/messages/2\..\..\..\..\guilds\5\bans\6` was sent as
 * `/guilds/5/bans/6` but limited and refused as a channel's message. A `#`
 * would end the URL there and silently drop the `query` option.
 *
 * @param baseUrl The API base URL, without a trailing slash.
 * @param path The path below it, starting with `/` (a query allowed).
 * @throws {TypeError} When the path holds `\` or `#` or an empty segment
 *   (`//`), or its parsed URL's path is not the literal one (the parser's
 *   own percent-encoding aside).
 *
 * @example Usage
 * ```ts
 * import { assertLiteralPath } from "./routes.ts";
 * import assert from "node:assert/strict";
 *
 * const base = "https://discord.com/api/v10";
 * assertLiteralPath(base, "/channels/1/messages?limit=5");
 * assert.throws(() => assertLiteralPath(base, "/channels/1/x/../../2"), TypeError);
 * ```
 */
export function assertLiteralPath(baseUrl: string, path: string): void {
  const bare = path.split("?", 1)[0]!;
  let parsed: string | undefined;
  if (!/[\\#]/.test(path)) {
    try {
      parsed = new URL(baseUrl + path).pathname;
    } catch {
      // Unparsable: refused below like any other path it would change.
    }
  }
  const basePath = new URL(baseUrl).pathname.replace(/\/$/, "");
  if (
    // An empty segment is sent as is, but read as no route Discord has
    // (`//webhooks/1/…`), so its token was never redacted.
    parsed !== undefined && !bare.includes("//") &&
    comparable(parsed) === comparable(basePath + bare.toWellFormed())
  ) {
    return;
  }
  throw new TypeError(
    `Cannot send request as 'path' must reach the endpoint it names as written (no '\\', no '#', no '.' or '..' segment, '%2e' counting as a dot, no empty segment, no tab or newline): current value 'path=${
      redactPath(path)
    }'`,
  );
}

/**
 * A URL path with every character outside the URL's unreserved and
 * sub-delimiter sets percent-encoded and every escape in upper case:
 * runtimes' parsers encode different sets (`^`, `|`), but none decodes.
 */
function comparable(path: string): string {
  return path.replace(
    /%[0-9a-fA-F]{2}|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu,
    (match) =>
      match.length === 3 && match[0] === "%"
        ? match.toUpperCase()
        : encodeURIComponent(match),
  );
}

/**
 * The token a path carries (a webhook or interaction token), if any.
 *
 * @param path A request path.
 * @returns The token, URL-decoded, or `undefined`.
 */
export function pathToken(path: string): string | undefined {
  const match = TOKEN_SEGMENT.exec(path);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[2]!);
  } catch {
    return match[2];
  }
}
