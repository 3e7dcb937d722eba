// close() during the start's GET /gateway/bot, Discord never answering:
// the request was made without the close signal, so start() went on
// waiting for it and rejected a minute later (the request's timeout) with
// a NetworkError, where close() during the start is documented to end it
// (start() resolves). The close aborts the request.
import assert from "node:assert/strict";
import { loadDispatchConfig } from "../../dispatch/config.ts";
import { DispatchService } from "../../dispatch/service.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { within } from "../_fakes/watchdog.ts";
import { freePort } from "./_service_harness.ts";

Deno.test("dispatch service: close() during a GET /gateway/bot that never answers ends the start (start() resolves)", async () => {
  const asked = Promise.withResolvers<void>();
  const scheduler = new VirtualScheduler();
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
      // Never answers, and ignores its signal, as a peer that stalls.
      fetch: () => {
        asked.resolve();
        return new Promise<Response>(() => {});
      },
      scheduler,
    },
  );
  let outcome: "resolved" | "rejected" | undefined;
  const starting = service.start().then(
    () => outcome = "resolved",
    (error) => {
      outcome = "rejected";
      throw error;
    },
  );
  await within(asked.promise, "GET /gateway/bot");
  await within(service.close(), "the close");
  await scheduler.flushMicrotasks();
  assert.equal(outcome, "resolved", "the close ended the start at once");
  await starting;
  assert.equal(scheduler.pending, 0, "no timer left behind");
});
