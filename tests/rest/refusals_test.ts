// What the REST client refuses without sending, and what it holds back
// after a 429 of Cloudflare's: interaction callbacks fail at once during a
// pause (they cannot wait: Discord takes them within 3 s), refusals of
// queued requests take no global slot nor bucket count and come at once,
// and a restricted IP gets one request per pause (at least 1 s), said on
// stderr at most once a minute.
import assert from "node:assert/strict";
import { RateLimitError } from "../../rest/errors.ts";
import { parseRoute } from "../../rest/routes.ts";
import { RestClient } from "../../rest/rest_client.ts";
import {
  InvalidRequestLimitError,
  TokenRejectedError,
  UnknownWebhookError,
} from "../../rest/invalid_requests.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pathOf, type Settled, settled } from "../_fakes/rest_calls.ts";

/** Cloudflare's ban page: 429, HTML, no retry_after, no X-RateLimit-*. */
function cloudflare429(retryAfter: string): Response {
  return new Response("<html>error code: 1015</html>", {
    status: 429,
    headers: { "content-type": "text/html", "retry-after": retryAfter },
  });
}

Deno.test("RestClient: during a Cloudflare pause an interaction callback fails at once, unsent, one queued before the pause too; a follow-up waits the pause out, and a callback at its very end is sent", async () => {
  // The pause held callbacks to its end (up to 60 s) and then sent them all:
  // each long past Discord's 3 s, answered 10062 Unknown interaction, and
  // one more request to the restricted IP.
  const clock = new VirtualScheduler();
  const sent: string[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    fetch: (input, init) => {
      const path = pathOf(input);
      sent.push(`${clock.now()} ${init?.method} ${path}`);
      if (path === "/interactions/5/tok5/callback") {
        // Discord's own 429: the callback is retried after 2 s (within
        // its 3 s; a longer wait fails it at once).
        return Promise.resolve(
          Response.json({ message: "rate limited", retry_after: 2 }, {
            status: 429,
            headers: { "x-ratelimit-scope": "user" },
          }),
        );
      }
      if (path === "/channels/1/messages") {
        return Promise.resolve(cloudflare429("20"));
      }
      return Promise.resolve(Response.json({ id: "1" }));
    },
  });
  const queued = settled(
    rest.createInteractionResponse("5", "tok5", { type: 1 }),
  );
  await clock.flushMicrotasks();
  assert.equal(sent.length, 1, "the callback waits for its retry");
  await captureStderr(() =>
    assert.rejects(rest.request("GET", "/channels/1/messages"))
  );
  assert.equal(rest.rateLimiter.cloudflarePausedUntil, 20_000);
  await clock.advance(1000);
  const fresh = settled(
    rest.createInteractionResponse("6", "tok6", {
      type: 4,
      data: { content: "hi" },
    }),
  );
  const followup = settled(
    rest.createFollowupMessage("7", "tok7", { content: "x" }),
  );
  await clock.flushMicrotasks();
  assert.ok(queued.done && fresh.done, "the callbacks failed at once");
  assert.ok(!followup.done, "the follow-up waits");
  for (
    const [{ error }, pausedFor] of [[queued, 20_000], [fresh, 19_000]] as const
  ) {
    assert.ok(error instanceof RateLimitError, String(error));
    assert.equal(error.scope, "cloudflare");
    assert.equal(error.retryAfter, pausedFor);
    assert.match(error.message, /refused unsent/);
    assert.match(error.message, /within 3 s/);
    assert.doesNotMatch(error.message, /was answered 429/);
    assert.ok(!/tok\d/.test(error.message), "no token in the message");
  }
  await clock.advance(19_000);
  assert.ok(followup.done && followup.error === undefined);
  // At the pause's very end a callback is sent, not refused with 0 ms left.
  const atEnd = settled(
    rest.createInteractionResponse("8", "tok8", { type: 1 }),
  );
  await clock.flushMicrotasks();
  assert.ok(atEnd.done && atEnd.error === undefined, String(atEnd.error));
  assert.deepEqual(sent, [
    "0 POST /interactions/5/tok5/callback",
    "0 GET /channels/1/messages",
    "20000 POST /webhooks/7/tok7",
    "20000 POST /interactions/8/tok8/callback",
  ]);
});

Deno.test("RestClient: requests queued to a webhook that answers 404 fail at once, taking no global slot nor the bucket's count: a healthy webhook is not held up", async () => {
  // They were refused only at their turn, each taking the bucket's count
  // and an IP global slot: 300 drained at the bucket's pace and then at
  // 50 a second, and another webhook's requests waited behind them.
  const clock = new VirtualScheduler();
  const sent: string[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    fetch: (input) => {
      const path = pathOf(input);
      sent.push(`${clock.now()} ${path}`);
      const window = {
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": "2",
      };
      return Promise.resolve(
        path.startsWith("/webhooks/111/")
          ? Response.json({ message: "Unknown Webhook", code: 10015 }, {
            status: 404,
            headers: { "x-ratelimit-bucket": "whA", ...window },
          })
          : Response.json({ id: "1" }, {
            headers: { "x-ratelimit-bucket": "whB", ...window },
          }),
      );
    },
  });
  const dying = Array.from(
    { length: 300 },
    () =>
      settled(
        rest.request("POST", "/webhooks/111/token-a", { body: { c: "x" } }),
      ),
  );
  await clock.flushMicrotasks();
  assert.equal(clock.now(), 0);
  assert.ok(dying.every((state) => state.done));
  assert.equal(
    dying.filter((state) => state.error instanceof UnknownWebhookError).length,
    299,
  );
  // The 404's window (0 of 5 left, 2 s) is as the answer said it.
  const bucket = rest.rateLimiter.bucketState(
    parseRoute("POST", "/webhooks/111/token-a"),
  );
  assert.equal(bucket?.remaining, 0);
  assert.equal(bucket?.queued, 0);
  // A healthy webhook goes at once: no IP global slot went to a refusal.
  await clock.advance(2000);
  for (let i = 0; i < 49; i++) {
    await rest.request("POST", `/webhooks/${200 + i}/token-b`, { body: {} });
  }
  assert.deepEqual(sent.map((line) => line.split(" ")[0]), [
    "0",
    ...Array.from({ length: 49 }, () => "2000"),
  ]);
});

Deno.test("RestClient: requests queued behind the 401 that rejected the bot token fail at once, not at their bucket's pace", async () => {
  const clock = new VirtualScheduler();
  let sent = 0;
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    fetch: () => {
      sent++;
      return Promise.resolve(
        Response.json({ message: "401: Unauthorized", code: 0 }, {
          status: 401,
          headers: {
            "x-ratelimit-bucket": "msgs",
            "x-ratelimit-limit": "5",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset-after": "5",
          },
        }),
      );
    },
  });
  const calls = Array.from(
    { length: 100 },
    () => settled(rest.request("GET", "/channels/1/messages")),
  );
  await captureStderr(() => clock.flushMicrotasks());
  assert.equal(clock.now(), 0);
  assert.equal(sent, 1);
  assert.equal(
    calls.filter((state) => state.error instanceof TokenRejectedError).length,
    99,
  );
});

Deno.test("RestClient: requests held while one in flight fills the invalid-request cap are refused at once when its 403 fills it, taking none of their bucket's count", async () => {
  const clock = new VirtualScheduler();
  const sent: string[] = [];
  let release = (): void => {};
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    globalLimit: 3,
    invalidRequestLimit: 1,
    fetch: (input) => {
      const path = pathOf(input);
      sent.push(`${clock.now()} ${path}`);
      const headers = {
        "x-ratelimit-bucket": "messages",
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "4",
        "x-ratelimit-reset-after": "30",
      };
      const answer = Response.json({ id: "1" }, { headers });
      if (path !== "/channels/0/messages") return Promise.resolve(answer);
      // Held: in flight, it fills the cap of 1; then answered 403.
      return new Promise((resolve) =>
        release = () =>
          resolve(Response.json({ message: "Missing Access", code: 50001 }, {
            status: 403,
            headers,
          }))
      );
    },
  });
  await rest.request("GET", "/channels/9/messages");
  await clock.advance(1000);
  const held = settled(rest.request("GET", "/channels/0/messages"));
  await clock.flushMicrotasks();
  const waiting = [9, 1, 2, 3, 4, 5].map((i) =>
    settled(rest.request("GET", `/channels/${i}/messages`))
  );
  await clock.flushMicrotasks();
  // Nothing failed yet: they wait for the answer in flight.
  for (const state of waiting) assert.equal(state.done, false);
  const stderr = await captureStderr(() => {
    release();
    return clock.flushMicrotasks();
  });
  assert.equal(clock.now(), 1000);
  assert.ok(held.error !== undefined);
  for (const state of waiting) {
    assert.ok(state.error instanceof InvalidRequestLimitError);
  }
  assert.equal(stderr.length, 1, "the cap is said once");
  assert.equal(
    rest.rateLimiter.bucketState(parseRoute("GET", "/channels/9/messages"))
      ?.remaining,
    4,
    "the refused request took none of its bucket's count",
  );
  assert.deepEqual(sent, [
    "0 /channels/9/messages",
    "1000 /channels/0/messages",
  ]);
});

Deno.test("RestClient: with maxRateLimitWait 0 a Cloudflare 429 still pauses 1 s; after each pause one request goes first, and answered 429 again, those that waited fail unsent; stderr hears of it at most once a minute", async () => {
  // A pause of 0 ms let every request through and each 429 warned anew
  // (20 calls, 20 warnings); at 500 ms the whole queue went out after
  // each pause (350 requests and 13 warnings in 5 s).
  const clock = new VirtualScheduler();
  let sent = 0;
  let banned = true;
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    maxRateLimitWait: 0,
    fetch: () => {
      sent++;
      return Promise.resolve(
        banned ? cloudflare429("600") : Response.json({ id: "1" }),
      );
    },
  });
  const stderr = await captureStderr(async () => {
    const first = await rest.request("GET", "/gateway/bot").catch((e) => e);
    assert.ok(first instanceof RateLimitError);
    assert.equal(first.scope, "cloudflare");
    assert.equal(first.retryAfter, 600_000);
    assert.equal(first.maxWait, 1000);
    assert.match(first.message, /waits 1000 ms/);
    assert.equal(rest.rateLimiter.cloudflarePausedUntil, 1000);
    // A bot that keeps working: 100 channels, each asking again when its
    // request failed (at most 50 times each, so that no pause at all
    // cannot spin for ever).
    const errors: unknown[] = [];
    const loops = Array.from({ length: 100 }, async (_, i) => {
      for (let n = 0; n < 50 && clock.now() < 5000; n++) {
        await rest.request("GET", `/channels/${i}/messages`).catch((e) =>
          errors.push(e)
        );
      }
    });
    await clock.advance(4999);
    assert.equal(sent, 5, "one request a second reaches the restricted IP");
    await clock.advance(1);
    await Promise.all(loops);
    assert.equal(sent, 6);
    // Every call failed within the pause it waited for: 5 pauses of 100.
    assert.equal(errors.length, 500);
    for (const error of errors) {
      assert.ok(error instanceof RateLimitError);
      assert.equal(error.scope, "cloudflare");
    }
    const held = errors.filter((e) =>
      /refused unsent.*answered 429 by Cloudflare again/.test(
        (e as Error).message,
      )
    );
    assert.equal(held.length, 495, "those held were never sent");
    // A minute after the first warning, a pause that starts warns again.
    await clock.advance(56_000);
    await assert.rejects(rest.request("GET", "/gateway/bot"), RateLimitError);
    // The restriction is over: the request sent first says so, the one
    // that waited for its answer follows at once.
    banned = false;
    const after = Promise.all([
      rest.request("GET", "/channels/1/messages"),
      rest.request("GET", "/channels/2/messages"),
    ]);
    await clock.advance(1000);
    await after;
    assert.equal(sent, 9);
  });
  const warnings = stderr.filter((line) => line.includes("Cloudflare"));
  assert.equal(warnings.length, 2, stderr.join("\n"));
  assert.match(warnings[0]!, /at most once a minute/);
});

Deno.test("RestClient: a Cloudflare probe that gets no answer (aborted, timed out) does not end the restriction: the next held request goes first, alone; a callback does not wait for the probe", async () => {
  // The probe's abort used to count as "answered, not by Cloudflare": all
  // 30 held requests then went into the restricted IP at once.
  const clock = new VirtualScheduler();
  const sent: string[] = [];
  const probe = new AbortController();
  const callbacks: string[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    fetch: (input, init) => {
      const path = pathOf(input);
      if (path.startsWith("/interactions/")) {
        callbacks.push(`${clock.now()} ${path}`);
        return Promise.resolve(new Response(null, { status: 204 }));
      }
      sent.push(path);
      if (sent.length === 1) return Promise.resolve(cloudflare429("1"));
      if (path.endsWith("/channels/0")) {
        // The probe: no answer until its caller gives up.
        return new Promise((_, reject) =>
          init?.signal?.addEventListener(
            "abort",
            () => reject(init.signal?.reason),
          )
        );
      }
      return Promise.resolve(cloudflare429("1"));
    },
  });
  await assert.rejects(rest.request("GET", "/gateway/bot"), RateLimitError);
  const calls: Settled[] = [
    settled(rest.request("GET", "/channels/0", { signal: probe.signal })),
  ];
  for (let i = 1; i <= 30; i++) {
    calls.push(settled(rest.request("GET", `/channels/${i}`)));
  }
  await clock.advance(1000);
  assert.deepEqual(sent.slice(1), ["/channels/0"], "one probe first");
  // An interaction callback neither waits for the probe's answer nor is
  // the probe: it goes at once.
  const callback = settled(
    rest.createInteractionResponse("9", "tok9", { type: 1 }),
  );
  await clock.flushMicrotasks();
  assert.deepEqual(callbacks, ["1000 /interactions/9/tok9/callback"]);
  assert.ok(callback.done && callback.error === undefined);
  probe.abort();
  await clock.advance(0);
  assert.equal(sent.length, 3, `one new probe, not the queue: ${sent}`);
  await clock.advance(60_000);
  assert.ok(calls.every((call) => call.done && call.error !== undefined));
  assert.ok(
    sent.length <= 4,
    `the held requests fail unsent once a probe is answered 429: ${sent}`,
  );
});
