// What a request that fails on a rate limit leaves behind, and what its
// error says: a 429 still answered after the retries names no maxWait; a
// global 429 asking past maxRateLimitWait pauses the global limit only for
// that cap; a bucket used up until exactly maxRateLimitWait is waited
// for, not refused; a Cloudflare 429 with `Retry-After: 0` still pauses 1 s, and
// one asking exactly the cap is not said to be cut to it; an answer too
// large to read still has its X-RateLimit-* headers kept by its bucket.
// Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { RateLimitError, ResponseTooLargeError } from "../../rest/errors.ts";
import { RestClient, type RestClientOptions } from "../../rest/rest_client.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "bot.T0KEN-secret_value";

/** A client on a virtual clock whose every answer is `answer()`. */
function client(
  answer: () => Response,
  options: Partial<RestClientOptions> = {},
): { clock: VirtualScheduler; rest: RestClient } {
  const clock = new VirtualScheduler();
  const rest = new RestClient({
    token: TOKEN,
    scheduler: clock,
    fetch: () => Promise.resolve(answer()),
    ...options,
  });
  return { clock, rest };
}

/** Discord's 429 of a bucket, asking `seconds`. */
function discord429(seconds: number, global = false): Response {
  return Response.json(
    { message: "You are being rate limited.", retry_after: seconds, global },
    {
      status: 429,
      headers: {
        "x-ratelimit-bucket": "b",
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": String(seconds),
        "x-ratelimit-scope": global ? "global" : "user",
        ...(global ? { "x-ratelimit-global": "true" } : {}),
      },
    },
  );
}

/** Cloudflare's 429: an HTML page, no X-RateLimit-* headers. */
function cloudflare429(retryAfter: string): Response {
  return new Response("<html><title>Error 1015</title></html>", {
    status: 429,
    headers: { "content-type": "text/html", "retry-after": retryAfter },
  });
}

async function rateLimitError(
  promise: Promise<unknown>,
): Promise<RateLimitError> {
  const error = await promise.catch((e) => e);
  assert.ok(error instanceof RateLimitError, String(error));
  return error;
}

Deno.test("RestClient: a 429 still answered after the retries fails naming no maxWait", async () => {
  const { clock, rest } = client(() => discord429(1), { maxRetries: 1 });
  const failed = rateLimitError(rest.request("GET", "/channels/1"));
  await clock.advance(1000);
  const error = await failed;
  assert.equal(error.maxWait, undefined);
  assert.equal(error.retryAfter, 1000);
  assert.equal(
    error.message,
    "GET /channels/1 is still rate limited (user scope) after retrying: retry after 1000 ms",
  );
});

Deno.test("RestClient: a global 429 asking past maxRateLimitWait pauses the global limit for the cap, not for what it asked", async () => {
  const { rest } = client(() => discord429(3600, true), {
    maxRateLimitWait: 5000,
  });
  const error = await rateLimitError(rest.request("GET", "/channels/1"));
  assert.equal(error.scope, "global");
  assert.equal(error.retryAfter, 3_600_000);
  assert.equal(error.maxWait, 5000);
  assert.equal(rest.rateLimiter.globalPausedUntil, 5000);
});

Deno.test("RestClient: a Cloudflare 429 with Retry-After 0 pauses every request 1 s", async () => {
  const { rest } = client(() => cloudflare429("0"));
  const error = await rateLimitError(rest.request("GET", "/channels/1"));
  assert.equal(error.scope, "cloudflare");
  assert.equal(error.retryAfter, 1000);
  assert.equal(error.maxWait, undefined);
  assert.equal(rest.rateLimiter.cloudflarePausedUntil, 1000);
});

Deno.test("RestClient: a Cloudflare 429 asking exactly maxRateLimitWait is not said to be cut to it", async () => {
  const { rest } = client(() => cloudflare429("5"), {
    maxRateLimitWait: 5000,
  });
  const error = await rateLimitError(rest.request("GET", "/channels/1"));
  assert.equal(error.retryAfter, 5000);
  assert.equal(error.maxWait, undefined);
  assert.doesNotMatch(error.message, /maxRateLimitWait/);
  assert.equal(rest.rateLimiter.cloudflarePausedUntil, 5000);
});

Deno.test("RestClient: an answer too large to read still has its bucket keep its X-RateLimit-* headers", async () => {
  const { rest } = client(
    () =>
      new Response("x".repeat(2048), {
        headers: {
          "x-ratelimit-bucket": "b",
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset-after": "7.5",
        },
      }),
    { maxResponseBytes: 1024, maxRetries: 0 },
  );
  const error = await rest.request("GET", "/channels/1").catch((e) => e);
  assert.ok(error instanceof ResponseTooLargeError, String(error));
  const state = rest.rateLimiter.bucketState(parseRoute("GET", "/channels/1"));
  assert.equal(state?.remaining, 0);
  assert.equal(state?.resetAt, 7500);
  const route = parseRoute("GET", "/channels/1");
  assert.equal(rest.rateLimiter.bucketHash(route.key), "b");
});

Deno.test("RestClient: a request on a bucket used up until exactly maxRateLimitWait from now waits for its reset, unrefused", async () => {
  const sent: number[] = [];
  const clock = new VirtualScheduler();
  const rest = new RestClient({
    token: TOKEN,
    scheduler: clock,
    maxRateLimitWait: 5000,
    fetch: () => {
      sent.push(clock.now());
      return Promise.resolve(
        Response.json({}, {
          headers: {
            "x-ratelimit-bucket": "b",
            "x-ratelimit-limit": "1",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset-after": "5",
          },
        }),
      );
    },
  });
  await rest.request("GET", "/channels/1");
  const second = rest.request("GET", "/channels/1");
  await clock.advance(5000);
  assert.deepEqual(await second, {});
  assert.deepEqual(sent, [0, 5000]);
});
