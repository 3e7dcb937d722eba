// The dispatch service in-process on a virtual clock, with the loopback
// FakeDiscord and the fake broker: with DEFAULT_QUEUE, events are published
// mandatory, and one the broker returns (gateway.recv deleted or unbound)
// is counted in dispatch_returned_events and sent again on a connection
// that declares and binds gateway.recv anew; the minutely check that finds
// gateway.recv deleted declares it again. Returned events were confirmed
// and lost (12,538 with the binding removed, not a line said). Without
// DEFAULT_QUEUE (the user's bindings) publishes are not mandatory.
import assert from "node:assert/strict";
import { RECV_QUEUE } from "../../dispatch/service.ts";
import { DEFAULT_QUEUE_CHECK_INTERVAL } from "../../dispatch/default_queue_watch.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { advanceUntil, FakesScene } from "./_in_process_service.ts";

for (const defaultQueue of [true, false]) {
  Deno.test({
    name: defaultQueue
      ? "dispatch service: with DEFAULT_QUEUE a returned event is counted and sent again after gateway.recv is declared and bound anew, and a check finding gateway.recv deleted declares it again"
      : "dispatch service: without DEFAULT_QUEUE events are not published mandatory",
    sanitizeResources: false,
    sanitizeOps: false,
  }, async () => {
    await using scene = await FakesScene.start();
    const { scheduler, broker, metricsPort } = scene;
    const service = scene.service("1", {
      DEFAULT_QUEUE: String(defaultQueue),
    });
    const until = (test: () => boolean, what: string) =>
      advanceUntil(
        scheduler,
        (async () => {
          while (!test()) {
            await scheduler.advance(50);
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        })(),
        what,
      );
    const declares = () =>
      broker.declared.filter((name) => name === RECV_QUEUE).length;
    await withLogRecords(async () => {
      await scene.run(service, async () => {
        await until(() => broker.publishes.length >= 2, "READY and the guild");
        assert.ok(
          broker.publishes.every((p) => p.mandatory === defaultQueue),
          JSON.stringify(broker.publishes),
        );
        if (!defaultQueue) return;
        const before = declares();
        await broker.returnOnly(0);
        await broker.ack();
        // The connection counts once open, its declares a few turns later.
        await until(
          () => broker.connections === 2 && declares() > before,
          "a new connection declaring gateway.recv again",
        );
        // Both sent again on the new connection, and confirmed there.
        await until(() => broker.publishes.length >= 4, "sent again");
        await broker.ack();
        // The confirms are read a few turns after they are sent (the
        // default-queue check at the new connection shares its turns).
        const metrics = await advanceUntil(
          scheduler,
          (async () => {
            for (;;) {
              const text = await fetch(
                `http://127.0.0.1:${metricsPort}/metrics`,
              ).then((r) => r.text());
              if (/^dispatch_published 2$/m.test(text)) return text;
              await new Promise((resolve) => setTimeout(resolve, 5));
            }
          })(),
          "/metrics counting both confirmed",
        );
        assert.match(metrics, /^dispatch_returned_events 1$/m);
        assert.match(metrics, /^dispatch_published 2$/m);
        // Deleted while running: the next check declares it again.
        broker.deleted.add(RECV_QUEUE);
        await scheduler.advance(DEFAULT_QUEUE_CHECK_INTERVAL);
        await until(() => !broker.deleted.has(RECV_QUEUE), "declared again");
      });
    });
  });
}
