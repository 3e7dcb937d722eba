// An interaction callback that would have to wait past Discord's 3 s (a
// 429's retry delay, its bucket's reset) fails at once with a
// RateLimitError saying why. It was retried after the wait instead, long
// past the window, and the caller got Discord's misleading 404 "Unknown
// interaction" (10062). Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { RateLimitError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { CallbackWindow } from "../../rest/_callback_window.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { pathOf, settled } from "../_fakes/rest_calls.ts";

const UNKNOWN_INTERACTION = {
  message: "Unknown interaction",
  code: 10062,
};

/**
 * A client whose fake Discord answers each request with the next of
 * `answers` (then 204), recording when each was sent.
 */
function client(
  clock: VirtualScheduler,
  answers: Array<() => Response>,
): { rest: RestClient; sent: string[] } {
  const sent: string[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    fetch: (input) => {
      sent.push(`${clock.now()} ${pathOf(input)}`);
      // Once the answers run out, the interaction's 3 s are long over.
      const answer = answers.shift() ??
        (() => Response.json(UNKNOWN_INTERACTION, { status: 404 }));
      return Promise.resolve(answer());
    },
  });
  return { rest, sent };
}

/** Discord's 429, `retry_after` seconds, of `scope`. */
function limited(retryAfter: number, scope: string): () => Response {
  return () =>
    Response.json({
      message: "You are being rate limited.",
      retry_after: retryAfter,
    }, {
      status: 429,
      headers: { "x-ratelimit-scope": scope, "x-ratelimit-bucket": "cb" },
    });
}

Deno.test("RestClient: an interaction callback answered 429 with a wait past its 3 s fails at once with a RateLimitError, not retried", async (t) => {
  for (const scope of ["user", "shared", "global"]) {
    await t.step(scope, async () => {
      const clock = new VirtualScheduler();
      const { rest, sent } = client(clock, [limited(5, scope)]);
      const call = settled(
        rest.createInteractionResponse("5", "tok5", { type: 1 }),
      );
      await clock.flushMicrotasks();
      assert.ok(call.done, "failed at once, not after the 5 s");
      await clock.advance(10_000);
      const { error } = call;
      assert.ok(error instanceof RateLimitError, String(error));
      assert.equal(error.retryAfter, 5000);
      assert.equal(error.scope, scope);
      assert.equal(error.maxWait, 3000);
      assert.equal(error.bucket, "cb");
      assert.match(
        error.message,
        /^POST \/interactions\/5\/:token\/callback not retried: Discord answered 429 .*5000 ms.*3 s/,
      );
      assert.match(error.message, /defer/);
      assert.ok(!error.message.includes("tok5"), "no token in the message");
      assert.deepEqual(sent, ["0 /interactions/5/tok5/callback"]);
    });
  }
});

Deno.test("RestClient: an interaction callback answered 429 with a wait within its 3 s is retried after it", async () => {
  const clock = new VirtualScheduler();
  const { rest, sent } = client(clock, [
    limited(1.5, "user"),
    () => new Response(null, { status: 204 }),
  ]);
  const call = settled(
    rest.createInteractionResponse("5", "tok5", { type: 1 }),
  );
  await clock.advance(1500);
  assert.ok(call.done && call.error === undefined, String(call.error));
  assert.deepEqual(sent, [
    "0 /interactions/5/tok5/callback",
    "1500 /interactions/5/tok5/callback",
  ]);
});

Deno.test("RestClient: an interaction callback whose bucket resets past its 3 s fails unsent; one whose bucket resets within them waits", async () => {
  const clock = new VirtualScheduler();
  const empty = (resetAfter: string) => () =>
    new Response(null, {
      status: 204,
      headers: {
        "x-ratelimit-bucket": "cb",
        "x-ratelimit-limit": "1",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": resetAfter,
      },
    });
  const { rest, sent } = client(clock, [
    empty("10"),
    empty("2"),
    () => new Response(null, { status: 204 }),
  ]);
  await rest.createInteractionResponse("5", "tok5", { type: 1 });
  // Its bucket has nothing left for 10 s.
  const late = settled(
    rest.createInteractionResponse("5", "tok6", { type: 1 }),
  );
  await clock.flushMicrotasks();
  assert.ok(late.done, "failed at once, not after the reset");
  const { error } = late;
  assert.ok(error instanceof RateLimitError, String(error));
  assert.equal(error.retryAfter, 10_000);
  assert.equal(error.bucket, "cb");
  assert.equal(error.scope, "user");
  assert.equal(error.maxWait, 3000);
  assert.match(
    error.message,
    /^POST \/interactions\/5\/:token\/callback refused unsent: its rate-limit bucket .*10000 ms.*3 s/,
  );
  await clock.advance(10_000);
  await rest.createInteractionResponse("5", "tok7", { type: 1 });
  // Now it has nothing left for 2 s: within the 3 s, the next one waits.
  const waits = settled(
    rest.createInteractionResponse("5", "tok8", { type: 1 }),
  );
  await clock.advance(1999);
  assert.ok(!waits.done, "waits for the reset");
  await clock.advance(1);
  assert.ok(waits.done && waits.error === undefined, String(waits.error));
  assert.deepEqual(sent, [
    "0 /interactions/5/tok5/callback",
    "10000 /interactions/5/tok7/callback",
    "12000 /interactions/5/tok8/callback",
  ]);
});

Deno.test("RestClient: a follow-up (not a callback) still waits out a 429 longer than 3 s", async () => {
  const clock = new VirtualScheduler();
  const { rest, sent } = client(clock, [
    limited(5, "user"),
    () => Response.json({ id: "1" }),
  ]);
  const call = settled(
    rest.createFollowupMessage("7", "tok7", { content: "x" }),
  );
  await clock.advance(5000);
  assert.ok(call.done && call.error === undefined, String(call.error));
  assert.deepEqual(sent, ["0 /webhooks/7/tok7", "5000 /webhooks/7/tok7"]);
});

Deno.test("RestClient: an interaction callback answered 429 of 1.5 s after 2 s of its window passed fails at once", async () => {
  const clock = new VirtualScheduler();
  const { rest, sent } = client(clock, [
    limited(2, "user"),
    limited(1.5, "user"),
    () => new Response(null, { status: 204 }),
  ]);
  const call = settled(
    rest.createInteractionResponse("5", "tok5", { type: 1 }),
  );
  // The first wait, 2 s, ends within the 3 s; the second would end at 3.5 s.
  await clock.advance(2000);
  assert.ok(call.done, "failed at once, not after the second wait");
  const { error } = call;
  assert.ok(error instanceof RateLimitError, String(error));
  assert.equal(error.retryAfter, 1500);
  assert.match(error.message, /\(1000 ms were left\)/);
  await clock.advance(10_000);
  assert.deepEqual(sent, [
    "0 /interactions/5/tok5/callback",
    "2000 /interactions/5/tok5/callback",
  ]);
});

Deno.test("RestClient: an interaction callback answered 429 of 3.5 s fails at once: its window is 3 s, not more", async () => {
  const clock = new VirtualScheduler();
  const { rest, sent } = client(clock, [
    limited(3.5, "user"),
    () => new Response(null, { status: 204 }),
  ]);
  const call = settled(
    rest.createInteractionResponse("5", "tok5", { type: 1 }),
  );
  await clock.flushMicrotasks();
  assert.ok(call.done, "failed at once, not after the 3.5 s");
  const { error } = call;
  assert.ok(error instanceof RateLimitError, String(error));
  assert.equal(error.retryAfter, 3500);
  await clock.advance(10_000);
  assert.deepEqual(sent, ["0 /interactions/5/tok5/callback"]);
});

Deno.test("RestClient: after a callback refused for its 429's wait, the next request of its bucket waits out that 429", async () => {
  const clock = new VirtualScheduler();
  const { rest, sent } = client(clock, [
    limited(5, "user"),
    () => new Response(null, { status: 204 }),
  ]);
  const late = settled(
    rest.createInteractionResponse("5", "tok5", { type: 1 }),
  );
  await clock.flushMicrotasks();
  assert.ok(late.error instanceof RateLimitError, String(late.error));
  // Its bucket is held as for a 429 not retried: the next callback, whose
  // 3 s end before the 429's 5 s, fails unsent rather than earn another.
  const next = settled(
    rest.createInteractionResponse("5", "tok6", { type: 1 }),
  );
  await clock.flushMicrotasks();
  assert.ok(next.error instanceof RateLimitError, String(next.error));
  assert.match(next.error.message, /refused unsent/);
  assert.deepEqual(sent, ["0 /interactions/5/tok5/callback"]);
});

Deno.test("RestClient: an interaction callback answered 429 with a wait of exactly its 3 s is retried at their end", async () => {
  const clock = new VirtualScheduler();
  const { rest, sent } = client(clock, [
    limited(3, "user"),
    () => new Response(null, { status: 204 }),
  ]);
  const call = settled(
    rest.createInteractionResponse("5", "tok5", { type: 1 }),
  );
  await clock.advance(3000);
  assert.ok(call.done && call.error === undefined, String(call.error));
  assert.deepEqual(sent, [
    "0 /interactions/5/tok5/callback",
    "3000 /interactions/5/tok5/callback",
  ]);
});

Deno.test("CallbackWindow: a refusal after its 3 s says 0 ms were left, never a negative time", async () => {
  const clock = new VirtualScheduler();
  const window = new CallbackWindow(
    "POST",
    "/interactions/5/:token/callback",
    clock,
  );
  await clock.advance(4000);
  assert.ok(window.left() < 0);
  const error = window.refusal(100, "waited", "user");
  assert.ok(error instanceof RateLimitError);
  assert.match(error.message, /\(0 ms were left\)/);
});
