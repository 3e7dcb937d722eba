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
 * @module
 */
import type { RequestOptions } from "../rest_client.ts";
import { type RouteOptions, routeOptions } from "./_route.ts";
import { botTokenFault } from "../../base/bot_token.ts";

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
  const token = bearerToken(accessToken, scope, hint);
  return {
    ...routeOptions(options, extra),
    auth: false,
    headers: { Authorization: `Bearer ${token}` },
  };
}

/**
 * A user's OAuth2 access token as sent after `Bearer `: visible ASCII, as
 * it goes into an HTTP header (the message never shows it).
 */
function bearerToken(
  accessToken: string,
  scope: string,
  hint: string | undefined,
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
      `Cannot build route as 'accessToken' must be a user's OAuth2 access token with the ${scope} scope, visible ASCII characters without spaces${
        hint === undefined ? "" : ` (${hint})`
      }: ${fault}`,
    );
  }
  return token!;
}
