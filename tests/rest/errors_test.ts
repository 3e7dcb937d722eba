import assert from "node:assert/strict";
import {
  DiscordApiError,
  flattenErrors,
  NetworkError,
  RateLimitError,
  RestError,
} from "../../rest/errors.ts";

Deno.test("DiscordApiError carries status, code, Discord's message and the request", () => {
  const error = new DiscordApiError({
    method: "DELETE",
    path: "/channels/1/messages/2",
    status: 404,
    body: { code: 10008, message: "Unknown Message" },
  });
  assert.ok(error instanceof RestError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "DiscordApiError");
  assert.equal(error.status, 404);
  assert.equal(error.code, 10008);
  assert.equal(error.apiMessage, "Unknown Message");
  assert.equal(error.method, "DELETE");
  assert.equal(error.path, "/channels/1/messages/2");
  assert.equal(error.errors, undefined);
  assert.equal(
    error.message,
    "DELETE /channels/1/messages/2 failed with 404: Unknown Message (code 10008)",
  );
});

Deno.test("DiscordApiError lists the field errors of an Invalid Form Body", () => {
  const errors = {
    content: {
      _errors: [{
        code: "BASE_TYPE_MAX_LENGTH",
        message: "Must be 2000 or fewer in length.",
      }],
    },
    embeds: {
      "0": {
        title: {
          _errors: [{ code: "BASE_TYPE_REQUIRED", message: "Required." }],
        },
      },
    },
  };
  const error = new DiscordApiError({
    method: "POST",
    path: "/channels/1/messages",
    status: 400,
    body: { code: 50035, message: "Invalid Form Body", errors },
  });
  assert.deepEqual(error.errors, errors);
  assert.deepEqual(error.fieldErrors, [
    {
      path: "content",
      code: "BASE_TYPE_MAX_LENGTH",
      message: "Must be 2000 or fewer in length.",
    },
    {
      path: "embeds.0.title",
      code: "BASE_TYPE_REQUIRED",
      message: "Required.",
    },
  ]);
  assert.equal(
    error.message,
    "POST /channels/1/messages failed with 400: Invalid Form Body (code 50035)" +
      "\n  content: BASE_TYPE_MAX_LENGTH Must be 2000 or fewer in length." +
      "\n  embeds.0.title: BASE_TYPE_REQUIRED Required.",
  );
});

Deno.test("DiscordApiError without Discord's JSON uses code 0 and the status", () => {
  const error = new DiscordApiError({
    method: "GET",
    path: "/gateway",
    status: 502,
    body: undefined,
  });
  assert.equal(error.code, 0);
  assert.equal(error.apiMessage, "HTTP 502");
  assert.equal(
    error.message,
    "GET /gateway failed with 502: HTTP 502 (code 0)",
  );
});

Deno.test("RateLimitError carries the wait, the scope and the bucket", async (t) => {
  for (const scope of ["user", "global", "shared"] as const) {
    await t.step(scope, () => {
      const error = new RateLimitError({
        method: "POST",
        path: "/channels/1/messages",
        retryAfter: 2500,
        scope,
        bucket: "abc",
      });
      assert.ok(error instanceof RestError);
      assert.equal(error.name, "RateLimitError");
      assert.equal(error.retryAfter, 2500);
      assert.equal(error.scope, scope);
      assert.equal(error.global, scope === "global");
      assert.equal(error.bucket, "abc");
      assert.equal(
        error.message,
        `POST /channels/1/messages is still rate limited (${scope} scope) after retrying: retry after 2500 ms`,
      );
    });
  }
});

Deno.test("NetworkError wraps its cause", () => {
  const cause = new TypeError("connection refused");
  const error = new NetworkError({
    method: "GET",
    path: "/gateway/bot",
    cause,
  });
  assert.ok(error instanceof RestError);
  assert.equal(error.name, "NetworkError");
  assert.equal(error.cause, cause);
  assert.equal(error.message, "GET /gateway/bot failed: connection refused");
  assert.ok(!(error instanceof DiscordApiError));
});

Deno.test("flattenErrors ignores what is not an error tree", () => {
  assert.deepEqual(flattenErrors(undefined), []);
  assert.deepEqual(flattenErrors("nope"), []);
  assert.deepEqual(
    flattenErrors({ _errors: [{ code: "X", message: "top" }] }),
    [{ path: "", code: "X", message: "top" }],
  );
});
