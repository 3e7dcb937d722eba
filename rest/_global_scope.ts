/**
 * Which global rate limit a request of the client counts against: the bot
 * token's, the IP's (requests without a token) or none (interaction
 * endpoints, the routes Discord exempts, requests with another token).
 *
 * @module
 */
import type { PreparedRequest } from "./_request_io.ts";
import { type GlobalScope, routeGlobalScope } from "./routes.ts";

/** The global limit a request counts against (see {@linkcode GlobalScope}). */
export function globalScope(
  request: PreparedRequest,
  interaction: boolean,
): GlobalScope {
  if (interaction) return "none";
  switch (request.authorization) {
    case "bot":
      return routeGlobalScope(request.route) === "none" ? "none" : "bot";
    case "none":
      return routeGlobalScope(request.route) === "none" ? "none" : "ip";
    default:
      return "none";
  }
}
