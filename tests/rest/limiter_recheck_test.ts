// `RateLimiter.recheck` fails at once the queued jobs a refusal now
// applies to (a rejected token, a webhook gone, the invalid-request cap).
// Those it takes out of their lane must leave no trace: the bucket's count
// of waiting jobs, their lane among the bucket's lanes, their listener on
// the caller's signal. The bucket's other lane goes on at its reset. Time
// is the virtual scheduler's.
import assert from "node:assert/strict";
import { abortListenerCount } from "../../base/abort_fanout.ts";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import type { RateLimitInfo } from "../../rest/rate_limit_headers.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("RateLimiter.recheck: jobs it refuses leave their bucket's count, their lane and their signal's listener; the bucket's other lane goes at the reset", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  // Two routes of channel 1 that share the bucket `h`.
  const rename = parseRoute("PATCH", "/channels/1");
  const overwrite = parseRoute("PUT", "/channels/1/permissions/2");
  const sent: string[] = [];
  let rateLimit: RateLimitInfo = {
    bucket: "h",
    limit: 5,
    remaining: 4,
    resetAfter: 1000,
  };
  const attempt = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push(`${clock.now()} ${name}`);
    return Promise.resolve({ type: "success", value: name, rateLimit });
  };
  await limiter.schedule(rename, attempt("x"));
  // The window's last request: the bucket waits for its reset at 1000.
  rateLimit = { ...rateLimit, remaining: 0 };
  await limiter.schedule(overwrite, attempt("y"));
  assert.equal(limiter.bucketState(rename)?.id, "h:channels/1");
  assert.equal(limiter.bucketState(overwrite)?.id, "h:channels/1");

  let refusing = false;
  const checks = {
    refuse: () => refusing ? new Error("refused") : undefined,
  };
  const shutdown = new AbortController();
  const signal = shutdown.signal;
  const refused = [
    limiter.schedule(rename, attempt("a1"), signal, undefined, checks),
    limiter.schedule(rename, attempt("a2"), signal, undefined, checks),
  ];
  const kept = limiter.schedule(overwrite, attempt("b"));
  assert.equal(limiter.bucketState(overwrite)?.queued, 3);
  assert.equal(abortListenerCount(signal), 2);

  refusing = true;
  limiter.recheck();
  for (const job of refused) await assert.rejects(job, { message: "refused" });
  assert.equal(limiter.bucketState(overwrite)?.queued, 1);
  assert.equal(abortListenerCount(signal), 0, "no listener left");

  await clock.advance(1000);
  assert.equal(await kept, "b");
  assert.deepEqual(sent, ["0 x", "0 y", "1000 b"]);
  assert.equal(limiter.bucketState(overwrite)?.queued, 0);
  assert.equal(clock.pending, 0);
});
