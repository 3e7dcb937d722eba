// A job's `hold`, `holdLeft` and `holdRefusal` checks (`heldUntil` in
// `_limiter_queue.ts`) as `JobChecks` documents them: a throwing `hold`
// counts as `false` (the job goes); a job held waits until the next answer
// to any job while `holdLeft` gives no number (or throws) or its
// `holdRefusal` gives nothing; once its `holdLeft` is over it fails unsent
// with what `holdRefusal` returns or throws. Buckets held are pumped in the
// order they were held: one freed leaves that order, and held again it
// goes behind those held meanwhile. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import {
  type AttemptResult,
  type JobChecks,
  RateLimiter,
} from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { heldAttempts } from "../_fakes/held_attempts.ts";

/** A limiter, one request of another route held in flight, and a log. */
interface Scene {
  clock: VirtualScheduler;
  limiter: RateLimiter;
  /** `<time> <name>` for each attempt sent. */
  sent: string[];
  /** An attempt that records its sending and answers at once. */
  attempt: (name: string) => () => Promise<AttemptResult<string>>;
  /** Answers the request in flight (an answer pumps the held buckets). */
  answerInFlight: () => Promise<void>;
}

async function scene(): Promise<Scene> {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const sent: string[] = [];
  let answer: ((result: AttemptResult<string>) => void) | undefined;
  void limiter.schedule(
    parseRoute("GET", "/channels/9"),
    (): Promise<AttemptResult<string>> => {
      sent.push(`${clock.now()} in-flight`);
      return new Promise((resolve) => answer = resolve);
    },
  );
  await clock.flushMicrotasks();
  return {
    clock,
    limiter,
    sent,
    attempt: (name) => (): Promise<AttemptResult<string>> => {
      sent.push(`${clock.now()} ${name}`);
      return Promise.resolve({ type: "success", value: name });
    },
    answerInFlight: async (): Promise<void> => {
      answer!({ type: "success", value: "in-flight" });
      await clock.flushMicrotasks();
    },
  };
}

const route = parseRoute("POST", "/channels/1/messages");

Deno.test("RateLimiter: a hold check that throws counts as false: the job is sent at once", async () => {
  const { clock, limiter, sent, attempt, answerInFlight } = await scene();
  const checks: JobChecks = {
    hold: () => {
      throw new Error("broken check");
    },
  };
  const call = limiter.schedule(route, attempt("a"), undefined, "bot", checks);
  assert.equal(await call, "a");
  assert.deepEqual(sent, ["0 in-flight", "0 a"]);
  await answerInFlight();
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a job held whose holdLeft is over but whose holdRefusal gives nothing waits on, and goes at the next answer once freed", async () => {
  const { clock, limiter, sent, attempt, answerInFlight } = await scene();
  let holding = true;
  const asked: string[] = [];
  const checks: JobChecks = {
    hold: () => holding,
    holdLeft: () => 0,
    holdRefusal: () => {
      asked.push("holdRefusal");
      return undefined;
    },
  };
  const held = limiter.schedule(route, attempt("a"), undefined, "bot", checks);
  const behind = limiter.schedule(route, attempt("b"));
  let settled = false;
  held.finally(() => settled = true);
  await clock.advance(10_000);
  assert.equal(settled, false, "neither sent nor failed");
  assert.ok(asked.length > 0, "its holdRefusal was asked");
  assert.deepEqual(sent, ["0 in-flight"], "b waits behind it");
  assert.equal(clock.pending, 0, "no timer: only an answer frees it");
  holding = false;
  await answerInFlight();
  assert.deepEqual(await Promise.all([held, behind]), ["a", "b"]);
  assert.deepEqual(sent, ["0 in-flight", "10000 a", "10000 b"]);
});

Deno.test("RateLimiter: a job held whose holdLeft throws or gives no number waits held until an answer frees it", async () => {
  for (
    const holdLeft of [
      (): number => {
        throw new Error("broken check");
      },
      (): number => undefined as unknown as number,
      (): number => "1000" as unknown as number,
    ]
  ) {
    const { clock, limiter, sent, attempt, answerInFlight } = await scene();
    let holding = true;
    const checks: JobChecks = {
      hold: () => holding,
      holdLeft,
      holdRefusal: () => new Error("over"),
    };
    const held = limiter.schedule(
      route,
      attempt("a"),
      undefined,
      "bot",
      checks,
    );
    await clock.advance(5000);
    assert.deepEqual(sent, ["0 in-flight"], String(holdLeft));
    holding = false;
    await answerInFlight();
    assert.equal(await held, "a");
    assert.deepEqual(sent, ["0 in-flight", "5000 a"]);
    assert.equal(clock.pending, 0);
  }
});

Deno.test("RateLimiter: a job held fails unsent once its holdLeft is over, with what holdRefusal returns or throws; the job behind it goes", async () => {
  for (const throws of [false, true]) {
    const { clock, limiter, sent, attempt, answerInFlight } = await scene();
    const refusal = new Error("held too long");
    await clock.advance(500);
    const checks: JobChecks = {
      hold: () => true,
      holdLeft: () => 3500 - clock.now(),
      holdRefusal: () => {
        if (throws) throw refusal;
        return refusal;
      },
    };
    const held = limiter.schedule(
      route,
      attempt("a"),
      undefined,
      "bot",
      checks,
    );
    const behind = limiter.schedule(route, attempt("b"));
    let failed: unknown;
    held.catch((error) => failed = error);
    await clock.advance(2999);
    assert.equal(failed, undefined, "held for its 3 s");
    await clock.advance(1);
    assert.equal(failed, refusal, `throws=${throws}`);
    assert.equal(await behind, "b");
    assert.deepEqual(sent, ["0 in-flight", "3500 b"]);
    await answerInFlight();
    assert.equal(clock.pending, 0);
  }
});

Deno.test("RateLimiter: a bucket freed from its hold and held again goes behind the buckets held meanwhile", async () => {
  // As the invalid-request cap holds them: two requests in flight at most.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const { sent, attempt, answer } = heldAttempts(clock);
  let inFlight = 0;
  const capped = (name: string) => {
    const send = attempt(name);
    return (): Promise<AttemptResult<string>> => {
      inFlight++;
      return send().finally(() => inFlight--);
    };
  };
  const OPEN = { bucket: "h", limit: 100, remaining: 99, resetAfter: 60_000 };
  const checks: JobChecks = { hold: () => inFlight >= 2 };
  const schedule = (route: string, name: string): void => {
    void limiter.schedule(
      parseRoute("GET", route),
      capped(name),
      undefined,
      undefined,
      checks,
    );
  };
  // Channel 3's bucket tells its count: its requests are not kept to one
  // at a time.
  schedule("/channels/3", "x0");
  await clock.flushMicrotasks();
  await answer("x0", OPEN);
  schedule("/channels/1", "z1");
  schedule("/channels/2", "v1");
  schedule("/channels/3", "x1");
  await clock.flushMicrotasks();
  // x1 held; z1's answer frees it.
  await answer("z1", OPEN);
  assert.deepEqual(sent.map(([name]) => name), ["x0", "z1", "v1", "x1"]);
  // Held in this order: channel 4, then channel 3 again.
  schedule("/channels/4", "y1");
  schedule("/channels/3", "x2");
  await clock.flushMicrotasks();
  // v1's answer frees one place: the bucket held first takes it.
  await answer("v1", OPEN);
  assert.deepEqual(sent.map(([name]) => name).slice(4), ["y1"]);
  await answer("x1", OPEN);
  assert.deepEqual(sent.map(([name]) => name).slice(5), ["x2"]);
  await answer("y1", OPEN);
  await answer("x2", OPEN);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a bucket emptied by an abort while held, then made anew, keeps its requests one at a time while its count is unknown", async () => {
  // The emptied bucket was still among those held: pumped at the next
  // answer, it was idle and forgot the bucket of the same id made since,
  // with a request in flight, and a third request went out beside it.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const { sent, attempt, answer } = heldAttempts(clock);
  let holding = true;
  const checks: JobChecks = { hold: () => holding };
  const route = parseRoute("PATCH", "/channels/1");
  // Answered later: the answer that pumps the buckets held.
  void limiter.schedule(parseRoute("GET", "/channels/9"), attempt("other"));
  await clock.flushMicrotasks();
  const controller = new AbortController();
  const aborted = limiter.schedule(
    route,
    attempt("r1"),
    controller.signal,
    undefined,
    checks,
  );
  await clock.flushMicrotasks();
  controller.abort(new Error("not needed"));
  await assert.rejects(aborted, { message: "not needed" });
  holding = false;
  void limiter.schedule(route, attempt("r2"), undefined, undefined, checks);
  await clock.flushMicrotasks();
  await answer("other", {});
  void limiter.schedule(route, attempt("r3"), undefined, undefined, checks);
  await clock.flushMicrotasks();
  assert.deepEqual(sent.map(([name]) => name), ["other", "r2"], "r3 waits");
  assert.equal(limiter.bucketState(route)?.inFlight, 1);
  await answer("r2", { bucket: "h", limit: 5, remaining: 4, resetAfter: 1000 });
  assert.deepEqual(sent.map(([name]) => name), ["other", "r2", "r3"]);
  await answer("r3", { bucket: "h", limit: 5, remaining: 3, resetAfter: 1000 });
  await clock.advance(1000);
  assert.equal(clock.pending, 0);
});
