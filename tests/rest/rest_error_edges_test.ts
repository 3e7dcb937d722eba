// DiscordApiError and RateLimitError at their edges: Discord's message of exactly 2,000
// characters is kept whole (only a longer one is cut); a retried HEAD,
// like a GET, applies nothing, so no earlier attempt "may have been
// applied"; a retried DELETE that fails with anything but 404 says only
// that it may have been applied, not that it did the delete itself; a
// `code` that is not a number (a string, null) is no code: 0; the field
// errors read are a copy, which a caller may change; a Cloudflare pause
// asking exactly the cap it was given is not said to be cut to it; a
// ResponseTooLargeError given no option names maxResponseBytes; a
// NetworkError names the innermost of a chain of causes, three deep too.
import assert from "node:assert/strict";
import {
  DiscordApiError,
  NetworkError,
  RateLimitError,
  ResponseTooLargeError,
} from "../../rest/errors.ts";
import { invalidFormBody } from "./_invalid_form_body.ts";

Deno.test("DiscordApiError keeps a message of exactly 2,000 characters whole and cuts one of 2,001", () => {
  const whole = "m".repeat(2000);
  const kept = new DiscordApiError({
    method: "GET",
    path: "/channels/1",
    status: 400,
    body: { code: 50035, message: whole },
  });
  assert.equal(kept.apiMessage, whole);
  assert.equal(
    kept.message,
    `GET /channels/1 failed with 400: ${whole} (code 50035)`,
  );
  const cut = new DiscordApiError({
    method: "GET",
    path: "/channels/1",
    status: 400,
    body: { code: 50035, message: `${whole}!` },
  });
  assert.equal(cut.apiMessage, `${whole}… (1 more characters)`);
});

Deno.test("DiscordApiError: a HEAD or GET sent again after no answer or a 5xx may have applied nothing; a DELETE or a POST may have", () => {
  for (const method of ["HEAD", "GET", "DELETE", "POST"]) {
    for (const earlierAttempt of ["no_answer", "server_error"] as const) {
      const error = new DiscordApiError({
        method,
        path: "/channels/1",
        status: 500,
        body: { code: 0, message: "Internal Server Error" },
        earlierAttempt,
      });
      const applies = method !== "HEAD" && method !== "GET";
      assert.equal(
        error.mayHaveApplied,
        applies,
        `${method} ${earlierAttempt}`,
      );
      assert.equal(/may have/.test(error.message), applies, error.message);
    }
  }
});

Deno.test("DiscordApiError: a retried DELETE failing with 403 says it may have been applied, not that it did the delete", () => {
  const error = new DiscordApiError({
    method: "DELETE",
    path: "/channels/1/messages/2",
    status: 403,
    body: { code: 50013, message: "Missing Permissions" },
    earlierAttempt: "no_answer",
  });
  assert.equal(
    error.message,
    "DELETE /channels/1/messages/2 failed with 403: Missing Permissions (code 50013); an earlier attempt got no answer and was retried: it may have been applied",
  );
});

Deno.test("DiscordApiError: a code that is not a number is 0, as no code given, and the message says no code (not code 0, Discord's General error)", () => {
  for (const code of ["50013", null, { n: 1 }]) {
    const error = new DiscordApiError({
      method: "GET",
      path: "/channels/1",
      status: 403,
      body: { code, message: "Missing Permissions" } as never,
    });
    assert.equal(error.code, 0);
    assert.match(error.message, /\(no code\)$/);
  }
});

Deno.test("DiscordApiError: the field errors read are a copy; changing them changes not the error's", () => {
  const error = invalidFormBody({
    content: {
      _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Long." }],
    },
  });
  const read = error.fieldErrors;
  read[0]!.path = "changed";
  read.push({ path: "extra", code: "X", message: "Y" });
  assert.deepEqual(error.fieldErrors, [
    { path: "content", code: "BASE_TYPE_MAX_LENGTH", message: "Long." },
  ]);
});

Deno.test("RateLimitError: a Cloudflare pause asking exactly its maxWait says no cut; one asking more says it", () => {
  const exact = new RateLimitError({
    method: "GET",
    path: "/channels/1",
    retryAfter: 5000,
    scope: "cloudflare",
    maxWait: 5000,
  });
  assert.match(exact.message, /every request of the client waits 5000 ms$/);
  const cut = new RateLimitError({
    method: "GET",
    path: "/channels/1",
    retryAfter: 5001,
    scope: "cloudflare",
    maxWait: 5000,
  });
  assert.match(
    cut.message,
    /waits 5000 ms \(maxRateLimitWait; the answer asked for 5001 ms\)$/,
  );
});

Deno.test("ResponseTooLargeError given no option names maxResponseBytes", () => {
  const error = new ResponseTooLargeError({
    method: "GET",
    path: "/guilds/1/members",
    status: 200,
    limit: 1024,
    bytes: 2048,
  });
  assert.equal(
    error.message,
    "GET /guilds/1/members answered 200 with a body of more than 1024 bytes (at least 2048); raise the client's maxResponseBytes if this answer is expected",
  );
});

Deno.test("NetworkError names the innermost cause of a chain three deep", () => {
  const reset = new Error("connection reset by peer");
  const error = new NetworkError({
    method: "GET",
    path: "/gateway",
    cause: new TypeError("fetch failed", {
      cause: new Error("error sending request", { cause: reset }),
    }),
  });
  assert.equal(error.message, "GET /gateway failed: connection reset by peer");
});
