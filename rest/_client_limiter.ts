/**
 * The {@linkcode RestClient}'s rate limiter, and what the client logs of its
 * events: a global pause as a warning, a Cloudflare pause (the IP is
 * restricted) as a warning shown on stderr unless logging is configured, a
 * learned bucket at debug level.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Scheduler } from "../base/scheduler.ts";
import type { RateLimiterEvent } from "./rate_limit_headers.ts";
import { RateLimiter } from "./rate_limiter.ts";

const logger = getLogger(["disruption", "rest"]);

/**
 * The client's rate limiter, its events logged.
 *
 * @param scheduler The client's scheduler.
 * @param globalLimit The client's `globalLimit` option, if given.
 * @returns The rate limiter.
 */
export function clientLimiter(
  scheduler: Scheduler,
  globalLimit: number | undefined,
): RateLimiter {
  return new RateLimiter({
    scheduler,
    ...(globalLimit === undefined ? {} : { globalLimit }),
    onEvent: logLimiterEvent,
  });
}

/** Log one of the rate limiter's events. */
function logLimiterEvent(event: RateLimiterEvent): void {
  if (event.type === "global_pause") {
    logger.warn(
      "Global rate limit ({scope}) hit: every request under it waits {ms} ms",
      { scope: event.scope, ms: event.duration },
    );
  } else if (event.type === "cloudflare_pause") {
    getVisibleLogger(["disruption", "rest"]).warn(
      "{route} was answered 429 by Cloudflare, not by Discord's rate limits (no retry_after, no X-RateLimit-* headers): the IP is restricted after too many invalid requests (401/403/429; Discord allows 10,000 in 10 minutes). Every request of this client waits {ms} ms, then one goes first to see whether the restriction is over (interaction callbacks fail meanwhile: they cannot wait), and such 429s are not retried; this is said at most once a minute. Check for requests failing again and again with 401, 403 or 429 (a bad token, missing permissions, rate limits not waited for), here or in other processes on this IP",
      { route: event.route, ms: event.duration },
    );
  } else {
    logger.debug("Route {route} uses bucket {bucket}", {
      route: event.route,
      bucket: event.bucket,
    });
  }
}
