// What the REST client does with requests queued on a bucket it knows is
// used up, and with queued requests when a refusal starts to apply: it
// never sends into a window still closed (each such 429 counts towards
// Discord's invalid-request limit), and a refusal (a rejected token, a
// webhook gone, the invalid-request cap) fails every queued request it
// covers at once, whatever bucket it waits on. Also the jitter of 5xx and
// network retries, so that requests failing together are not retried
// together. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { RateLimitError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { MAX_HELD_RESET } from "../../rest/rate_limiter.ts";
import { serverErrorDelay } from "../../rest/_request_policy.ts";
import {
  InvalidRequestLimitError,
  TokenRejectedError,
  UnknownWebhookError,
} from "../../rest/invalid_requests.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pathOf, settled } from "../_fakes/rest_calls.ts";

const TOKEN = "bot.T0KEN-secret_value";

/**
 * A route limited as Discord limits a channel rename (2 per 10 minutes),
 * scaled to 2 per 10 s: `X-RateLimit-*` on every answer, a 429 past the
 * limit. Returns the fetch and what it answered, with the time.
 */
function windowedDiscord(
  clock: VirtualScheduler,
): { fetch: typeof globalThis.fetch; answered: string[] } {
  const window = 10_000;
  const limit = 2;
  let start = -Infinity;
  let used = 0;
  const answered: string[] = [];
  const fetch: typeof globalThis.fetch = () => {
    const now = clock.now();
    if (now - start >= window) {
      start = now;
      used = 0;
    }
    used++;
    const resetAfter = (window - (now - start)) / 1000;
    const headers = {
      "x-ratelimit-bucket": "rename",
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(0, limit - used)),
      "x-ratelimit-reset-after": String(resetAfter),
    };
    if (used > limit) {
      answered.push(`${now} 429`);
      return Promise.resolve(
        Response.json(
          { message: "You are being rate limited.", retry_after: resetAfter },
          { status: 429, headers: { ...headers, "x-ratelimit-scope": "user" } },
        ),
      );
    }
    answered.push(`${now} 200`);
    return Promise.resolve(Response.json({}, { headers }));
  };
  return { fetch, answered };
}

Deno.test("RestClient fails at once, unsent, the requests queued on a bucket used up for longer than maxRateLimitWait; shorter waits are waited", async () => {
  // Held only maxRateLimitWait, the bucket was taken as full again and the
  // three queued requests were sent into the closed window: three 429s,
  // and the callers got a RateLimitError all the same.
  const clock = new VirtualScheduler();
  const discord = windowedDiscord(clock);
  const rest = new RestClient({
    token: TOKEN,
    fetch: discord.fetch,
    scheduler: clock,
    maxRateLimitWait: 1000,
  });
  const calls = [1, 2, 3, 4, 5].map((i) =>
    settled(
      rest.request("PATCH", "/channels/1", { body: { name: `n${i}` } }),
    )
  );
  await clock.flushMicrotasks();
  assert.deepEqual(discord.answered, ["0 200", "0 200"]);
  assert.ok(calls.every((call) => call.done), "no request waits");
  assert.deepEqual(calls.slice(0, 2).map((call) => call.error), [
    undefined,
    undefined,
  ]);
  for (const { error } of calls.slice(2)) {
    assert.ok(error instanceof RateLimitError, String(error));
    assert.equal(error.retryAfter, 10_000, "the real time left");
    assert.equal(error.maxWait, 1000);
    assert.equal(error.bucket, "rename");
    assert.match(error.message, /refused unsent.*resets in 10000 ms/);
  }
  // Later on, what is left of the window is said, and still not sent.
  await clock.advance(4000);
  const later = await rest.request("PATCH", "/channels/1", { body: {} })
    .catch((error) => error);
  assert.ok(later instanceof RateLimitError);
  assert.equal(later.retryAfter, 6000);
  // Within the cap a request waits for the reset, then goes.
  await clock.advance(5500);
  const waits = settled(rest.request("PATCH", "/channels/1", { body: {} }));
  await clock.advance(499);
  assert.equal(waits.done, false);
  await clock.advance(1);
  assert.deepEqual(waits, { done: true, error: undefined });
  assert.deepEqual(discord.answered, ["0 200", "0 200", "10000 200"]);
});

Deno.test("RestClient: after a 429 asking for more than maxRateLimitWait, the requests queued on its bucket fail unsent until Discord's reset", async () => {
  // The bucket paused only maxRateLimitWait: the next queued request
  // walked into another 429, and so on down the queue.
  const clock = new VirtualScheduler();
  let sent = 0;
  const fetch: typeof globalThis.fetch = () => {
    sent++;
    return Promise.resolve(
      Response.json({ message: "rate limited", retry_after: 30 }, {
        status: 429,
        headers: {
          "x-ratelimit-bucket": "b",
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset-after": "30",
          "x-ratelimit-scope": "user",
        },
      }),
    );
  };
  const rest = new RestClient({
    token: TOKEN,
    fetch,
    scheduler: clock,
    maxRateLimitWait: 5000,
  });
  const calls = [1, 2, 3].map(() =>
    settled(rest.request("GET", "/channels/1/messages"))
  );
  await clock.flushMicrotasks();
  assert.ok(calls.every((call) => call.error instanceof RateLimitError));
  assert.equal(sent, 1, "only the first was sent");
  await clock.advance(5000);
  const after = await rest.request("GET", "/channels/1/messages")
    .catch((error) => error);
  assert.ok(after instanceof RateLimitError);
  assert.equal(after.retryAfter, 25_000);
  assert.equal(sent, 1, "not sent once the cap had passed either");
  assert.equal(clock.pending, 0, "no timer left behind");
});

/**
 * A Discord whose channel 2 has a bucket used up for 5 s, whose webhook 7
 * is gone, and whose other routes answer `status` (with `code`).
 */
function refusingDiscord(
  clock: VirtualScheduler,
  status: number,
): { fetch: typeof globalThis.fetch; sent: string[] } {
  const sent: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const path = pathOf(input);
    sent.push(`${clock.now()} ${init?.method} ${path}`);
    if (path.startsWith("/channels/2/") || path.includes("/messages/")) {
      return Promise.resolve(
        Response.json({}, {
          headers: {
            "x-ratelimit-bucket": path.startsWith("/channels/2/") ? "c" : "w",
            "x-ratelimit-limit": "1",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset-after": "5",
          },
        }),
      );
    }
    const code = status === 404 ? 10015 : status === 403 ? 50013 : 0;
    return Promise.resolve(
      Response.json({ message: "refused", code }, { status }),
    );
  };
  return { fetch, sent };
}

Deno.test("RestClient: when a refusal starts to apply, requests queued on other buckets fail at once, not at their turn", async (t) => {
  const cases = [
    { name: "a 401 to the bot token", status: 401, Error: TokenRejectedError },
    {
      name: "the invalid-request cap reached (a 403, limit 1)",
      status: 403,
      Error: InvalidRequestLimitError,
    },
  ];
  for (const { name, status, Error } of cases) {
    await t.step(name, async () => {
      const clock = new VirtualScheduler();
      const discord = refusingDiscord(clock, status);
      const rest = new RestClient({
        token: TOKEN,
        fetch: discord.fetch,
        scheduler: clock,
        // Only the 403 case reaches it: a 401 counts as invalid too.
        invalidRequestLimit: status === 403 ? 1 : 2,
      });
      await rest.request("GET", "/channels/2/messages");
      await rest.request("GET", "/webhooks/9/tok/messages/1");
      // Queued on buckets used up for 5 s; the webhook's has no bot token.
      const channel = settled(rest.request("GET", "/channels/2/messages"));
      const webhook = settled(
        rest.request("GET", "/webhooks/9/tok/messages/2"),
      );
      await clock.flushMicrotasks();
      assert.equal(channel.done, false);
      await captureStderr(async () => {
        await assert.rejects(rest.request("GET", "/channels/1/messages"));
        await clock.flushMicrotasks();
      });
      assert.equal(clock.now(), 0);
      assert.ok(channel.error instanceof Error, String(channel.error));
      if (status === 401) {
        // Not refused by a bot token it does not send: it waits its turn.
        assert.equal(webhook.done, false);
        await clock.advance(5000);
        assert.deepEqual(webhook, { done: true, error: undefined });
      } else {
        assert.ok(webhook.error instanceof Error, String(webhook.error));
      }
      assert.deepEqual(
        discord.sent.filter((line) => line.includes("/channels/2/")),
        ["0 GET /channels/2/messages"],
        "the refused one was never sent",
      );
    });
  }
  await t.step("a webhook answered 404", async () => {
    const clock = new VirtualScheduler();
    const discord = refusingDiscord(clock, 404);
    const rest = new RestClient({
      token: TOKEN,
      fetch: discord.fetch,
      scheduler: clock,
    });
    await rest.request("GET", "/webhooks/7/tok/messages/1");
    const queued = settled(rest.request("GET", "/webhooks/7/tok/messages/2"));
    await clock.flushMicrotasks();
    assert.equal(queued.done, false);
    await assert.rejects(rest.request("POST", "/webhooks/7/tok", { body: {} }));
    await clock.flushMicrotasks();
    assert.equal(clock.now(), 0);
    assert.ok(
      queued.error instanceof UnknownWebhookError,
      String(queued.error),
    );
    assert.equal(discord.sent.length, 2);
  });
});

Deno.test("RestClient: 5xx and network retries are jittered by half their delay, with the injected randomness", async () => {
  assert.equal(serverErrorDelay(1000, 1, () => 0), 500);
  assert.equal(serverErrorDelay(1000, 2, () => 0.5), 2000);
  assert.equal(serverErrorDelay(1000, 3, () => 0.99), 5960);
  // Three GETs failing together are retried apart, not together again.
  const clock = new VirtualScheduler();
  const draws = [0, 0.25, 0.75];
  const sent: number[] = [];
  let failures = 3;
  const fetch: typeof globalThis.fetch = () => {
    sent.push(clock.now());
    if (failures-- > 0) return Promise.reject(new TypeError("reset"));
    return Promise.resolve(Response.json({}));
  };
  const rest = new RestClient({
    token: TOKEN,
    fetch,
    scheduler: clock,
    random: () => draws.shift()!,
  });
  const done = Promise.all(
    [1, 2, 3].map((i) => rest.request("GET", `/channels/${i}/messages`)),
  );
  await clock.advance(1250);
  await done;
  assert.deepEqual(sent, [0, 0, 0, 500, 750, 1250]);
  assert.throws(
    () => new RestClient({ token: TOKEN, random: 0.5 as never }),
    /'random' must be a function/,
  );
});

Deno.test("RestClient: a shared-scope 429 whose window has requests left holds the bucket for its retry_after only, not the window's reset", async () => {
  const clock = new VirtualScheduler();
  const sent: number[] = [];
  const fetch: typeof globalThis.fetch = () => {
    sent.push(clock.now());
    const headers = {
      "x-ratelimit-bucket": "b",
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "3",
      "x-ratelimit-reset-after": "30",
    };
    if (sent.length > 1) return Promise.resolve(Response.json({}, { headers }));
    return Promise.resolve(
      Response.json({ message: "busy", retry_after: 1 }, {
        status: 429,
        headers: { ...headers, "x-ratelimit-scope": "shared" },
      }),
    );
  };
  const rest = new RestClient({
    token: TOKEN,
    fetch,
    scheduler: clock,
    maxRateLimitWait: 5000,
  });
  const done = rest.request("GET", "/channels/1/messages");
  await clock.advance(1000);
  await done;
  assert.deepEqual(sent, [0, 1000]);
});

Deno.test("RestClient holds a bucket at most MAX_HELD_RESET for a reset a peer reports as days away: its requests fail unsent meanwhile, and the bucket is not kept past it", async () => {
  const clock = new VirtualScheduler();
  let sent = 0;
  const fetch: typeof globalThis.fetch = () => {
    sent++;
    return Promise.resolve(
      Response.json({}, {
        headers: {
          "x-ratelimit-bucket": "far",
          "x-ratelimit-limit": "1",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset-after": String(30 * 86_400), // 30 days
        },
      }),
    );
  };
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  await rest.request("GET", "/channels/1");
  const refused = await rest.request("GET", "/channels/1").catch((e) => e);
  assert.ok(refused instanceof RateLimitError, String(refused));
  assert.equal(refused.retryAfter, MAX_HELD_RESET);
  assert.equal(sent, 1);
  // Past the hold, the bucket asks again, once.
  await clock.advance(MAX_HELD_RESET);
  await rest.request("GET", "/channels/1");
  assert.equal(sent, 2);
});

Deno.test("RestClient: an invalid answer that reaches the cap only with the requests still in flight fails nothing queued; they may come back 200", async () => {
  const clock = new VirtualScheduler();
  const later = (ms: number, response: Response): Promise<Response> =>
    new Promise((resolve) => clock.setTimeout(() => resolve(response), ms));
  const fetch: typeof globalThis.fetch = (input) => {
    const path = pathOf(input as string);
    if (path === "/channels/1") {
      return later(
        10,
        Response.json({ message: "Missing Access" }, {
          status: 403,
        }),
      );
    }
    return later(path === "/channels/2" ? 100 : 50, Response.json({}));
  };
  const rest = new RestClient({
    token: TOKEN,
    fetch,
    scheduler: clock,
    invalidRequestLimit: 3,
  });
  const calls = ["/channels/1", "/channels/2", "/channels/2", "/channels/3"]
    .map((path) => settled(rest.request("GET", path)));
  const said = await captureStderr(() => clock.advance(1_000));
  assert.deepEqual(said, [], "no refusal said");
  assert.ok(calls.every((call) => call.done));
  assert.equal(calls[0]!.error?.constructor.name, "DiscordApiError");
  assert.deepEqual(calls.slice(1).map((call) => call.error), [
    undefined,
    undefined,
    undefined,
  ]);
});
