// Requests in flight count against the invalid-request cap as if each were
// answered 401/403/429, so that a burst cannot pass it; but while they are
// all that fills it, nothing failed: a further request waits for one of
// their answers instead of failing. It used to fail with "fix the failing
// requests; requests resume in 0 ms" (40 healthy messages, a cap of 30: 10
// lost). Time is the virtual scheduler's.
import assert from "node:assert/strict";
import {
  InvalidRequestGuard,
  InvalidRequestLimitError,
} from "../../rest/invalid_requests.ts";
import { RateLimitError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { pathOf } from "../_fakes/rest_calls.ts";

/** Discord answering each request 200 (or `status`) after 300 ms. */
function slowDiscord(
  clock: VirtualScheduler,
  status = () => 200,
): { fetch: typeof globalThis.fetch; sent: string[] } {
  const sent: string[] = [];
  const fetch: typeof globalThis.fetch = (input) => {
    sent.push(`${clock.now()} ${pathOf(input as string)}`);
    const code = status();
    return new Promise((resolve) =>
      clock.setTimeout(
        () =>
          resolve(
            code === 200
              ? Response.json({ id: "1" })
              : Response.json({ message: "Missing Access", code: 50001 }, {
                status: code,
              }),
          ),
        300,
      )
    );
  };
  return { fetch, sent };
}

Deno.test("RestClient: requests in flight that fill the invalid-request cap hold further requests until they are answered; none fails", async () => {
  const clock = new VirtualScheduler();
  const { fetch, sent } = slowDiscord(clock);
  const rest = new RestClient({
    token: "t",
    fetch,
    scheduler: clock,
    invalidRequestLimit: 30,
  });
  const results = Array.from(
    { length: 40 },
    (_, i) =>
      rest.createMessage(String(1000 + i), { content: "hi" }).then(
        () => "ok",
        (error: Error) => error.name,
      ),
  );
  await clock.advance(100);
  assert.equal(sent.length, 30, "the cap's worth in flight");
  await clock.advance(1000);
  assert.deepEqual(await Promise.all(results), Array(40).fill("ok"));
  assert.equal(sent.length, 40);
  // The 10 held went out as the first answers came, at 300 ms.
  assert.ok(sent.slice(30).every((line) => line.startsWith("300 ")));
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: held by requests in flight, a request is refused once their answers (403s) fill the cap alone", async () => {
  const clock = new VirtualScheduler();
  const { fetch, sent } = slowDiscord(clock, () => 403);
  const rest = new RestClient({
    token: "t",
    fetch,
    scheduler: clock,
    invalidRequestLimit: 3,
    maxRetries: 0,
  });
  const results = Array.from(
    { length: 5 },
    (_, i) =>
      rest.createMessage(String(1000 + i), { content: "hi" }).catch((e) => e),
  );
  await clock.advance(1000);
  const outcomes = await Promise.all(results);
  assert.equal(sent.length, 3);
  for (const refused of outcomes.slice(3)) {
    assert.ok(refused instanceof InvalidRequestLimitError, String(refused));
    assert.equal(refused.count, 3);
    assert.equal(refused.retryAfter, 600_000);
    assert.match(refused.message, /fix the failing requests/);
  }
});

Deno.test("InvalidRequestGuard: requests in flight filling the cap hold a request (holds), the answers counted alone refuse it (check)", () => {
  const clock = new VirtualScheduler();
  const guard = new InvalidRequestGuard({ scheduler: clock, limit: 2 });
  assert.equal(guard.reserve("POST", "/a"), undefined);
  assert.equal(guard.holds(), false);
  assert.equal(guard.reserve("POST", "/b"), undefined);
  assert.equal(guard.check("POST", "/c"), undefined, "nothing failed");
  assert.equal(guard.holds(), true);
  // Reserved anyway, it would pass the cap: refused, saying why.
  const refused = guard.reserve("POST", "/c");
  assert.ok(refused instanceof InvalidRequestLimitError);
  assert.equal(refused.retryAfter, 0);
  assert.match(
    refused.message,
    /2 requests in flight .*retry when they are answered/,
  );
  assert.doesNotMatch(refused.message, /fix the failing requests/);
  guard.settle(200);
  assert.equal(guard.holds(), false);
  guard.settle(403);
  guard.record(403);
  assert.equal(guard.holds(), true);
  assert.ok(guard.check("POST", "/d"));
});

Deno.test("RestClient: an interaction callback held by requests in flight filling the invalid-request cap fails unsent at the end of its 3 s, saying why", async () => {
  const clock = new VirtualScheduler();
  const sent: string[] = [];
  const fetch: typeof globalThis.fetch = (input) => {
    const path = pathOf(input as string);
    sent.push(`${clock.now()} ${path}`);
    if (path.startsWith("/channels/1/")) {
      return Promise.resolve(
        Response.json({ message: "Missing Access", code: 50001 }, {
          status: 403,
        }),
      );
    }
    if (path.startsWith("/interactions/")) {
      return Promise.resolve(new Response(null, { status: 204 }));
    }
    // A slow, healthy request: answered after 10 s.
    return new Promise((resolve) =>
      clock.setTimeout(() => resolve(Response.json({ id: "1" })), 10_000)
    );
  };
  const rest = new RestClient({
    token: "t",
    fetch,
    scheduler: clock,
    invalidRequestLimit: 2,
    timeout: 30_000,
  });
  await rest.createMessage("1", { content: "x" }).catch(() => {}); // 1 counted
  const slow = rest.createMessage("2", { content: "slow" });
  await clock.advance(10);
  const callback = rest.createInteractionResponse("5", "tok", { type: 4 })
    .then(() => [clock.now()], (error) => [clock.now(), error]);
  await clock.advance(15_000);
  await slow;
  const [at, error] = await callback as [number, unknown];
  // Sent after its window, Discord's 404 Unknown interaction hid the cap.
  assert.deepEqual(sent, ["0 /channels/1/messages", "0 /channels/2/messages"]);
  assert.equal(at, 3010);
  assert.ok(error instanceof RateLimitError, String(error));
  assert.equal(error.maxWait, 3000);
  // The answers it waited for free the cap, not a time.
  assert.equal(error.retryAfter, 0);
  assert.equal(error.scope, "user");
  assert.match(
    error.message,
    /^POST \/interactions\/5\/:token\/callback refused unsent: the requests in flight fill the invalid-request cap \(invalidRequestLimit.*3 s of the interaction.*defer/,
  );
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: an interaction callback held by requests in flight goes when one is answered within its 3 s", async () => {
  const clock = new VirtualScheduler();
  const { fetch, sent } = slowDiscord(clock);
  const rest = new RestClient({
    token: "t",
    fetch,
    scheduler: clock,
    invalidRequestLimit: 1,
  });
  const message = rest.createMessage("1", { content: "x" });
  await clock.advance(10);
  const callback = rest.createInteractionResponse("5", "tok", { type: 6 });
  await clock.advance(600);
  await Promise.all([message, callback]);
  assert.deepEqual(sent, [
    "0 /channels/1/messages",
    "300 /interactions/5/tok/callback",
  ]);
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: requests held by those in flight go out in the order they were held", async () => {
  const clock = new VirtualScheduler();
  const { fetch, sent } = slowDiscord(clock);
  const rest = new RestClient({
    token: "t",
    fetch,
    scheduler: clock,
    invalidRequestLimit: 1,
  });
  const results = ["1", "3", "4", "5"].map((channel) =>
    rest.createMessage(channel, { content: "hi" })
  );
  await clock.advance(1500);
  await Promise.all(results);
  // One at a time, each when the one before is answered. A bucket that
  // lost the freed place went to the back of the held ones: 3, 5, 4.
  assert.deepEqual(sent, [
    "0 /channels/1/messages",
    "300 /channels/3/messages",
    "600 /channels/4/messages",
    "900 /channels/5/messages",
  ]);
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: a held bucket that keeps getting requests does not take every freed place from one held before them", async () => {
  const clock = new VirtualScheduler();
  const sent: string[] = [];
  // Every answer after 300 ms; a message's names its bucket, 999 left.
  const fetch: typeof globalThis.fetch = (input) => {
    const path = pathOf(input as string);
    sent.push(`${clock.now()} ${path}`);
    const answer = path.startsWith("/interactions/")
      ? new Response(null, { status: 204 })
      : Response.json({ id: "1" }, {
        headers: {
          "x-ratelimit-bucket": "msg",
          "x-ratelimit-limit": "1000",
          "x-ratelimit-remaining": "999",
          "x-ratelimit-reset-after": "60",
        },
      });
    return new Promise((resolve) =>
      clock.setTimeout(() => resolve(answer), 300)
    );
  };
  const rest = new RestClient({
    token: "t",
    fetch,
    scheduler: clock,
    invalidRequestLimit: 2,
  });
  const warm = rest.createMessage("1", { content: "warm" });
  await clock.advance(400);
  await warm;
  // Two in flight fill the cap; channel 1 is held, then a callback.
  const all = [
    rest.createMessage("8", { content: "a" }),
    rest.createMessage("9", { content: "b" }),
  ];
  await clock.advance(10);
  all.push(rest.createMessage("1", { content: "x0" }));
  await clock.advance(10);
  const asked = clock.now();
  const callback = rest.createInteractionResponse("5", "tok", { type: 6 });
  // Channel 1 gets a message every 100 ms after the callback was asked.
  for (let i = 1; i <= 10; i++) {
    await clock.advance(100);
    all.push(rest.createMessage("1", { content: `x${i}` }));
  }
  await clock.advance(5_000);
  await callback; // it used to fail unsent at its 3 s, channel 1 sending
  await Promise.all(all);
  const at = (what: string) =>
    Number(sent.find((line) => line.includes(what))!.split(" ")[0]);
  assert.ok(
    at("/interactions/5/") - asked < 1_000,
    `the callback went ${at("/interactions/5/") - asked} ms after it was asked`,
  );
  const channelOneBefore = sent.filter((line) =>
    line.includes("/channels/1/") &&
    Number(line.split(" ")[0]) > asked &&
    Number(line.split(" ")[0]) < at("/interactions/5/")
  );
  assert.ok(channelOneBefore.length <= 1, channelOneBefore.join(", "));
  assert.equal(clock.pending, 0);
});
