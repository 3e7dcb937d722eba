// The REST client against peers that stall, stream slowly or send odd
// headers and bodies: every request settles, on the virtual clock.
import assert from "node:assert/strict";
import { DiscordApiError, NetworkError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "hostile.peer.token";

/** A fetch that takes the request and never answers (it honours the signal). */
function stalledFetch(calls: { count: number }): typeof fetch {
  return (_input, init) => {
    calls.count++;
    return new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener(
        "abort",
        () => reject(init.signal!.reason),
        { once: true },
      );
    });
  };
}

/** Settle `promise` into a value or the error it rejects with. */
function outcome<T>(promise: Promise<T>): { value?: T; error?: Error } {
  const result: { value?: T; error?: Error } = {};
  promise.then(
    (value) => result.value = value,
    (error) => result.error = error,
  );
  return result;
}

Deno.test("RestClient: an attempt that gets no answer within `timeout` counts as unanswered (retried when safe, then a NetworkError), and the bucket goes on", async () => {
  const clock = new VirtualScheduler();
  const calls = { count: 0 };
  const rest = new RestClient({
    token: TOKEN,
    fetch: stalledFetch(calls),
    scheduler: clock,
    timeout: 1000,
    maxRetries: 1,
  });
  const first = outcome(rest.request("GET", "/channels/1/messages"));
  const second = outcome(rest.request("GET", "/channels/1/messages"));
  await clock.advance(999);
  assert.ok(!first.error, "not before the timeout");
  // One retry after the backoff, which also times out.
  for (let i = 0; i < 20 && first.error === undefined; i++) {
    await clock.advance(1000);
  }
  const firstError = first.error as Error | undefined;
  assert.ok(firstError instanceof NetworkError, String(firstError));
  assert.match(
    String(firstError.cause),
    /no complete answer within 1000 ms/,
  );
  // The request behind it in the same bucket was sent, and settles too.
  for (let i = 0; i < 20 && second.error === undefined; i++) {
    await clock.advance(1000);
  }
  assert.ok(second.error instanceof NetworkError);
  assert.equal(calls.count, 4, "two requests, each tried twice");
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: a body that trickles past `timeout` is cut off, even from a fetch that does not tie the body to the signal", async () => {
  const clock = new VirtualScheduler();
  let cancelled = false;
  const fetch: typeof globalThis.fetch = () =>
    Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller): void {
            controller.enqueue(new TextEncoder().encode('{"url":'));
          },
          cancel(): void {
            cancelled = true;
          },
        }),
        { headers: { "content-type": "application/json" } },
      ),
    );
  const rest = new RestClient({
    token: TOKEN,
    fetch,
    scheduler: clock,
    timeout: 500,
    retryServerErrors: "never",
  });
  const call = outcome(
    rest.request("POST", "/channels/1/messages", { body: {} }),
  );
  await clock.advance(499);
  assert.ok(!call.error, "not before the timeout");
  await clock.advance(1);
  const callError = call.error as Error | undefined;
  assert.ok(callError instanceof NetworkError, String(callError));
  assert.equal(cancelled, true, "the body's stream was cancelled");
});

Deno.test("RestClient: an abort during an attempt that ends in a 429 rejects at once, not after the retry's wait", async () => {
  const clock = new VirtualScheduler();
  let calls = 0;
  let answer!: (response: Response) => void;
  const fetch: typeof globalThis.fetch = () => {
    calls++;
    // A custom fetch that ignores the signal: the answer comes regardless.
    return new Promise((resolve) => answer = resolve);
  };
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  const abort = new AbortController();
  const call = outcome(
    rest.request("GET", "/gateway", { signal: abort.signal }),
  );
  await clock.flushMicrotasks();
  abort.abort(new Error("caller gave up"));
  answer(
    Response.json({ message: "slow down", retry_after: 20, global: false }, {
      status: 429,
      headers: { "retry-after": "20" },
    }),
  );
  await clock.advance(0);
  assert.match(String(call.error), /caller gave up/);
  await clock.advance(30_000);
  assert.equal(calls, 1, "not sent again");
});

Deno.test("RestClient: an X-RateLimit-Bucket longer than any Discord sends is not kept (the route keys the bucket)", async () => {
  const clock = new VirtualScheduler();
  const hash = "h".repeat(100_000);
  const fetch: typeof globalThis.fetch = () =>
    Promise.resolve(
      Response.json({}, {
        headers: {
          "x-ratelimit-bucket": hash,
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "4",
          "x-ratelimit-reset-after": "1",
        },
      }),
    );
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  await rest.request("GET", "/channels/1/messages");
  assert.equal(
    rest.rateLimiter.bucketHash("GET /channels/{channel_id}/messages"),
    undefined,
    "no hash kept",
  );
  const bucket = rest.rateLimiter.bucketState(
    parseRoute("GET", "/channels/1/messages"),
  );
  assert.ok(bucket, "the route's bucket");
  assert.ok(bucket.id.length < 200, `id of ${bucket.id.length} characters`);
  assert.equal(bucket.remaining, 4, "its limits still learned");
});

Deno.test("RestClient: Discord's error message is cut to 2,000 characters in the error", async () => {
  const message = "x".repeat(5_000_000);
  const fetch: typeof globalThis.fetch = () =>
    Promise.resolve(Response.json({ message, code: 50035 }, { status: 400 }));
  const rest = new RestClient({ token: TOKEN, fetch });
  const error = await rest.request("POST", "/channels/1/messages", { body: {} })
    .catch((error) => error);
  assert.ok(error instanceof DiscordApiError);
  assert.ok(error.message.length < 2200, `${error.message.length} characters`);
  assert.match(error.apiMessage, /… \(4998000 more characters\)$/);
});

Deno.test("RestClient: an abort ends an upload whose file stream stalls", async () => {
  let cancelled: unknown;
  const stalled = new ReadableStream<Uint8Array>({
    start(controller): void {
      controller.enqueue(new Uint8Array(10));
    },
    cancel(reason): void {
      cancelled = reason;
    },
  });
  let calls = 0;
  const fetch: typeof globalThis.fetch = () => {
    calls++;
    return Promise.resolve(Response.json({}));
  };
  const rest = new RestClient({ token: TOKEN, fetch });
  const abort = new AbortController();
  const call = rest.request("POST", "/channels/1/messages", {
    body: { content: "file" },
    files: [{ name: "a.bin", data: stalled }],
    signal: abort.signal,
  });
  abort.abort(new Error("caller gave up"));
  await assert.rejects(call, /caller gave up/);
  assert.match(String(cancelled), /caller gave up/, "the stream was cancelled");
  assert.equal(calls, 0, "nothing sent");
});

Deno.test("RestClient: `timeout` ends an attempt whose custom fetch ignores the signal and never settles, and the bucket goes on", async () => {
  const clock = new VirtualScheduler();
  const calls: string[] = [];
  // A wrapper (logging, a proxy) that does not forward the signal, and a
  // peer that never answers.
  const fetch: typeof globalThis.fetch = (input) => {
    calls.push(new URL(String(input)).pathname);
    return new Promise<Response>(() => {});
  };
  const rest = new RestClient({
    token: TOKEN,
    fetch,
    scheduler: clock,
    timeout: 200,
    maxRetries: 1,
    serverErrorBackoff: 10,
    random: () => 0.5, // no jitter: the retry's time is asserted
  });
  const first = outcome(rest.request("GET", "/channels/1/messages"));
  const second = outcome(rest.request("GET", "/channels/1/messages"));
  await clock.advance(199);
  assert.ok(!first.error, "not before the timeout");
  await clock.advance(1 + 10 + 200); // the timeout, the backoff, the retry's
  const firstError = first.error as Error | undefined;
  assert.ok(firstError instanceof NetworkError, String(firstError));
  assert.match(String(firstError.cause), /no complete answer within 200 ms/);
  await clock.advance(200 + 10 + 200);
  assert.ok(second.error instanceof NetworkError, String(second.error));
  assert.equal(calls.length, 4, "two requests, each tried twice");
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: an answer a signal-ignoring fetch brings after the timeout has its body cancelled", async () => {
  const clock = new VirtualScheduler();
  let answer!: (response: Response) => void;
  let cancelled = false;
  const fetch: typeof globalThis.fetch = () =>
    new Promise((resolve) => answer = resolve);
  const rest = new RestClient({
    token: TOKEN,
    fetch,
    scheduler: clock,
    timeout: 100,
    retryServerErrors: "never",
  });
  const call = outcome(rest.request("GET", "/channels/1"));
  await clock.advance(100);
  assert.ok(call.error instanceof NetworkError, String(call.error));
  answer(
    new Response(
      new ReadableStream<Uint8Array>({
        cancel(): void {
          cancelled = true;
        },
      }),
    ),
  );
  await clock.flushMicrotasks();
  assert.equal(cancelled, true);
});

Deno.test("RestClient: a 200 body that is not JSON and echoes the token quotes no piece of it in the error", async () => {
  // JSON.parse's message quotes about ten characters around the fault; a
  // piece of the token is not a whole token for the redactor to find.
  const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secretPartOfTheToken12345678";
  for (const body of [`Bot ${token}`, `{"echo":"${token}":}`]) {
    const rest = new RestClient({
      token,
      scheduler: new VirtualScheduler(),
      fetch: () => Promise.resolve(new Response(body, { status: 200 })),
    });
    const error = await rest.request("GET", "/channels/1").then(
      () => assert.fail("a body that is not JSON resolved"),
      (e: Error & { cause?: Error }) => e,
    );
    assert.match(error.message, /with a body that is not JSON/);
    const shown = `${error.message} ${error.cause} ${error.cause?.message}`;
    for (const part of token.split(".")) {
      for (let i = 0; i + 6 <= part.length; i++) {
        const piece = part.slice(i, i + 6);
        assert.ok(!shown.includes(piece), `'${piece}' shows in: ${shown}`);
      }
    }
    assert.match(String(error.cause), /SyntaxError.*not valid JSON/);
  }
});
