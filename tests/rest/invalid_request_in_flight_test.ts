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
