// An interaction callback's retry after a 5xx or a lost answer (with
// `retryServerErrors: "all"`) must end within the interaction's 3 s: sent
// later, Discord answers 404 Unknown interaction (10062), and that answer
// hid the 5xx or the network failure that spent the window. A 429's retry
// past the window was already refused (callback_window_test.ts); these
// were sent late.
import assert from "node:assert/strict";
import { DiscordApiError, NetworkError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Discord's answer to a callback sent past the interaction's 3 s. */
const unknownInteraction = (): Response =>
  Response.json({ message: "Unknown interaction", code: 10062 }, {
    status: 404,
  });

/** A 503 asking to wait `seconds` (`Retry-After`). */
const unavailable = (seconds: number) => (): Promise<Response> =>
  Promise.resolve(
    new Response("upstream", {
      status: 503,
      headers: { "retry-after": String(seconds) },
    }),
  );

/**
 * A callback on a client whose first attempt meets `first` and later ones
 * `later`: how it ended (the clock run on until it settled) and the time
 * of each attempt.
 */
async function respond(
  first: () => Promise<Response>,
  later: () => Response,
  serverErrorBackoff?: number,
): Promise<{ outcome: unknown; sent: number[] }> {
  const clock = new VirtualScheduler();
  const sent: number[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    retryServerErrors: "all",
    ...(serverErrorBackoff === undefined ? {} : { serverErrorBackoff }),
    random: () => 0.5,
    fetch: () => {
      sent.push(clock.now());
      return sent.length === 1 ? first() : Promise.resolve(later());
    },
  });
  const settled = rest.createInteractionResponse("5", "tok5", { type: 1 })
    .then(() => "answered", (error: unknown) => error);
  await clock.advance(10_000);
  return { outcome: await settled, sent };
}

Deno.test("RestClient: a callback's 5xx whose Retry-After ends past the 3 s window fails with that 5xx, not sent again", async () => {
  const { outcome, sent } = await respond(unavailable(5), unknownInteraction);
  assert.deepEqual(sent, [0], "sent once");
  assert.ok(outcome instanceof DiscordApiError, String(outcome));
  assert.equal(outcome.status, 503);
});

Deno.test("RestClient: a callback's 5xx whose retry ends within the window is still sent again", async () => {
  const { outcome, sent } = await respond(
    unavailable(1),
    () => new Response(null, { status: 204 }),
  );
  assert.equal(outcome, "answered");
  assert.deepEqual(sent, [0, 1000]);
});

Deno.test("RestClient: a callback that got no answer, its backoff past the window, fails with the NetworkError, not sent again", async () => {
  const { outcome, sent } = await respond(
    () => Promise.reject(new TypeError("connection reset")),
    unknownInteraction,
    5_000,
  );
  assert.deepEqual(sent, [0], "sent once");
  assert.ok(outcome instanceof NetworkError, String(outcome));
});
