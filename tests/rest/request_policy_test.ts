import assert from "node:assert/strict";
import {
  CLOUDFLARE_PAUSE,
  decideAnswer,
  decideNoAnswer,
  rateLimitWait,
  retriesServerErrors,
  type RetryPolicy,
  serverErrorDelay,
} from "../../rest/_request_policy.ts";

const policy: RetryPolicy = {
  maxRetries: 2,
  retryServerErrors: "idempotent",
  serverErrorBackoff: 1000,
  maxRateLimitWait: 60_000,
  // No jitter: the schedule's base (jitter has its own test).
  random: () => 0.5,
};

Deno.test("decideAnswer: a 2xx succeeds, a 4xx is an API error", () => {
  assert.deepEqual(decideAnswer(policy, "GET", { status: 200 }, 0), {
    type: "success",
  });
  assert.deepEqual(decideAnswer(policy, "POST", { status: 204 }, 2), {
    type: "success",
  });
  for (const status of [400, 401, 403, 404, 301]) {
    assert.deepEqual(decideAnswer(policy, "GET", { status }, 0), {
      type: "api_error",
    });
  }
});

Deno.test("decideAnswer: a 429 retries after Discord's wait until the retries run out", async (t) => {
  const rows: [string, Parameters<typeof decideAnswer>[2], number, string][] = [
    [
      "body retry_after wins",
      {
        status: 429,
        bodyRetryAfter: 1234,
        retryAfterHeader: 3000,
        resetAfter: 500,
      },
      1234,
      "user",
    ],
    [
      "then Retry-After",
      {
        status: 429,
        retryAfterHeader: 3000,
        resetAfter: 500,
      },
      3000,
      "user",
    ],
    ["then reset-after", { status: 429, resetAfter: 500 }, 500, "user"],
    ["else 1 s", { status: 429 }, 1000, "user"],
    [
      "global body",
      {
        status: 429,
        bodyRetryAfter: 10,
        bodyGlobal: true,
        scope: "user",
      },
      10,
      "global",
    ],
    ["scope header", { status: 429, scope: "shared" }, 1000, "shared"],
  ];
  for (const [name, facts, delay, scope] of rows) {
    await t.step(name, () => {
      assert.deepEqual(decideAnswer(policy, "POST", facts, 1), {
        type: "retry",
        reason: "rate_limited",
        delay,
        retry: 2,
        scope,
      });
      assert.deepEqual(decideAnswer(policy, "POST", facts, 2), {
        type: "rate_limited",
        retryAfter: delay,
        scope,
        exceeded: "retries",
      });
    });
  }
});

Deno.test("decideAnswer: a wait above maxRateLimitWait fails at once, whatever its source", () => {
  for (
    const facts of [
      { status: 429, bodyRetryAfter: 60_001 },
      { status: 429, retryAfterHeader: 2 ** 42 },
      { status: 429, resetAfter: Number.MAX_SAFE_INTEGER },
    ]
  ) {
    const decision = decideAnswer(policy, "GET", facts, 0);
    assert.equal(decision.type, "rate_limited");
    assert.equal(decision.type === "rate_limited" && decision.exceeded, "wait");
  }
  assert.equal(
    decideAnswer(policy, "GET", { status: 429, bodyRetryAfter: 60_000 }, 0)
      .type,
    "retry",
  );
  // A 5xx whose Retry-After is too long is not waited for either.
  assert.deepEqual(
    decideAnswer(policy, "GET", { status: 503, retryAfterHeader: 2 ** 40 }, 0),
    { type: "api_error" },
  );
  // One asking exactly maxRateLimitWait is, as a 429's is.
  assert.deepEqual(
    decideAnswer(policy, "GET", { status: 503, retryAfterHeader: 60_000 }, 0),
    { type: "retry", reason: "server_error", delay: 60_000, retry: 1 },
  );
});

Deno.test("decideAnswer: 5xx retries idempotent methods with backoff or Retry-After", () => {
  assert.deepEqual(decideAnswer(policy, "GET", { status: 502 }, 0), {
    type: "retry",
    reason: "server_error",
    delay: 1000,
    retry: 1,
  });
  assert.deepEqual(decideAnswer(policy, "PUT", { status: 500 }, 1), {
    type: "retry",
    reason: "server_error",
    delay: 2000,
    retry: 2,
  });
  assert.deepEqual(
    decideAnswer(policy, "DELETE", { status: 503, retryAfterHeader: 7000 }, 0),
    { type: "retry", reason: "server_error", delay: 7000, retry: 1 },
  );
  assert.deepEqual(decideAnswer(policy, "GET", { status: 500 }, 2), {
    type: "api_error",
  });
  assert.deepEqual(decideAnswer(policy, "POST", { status: 500 }, 0), {
    type: "api_error",
  });
  const all = { ...policy, retryServerErrors: "all" as const };
  assert.equal(decideAnswer(all, "POST", { status: 500 }, 0).type, "retry");
  const never = { ...policy, retryServerErrors: "never" as const };
  assert.equal(
    decideAnswer(never, "GET", { status: 500 }, 0).type,
    "api_error",
  );
});

Deno.test("decideNoAnswer: network errors follow the 5xx rules", () => {
  assert.deepEqual(decideNoAnswer(policy, "GET", 0), {
    type: "retry",
    reason: "network_error",
    delay: 1000,
    retry: 1,
  });
  assert.deepEqual(decideNoAnswer(policy, "GET", 2), { type: "network_error" });
  assert.deepEqual(decideNoAnswer(policy, "POST", 0), {
    type: "network_error",
  });
});

Deno.test("decideNoAnswer: a permission the runtime refused is not retried", () => {
  // What Deno 2.9's fetch throws without --allow-net.
  const refused = new Deno.errors.NotCapable(
    'Requires net access to "discord.com:443", run again with the --allow-net flag',
  );
  assert.deepEqual(decideNoAnswer(policy, "GET", 0, refused), {
    type: "network_error",
  });
  assert.deepEqual(
    decideNoAnswer(
      { ...policy, retryServerErrors: "all" },
      "GET",
      0,
      new Deno.errors.PermissionDenied("Requires net access"),
    ),
    { type: "network_error" },
  );
  // Wrapped, or a copy that kept only the name (a redacted cause).
  const copy = new Error(refused.message);
  copy.name = "NotCapable";
  const wrapped = new TypeError("fetch failed", { cause: copy });
  assert.deepEqual(decideNoAnswer(policy, "GET", 0, wrapped), {
    type: "network_error",
  });
  // Anything else is retried as before.
  const reset = new TypeError("connection reset");
  assert.equal(decideNoAnswer(policy, "GET", 0, reset).type, "retry");
  assert.equal(decideNoAnswer(policy, "GET", 0).type, "retry");
});

Deno.test("serverErrorDelay doubles up to 30 s; retriesServerErrors by mode", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((retry) =>
      serverErrorDelay(1000, retry, () => 0.5)
    ),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000],
  );
  assert.equal(retriesServerErrors("PATCH", "idempotent"), true);
  assert.equal(retriesServerErrors("POST", "idempotent"), false);
  assert.equal(retriesServerErrors("POST", "all"), true);
  assert.equal(retriesServerErrors("GET", "never"), false);
  assert.equal(rateLimitWait({ status: 429, bodyRetryAfter: -5 }), 0);
});

Deno.test("decideAnswer: a 429 without retry_after and without any X-RateLimit-* header is Cloudflare's: never retried", () => {
  const cloudflare = { status: 429, rateLimitHeaders: false };
  assert.equal(CLOUDFLARE_PAUSE, 60_000);
  for (const retries of [0, 1]) {
    assert.deepEqual(decideAnswer(policy, "GET", cloudflare, retries), {
      type: "cloudflare",
      retryAfter: CLOUDFLARE_PAUSE,
    });
  }
  assert.deepEqual(
    decideAnswer(policy, "GET", { ...cloudflare, retryAfterHeader: 5000 }, 0),
    { type: "cloudflare", retryAfter: 5000 },
  );
  // Discord's: retry_after in the body, or any of its headers.
  for (
    const facts of [
      { ...cloudflare, bodyRetryAfter: 1000 },
      { status: 429, rateLimitHeaders: true },
      { status: 429 },
    ]
  ) {
    assert.equal(decideAnswer(policy, "GET", facts, 0).type, "retry");
  }
  // Only a 429.
  assert.deepEqual(
    decideAnswer(policy, "GET", { status: 403, rateLimitHeaders: false }, 0),
    { type: "api_error" },
  );
});
