/**
 * The request options of a route sent with a user's OAuth2 access token
 * (`Authorization: Bearer <token>`) instead of the bot token: the
 * `/users/@me/...` routes a bot calls for a user who authorized it.
 *
 * The token is kept out of every message: a wrong one is described, never
 * shown, and the client redacts it from Discord's error bodies and from
 * fetch failures as it does the bot token. A 401 on such a request is the
 * access token's (expired or revoked): the client keeps using its bot token.
 * Discord limits each user on a route by their token, so one user's 429
 * does not hold another user's requests.
 *
 * Also the body of a route sent with the bot token that carries a user's
 * access token in its JSON (`access_token`: Add Guild Member, Group DM Add
 * Recipient), checked as the Bearer one ({@linkcode accessTokenBody}); the
 * client takes it from the JSON it sends as a secret of the request.
 *
 * @module
 */
import type { RequestOptions } from "../rest_client.ts";
import { type RouteOptions, routeOptions } from "./_route.ts";
import { botTokenFault } from "../../base/bot_token.ts";
import { assertTextLength } from "../../base/text_length.ts";
import { isRecord } from "../../base/is_record.ts";

/**
 * The most characters of a nickname (Discord's "Usernames and Nicknames":
 * 1 to 32), a guild member's or a group DM recipient's.
 */
export const MAX_NICKNAME = 32;

/**
 * Options of a user-token route: the call's options (checked as
 * {@linkcode routeOptions} checks them), its body or query, sent without
 * the bot token and with the user's.
 *
 * @param options The call's options.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped).
 * @param scope The OAuth2 scope the route needs, for the message.
 * @param extra Body and query.
 * @param hint What to do instead, for the message (e.g. the bot's own
 *   route).
 * @returns The options for `RestClient.request`.
 * @throws {TypeError} When `accessToken` is not a token (it is never
 *   shown), or `options` as {@linkcode routeOptions} throws.
 */
export function userTokenRouteOptions(
  options: RouteOptions,
  accessToken: string,
  scope: string,
  extra: Pick<RequestOptions, "body" | "query"> = {},
  hint?: string,
): RequestOptions {
  const token = userAccessToken(accessToken, scope, hint);
  return {
    ...routeOptions(options, extra),
    auth: false,
    headers: { Authorization: `Bearer ${token}` },
  };
}

/**
 * A user's OAuth2 access token as sent after `Bearer ` (or in a body's
 * `access_token`): visible ASCII, as it goes into an HTTP header, not
 * blank, a leading `Bearer ` dropped. The message never shows it.
 *
 * @param accessToken The token, as given.
 * @param scope The OAuth2 scope the route needs, for the message.
 * @param hint What to do instead, for the message.
 * @param name The parameter's name, for the message.
 * @param action What is refused, after "Cannot".
 * @returns The token.
 * @throws {TypeError} When it is not a token (it is never shown).
 */
export function userAccessToken(
  accessToken: unknown,
  scope: string,
  hint?: string,
  name = "accessToken",
  action = "build route",
): string {
  // `Bearer ` alone (a template given an empty token) is blank: sent, it
  // went out as the token "Bearer".
  const token = typeof accessToken === "string"
    ? accessToken.trim().replace(/^Bearer(?:\s+|$)/i, "")
    : undefined;
  const fault = token === undefined
    ? `current type '${typeof accessToken}'`
    : token === ""
    ? "it is blank"
    : botTokenFault(token);
  if (fault !== undefined) {
    throw new TypeError(
      `Cannot ${action} as '${name}' must be a user's OAuth2 access token with the ${scope} scope, visible ASCII characters without spaces${
        hint === undefined ? "" : ` (${hint})`
      }: ${fault}`,
    );
  }
  return token!;
}

/**
 * A body carrying a user's OAuth2 access token (`access_token`) and an
 * optional `nick`, checked and ready to send: a copy, the token without a
 * leading `Bearer `. The client reads `access_token` from the JSON it sends
 * as a secret of the request (redacted from its errors and logs as the bot
 * token is: `bodySecretsOf`). The body is described by type
 * only, never shown: it holds a credential.
 *
 * @param action What is refused, after "Cannot" (`add guild member`).
 * @param body The body, as given.
 * @param scope The OAuth2 scope the token needs, for the message.
 * @returns The body to send.
 * @throws {TypeError} When `body` is not an object, `access_token` is not
 *   a token (never shown) or `nick` not a string.
 * @throws {RangeError} When `nick` is not 1 to 32 characters.
 */
export function accessTokenBody(
  action: string,
  body: unknown,
  scope: string,
): Record<string, unknown> {
  if (!isRecord(body)) {
    // Its type only: a token given in the body's place is not quoted.
    throw new TypeError(
      `Cannot ${action} as 'body' must be an object with the user's 'access_token': current type '${
        body === null ? "null" : Array.isArray(body) ? "array" : typeof body
      }'`,
    );
  }
  // A copy, each field read once: what is checked is what is sent.
  const copy: Record<string, unknown> = { ...body };
  const token = userAccessToken(
    copy.access_token,
    scope,
    undefined,
    "access_token",
    action,
  );
  if (copy.nick !== undefined) {
    assertTextLength(action, "nick", copy.nick, 1, MAX_NICKNAME);
  }
  copy.access_token = token;
  return copy;
}
