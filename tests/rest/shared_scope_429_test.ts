// A 429 of scope `shared` is a limit on one resource (Discord's docs,
// "Exceeded Resource Rate Limit Response": it does not count against the
// bot, and its X-RateLimit-Remaining says the bucket has requests left).
// Only the request it answered fails or waits; the bucket keeps what the
// headers say. It used to close the whole bucket for the retry_after asked
// (1336.57 s, held an hour): a reaction on another message of the channel
// failed unsent, its error claiming Discord would answer 429.
import assert from "node:assert/strict";
import { RateLimitError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { createReaction, deleteOwnReaction } from "../../rest/api/reactions.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "bot.T0KEN-secret_value";

/** The bucket's headers on every answer: 10 a window, 64.57 s left. */
function bucketHeaders(remaining: number): Record<string, string> {
  return {
    "x-ratelimit-limit": "10",
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-reset-after": "64.57",
    "x-ratelimit-bucket": "abcd1234",
  };
}

/** Discord's documented shared-resource 429, with `retryAfter` seconds. */
function shared429(retryAfter: number): Response {
  return Response.json({
    message: "The resource is being rate limited.",
    retry_after: retryAfter,
    global: false,
  }, {
    status: 429,
    headers: {
      ...bucketHeaders(9),
      "retry-after": String(Math.ceil(retryAfter)),
      "x-ratelimit-scope": "shared",
    },
  });
}

Deno.test("RestClient: a shared-scope 429 (Discord's documented example) fails only its own request; the rest of the bucket goes out", async () => {
  const seen: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const path = new URL(request.url).pathname;
      seen.push(path);
      if (path.includes("/messages/111/")) return shared429(1336.57);
      return new Response(null, { status: 204, headers: bucketHeaders(8) });
    },
  );
  try {
    const rest = new RestClient({
      token: TOKEN,
      baseUrl: `http://127.0.0.1:${server.addr.port}/api/v10`,
    });
    const refused = await createReaction(rest, "1", "111", "🔥").catch((e) =>
      e
    );
    assert.ok(refused instanceof RateLimitError, String(refused));
    assert.equal(refused.scope, "shared");
    assert.equal(refused.retryAfter, 1_336_570);
    // The bucket keeps what the 429's headers said: 9 left, the window's
    // reset, not a pause of 1336.57 s.
    const route = parseRoute(
      "PUT",
      "/channels/1/messages/111/reactions/%F0%9F%94%A5/@me",
    );
    const state = rest.rateLimiter.bucketState(route);
    assert.equal(state?.remaining, 9);
    assert.ok(
      state.resetAt !== undefined && state.resetAt <= Date.now() + 64_570,
      `reset at ${state.resetAt! - Date.now()} ms from now`,
    );
    // Another message of the channel: same bucket, sent and done.
    assert.equal(await createReaction(rest, "1", "222", "🔥"), undefined);
    assert.equal(await createReaction(rest, "2", "333", "🔥"), undefined);
    assert.deepEqual(seen.map((path) => path.split("/")[6]), [
      "111",
      "222",
      "333",
    ]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("RestClient: a shared-scope 429 within maxRateLimitWait retries its request; the bucket is not emptied, a user-scope 429 whose headers say none left still empties it", async (t) => {
  for (const scope of ["shared", "user"] as const) {
    await t.step(scope, async () => {
      const clock = new VirtualScheduler();
      const sent: [number, string][] = [];
      const fetch: typeof globalThis.fetch = (input) => {
        const path = new URL(String(input)).pathname;
        sent.push([clock.now(), path.split("/")[6]!]);
        if (path.includes("/messages/111/") && sent.length === 1) {
          const answer = shared429(2);
          answer.headers.set("x-ratelimit-scope", scope);
          if (scope === "user") {
            // The bucket's own limit (with requests left, a user-scope 429
            // is a sublimit of its request: sublimit_429_test.ts).
            answer.headers.set("x-ratelimit-remaining", "0");
            answer.headers.set("x-ratelimit-reset-after", "2");
          }
          return Promise.resolve(answer);
        }
        return Promise.resolve(
          new Response(null, { status: 204, headers: bucketHeaders(8) }),
        );
      };
      const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
      const first = createReaction(rest, "1", "111", "🔥");
      await clock.flushMicrotasks();
      const route = parseRoute(
        "PUT",
        "/channels/1/messages/111/reactions/%F0%9F%94%A5/@me",
      );
      // Shared: the headers' 9 left; user: closed for the retry_after.
      assert.equal(
        rest.rateLimiter.bucketState(route)?.remaining,
        scope === "shared" ? 9 : 0,
      );
      await clock.advance(2000);
      await first;
      assert.deepEqual(sent, [[0, "111"], [2000, "111"]]);
    });
  }
});

Deno.test("RestClient: while a shared-scope 429 holds its request for its retry_after, a reaction removed in the channel (another route of the bucket) is sent; a reaction added waits behind it", async () => {
  const clock = new VirtualScheduler();
  const sent: [number, string, string][] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const path = new URL(String(input)).pathname;
    sent.push([clock.now(), init?.method ?? "GET", path.split("/")[6]!]);
    if (path.includes("/messages/111/") && sent.length === 2) {
      return Promise.resolve(shared429(5));
    }
    return Promise.resolve(
      new Response(null, { status: 204, headers: bucketHeaders(8) }),
    );
  };
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  // Both routes learn they share the bucket `abcd1234`.
  await deleteOwnReaction(rest, "1", "000", "🔥");
  const first = createReaction(rest, "1", "111", "🔥");
  await clock.flushMicrotasks();
  // Reactions added in the channel are one lane (one route, one major
  // id): in their order, none before the retry of the one answered 429.
  const added = createReaction(rest, "1", "222", "🔥");
  const removed = deleteOwnReaction(rest, "1", "333", "🔥");
  await clock.advance(100);
  assert.deepEqual(sent.slice(1), [[0, "PUT", "111"], [0, "DELETE", "333"]]);
  await removed;
  await clock.advance(4900);
  await Promise.all([first, added]);
  assert.deepEqual(sent.slice(3), [[5000, "PUT", "111"], [5000, "PUT", "222"]]);
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: a shared-scope 429 whose headers say none left holds the bucket to its own reset, not to the resource's retry_after, retried or failed", async (t) => {
  for (const retryAfter of [5, 600]) {
    await t.step(`retry_after ${retryAfter} s`, async () => {
      const clock = new VirtualScheduler();
      const fetch: typeof globalThis.fetch = () => {
        const answer = shared429(retryAfter);
        answer.headers.set("x-ratelimit-remaining", "0");
        answer.headers.set("x-ratelimit-reset-after", "1");
        return Promise.resolve(answer);
      };
      const rest = new RestClient({
        token: TOKEN,
        fetch,
        scheduler: clock,
        maxRetries: 1,
      });
      const first = createReaction(rest, "1", "111", "🔥").catch((e) => e);
      await clock.flushMicrotasks();
      const route = parseRoute(
        "PUT",
        "/channels/1/messages/111/reactions/%F0%9F%94%A5/@me",
      );
      assert.equal(rest.rateLimiter.bucketState(route)?.remaining, 0);
      assert.equal(rest.rateLimiter.bucketState(route)?.resetAt, 1000);
      await clock.advance(retryAfter * 1000);
      const error = await first;
      assert.ok(error instanceof RateLimitError, String(error));
      assert.equal(error.scope, "shared");
    });
  }
});
