// What a 429's JSON body is taken to say, against a server that bends
// Discord's rate limit response structure (`retry_after` a number of
// seconds, `global` a boolean): a `retry_after` that overflows to Infinity
// is no wait (the headers' wait applies), and a `global` that is not
// `true` (the string "true", 1) pauses no global limit. Time is the
// virtual scheduler's.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "bot.T0KEN-secret_value";

/** A fetch answering 429 with `body` first, then 200; the times it was sent. */
function limitedOnce(
  clock: VirtualScheduler,
  body: string,
  headers: Record<string, string>,
): { fetch: typeof globalThis.fetch; sent: number[] } {
  const sent: number[] = [];
  const fetch: typeof globalThis.fetch = () => {
    sent.push(clock.now());
    return Promise.resolve(
      sent.length === 1
        ? new Response(body, {
          status: 429,
          headers: { "content-type": "application/json", ...headers },
        })
        : Response.json({ ok: true }),
    );
  };
  return { fetch, sent };
}

Deno.test("RestClient: a 429 whose retry_after overflows to Infinity waits the headers' time instead", async () => {
  const clock = new VirtualScheduler();
  const { fetch, sent } = limitedOnce(
    clock,
    '{"message": "You are being rate limited.", "retry_after": 1e999, "global": false}',
    {
      "retry-after": "2",
      "x-ratelimit-bucket": "b",
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset-after": "2",
      "x-ratelimit-scope": "user",
    },
  );
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  const done = rest.request("GET", "/channels/1");
  await clock.advance(2000);
  assert.deepEqual(await done, { ok: true });
  assert.deepEqual(sent, [0, 2000]);
});

Deno.test("RestClient: a 429 whose 'global' is not the boolean true pauses no global limit", async (t) => {
  for (const global of ['"true"', "1"]) {
    await t.step(`"global": ${global}`, async () => {
      const clock = new VirtualScheduler();
      const { fetch, sent } = limitedOnce(
        clock,
        `{"message": "You are being rate limited.", "retry_after": 1.5, "global": ${global}}`,
        {
          "x-ratelimit-bucket": "b",
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset-after": "1.5",
          "x-ratelimit-scope": "user",
        },
      );
      const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
      const done = rest.request("GET", "/channels/1");
      await clock.flushMicrotasks();
      assert.equal(rest.rateLimiter.globalPausedUntil, -Infinity);
      await clock.advance(1500);
      assert.deepEqual(await done, { ok: true });
      assert.deepEqual(sent, [0, 1500]);
    });
  }
});
