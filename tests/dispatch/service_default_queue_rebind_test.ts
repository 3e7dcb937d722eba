// The dispatch service in-process on a virtual clock, against a real
// RabbitMQ: gateway.recv unbound while another queue is bound to the
// exchange with `#` gets no event, and RabbitMQ returns none (the other
// queue takes them); the next check of gateway.recv binds it again. It only
// read the queue's counts, and gateway.recv never got an event again.
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
import { EXCHANGE, RECV_QUEUE } from "../../dispatch/service.ts";
import { DEFAULT_QUEUE_CHECK_INTERVAL } from "../../dispatch/default_queue_watch.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testAmqp } from "../_fakes/servers.ts";
import { within } from "../_fakes/watchdog.ts";
import { advanceUntil, inProcessService } from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";
import { holdingServiceNames } from "./_service_names_lock.ts";

const amqp = testAmqp();

Deno.test({
  name:
    "dispatch service: gateway.recv unbound while another queue takes every event is bound again by the next check",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, () =>
  holdingServiceNames(async () => {
    const url = new URL(amqp.url);
    const scheduler = new VirtualScheduler();
    const dispatch = inProcessService(scheduler, freePort(), {
      RABBIT_PORT: url.port,
      RABBIT_USERNAME: decodeURIComponent(url.username),
      RABBIT_PASSWORD: decodeURIComponent(url.password),
    });
    const client = new AMQPClient(amqp.url);
    await client.connect();
    const channel = await client.channel();
    const other = `default-queue-rebind-${crypto.randomUUID()}`;
    /** Publish one event (confirmed: routed); did gateway.recv take it? */
    const recvTakes = async (): Promise<boolean> => {
      // A channel each: a refusal (nothing declared yet) closes it.
      const publishing = await client.channel();
      publishing.onerror = () => {};
      try {
        await publishing.confirmSelect();
        const passive = { passive: true };
        const before = await publishing.queueDeclare(RECV_QUEUE, passive);
        await publishing.basicPublish(EXCHANGE, "REBIND_TEST", "{}");
        const after = await publishing.queueDeclare(RECV_QUEUE, passive);
        return after.messageCount > before.messageCount;
      } finally {
        await publishing.close().catch(() => {});
      }
    };
    /**
     * Run the clock in small steps until `done` says so: the real broker
     * answers in real time, which a clock run faster outpaces.
     */
    const until = (done: () => Promise<boolean>, what: string): Promise<void> =>
      within(
        (async () => {
          while (!await done()) {
            await scheduler.advance(100);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })(),
        what,
      );
    await captureStderr(async () => {
      try {
        await advanceUntil(
          scheduler,
          dispatch.start(),
          "the service started",
          50,
          5,
        );
        await until(
          () => recvTakes().catch(() => false),
          "gateway.recv declared and bound",
        );
        await channel.queueDeclare(other, { exclusive: true });
        await channel.queueBind(other, EXCHANGE, "#");
        // Unbound: the other queue takes it, and RabbitMQ returns nothing.
        // The check made at the connection may come after the set-up's
        // bind, which the wait above saw, and bind it again (so it did on a
        // loaded machine): unbound again then, as no other check comes
        // before the next interval.
        let unbound = false;
        for (let attempt = 0; attempt < 5 && !unbound; attempt++) {
          await channel.queueUnbind(RECV_QUEUE, EXCHANGE, "#");
          unbound = !await recvTakes();
        }
        assert.ok(unbound, "gateway.recv unbound");
        const end = scheduler.now() + DEFAULT_QUEUE_CHECK_INTERVAL;
        await until(async () => {
          await scheduler.advance(900);
          return await recvTakes();
        }, "gateway.recv bound again by the check");
        // The next check, within one interval.
        assert.ok(scheduler.now() <= end + 1_000);
      } finally {
        await advanceUntil(scheduler, dispatch.close(), "the service closed");
        // Left as the service's set-up makes it, for the tests after.
        await channel.queueBind(RECV_QUEUE, EXCHANGE, "#").catch(() => {});
        await client.close().catch(() => {});
      }
    });
  }));
