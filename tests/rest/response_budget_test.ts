import assert from "node:assert/strict";
import { ResponseTooLargeError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { ResponseBudget } from "../../rest/_response_budget.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "bot.T0KEN-secret_value";

/**
 * A `fetch` whose answers stream `size` bytes of JSON (a string) in chunks
 * of 10, each chunk only when read, counting the bytes handed out.
 */
function streamingFetch(size: number): {
  fetch: () => Promise<Response>;
  state: { given: number; done: number; peak: number };
} {
  const state = { given: 0, done: 0, peak: 0 };
  const fetch = (): Promise<Response> => {
    const text = JSON.stringify("x".repeat(size - 2));
    const bytes = new TextEncoder().encode(text);
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller): void {
        if (at >= bytes.length) {
          controller.close();
          state.done += bytes.length;
          return;
        }
        const chunk = bytes.slice(at, at + 10);
        at += chunk.length;
        state.given += chunk.length;
        // Bytes handed out and not yet part of a finished answer.
        state.peak = Math.max(state.peak, state.given - state.done);
        controller.enqueue(chunk);
      },
    }, { highWaterMark: 0 });
    return Promise.resolve(new Response(body));
  };
  return { fetch, state };
}

Deno.test("RestClient bounds the bytes of all answers read at once (maxBufferedResponseBytes); an answer refused by it is asked again (a GET) until all are read", async () => {
  const clock = new VirtualScheduler();
  const { fetch, state } = streamingFetch(100);
  const rest = new RestClient({
    token: TOKEN,
    fetch,
    scheduler: clock,
    maxResponseBytes: 100,
    maxBufferedResponseBytes: 150,
    // How often an answer is refused depends on how the reads interleave,
    // and readBounded gives the loop a turn after 20 ms of real time: on a
    // loaded machine the default 3 retries ran out.
    maxRetries: 50,
  });
  // Different channels: separate buckets, all read at once.
  const answers = Promise.all(
    Array.from(
      { length: 6 },
      (_, i) => rest.request<string>("GET", `/channels/${i + 1}/messages`),
    ),
  );
  // Until every answer settled, not until 600 bytes were read to the end:
  // an answer read whole and then refused by the budget counts there too,
  // and its retry waits on this clock. A real timer's turn at each step:
  // a read that ran 20 ms (a loaded machine) waits for one (readBounded),
  // and the oldest answer, the one sure to fit, waited there through every
  // step while the others were refused and asked again, till none was left.
  let settled = false;
  answers.then(() => settled = true, () => settled = true);
  for (let t = 0; t < 60_000 && !settled; t += 100) {
    await clock.advance(100);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const texts = await answers;
  assert.equal(texts.length, 6);
  for (const text of texts) assert.equal(text.length, 98);
  // Six answers of 100 bytes read together held 600; the budget, 150 (and
  // the one chunk of 10 an answer is refused with).
  assert.ok(state.peak <= 150 + 6 * 10, `peak ${state.peak}`);
});

Deno.test("RestClient refuses an answer larger than maxBufferedResponseBytes alone, naming that option", async () => {
  const { fetch } = streamingFetch(100);
  const rest = new RestClient({
    token: TOKEN,
    fetch,
    maxResponseBytes: 1000,
    maxBufferedResponseBytes: 50,
    maxRetries: 0,
  });
  const error = await rest.getGateway().catch((error) => error);
  assert.ok(error instanceof ResponseTooLargeError, String(error));
  assert.equal(error.limit, 50);
  assert.match(error.message, /raise the client's maxBufferedResponseBytes/);
});

Deno.test("RestClient's default response cap is 8 MiB, its budget 4 answers of it", async () => {
  const declared = 9 * 1024 * 1024;
  let pulled = 0;
  const rest = new RestClient({
    token: TOKEN,
    maxRetries: 0,
    fetch: () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller): void {
          pulled++;
          controller.enqueue(new Uint8Array(16));
        },
      }, { highWaterMark: 0 });
      return Promise.resolve(
        new Response(body, {
          headers: { "content-length": String(declared) },
        }),
      );
    },
  });
  const error = await rest.getGateway().catch((error) => error);
  assert.ok(error instanceof ResponseTooLargeError, String(error));
  assert.equal(error.limit, 8 * 1024 * 1024);
  assert.equal(error.bytes, declared);
  assert.equal(pulled, 0);
  assert.throws(
    () => new RestClient({ token: TOKEN, maxBufferedResponseBytes: NaN }),
    /'maxBufferedResponseBytes' must be a positive integer/,
  );
});

Deno.test("ResponseBudget: the oldest answer may always grow to its cap; another that does not fit is refused at once, never paused", () => {
  const budget = new ResponseBudget(150, 100);
  const a = budget.lease();
  const b = budget.lease();
  const c = budget.lease();
  a.take(10);
  b.take(40);
  // The head (a) may still need 90: only 10 is left for the others. Paused
  // instead, over HTTP/2 its unread body held the connection's window and
  // the head got no more data.
  assert.throws(() => c.take(20), /maxBufferedResponseBytes \(150 bytes\)/);
  a.take(90); // the head is never held back
  assert.equal(budget.held, 140);
  a.release();
  a.release(); // twice: nothing more
  // b is the head now: c's 20 leaves 90 free, more than b's 60 to go.
  c.take(20);
  assert.equal(budget.held, 60);
  b.release();
  c.release();
  assert.equal(budget.held, 0);
});

Deno.test("ResponseBudget: another answer may take exactly what leaves the head its room, not a byte more", () => {
  const budget = new ResponseBudget(150, 100);
  const head = budget.lease();
  const other = budget.lease();
  head.take(90);
  // 60 free, the head may still need 10: 50 fit, then none.
  other.take(50);
  assert.equal(budget.held, 140);
  assert.throws(() => other.take(1), /maxBufferedResponseBytes/);
  head.take(10); // the head takes its last 10
  assert.equal(budget.held, 150);
});
