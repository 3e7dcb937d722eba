// An answer whose status line came but whose body timed out must still
// teach its bucket: Discord sent a 429's empty window with the headers,
// and a client that forgot it sent the next request into that window (one
// more 429, one more invalid request). The abort path keeps the headers
// (`aborted_answer_test.ts`); the timeout path kept only the status.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Let real promise chains run (a few macrotask turns), clock unmoved. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/**
 * A fetch whose first answer is a 429 with `headers` whose body sends one
 * byte and then nothing, ever; later ones are a 200 with an empty object.
 * `sent` counts the requests.
 */
function stalledThenOk(
  headers: Record<string, string>,
): { fetch: typeof globalThis.fetch; sent: () => number } {
  let sent = 0;
  const fetch = (): Promise<Response> => {
    sent++;
    if (sent > 1) {
      return Promise.resolve(
        new Response("{}", {
          headers: { "content-type": "application/json" },
        }),
      );
    }
    return Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller): void {
            controller.enqueue(new TextEncoder().encode("{"));
          },
        }),
        {
          status: 429,
          headers: { "content-type": "application/json", ...headers },
        },
      ),
    );
  };
  return { fetch, sent: () => sent };
}

const EMPTY_WINDOW = {
  "x-ratelimit-bucket": "b1",
  "x-ratelimit-limit": "5",
  "x-ratelimit-remaining": "0",
  "x-ratelimit-reset-after": "3",
  "x-ratelimit-scope": "user",
};

Deno.test("a 429's rate-limit headers are learned when its body times out", async () => {
  const clock = new VirtualScheduler();
  const { fetch, sent } = stalledThenOk(EMPTY_WINDOW);
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch,
    scheduler: clock,
    maxRetries: 0,
    timeout: 1000,
  });
  const first = rest.request("POST", "/channels/1/messages", { body: {} })
    .then(() => "resolved", (error: Error) => error.name);
  await turns();
  await clock.advance(1000);
  assert.equal(await first, "NetworkError");
  // The bucket has no request left until 3 s after the answer: the next
  // one waits for it rather than go out into the empty window.
  const next = rest.request("POST", "/channels/1/messages", { body: {} });
  await turns();
  assert.equal(sent(), 1, "sent into a bucket Discord said was empty");
  const route = parseRoute("POST", "/channels/1/messages");
  assert.equal(rest.rateLimiter.bucketHash(route.key), "b1");
  await clock.advance(2999);
  await turns();
  assert.equal(sent(), 1, "sent before the window Discord said reset");
  await clock.advance(1);
  await turns();
  assert.equal(sent(), 2);
  assert.deepEqual(await next, {});
});

Deno.test("a timed-out 429 retried waits for the window its headers said", async () => {
  const clock = new VirtualScheduler();
  const { fetch, sent } = stalledThenOk(EMPTY_WINDOW);
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch,
    scheduler: clock,
    maxRetries: 1,
    timeout: 1000,
    serverErrorBackoff: 500,
    random: () => 0.5,
  });
  // GET is retried after no answer, 500 ms on: sooner than the bucket's
  // reset, 3 s after the answer timed out (at 4 s).
  const answer = rest.request("GET", "/channels/1/messages");
  await turns();
  await clock.advance(1000);
  await turns();
  await clock.advance(2999);
  await turns();
  assert.equal(sent(), 1, "retried into a bucket Discord said was empty");
  await clock.advance(1);
  await turns();
  assert.equal(sent(), 2);
  assert.deepEqual(await answer, {});
});
