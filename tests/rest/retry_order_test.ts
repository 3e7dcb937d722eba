// Requests of one route sent together and all answered with a retry (a
// 5xx, no answer) go out again in the order they were first queued, before
// every later request, whatever order their answers came in: a retry
// goes back into its lane after the older retries there. Time is the
// virtual scheduler's.
import assert from "node:assert/strict";
import { RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { heldAttempts } from "../_fakes/held_attempts.ts";

const OPEN = { bucket: "h", limit: 10, remaining: 9, resetAfter: 60_000 };

for (
  const answered of [
    ["a", "b", "c"],
    ["c", "b", "a"],
    ["b", "c", "a"],
  ]
) {
  Deno.test(`RateLimiter: three retries answered ${answered.join(", ")} are sent again a, b, c, before a later request`, async () => {
    const clock = new VirtualScheduler();
    const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
    const route = parseRoute("PATCH", "/channels/1/messages/5");
    const { sent, attempt, answer, settle } = heldAttempts(clock);
    // The bucket's count is learned: the three edits go out at once.
    limiter.schedule(route, attempt("first"));
    await clock.flushMicrotasks();
    await answer("first", OPEN);
    for (const name of ["a", "b", "c"]) limiter.schedule(route, attempt(name));
    await clock.flushMicrotasks();
    assert.deepEqual(sent.map(([name]) => name), ["first", "a", "b", "c"]);
    // Each answered 502: retried after 1 s. An edit made meanwhile waits
    // behind them.
    for (const name of answered) {
      await settle(name, { type: "retry", delay: 1000 });
      if (name === answered[0]) limiter.schedule(route, attempt("d"));
    }
    await clock.advance(1000);
    assert.deepEqual(sent.slice(4), [
      ["a", 1000],
      ["b", 1000],
      ["c", 1000],
      ["d", 1000],
    ]);
    assert.equal(clock.pending, 0);
  });
}
