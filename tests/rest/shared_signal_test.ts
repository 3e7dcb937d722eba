// One AbortSignal shared by many calls (an app's shutdown signal) gets one
// listener, not one per queued call and one per attempt: the runtime scans
// a signal's listeners on every add and remove, so queueing 50,000 calls
// on one signal took 20.5 s (the event loop blocked) against 0.9 s without.
// Counted, not timed. Aborting still rejects every call, and a settled
// call leaves nothing on the signal.
import assert from "node:assert/strict";
import { abortListenerCount } from "../../base/abort_fanout.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { counted } from "../_fakes/counted_listeners.ts";

const TOKEN = "bot.T0KEN-secret_value";

/**
 * A client whose `/channels/2/...` requests are never answered (the first
 * holds its bucket, the others queue) and whose others are answered 200 at
 * once.
 */
function client(clock: VirtualScheduler): RestClient {
  const fetch: typeof globalThis.fetch = (input, init) => {
    if (new URL(String(input)).pathname.includes("/channels/2/")) {
      return new Promise((_, reject) => {
        const signal = init?.signal;
        signal?.addEventListener("abort", () => reject(signal.reason));
      });
    }
    return Promise.resolve(Response.json({}));
  };
  return new RestClient({
    token: TOKEN,
    fetch,
    scheduler: clock,
    globalLimit: 100_000,
  });
}

Deno.test("RestClient: 2,000 calls queued on one shared signal add one listener to it; aborting rejects them all and leaves none", async () => {
  const clock = new VirtualScheduler();
  const rest = client(clock);
  const shutdown = new AbortController();
  const signal = shutdown.signal;
  const counts = counted(signal);
  const calls = Array.from(
    { length: 2000 },
    () =>
      rest.request("GET", "/channels/2/messages", { signal }).then(
        () => "resolved",
        (error) => error,
      ),
  );
  await clock.flushMicrotasks();
  assert.equal(counts.added, 1);
  const waiting = abortListenerCount(signal);
  assert.ok(waiting >= 2000, `${waiting} listeners`);

  // Settled calls leave nothing behind on the signal.
  const quick = Array.from(
    { length: 100 },
    (_, i) => rest.request("GET", `/channels/3/messages/${i}`, { signal }),
  );
  await Promise.all(quick);
  assert.equal(abortListenerCount(signal), waiting);
  assert.equal(counts.added, 1);

  shutdown.abort(new Error("shutting down"));
  const results = await Promise.all(calls);
  assert.ok(
    results.every((result) =>
      result instanceof Error && result.message === "shutting down"
    ),
  );
  assert.equal(abortListenerCount(signal), 0);
  const route = parseRoute("GET", "/channels/2/messages");
  assert.equal(rest.rateLimiter.bucketState(route)?.queued ?? 0, 0);
});

Deno.test("RestClient: calls on a shared signal that all settle remove its one listener", async () => {
  const clock = new VirtualScheduler();
  const rest = client(clock);
  const signal = new AbortController().signal;
  const counts = counted(signal);
  await Promise.all(
    Array.from(
      { length: 200 },
      (_, i) => rest.request("GET", `/channels/${3 + i % 5}`, { signal }),
    ),
  );
  assert.equal(counts.added, 1);
  assert.equal(counts.removed, 1);
  assert.equal(abortListenerCount(signal), 0);
});
