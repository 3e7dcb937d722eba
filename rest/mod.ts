/**
 * The REST client: Discord's HTTP API on the runtime's `fetch`, with
 * per-route rate-limit buckets learnt from Discord's headers, the global
 * limit, 429 handling and typed errors.
 *
 * ```ts
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * const message = await rest.createMessage("123", { content: "hello" });
 * assert.equal(message.content, "hello");
 * ```
 *
 * @module
 */
export * from "./rest_client.ts";
export * from "./errors.ts";
export * from "./rate_limiter.ts";
export * from "./request_policy.ts";
export {
  type HttpMethod,
  parseRoute,
  type ParseRouteOptions,
  redactPath,
  type RouteInfo,
} from "./routes.ts";
export type * from "./payloads.ts";
