// Which global limit a request counts against, and which a global 429
// pauses: the bot's (sent with the bot token), the IP's (sent without
// authorization: webhooks with their token), or none (interaction
// endpoints, whatever credential they carry, and requests with a user's
// OAuth2 token, which count against that user's), as Discord's rate-limit
// docs say.
import assert from "node:assert/strict";
import { RateLimitError } from "../../rest/errors.ts";
import { executeWebhook } from "../../rest/mod.ts";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { parseRoute, routeGlobalScope } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const bot = parseRoute("GET", "/channels/1");
const webhook = parseRoute("POST", "/webhooks/2/webhook-token");
const callback = parseRoute("POST", "/interactions/3/tok/callback");

/** Attempts noted as they go out: when (the clock's time) and which. */
type Sent = [number, string][];

/**
 * An attempt answered by a global 429 of `delay` ms the first time and by
 * a success after it, each noted in `sent` as `name`.
 */
function limitedOnce(
  clock: VirtualScheduler,
  sent: Sent,
  name: string,
  delay: number,
): () => Promise<AttemptResult<string>> {
  let first = true;
  return () => {
    sent.push([clock.now(), name]);
    if (!first) return Promise.resolve({ type: "success", value: "ok" });
    first = false;
    return Promise.resolve({
      type: "retry",
      delay,
      rateLimit: { retryAfter: delay, scope: "global" },
    });
  };
}

/** An attempt that succeeds at once, noted in `sent` as `name`. */
function succeeding(
  clock: VirtualScheduler,
  sent: Sent,
  name: string,
): () => Promise<AttemptResult<string>> {
  return () => {
    sent.push([clock.now(), name]);
    return Promise.resolve({ type: "success", value: name });
  };
}

Deno.test("routeGlobalScope: webhooks with their token are under the IP's limit, interaction callbacks under none", () => {
  assert.equal(routeGlobalScope(bot), "bot");
  assert.equal(routeGlobalScope(webhook), "ip");
  assert.equal(routeGlobalScope(callback), "none");
});

Deno.test("RateLimiter counts webhook requests against the IP's global limit, apart from the bot's", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({
    scheduler: clock,
    globalLimit: 2,
    ipGlobalLimit: 2,
  });
  const sent: Sent = [];
  const attempt = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push([clock.now(), name]);
    return Promise.resolve({ type: "success", value: name });
  };
  const jobs = [];
  for (let i = 0; i < 3; i++) {
    jobs.push(
      limiter.schedule(parseRoute("GET", `/channels/${i}`), attempt(`bot${i}`)),
      limiter.schedule(
        parseRoute("POST", `/webhooks/${i}/tok`),
        attempt(`webhook${i}`),
      ),
      limiter.schedule(
        parseRoute("POST", `/interactions/${i}/tok/callback`),
        attempt(`callback${i}`),
      ),
      // A follow-up has a webhook's path; the client says it is exempt.
      limiter.schedule(
        parseRoute("POST", `/webhooks/9/tok${i}`),
        attempt(`followup${i}`),
        undefined,
        "none",
      ),
    );
  }
  await clock.advance(1000);
  await Promise.all(jobs);
  const at = (time: number): string[] =>
    sent.filter(([t]) => t === time).map(([, name]) => name).sort();
  assert.deepEqual(at(0), [
    "bot0",
    "bot1",
    "callback0",
    "callback1",
    "callback2",
    "followup0",
    "followup1",
    "followup2",
    "webhook0",
    "webhook1",
  ]);
  assert.deepEqual(at(1000), ["bot2", "webhook2"]);
});

Deno.test("RateLimiter: a global 429 pauses the scope of the request it answered", async (t) => {
  for (
    const [limitedRoute, scope, paused, free] of [
      [webhook, "ip", "webhook", "bot"],
      [bot, "bot", "bot", "webhook"],
    ] as const
  ) {
    await t.step(`on a request under the ${scope} limit`, async () => {
      const clock = new VirtualScheduler();
      const limiter = new RateLimiter({ scheduler: clock });
      const sent: Sent = [];
      const limited = limitedOnce(clock, sent, "limited", 3000);
      const other = (name: string) => succeeding(clock, sent, name);
      const a = limiter.schedule(limitedRoute, limited);
      await clock.advance(500);
      assert.equal(
        scope === "ip"
          ? limiter.ipGlobalPausedUntil
          : limiter.globalPausedUntil,
        3000,
      );
      assert.equal(
        scope === "ip"
          ? limiter.globalPausedUntil
          : limiter.ipGlobalPausedUntil,
        -Infinity,
      );
      const jobs = [
        limiter.schedule(parseRoute("GET", "/channels/7"), other("bot")),
        limiter.schedule(parseRoute("POST", "/webhooks/7/t"), other("webhook")),
        limiter.schedule(
          parseRoute("POST", "/interactions/7/t/callback"),
          other("callback"),
        ),
      ];
      await clock.advance(3000);
      await Promise.all([a, ...jobs]);
      assert.deepEqual(
        sent.toSorted(([a], [b]) => a - b),
        [
          [0, "limited"],
          [500, free],
          [500, "callback"],
          [3000, "limited"],
          [3000, paused],
        ].toSorted(([a], [b]) => Number(a) - Number(b)),
      );
    });
  }
});

/** A Discord that answers every request at once, recording when. */
function recordingFetch(
  clock: VirtualScheduler,
  sent: Sent,
): typeof fetch {
  return (input, init) => {
    const path = new URL(String(input)).pathname.replace("/api/v10", "");
    const auth = new Headers(init?.headers).get("authorization");
    sent.push([clock.now(), `${auth === null ? "" : "bot "}${path}`]);
    return Promise.resolve(Response.json({ id: "1" }));
  };
}

Deno.test("RestClient holds webhook executions to the IP's 50 per second, and leaves follow-ups and the bot's requests out of it", async () => {
  const clock = new VirtualScheduler();
  const sent: Sent = [];
  const rest = new RestClient({
    token: "t",
    fetch: recordingFetch(clock, sent),
    scheduler: clock,
  });
  const jobs: Promise<unknown>[] = [];
  for (let i = 0; i < 51; i++) {
    jobs.push(
      executeWebhook(rest, String(1000 + i), `tok${i}`, { content: "x" }),
      rest.createFollowupMessage("9", `itok${i}`, { content: "x" }),
    );
  }
  jobs.push(rest.request("GET", "/users/@me"));
  await clock.advance(1000);
  await Promise.all(jobs);
  const count = (time: number, kind: RegExp): number =>
    sent.filter(([t, what]) => t === time && kind.test(what)).length;
  assert.equal(count(0, /^\/webhooks\/1\d{3}\//), 50);
  assert.equal(count(1000, /^\/webhooks\/1\d{3}\//), 1);
  assert.equal(count(0, /^\/webhooks\/9\//), 51, "follow-ups are exempt");
  assert.equal(count(0, /^bot \/users\/@me$/), 1, "the bot's own limit");
});

Deno.test("RestClient: a global 429 to a webhook execution pauses the other webhook requests, not the bot's", async () => {
  const clock = new VirtualScheduler();
  const sent: Sent = [];
  const answer = recordingFetch(clock, sent);
  let first = true;
  const fetch: typeof globalThis.fetch = (input, init) => {
    if (!first) return answer(input, init);
    first = false;
    sent.push([clock.now(), "429"]);
    return Promise.resolve(
      Response.json({ message: "slow down", retry_after: 2, global: true }, {
        status: 429,
        headers: {
          "x-ratelimit-global": "true",
          "x-ratelimit-scope": "global",
        },
      }),
    );
  };
  const rest = new RestClient({
    token: "t",
    fetch,
    scheduler: clock,
    maxRetries: 0,
  });
  await assert.rejects(
    executeWebhook(rest, "1", "tokA", { content: "a" }),
    RateLimitError,
  );
  assert.equal(rest.rateLimiter.ipGlobalPausedUntil, 2000);
  assert.equal(rest.rateLimiter.globalPausedUntil, -Infinity);
  const jobs = Promise.all([
    rest.createMessage("55", { content: "bot route" }),
    executeWebhook(rest, "2", "tokB", { content: "b" }),
    rest.createInteractionResponse("3", "itok", { type: 1 }),
  ]);
  await clock.advance(2000);
  await jobs;
  assert.deepEqual(sent.toSorted(([a], [b]) => a - b), [
    [0, "429"],
    [0, "bot /channels/55/messages"],
    [0, "/interactions/3/itok/callback"],
    [2000, "/webhooks/2/tokB"],
  ]);
});

Deno.test("RestClient: an interaction callback sent through request(), with the bot token or none, and a request with a user's OAuth2 token wait for neither global limit", async () => {
  const clock = new VirtualScheduler();
  const sent: Sent = [];
  // One request a second with the bot token; the IP's 50 are Discord's.
  const rest = new RestClient({
    token: "t",
    fetch: recordingFetch(clock, sent),
    scheduler: clock,
    globalLimit: 1,
  });
  const jobs: Promise<unknown>[] = [];
  // Both global windows full: 50 webhook executions, 1 bot request.
  for (let i = 0; i < 50; i++) {
    jobs.push(executeWebhook(rest, String(1000 + i), `tok${i}`, {}));
  }
  jobs.push(rest.request("GET", "/users/@me"));
  // Discord: interaction endpoints are not bound to the global limit,
  // whatever credential they carry; a Bearer token's requests count
  // against that user's, not the bot's nor the IP's.
  jobs.push(
    rest.request("POST", "/interactions/3/itok/callback", {
      body: { type: 1 },
    }),
    rest.request("POST", "/interactions/4/itok/callback", {
      body: { type: 1 },
      auth: true,
    }),
    rest.request("GET", "/users/@me/guilds", {
      auth: false,
      headers: { Authorization: "Bearer user-token" },
    }),
  );
  await clock.advance(1000);
  await Promise.all(jobs);
  const at = (path: string): number[] =>
    sent.filter(([, what]) => what.endsWith(path)).map(([time]) => time);
  assert.deepEqual(at("/interactions/3/itok/callback"), [0]);
  assert.deepEqual(at("/interactions/4/itok/callback"), [0]);
  assert.deepEqual(at("/users/@me/guilds"), [0]);
  assert.deepEqual(at("bot /users/@me"), [0]);
  // The limits were full: one more of each kind waits a second.
  const more = [
    executeWebhook(rest, "2000", "tokX", {}),
    rest.request("GET", "/channels/5"),
  ];
  await clock.advance(1000);
  await Promise.all(more);
  assert.deepEqual(at("/webhooks/2000/tokX"), [1000]);
  assert.deepEqual(at("/channels/5"), [1000]);
});

Deno.test("RateLimiter: a global 429 to an interaction callback pauses neither global limit: only the callback waits, its retry's delay", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const sent: Sent = [];
  const limited = limitedOnce(clock, sent, "callback", 2000);
  const other = (name: string) => succeeding(clock, sent, name);
  const retried = limiter.schedule(callback, limited);
  await clock.advance(100);
  assert.equal(limiter.globalPausedUntil, -Infinity);
  assert.equal(limiter.ipGlobalPausedUntil, -Infinity);
  const jobs = [
    limiter.schedule(bot, other("bot")),
    limiter.schedule(webhook, other("webhook")),
  ];
  await clock.advance(2000);
  await Promise.all([retried, ...jobs]);
  assert.deepEqual(sent, [
    [0, "callback"],
    [100, "bot"],
    [100, "webhook"],
    [2000, "callback"],
  ]);
});
