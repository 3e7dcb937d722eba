// A signal during the start (GET /gateway/bot slow or retried, Redis frozen
// at the session load) stops the service before any shard connects: it
// says so. It exited 0 without a line, as if nothing had run.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { loadDispatchConfig } from "../../dispatch/config.ts";
import { DispatchService } from "../../dispatch/service.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { within } from "../_fakes/watchdog.ts";
import { freePort } from "./_service_harness.ts";

/**
 * A service of 2 shards whose GET /gateway/bot answers when `answer` is
 * called, with `shards` recommended.
 */
function serviceWithSlowDiscord(): {
  service: DispatchService;
  scheduler: VirtualScheduler;
  asked: Promise<void>;
  answer: (shards?: number) => void;
  /** How many times GET /gateway/bot was asked. */
  asks: { count: number };
} {
  const scheduler = new VirtualScheduler();
  const asks = { count: 0 };
  const asked = Promise.withResolvers<void>();
  const answered = Promise.withResolvers<Response>();
  const service = new DispatchService(
    loadDispatchConfig({
      BOT_TOKEN: "fake-token",
      INTENTS: "1",
      SHARDS_TOTAL: "2",
      RABBIT_PORT: "1",
      REDIS_PORT: "1",
      PROMETHEUS_HOST: "127.0.0.1",
      PROMETHEUS_PORT: String(freePort()),
    }),
    {
      fetch: () => {
        asks.count++;
        asked.resolve();
        return answered.promise;
      },
      scheduler,
    },
  );
  const answer = (shards = 2) =>
    answered.resolve(Response.json({
      url: "ws://127.0.0.1:1",
      shards,
      session_start_limit: {
        total: 1000,
        remaining: 1000,
        reset_after: 0,
        max_concurrency: 1,
      },
    }));
  return { service, scheduler, asked: asked.promise, answer, asks };
}

const stopped = (records: LogRecord[]) =>
  records.filter((record) =>
    record.message.join("").includes("stopped during its start")
  );

Deno.test("dispatch service: close() during the start says the service stopped during its start, no shard connected", async () => {
  await withLogRecords(async (records) => {
    const { service, asked, answer } = serviceWithSlowDiscord();
    const starting = service.start();
    await within(asked, "GET /gateway/bot");
    const closing = service.close();
    answer();
    await within(starting, "the start to end");
    await within(closing, "the close");
    assert.deepEqual(
      stopped(records).map((record) => [
        record.level,
        record.message.join(""),
      ]),
      [[
        "info",
        "Dispatch service stopped during its start: no shard connected",
      ]],
    );
  }, "info");
});

Deno.test("dispatch service: a close after a start that failed adds no line to the failure its caller says", async () => {
  await withLogRecords(async (records) => {
    // Discord's answer is refused (no shard recommended): the start throws.
    const { service, answer } = serviceWithSlowDiscord();
    answer(0);
    await assert.rejects(service.start(), /shards/);
    await service.close();
    assert.deepEqual(stopped(records), []);
  }, "info");
});

// The request was made without the close signal, so start() went on
// waiting for it and rejected a minute later (the request's timeout) with a
// NetworkError. The close aborts it, though the fetch ignores its signal.
Deno.test("dispatch service: close() during a GET /gateway/bot that never answers ends the start (start() resolves)", async () => {
  const { service, scheduler, asked } = serviceWithSlowDiscord();
  let outcome: "resolved" | "rejected" | undefined;
  const starting = service.start().then(
    () => outcome = "resolved",
    (error) => {
      outcome = "rejected";
      throw error;
    },
  );
  await within(asked, "GET /gateway/bot");
  await within(service.close(), "the close");
  await scheduler.flushMicrotasks();
  assert.equal(outcome, "resolved", "the close ended the start at once");
  await starting;
  assert.equal(scheduler.pending, 0, "no timer left behind");
});

// A second start had built a second everything (shards on the same
// sessions, a publisher, a consumer) that close() never stopped; a second
// close resolved at once, before anything was saved.
Deno.test("dispatch service: start() and close() called twice each return the first call's promise", async () => {
  const { service, asked, answer, asks } = serviceWithSlowDiscord();
  const first = service.start();
  const second = service.start();
  assert.equal(second, first, "one start");
  await within(asked, "GET /gateway/bot");
  const closing = service.close();
  assert.equal(service.close(), closing, "one close");
  let secondClosed = false;
  const closingAgain = service.close().then(() => secondClosed = true);
  answer();
  await within(first, "the start to end");
  await within(closing, "the close");
  await closingAgain;
  assert.ok(secondClosed);
  assert.equal(asks.count, 1, "Discord was asked once");
  assert.equal(service.start(), first, "a start after close is the first");
});
