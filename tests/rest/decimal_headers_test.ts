// Rate-limit numbers are read as decimal numbers only: `Number` alone read
// `0x10` as 16 (and `0b11`, `0o7`, `Infinity`), which no Discord header
// holds; such a value is left out as malformed. A wait too large for a
// number of milliseconds (`retry_after: 1e308` seconds) was `Infinity` ms,
// in the error's message too; it is capped at MAX_READ_WAIT.
import assert from "node:assert/strict";
import { RateLimitError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import {
  decimalNumber,
  MAX_READ_WAIT,
  parseRateLimitHeaders,
} from "../../rest/rate_limit_headers.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "bot.T0KEN-secret_value";

Deno.test("parseRateLimitHeaders leaves out numbers that are not decimal", () => {
  for (const odd of ["0x10", "0b11", "0o7", "Infinity", "-1", "+1", "1,5"]) {
    const info = parseRateLimitHeaders(
      new Headers({
        "x-ratelimit-limit": odd,
        "x-ratelimit-remaining": odd,
        "x-ratelimit-reset-after": odd,
      }),
    );
    assert.deepEqual(info, {}, odd);
    assert.equal(decimalNumber(odd), undefined, odd);
  }
  assert.deepEqual(
    parseRateLimitHeaders(
      new Headers({
        "x-ratelimit-limit": "10",
        "x-ratelimit-remaining": " 9 ",
        "x-ratelimit-reset-after": "64.57",
      }),
    ),
    { limit: 10, remaining: 9, resetAfter: 64_570 },
  );
  assert.equal(decimalNumber(".5"), 0.5);
  assert.equal(decimalNumber("1e3"), 1000);
  assert.equal(decimalNumber("1".repeat(400)), undefined); // not finite
});

/** A client whose every answer is a 429 with `body` and `headers`. */
function limited(
  body: unknown,
  headers: Record<string, string>,
): RestClient {
  const fetch: typeof globalThis.fetch = () =>
    Promise.resolve(Response.json(body, { status: 429, headers }));
  return new RestClient({
    token: TOKEN,
    fetch,
    scheduler: new VirtualScheduler(),
    maxRetries: 0,
  });
}

Deno.test("RestClient: a Retry-After in hex is not read as a wait", async () => {
  const rest = limited({ message: "busy" }, {
    "retry-after": "0x3c", // 60, were it read
    "x-ratelimit-scope": "user",
  });
  const error = await rest.getGateway().catch((error) => error);
  assert.ok(error instanceof RateLimitError, String(error));
  assert.equal(error.retryAfter, 1000); // none said: a second
});

Deno.test("RestClient: a retry_after of 1e308 seconds is capped, not Infinity ms", async () => {
  const rest = limited({ message: "busy", retry_after: 1e308 }, {
    "x-ratelimit-scope": "user",
  });
  const error = await rest.getGateway().catch((error) => error);
  assert.ok(error instanceof RateLimitError, String(error));
  assert.equal(error.retryAfter, MAX_READ_WAIT);
  assert.doesNotMatch(error.message, /Infinity/);
  assert.match(error.message, new RegExp(`wait ${MAX_READ_WAIT} ms`));
  const reset = parseRateLimitHeaders(
    new Headers({ "x-ratelimit-reset-after": "1" + "0".repeat(305) }),
  );
  assert.equal(reset.resetAfter, MAX_READ_WAIT);
});
