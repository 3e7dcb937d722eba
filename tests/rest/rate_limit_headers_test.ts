// Which X-RateLimit-* headers parseRateLimitHeaders keeps, and that any
// one of them alone makes a 429 Discord's (hasRateLimitHeaders), not
// Cloudflare's: a bucket hash of 1 to 256 characters (an empty one is
// none), and X-RateLimit-Global in any case. A 429 with one such header
// and no retry_after is retried, not taken as an IP restriction. A
// number may end in its decimal point (`5.`).
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import {
  decimalNumber,
  hasRateLimitHeaders,
  parseRateLimitHeaders,
} from "../../rest/rate_limit_headers.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "bot.T0KEN-secret_value";

const read = (headers: Record<string, string>) =>
  parseRateLimitHeaders(new Headers(headers));

Deno.test("hasRateLimitHeaders: any one of bucket, limit, remaining, reset-after or scope alone is Discord's", () => {
  for (
    const [name, value] of [
      ["x-ratelimit-bucket", "abcd1234"],
      ["x-ratelimit-limit", "5"],
      ["x-ratelimit-remaining", "0"],
      ["x-ratelimit-reset-after", "1.5"],
      ["x-ratelimit-scope", "user"],
      ["x-ratelimit-global", "true"],
    ]
  ) {
    assert.equal(hasRateLimitHeaders(read({ [name!]: value! })), true, name);
  }
  assert.equal(hasRateLimitHeaders(read({ "retry-after": "5" })), false);
});

Deno.test("parseRateLimitHeaders: a bucket hash is kept up to 256 characters; an empty one is none", () => {
  assert.deepEqual(read({ "x-ratelimit-bucket": "" }), {});
  assert.equal(hasRateLimitHeaders(read({ "x-ratelimit-bucket": "" })), false);
  const longest = "h".repeat(256);
  assert.deepEqual(read({ "x-ratelimit-bucket": longest }), {
    bucket: longest,
  });
  assert.deepEqual(read({ "x-ratelimit-bucket": `${longest}h` }), {});
});

Deno.test("parseRateLimitHeaders: X-RateLimit-Global is read in any case", () => {
  for (const value of ["true", "True", "TRUE"]) {
    assert.deepEqual(read({ "x-ratelimit-global": value }), {
      scope: "global",
    });
  }
  assert.deepEqual(read({ "x-ratelimit-global": "false" }), {});
});

Deno.test("RestClient: a 429 without retry_after but with one X-RateLimit-* header is retried, not a Cloudflare pause", async (t) => {
  for (
    const [name, value] of [
      ["x-ratelimit-bucket", "abcd1234"],
      ["x-ratelimit-limit", "5"],
      ["x-ratelimit-remaining", "0"],
    ]
  ) {
    await t.step(name!, async () => {
      const clock = new VirtualScheduler();
      const sent: number[] = [];
      const rest = new RestClient({
        token: TOKEN,
        scheduler: clock,
        fetch: () => {
          sent.push(clock.now());
          return Promise.resolve(
            sent.length === 1
              ? new Response("{}", {
                status: 429,
                headers: { [name!]: value!, "retry-after": "2" },
              })
              : Response.json({ ok: true }),
          );
        },
      });
      const done = rest.request("GET", "/channels/1");
      await clock.advance(2000);
      assert.deepEqual(await done, { ok: true });
      assert.deepEqual(sent, [0, 2000]);
      assert.equal(rest.rateLimiter.cloudflarePausedUntil, -Infinity);
    });
  }
});

Deno.test("decimalNumber: a number ending in its decimal point is read", () => {
  assert.equal(decimalNumber("5."), 5);
  assert.equal(decimalNumber("1.e3"), 1000);
  assert.deepEqual(read({ "x-ratelimit-reset-after": "2." }), {
    resetAfter: 2000,
  });
});
