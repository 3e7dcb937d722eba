import assert from "node:assert/strict";
import {
  DiscordApiError,
  NetworkError,
  RateLimitError,
  RestError,
} from "../../rest/errors.ts";
import {
  flattenErrors,
  MAX_FIELD_DETAILS_LENGTH,
  MAX_FIELD_ERROR_DEPTH,
  MAX_FIELD_ERRORS,
  MAX_FIELD_PATH_LENGTH,
} from "../../rest/field_errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { parseRoute } from "../../rest/routes.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { invalidFormBody } from "./_invalid_form_body.ts";

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
  const error = invalidFormBody(errors);
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

Deno.test("DiscordApiError without Discord's JSON uses code 0 and the status, and says there was no JSON body (not code 0)", () => {
  const error = new DiscordApiError({
    method: "GET",
    path: "/gateway",
    status: 502,
    body: undefined,
  });
  assert.equal(error.code, 0);
  assert.equal(error.jsonBody, false);
  assert.equal(error.apiMessage, "HTTP 502");
  assert.equal(
    error.message,
    "GET /gateway failed with 502: HTTP 502 (no JSON body)",
  );
  const page = new DiscordApiError({
    method: "GET",
    path: "/gateway",
    status: 502,
    nonJson: "text/html",
  });
  assert.equal(
    page.message,
    "GET /gateway failed with 502: HTTP 502 (no JSON body, text/html)",
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
  assert.deepEqual(flattenErrors(undefined), { fields: [], omitted: 0 });
  assert.deepEqual(flattenErrors("nope"), { fields: [], omitted: 0 });
  assert.deepEqual(
    flattenErrors({ _errors: [{ code: "X", message: "top" }] }),
    { fields: [{ path: "", code: "X", message: "top" }], omitted: 0 },
  );
});

/**
 * A tree `depth` levels deep with an error at every level, under keys of
 * `key`: each leaf's path repeats every key above it.
 */
function nestedErrors(depth: number, key = "a"): Record<string, unknown> {
  let tree: Record<string, unknown> = {
    _errors: [{ code: "X", message: "bad" }],
  };
  for (let i = 1; i < depth; i++) {
    tree = { _errors: [{ code: "X", message: "bad" }], [key]: tree };
  }
  return tree;
}

Deno.test("DiscordApiError from a RestClient bounds a deeply nested 400 errors tree: a few KB of message, leaves past the depth limit counted", async () => {
  // 1,000 levels with an error at each, a 50 KB body (deeper, past 64 Ki
  // characters, it is refused unparsed: base/json_bounds.ts). Every leaf
  // listed its whole dotted path: at 3,000 levels a message of 31.5 million
  // characters (the audit saw 1 MB of body give 500 MB).
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const errors = nestedErrors(1000, "embeds");
  fake.scriptError(400, 50035, "Invalid Form Body", { errors });
  const error = await rest.createMessage("1", { content: "x" }).catch((e) => e);
  assert.ok(error instanceof DiscordApiError);
  // The raw tree stays as sent (deepEqual would recurse 1,000 deep).
  assert.equal(JSON.stringify(error.errors), JSON.stringify(errors));
  assert.ok(
    error.message.length < MAX_FIELD_DETAILS_LENGTH + 200,
    `message of ${error.message.length} characters`,
  );
  // Leaves nested deeper than the limit are counted, not listed.
  const kept = MAX_FIELD_ERROR_DEPTH + 1;
  assert.match(error.message, /\n {2}\(967 more field errors left out\)$/);
  const fields = error.fieldErrors;
  assert.equal(fields.length, kept);
  assert.equal(error.fieldErrorsOmitted, 1000 - kept);
  assert.deepEqual(fields[0], { path: "", code: "X", message: "bad" });
  assert.equal(fields[2]!.path, "embeds.embeds");
  assert.ok(fields.every((f) => f.path.length <= MAX_FIELD_PATH_LENGTH));
  assert.equal(fields.at(-1)!.path.length, MAX_FIELD_PATH_LENGTH);
});

Deno.test("flattenErrors counts what it leaves out: wide trees past 50 leaves, deep ones past the depth, long texts clipped", () => {
  const wide: Record<string, unknown> = {};
  for (let i = 0; i < 10_000; i++) {
    wide[`f${i}`] = { _errors: [{ code: "C", message: "m".repeat(5000) }] };
  }
  const flat = flattenErrors(wide);
  assert.equal(flat.fields.length, MAX_FIELD_ERRORS);
  assert.equal(flat.omitted, 10_000 - MAX_FIELD_ERRORS);
  assert.deepEqual(flat.fields.map((f) => f.path).slice(0, 2), ["f0", "f1"]);
  assert.ok(flat.fields.every((f) => f.message.length <= 300));
  const error = invalidFormBody(wide);
  assert.ok(error.message.length < MAX_FIELD_DETAILS_LENGTH + 200);
  assert.match(error.message, /\(99\d\d more field errors left out\)$/);

  // Below the depth limit leaves are counted, not listed; one level past
  // it holds a leaf that is left out even with room for more.
  const deep = { a: nestedErrors(MAX_FIELD_ERROR_DEPTH + 1) };
  const counted = flattenErrors({ x: { _errors: [{}] }, ...deep });
  assert.equal(counted.fields.length, MAX_FIELD_ERROR_DEPTH + 1);
  assert.equal(counted.omitted, 1);
  assert.deepEqual(counted.fields[0], { path: "x", code: "", message: "" });

  // 40,000 levels (a 2 MB body) overflowed the recursive walk's stack.
  const deeper = new DiscordApiError({
    method: "POST",
    path: "/channels/1/messages",
    status: 400,
    body: { code: 50035, errors: nestedErrors(40_000) },
  });
  assert.equal(deeper.fieldErrorsOmitted, 40_000 - MAX_FIELD_ERROR_DEPTH - 1);
});

Deno.test("DiscordApiError from a 400 whose field error code or message is an object that cannot become a string: the error keeps its status and the answer's rate limit", async () => {
  const body = {
    code: 50035,
    message: "Invalid Form Body",
    errors: {
      content: {
        _errors: [
          { code: { toString: 1 }, message: "m" },
          { code: "X", message: { valueOf: 1, toString: 2 } },
        ],
      },
    },
  };
  const rest = new RestClient({
    token: "t",
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(
        Response.json(body, {
          status: 400,
          headers: {
            "x-ratelimit-bucket": "abc",
            "x-ratelimit-limit": "5",
            "x-ratelimit-remaining": "4",
            "x-ratelimit-reset-after": "1",
          },
        }),
      ),
  });
  const error = await rest.createMessage("1", { content: "x" }).catch((e) => e);
  assert.ok(error instanceof DiscordApiError, String(error));
  assert.equal(error.status, 400);
  assert.equal(error.code, 50035);
  assert.deepEqual(error.fieldErrors, [
    { path: "content", code: '{"toString":1}', message: "m" },
    { path: "content", code: "X", message: '{"valueOf":1,"toString":2}' },
  ]);
  assert.equal(
    rest.rateLimiter.bucketHash(parseRoute("POST", "/channels/1/messages").key),
    "abc",
    "the answer's rate limit was still learned",
  );
});
