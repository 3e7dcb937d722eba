import { steppedClock } from "../_fakes/stepped_clock.ts";
import assert from "node:assert/strict";
import { parseRoute } from "../../rest/routes.ts";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { DiscordApiError, RateLimitError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import {
  InvalidRequestGuard,
  InvalidRequestLimitError,
  MAX_UNKNOWN_WEBHOOKS,
  TokenRejectedError,
  UnknownWebhookError,
  UnknownWebhooks,
} from "../../rest/invalid_requests.ts";
import { getCurrentUserGuildMember } from "../../rest/api/users.ts";
import { executeWebhook } from "../../rest/api/webhooks.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { realScheduler } from "../../base/scheduler.ts";

Deno.test("RestClient refuses requests once 401/403/429 answers reach the cap, until they age out", async () => {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ token: "t", scheduler: clock });
  const rest = new RestClient({
    token: "t",
    fetch: fake.fetch,
    scheduler: clock,
    invalidRequestLimit: 3,
    maxRetries: 0,
  });
  fake.scriptError(403, 50013, "Missing Permissions", { times: 2 });
  await assert.rejects(
    rest.createMessage("1", { content: "a" }),
    /Missing Permissions/,
  );
  await clock.advance(60_000);
  await assert.rejects(
    rest.createMessage("1", { content: "b" }),
    /Missing Permissions/,
  );
  fake.script429({ retryAfter: 1, scope: "shared" }); // not counted
  await assert.rejects(rest.createMessage("1", { content: "c" }));
  await clock.advance(1000); // the shared 429 held the resource for 1 s
  const wrongToken = new RestClient({
    token: "wrong",
    fetch: fake.fetch,
    scheduler: clock,
  });
  await assert.rejects(wrongToken.createMessage("1", { content: "d" }), /401/);
  // wrongToken has its own guard; this client counted 2 so far.
  assert.equal(fake.requests.length, 4);
  fake.scriptError(403, 50001, "Missing Access");
  await assert.rejects(rest.createMessage("1", { content: "e" }));
  const refused = await rest.createMessage("1", { content: "f" }).catch((e) =>
    e
  );
  assert.ok(refused instanceof InvalidRequestLimitError);
  assert.equal(refused.count, 3);
  assert.equal(refused.retryAfter, 600_000 - 61_000);
  assert.match(refused.message, /Discord bans the IP at 10,000/);
  assert.equal(fake.requests.length, 5, "the refused request was not sent");
  // The first 403 leaves the window at 600 s.
  await clock.advance(600_000 - 61_000);
  const sent = await rest.createMessage("1", { content: "g" });
  assert.equal(sent.content, "g");
});

Deno.test("InvalidRequestGuard keeps bounded memory and reports the cap once per window", async () => {
  const clock = new VirtualScheduler();
  const reports: number[] = [];
  const guard = new InvalidRequestGuard({
    scheduler: clock,
    limit: 5,
    onLimit: (count) => reports.push(count),
  });
  for (let i = 0; i < 1000; i++) guard.record(429);
  assert.equal(guard.count, 5);
  assert.ok(guard.check("GET", "/a"));
  assert.ok(guard.check("GET", "/b"));
  assert.deepEqual(reports, [5]);
  for (const status of [200, 204, 400, 404, 500]) guard.record(status);
  await clock.advance(600_000);
  assert.equal(guard.count, 0);
  assert.equal(guard.check("GET", "/c"), undefined);
  assert.throws(
    () => new InvalidRequestGuard({ scheduler: clock, limit: 10_001 }),
    RangeError,
  );
});

Deno.test("RestClient stops sending the bot token after Discord answered 401 to it; token routes still go out", async () => {
  const fake = new FakeRest({ token: "t" });
  const revoked = new RestClient({ token: "revoked", fetch: fake.fetch });
  await assert.rejects(revoked.createMessage("1", { content: "a" }), /401/);
  const sent = fake.requests.length;
  for (let i = 0; i < 5; i++) {
    await assert.rejects(
      revoked.createMessage("1", { content: "b" }),
      (error: unknown) =>
        error instanceof TokenRejectedError &&
        /bot token/.test(error.message) &&
        error.path === "/channels/1/messages",
    );
  }
  assert.equal(fake.requests.length, sent, "no further 401s were earned");
  // A webhook token route carries no bot token: it is still sent.
  await revoked.request("POST", "/webhooks/1/sometoken", {
    body: { content: "c" },
  }).catch(() => {});
  assert.equal(fake.requests.length, sent + 1);
});

Deno.test("RestClient: a 401 to a request with another Authorization (a user's OAuth2 token) leaves the bot token in use", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record: LogRecord) => records.push(record) },
    loggers: [
      { category: ["disruption"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  try {
    const sent: (string | null)[] = [];
    // Discord: the bot token is good, the user's Bearer token expired.
    const fetch = unauthorizedUnless((auth) => {
      sent.push(auth);
      return auth === "Bot good";
    });
    const rest = new RestClient({
      token: "good",
      fetch,
      scheduler: new VirtualScheduler(),
    });
    const asUser = {
      auth: false,
      headers: { Authorization: "Bearer expired-user-token" },
    };
    await assert.rejects(
      rest.request("GET", "/users/@me/guilds", asUser),
      (error: unknown) => error instanceof DiscordApiError,
    );
    assert.deepEqual(await rest.request("GET", "/users/@me"), { id: "1" });
    // Once the bot token is rejected, a user's token still goes out.
    const revoked = new RestClient({
      token: "revoked",
      fetch,
      scheduler: new VirtualScheduler(),
    });
    await assert.rejects(revoked.request("GET", "/users/@me"), /401/);
    await assert.rejects(
      revoked.request("GET", "/users/@me"),
      TokenRejectedError,
    );
    await assert.rejects(
      revoked.request("GET", "/users/@me/guilds", asUser),
      (error: unknown) => error instanceof DiscordApiError,
    );
    assert.deepEqual(sent, [
      "Bearer expired-user-token",
      "Bot good",
      "Bot revoked",
      "Bearer expired-user-token",
    ]);
    const blamed = records.filter((record) =>
      record.level === "error" && /bot token/.test(String(record.message))
    );
    assert.equal(blamed.length, 1, "only the revoked client's 401 is blamed");
  } finally {
    await reset();
  }
});

Deno.test("RestClient counts requests in flight against the invalid-request cap: a burst of interaction callbacks cannot pass it", async () => {
  const clock = new VirtualScheduler();
  // Answers held until the test lets them go, as a slow server's.
  const pending: ((status: number) => void)[] = [];
  const fetch = (): Promise<Response> =>
    new Promise((resolve) =>
      pending.push((status) =>
        resolve(
          status === 204 ? new Response(null, { status }) : Response.json(
            { message: "Missing Access", code: 50001 },
            { status },
          ),
        )
      )
    );
  const rest = new RestClient({
    token: "t",
    fetch,
    scheduler: clock,
    invalidRequestLimit: 5,
    maxRetries: 0,
  });
  const callback = (i: number): Promise<unknown> =>
    rest.createInteractionResponse(String(i + 1), `token${i}`, { type: 6 })
      .then(() => "ok", (error: Error) => error);
  // Interaction callbacks wait for no global limit: all 20 are scheduled
  // at once; only the cap's worth may be in flight.
  const burst = Array.from({ length: 20 }, (_, i) => callback(i));
  await clock.advance(0);
  assert.equal(pending.length, 5, "requests in flight count as invalid");
  // The others wait for their answers (in_flight_test.ts); the 5 answered
  // 403 fill the cap, and they are refused.
  for (const answer of pending.splice(0)) answer(403);
  const outcomes = await Promise.all(burst);
  assert.equal(pending.length, 0);
  const refused = outcomes.filter((o) => o instanceof InvalidRequestLimitError);
  assert.equal(refused.length, 15);
  assert.match(
    (refused[0] as Error).message,
    /5 responses with status 401\/403\/429 in the last 10 minutes;/,
  );
  // The 5 invalid answers now fill the cap for the window.
  const next = await callback(99);
  assert.ok(next instanceof InvalidRequestLimitError);
  assert.equal(pending.length, 0);
});

Deno.test("InvalidRequestGuard frees an in-flight reservation when its answer is not invalid", () => {
  const clock = new VirtualScheduler();
  const guard = new InvalidRequestGuard({ scheduler: clock, limit: 2 });
  assert.equal(guard.reserve("POST", "/a"), undefined);
  assert.equal(guard.reserve("POST", "/b"), undefined);
  assert.equal(guard.inFlight, 2);
  const refused = guard.reserve("POST", "/c");
  assert.ok(refused instanceof InvalidRequestLimitError);
  assert.equal(refused.retryAfter, 0, "frees as soon as one is answered");
  guard.settle(204);
  guard.settle(); // no answer: not counted either
  assert.equal(guard.inFlight, 0);
  assert.equal(guard.count, 0);
  assert.equal(guard.reserve("POST", "/d"), undefined);
  guard.settle(429);
  assert.equal(guard.count, 1);
  // A recorded one and one in flight fill a cap of 2: a request waits
  // (holds), reserved it would be refused; not refused by the answers alone.
  assert.equal(guard.reserve("POST", "/e"), undefined);
  assert.equal(guard.check("POST", "/f"), undefined);
  assert.equal(guard.holds(), true);
  assert.ok(guard.reserve("POST", "/f"));
});

Deno.test("InvalidRequestGuard refuses a window that is not a positive integer", () => {
  const clock = new VirtualScheduler();
  for (const window of [NaN, Infinity, 0, -1, 1.5, "600000"]) {
    assert.throws(
      () =>
        new InvalidRequestGuard({
          scheduler: clock,
          window: window as number,
        }),
      {
        name: "RangeError",
        message:
          `Cannot create invalid-request guard as 'window' must be a positive integer of ms: current value 'window=${window}'`,
      },
    );
  }
});

Deno.test("A 403 whose body never comes still counts as an invalid request (its status came)", async () => {
  const clock = new VirtualScheduler();
  // The status and headers arrive; the body never ends.
  const fetch = (): Promise<Response> =>
    Promise.resolve(
      new Response(
        new ReadableStream({
          start(controller): void {
            controller.enqueue(new TextEncoder().encode("{"));
          },
        }),
        { status: 403 },
      ),
    );
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch,
    scheduler: clock,
    timeout: 1000,
    maxRetries: 0,
    invalidRequestLimit: 3,
  });
  const names: string[] = [];
  for (let i = 0; i < 5; i++) {
    const answer = rest.request("POST", `/channels/${i + 1}/messages`, {
      body: {},
    }).then(() => "ok", (error: Error) => error.name);
    await clock.advance(1000);
    names.push(await answer);
  }
  assert.deepEqual(names, [
    "NetworkError",
    "NetworkError",
    "NetworkError",
    "InvalidRequestLimitError",
    "InvalidRequestLimitError",
  ]);
});

Deno.test("getCurrentUserGuildMember sends the user's OAuth2 Bearer token, never the bot token: its 401 leaves the bot token in use", async () => {
  const sent: { path: string; auth: string | null }[] = [];
  // Discord: the bot token is good; the OAuth2-only route answers 401 to
  // anything but the user's access token.
  const fetch = unauthorizedUnless((auth, path) => {
    sent.push({ path, auth });
    return path.includes("/users/@me/guilds/")
      ? auth === "Bearer user-token"
      : auth === "Bot good";
  });
  const rest = new RestClient({
    token: "good",
    fetch,
    scheduler: new VirtualScheduler(),
  });
  assert.deepEqual(
    await getCurrentUserGuildMember(rest, "5", "user-token"),
    { id: "1" },
  );
  assert.deepEqual(
    await getCurrentUserGuildMember(rest, "5", "Bearer user-token"),
    { id: "1" },
  );
  await assert.rejects(
    getCurrentUserGuildMember(rest, "5", "expired-token"),
    (error: unknown) =>
      error instanceof DiscordApiError && error.status === 401,
  );
  assert.deepEqual(await rest.request("GET", "/users/@me"), { id: "1" });
  assert.deepEqual(sent.map((request) => request.auth), [
    "Bearer user-token",
    "Bearer user-token",
    "Bearer expired-token",
    "Bot good",
  ]);
  // Called as before (no access token) it is refused before anything is
  // sent, without showing a token.
  for (const accessToken of [{}, "", "user token\n", undefined]) {
    await assert.rejects(
      () =>
        getCurrentUserGuildMember(rest, "5", accessToken as unknown as string),
      (error: unknown) =>
        error instanceof TypeError &&
        /^Cannot build route as 'accessToken' must be a user's OAuth2 access token/
          .test(error.message) &&
        /getGuildMember/.test(error.message) &&
        !error.message.includes("user token"),
    );
  }
  assert.equal(sent.length, 4);
});

Deno.test("TokenRejectedError names the request whose 401 rejected the bot token", async () => {
  const fake = new FakeRest({ token: "t" });
  const revoked = new RestClient({ token: "revoked", fetch: fake.fetch });
  await assert.rejects(
    revoked.request("GET", "/guilds/1/members/2"),
    DiscordApiError,
  );
  const error = await revoked.createMessage("1", { content: "b" }).catch((
    e,
  ) => e);
  assert.ok(error instanceof TokenRejectedError);
  assert.equal(error.rejectedBy, "GET /guilds/1/members/2");
  assert.match(
    error.message,
    /^POST \/channels\/1\/messages refused: Discord answered 401 to this client's bot token on GET \/guilds\/1\/members\/2, /,
  );
});

Deno.test("InvalidRequestGuard: a wall clock set back keeps no answer in the window past its 10 minutes", async () => {
  const { scheduler, clock, step } = steppedClock();
  const guard = new InvalidRequestGuard({ scheduler: clock, limit: 2 });
  guard.record(401);
  guard.record(429);
  assert.ok(guard.check("GET", "/x") instanceof InvalidRequestLimitError);
  // NTP sets the wall clock back an hour while the answers age and the
  // bot keeps asking (each request reads the clock).
  await scheduler.advance(1000);
  assert.equal(guard.count, 2);
  step(-3_600_000);
  assert.ok(guard.check("GET", "/x") instanceof InvalidRequestLimitError);
  await scheduler.advance(599_000);
  assert.equal(guard.count, 0);
  assert.equal(guard.check("GET", "/x"), undefined);
  // The window goes on counting from there.
  guard.record(403);
  guard.record(403);
  assert.equal(guard.check("GET", "/x")?.retryAfter, 600_000);
});

Deno.test("getCurrentUserGuildMember: one user's 429 does not hold another user's request (Discord limits each token on its own)", async () => {
  const clock = new VirtualScheduler();
  const sent: string[] = [];
  const limited = (auth: string) => auth.endsWith("userA");
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    maxRetries: 0,
    fetch: (_input: RequestInfo | URL, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get("authorization")!;
      sent.push(`${clock.now()} ${auth}`);
      const headers = {
        "content-type": "application/json",
        "x-ratelimit-bucket": "abc",
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": limited(auth) ? "0" : "4",
        "x-ratelimit-reset-after": limited(auth) ? "30" : "1",
      };
      return Promise.resolve(
        limited(auth)
          ? Response.json(
            { message: "You are being rate limited.", retry_after: 30 },
            {
              status: 429,
              headers: {
                ...headers,
                "retry-after": "30",
                "x-ratelimit-scope": "user",
              },
            },
          )
          : Response.json({ user: { id: "2" }, roles: [] }, { headers }),
      );
    },
  });
  const a = getCurrentUserGuildMember(rest, "5", "userA").catch((e) => e.name);
  await clock.advance(5);
  const again = getCurrentUserGuildMember(rest, "5", "userA").catch(() => {});
  const b = getCurrentUserGuildMember(rest, "5", "userB");
  await clock.advance(10);
  assert.deepEqual((await b).roles, []);
  assert.equal(await a, "RateLimitError");
  // B went out at once; A's second request waits for A's own reset.
  assert.deepEqual(sent, ["0 Bearer userA", "5 Bearer userB"]);
  await clock.advance(30_000);
  await again;
  assert.equal(sent.at(-1), "30000 Bearer userA");
});

Deno.test("InvalidRequestGuard on the real clock: a wall clock set back and corrected forgets no answer early", () => {
  const guard = new InvalidRequestGuard({
    scheduler: realScheduler,
    limit: 2,
    window: 60_000,
  });
  guard.record(401);
  guard.record(429);
  const wall = Date.now;
  try {
    // NTP steps the wall clock back a minute, then forward again: no time
    // passed, so both answers are still in the window.
    Date.now = () => wall() - 60_000;
    assert.equal(guard.count, 2);
    Date.now = wall;
    assert.equal(guard.count, 2);
    assert.ok(guard.check("GET", "/x") instanceof InvalidRequestLimitError);
  } finally {
    Date.now = wall;
  }
});

Deno.test("InvalidRequestGuard on a copy of the real scheduler keeps the monotonic clock, in whole milliseconds", () => {
  const guard = new InvalidRequestGuard({
    scheduler: { ...realScheduler },
    limit: 1,
    window: 60_000,
  });
  guard.record(401);
  const wall = Date.now;
  try {
    Date.now = () => wall() - 60_000;
    assert.equal(guard.count, 1);
    Date.now = wall;
    assert.equal(
      guard.count,
      1,
      "a step back and its correction forget nothing",
    );
    const refused = guard.check("GET", "/x");
    assert.ok(refused instanceof InvalidRequestLimitError);
    assert.ok(Number.isInteger(refused.retryAfter), String(refused.retryAfter));
  } finally {
    Date.now = wall;
  }
});

/**
 * A fetch that answers `{ id: "1" }` to the requests `accepts` takes (by
 * their Authorization header and path) and Discord's 401 to the others.
 */
function unauthorizedUnless(
  accepts: (auth: string | null, path: string) => boolean,
): typeof globalThis.fetch {
  return (input, init) => {
    const auth = new Headers(init?.headers).get("authorization");
    const path = new URL(String(input)).pathname;
    return Promise.resolve(
      accepts(auth, path)
        ? Response.json({ id: "1" })
        : Response.json({ message: "401: Unauthorized", code: 0 }, {
          status: 401,
        }),
    );
  };
}

/** Warnings logged under `disruption` while `body` runs. */
async function warningsOf(body: () => Promise<void>): Promise<string[]> {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record: LogRecord) => records.push(record) },
    loggers: [
      { category: ["disruption"], lowestLevel: "warning", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  try {
    await body();
  } finally {
    await reset();
  }
  return records.filter((record) => record.level === "warning").map((
    record,
  ) => record.message.map(String).join(""));
}

Deno.test("RestClient: a 429 of Cloudflare's is not retried, pauses every request for its Retry-After (an interaction callback fails at once instead), and warns once", async () => {
  // An IP restriction: an HTML 429 without retry_after or X-RateLimit-*
  // headers. Each was retried maxRetries times, 1 s apart, each retry one
  // more invalid request, and other routes kept sending.
  const clock = new VirtualScheduler();
  const sent: string[] = [];
  let banned = true;
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    maxRetries: 3,
    fetch: (input, init) => {
      sent.push(
        `${clock.now()} ${init?.method} ${new URL(String(input)).pathname}`,
      );
      return Promise.resolve(
        banned
          ? new Response("<html><body>error code: 1015</body></html>", {
            status: 429,
            headers: { "content-type": "text/html", "retry-after": "30" },
          })
          : Response.json({ id: "1" }),
      );
    },
  });
  const warnings = await warningsOf(async () => {
    const failures: unknown[] = [];
    for (
      const call of [
        rest.request("GET", "/channels/1/messages"),
        rest.request("GET", "/channels/2/messages"),
        rest.createInteractionResponse("5", "tok", { type: 1 }),
      ]
    ) {
      call.then(() => failures.push("resolved"), (e) => failures.push(e));
    }
    await clock.flushMicrotasks();
    assert.equal(failures.length, 3, "settled at once, no retry waited for");
    for (const error of failures) {
      assert.ok(error instanceof RateLimitError, String(error));
      assert.equal(error.scope, "cloudflare");
      assert.equal(error.retryAfter, 30_000);
      assert.equal(error.global, false);
      assert.match(error.message, /answered 429 by Cloudflare/);
      assert.match(
        error.message,
        /too many invalid requests \(401\/403\/429\)/,
      );
    }
    assert.equal(sent.length, 3, "none retried");
    assert.equal(rest.rateLimiter.cloudflarePausedUntil, 30_000);
    // Every route waits for the pause, a webhook (under the IP's global
    // limit) too; an interaction callback, which cannot wait, fails unsent.
    banned = false;
    const later = Promise.all([
      rest.request("GET", "/channels/3/messages"),
      rest.request("POST", "/webhooks/1/webhook-token", { body: {} }),
    ]);
    const callback = await rest.createInteractionResponse("6", "tok2", {
      type: 1,
    }).then(() => undefined, (e) => e);
    assert.ok(callback instanceof RateLimitError);
    assert.equal(callback.scope, "cloudflare");
    await clock.advance(29_999);
    assert.equal(sent.length, 3);
    await clock.advance(1);
    await later;
    assert.deepEqual(sent.slice(3).map((line) => line.split(" ")[0]), [
      "30000",
      "30000",
    ]);
  });
  // One warning for the pause, not one per request it answered.
  const cloudflare = warnings.filter((w) => w.includes("Cloudflare"));
  assert.equal(cloudflare.length, 1, warnings.join("\n"));
  assert.match(cloudflare[0]!, /restricted after too many invalid requests/);
  assert.match(cloudflare[0]!, /waits 30000 ms/);
  assert.match(cloudflare[0]!, /other processes on this IP/);
});

Deno.test("RestClient: a Cloudflare 429 without Retry-After pauses 60 s, at most maxRateLimitWait, and warns at most once a minute; Discord's 429s are retried as before", async () => {
  const clock = new VirtualScheduler();
  let sent = 0;
  let answer = (): Response =>
    Response.json({
      message:
        "You are being blocked from accessing our API temporarily due to exceeding our rate limits frequently.",
      code: 0,
    }, { status: 429 });
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    maxRateLimitWait: 10_000,
    fetch: () => {
      sent++;
      return Promise.resolve(answer());
    },
  });
  const warnings = await warningsOf(async () => {
    const first = await rest.request("GET", "/gateway/bot").catch((e) => e);
    assert.ok(first instanceof RateLimitError);
    assert.equal(first.scope, "cloudflare");
    assert.equal(first.retryAfter, 60_000);
    assert.equal(first.maxWait, 10_000);
    assert.equal(rest.rateLimiter.cloudflarePausedUntil, 10_000);
    const second = rest.request("GET", "/gateway/bot").then(
      () => undefined,
      (e: RateLimitError) => e,
    );
    await clock.advance(10_000);
    assert.equal((await second)?.scope, "cloudflare");
    assert.equal(sent, 2);
    // Discord's own 429 (retry_after in its body) is waited out and retried.
    let limited = true;
    answer = () => {
      if (!limited) return Response.json({ url: "wss://x" });
      limited = false;
      return Response.json({
        message: "You are being rate limited.",
        retry_after: 1,
        global: false,
      }, {
        status: 429,
      });
    };
    const retried = rest.request("GET", "/gateway/bot");
    await clock.advance(10_000 + 1000);
    assert.deepEqual(await retried, { url: "wss://x" });
    assert.equal(sent, 4);
  });
  // Two pauses within a minute: one warning.
  assert.equal(warnings.filter((w) => w.includes("Cloudflare")).length, 1);
});

Deno.test("RestClient does not use a webhook again after Discord answered 404 Unknown Webhook: keyed by id and token, bounded", async () => {
  const clock = new VirtualScheduler();
  const sent: string[] = [];
  const notFound = (code: number, message: string): Response =>
    Response.json({ code, message }, { status: 404 });
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    fetch: (input, init) => {
      const path = new URL(String(input)).pathname.slice("/api/v10".length);
      sent.push(`${init?.method} ${path}`);
      if (path === "/webhooks/10/gone-token") {
        return Promise.resolve(notFound(10015, "Unknown Webhook"));
      }
      if (path.startsWith("/webhooks/20/live-token/messages/")) {
        return Promise.resolve(notFound(10008, "Unknown Message"));
      }
      if (path === "/webhooks/30") {
        return Promise.resolve(notFound(10015, "Unknown Webhook"));
      }
      if (path === "/webhooks/40/thread-token") {
        return Promise.resolve(notFound(10003, "Unknown Channel"));
      }
      return Promise.resolve(Response.json({ id: "1" }));
    },
  });
  // The second waits behind the first in the webhook's bucket: refused
  // when its turn comes, not sent.
  const [first, queued] = await Promise.all(
    ["a", "a2"].map((content) =>
      executeWebhook(rest, "10", "gone-token", { content }).then(
        () => undefined,
        (e) => e,
      )
    ),
  );
  assert.ok(first instanceof DiscordApiError);
  assert.equal(first.code, 10015);
  assert.ok(queued instanceof UnknownWebhookError);
  for (
    const call of [
      () => executeWebhook(rest, "10", "gone-token", { content: "b" }),
      () =>
        rest.request("PATCH", "/webhooks/10/gone-token/messages/5", {
          body: { content: "c" },
        }),
      () => rest.request("GET", "/webhooks/10/gone-token?x=1"),
    ]
  ) {
    const refused = await call().then(() => undefined, (e) => e);
    assert.ok(refused instanceof UnknownWebhookError, String(refused));
    assert.equal(refused.webhookId, "10");
    assert.equal(refused.rejectedBy, "POST /webhooks/10/:token");
    assert.match(
      refused.message,
      /refused: Discord answered 404 to webhook 10 on POST \/webhooks\/10\/:token/,
    );
    assert.ok(!refused.message.includes("gone-token"));
  }
  assert.deepEqual(sent, ["POST /webhooks/10/gone-token"]);
  // Another token of the same id (another interaction of the application)
  // still goes out.
  await rest.createFollowupMessage("10", "other-token", { content: "d" });
  // An Unknown Message below a webhook is the message's, not the webhook's.
  await assert.rejects(
    rest.request("GET", "/webhooks/20/live-token/messages/7"),
    DiscordApiError,
  );
  await rest.request("GET", "/webhooks/20/live-token/messages/8").catch(
    () => {},
  );
  await executeWebhook(rest, "20", "live-token", { content: "e" });
  // Nor is another code on the webhook's own route (a thread_id unknown).
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      executeWebhook(rest, "40", "thread-token", { content: "f" }, {
        threadId: "9",
      }),
      DiscordApiError,
    );
  }
  // With the bot token: the id alone.
  await assert.rejects(rest.request("GET", "/webhooks/30"), DiscordApiError);
  await assert.rejects(
    rest.request("PATCH", "/webhooks/30", { body: { name: "x" } }),
    UnknownWebhookError,
  );
  assert.deepEqual(sent.slice(1), [
    "POST /webhooks/10/other-token",
    "GET /webhooks/20/live-token/messages/7",
    "GET /webhooks/20/live-token/messages/8",
    "POST /webhooks/20/live-token",
    "POST /webhooks/40/thread-token",
    "POST /webhooks/40/thread-token",
    "GET /webhooks/30",
  ]);
});

Deno.test("RestClient keeps sending an interaction's follow-ups after one answered 404 Unknown Webhook (a follow-up that overtook the HTTP endpoint's answer)", async () => {
  const sent: string[] = [];
  let answered = false;
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: new VirtualScheduler(),
    fetch: (input, init) => {
      const path = new URL(String(input)).pathname.slice("/api/v10".length);
      sent.push(`${init?.method} ${path}`);
      return Promise.resolve(
        answered
          ? Response.json({ id: "1" })
          : Response.json({ code: 10015, message: "Unknown Webhook" }, {
            status: 404,
          }),
      );
    },
  });
  await assert.rejects(
    rest.createFollowupMessage("10", "interaction-token", { content: "a" }),
    DiscordApiError,
  );
  answered = true; // Discord has the initial response now.
  await rest.createFollowupMessage("10", "interaction-token", { content: "b" });
  await rest.editOriginalInteractionResponse("10", "interaction-token", {
    content: "c",
  });
  assert.deepEqual(sent, [
    "POST /webhooks/10/interaction-token",
    "POST /webhooks/10/interaction-token",
    "PATCH /webhooks/10/interaction-token/messages/@original",
  ]);
});

Deno.test("UnknownWebhooks remembers the last 1,000 webhooks that answered 404", () => {
  const gone = new UnknownWebhooks();
  const unknown = (method: string, path: string) =>
    new DiscordApiError({
      method,
      path,
      status: 404,
      body: { code: 10015, message: "Unknown Webhook" },
    });
  assert.equal(MAX_UNKNOWN_WEBHOOKS, 1000);
  for (let i = 0; i <= MAX_UNKNOWN_WEBHOOKS; i++) {
    const path = `/webhooks/${i}/token-${i}`;
    gone.record(
      parseRoute("POST", path),
      `/webhooks/${i}/:token`,
      unknown("POST", path),
    );
  }
  assert.equal(gone.size, MAX_UNKNOWN_WEBHOOKS);
  assert.equal(
    gone.check("POST", parseRoute("POST", "/webhooks/0/token-0"), "/x"),
    undefined,
  );
  assert.ok(
    gone.check(
      "POST",
      parseRoute("POST", "/webhooks/1/token-1"),
      "/x",
    ) instanceof
      UnknownWebhookError,
  );
  assert.ok(
    gone.check(
      "POST",
      parseRoute("POST", "/webhooks/1000/token-1000"),
      "/x",
    ) instanceof
      UnknownWebhookError,
  );
  // Only a 404.
  gone.record(
    parseRoute("POST", "/webhooks/5000/t"),
    "/x",
    new DiscordApiError({
      method: "POST",
      path: "/x",
      status: 400,
      body: { code: 10015 },
    }),
  );
  assert.equal(
    gone.check("POST", parseRoute("POST", "/webhooks/5000/t"), "/x"),
    undefined,
  );
});
