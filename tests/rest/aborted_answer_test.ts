// A caller that aborts after the status line came, while the body is still
// arriving, must not make the answer forgotten: Discord counted the 401,
// 403 or 429 once it sent it. Aborted, a 403 was not counted towards the
// invalid-request cap, a 401 on the bot token did not stop the client, and
// a 429's headers were not learned (the timeout path kept the status).
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Let real promise chains run (a few macrotask turns), clock unmoved. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/**
 * A fetch whose every answer has `status` and `headers` but a body that
 * sends one byte and then nothing, ever; `sent` counts the requests.
 */
function stalledAnswers(
  status: number,
  headers: Record<string, string> = {},
): { fetch: typeof globalThis.fetch; sent: () => number } {
  let sent = 0;
  const fetch = (): Promise<Response> => {
    sent++;
    return Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller): void {
            controller.enqueue(new TextEncoder().encode("{"));
          },
        }),
        { status, headers: { "content-type": "application/json", ...headers } },
      ),
    );
  };
  return { fetch, sent: () => sent };
}

/**
 * Send a request, let its status come, then abort it with a reason of its
 * own; returns what it rejected with (the name, or the reason itself).
 */
async function abortedMidBody(
  rest: RestClient,
  path: string,
): Promise<unknown> {
  const controller = new AbortController();
  const reason = new Error("caller gave up");
  const answer = rest.request("POST", path, {
    body: {},
    signal: controller.signal,
  }).then(() => "resolved", (error: unknown) => error);
  await turns();
  controller.abort(reason);
  const error = await answer;
  return error === reason ? "caller's reason" : (error as Error).name;
}

/**
 * Four requests to different channels, each answered `status` (with
 * `headers`) and aborted mid-body, on a client that gives up after two
 * invalid requests: what each rejected with, and how many were sent.
 */
async function fourAbortedMidBody(
  status: number,
  headers?: Record<string, string>,
): Promise<{ ended: unknown[]; sent: number }> {
  const { fetch, sent } = stalledAnswers(status, headers);
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch,
    scheduler: new VirtualScheduler(),
    maxRetries: 0,
    invalidRequestLimit: 2,
  });
  const ended: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    ended.push(await abortedMidBody(rest, `/channels/${i + 1}/messages`));
  }
  return { ended, sent: sent() };
}

Deno.test("a 403 aborted by the caller while its body arrives counts as an invalid request", async () => {
  const { ended, sent } = await fourAbortedMidBody(403);
  assert.deepEqual(ended, [
    "caller's reason",
    "caller's reason",
    "InvalidRequestLimitError",
    "InvalidRequestLimitError",
  ]);
  assert.equal(sent, 2);
});

Deno.test("a 401 to the bot token aborted by the caller while its body arrives still stops the client", async () => {
  const clock = new VirtualScheduler();
  const { fetch, sent } = stalledAnswers(401);
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch,
    scheduler: clock,
    maxRetries: 0,
  });
  const ended: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    ended.push(await abortedMidBody(rest, `/channels/${i + 1}/messages`));
  }
  assert.deepEqual(ended, [
    "caller's reason",
    "TokenRejectedError",
    "TokenRejectedError",
  ]);
  assert.equal(sent(), 1);
});

Deno.test("a 429's rate-limit headers are learned when the caller aborts while its body arrives", async () => {
  const clock = new VirtualScheduler();
  const { fetch, sent } = stalledAnswers(429, {
    "x-ratelimit-bucket": "b1",
    "x-ratelimit-limit": "5",
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset-after": "3",
    "x-ratelimit-scope": "user",
  });
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch,
    scheduler: clock,
    maxRetries: 0,
  });
  assert.equal(
    await abortedMidBody(rest, "/channels/1/messages"),
    "caller's reason",
  );
  // The bucket has no request left for 3 s: the next one waits for it.
  const controller = new AbortController();
  const next = rest.request("POST", "/channels/1/messages", {
    body: {},
    signal: controller.signal,
  }).catch(() => {});
  await turns();
  assert.equal(sent(), 1, "sent into a bucket Discord said was empty");
  await clock.advance(3000);
  await turns();
  assert.equal(sent(), 2);
  controller.abort();
  await next;
});

Deno.test("a 429 of the shared scope aborted by the caller while its body arrives does not count as an invalid request", async () => {
  // Discord does not count a shared-scope 429 towards its cap.
  const { ended, sent } = await fourAbortedMidBody(429, {
    "x-ratelimit-scope": "shared",
  });
  assert.deepEqual(ended, Array(4).fill("caller's reason"));
  assert.equal(sent, 4);
});
