// An unreachable RabbitMQ is one warning per streak of failed attempts, the
// repeats at debug level, as a refused login is: at a warning per attempt
// an outage printed a line every 5 s (~720 an hour). The line once it is
// back says how long it lasted, which the repeats no longer show.
import assert from "node:assert/strict";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { ConnectionLog } from "../../dispatch/_connection_log.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { tcpCut } from "../_fakes/tcp_cut.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import { advanceUntilTrue } from "./_in_process_service.ts";

Deno.test({
  name:
    "ConfirmedPublisher: RabbitMQ unreachable is one warning per outage, the repeats at debug level; the reconnect says how long it lasted",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const relay = tcpCut(Number(new URL(broker.url).port));
  relay.cut();
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const publisher = new ConfirmedPublisher({
      url: `amqp://guest:guest@127.0.0.1:${relay.port}`,
      exchange: "gateway",
      capacity: 4,
      retryDelay: 20,
      scheduler,
    });
    const lines = (pattern: RegExp) =>
      records.filter((r) => pattern.test(r.message.join("")));
    const unreachable = () => lines(/RabbitMQ unreachable/);
    try {
      await publisher.start();
      const since = scheduler.now();
      await advanceUntilTrue(
        scheduler,
        () => unreachable().length >= 4,
        "four attempts failed",
      );
      const levels = unreachable().map((r) => r.level);
      assert.deepEqual(levels, [
        "warning",
        ...levels.slice(1).map(() => "debug"),
      ]);
      relay.restore();
      // Real time between the steps: the handshake through the relay takes
      // some, which a clock at full speed outruns (its 10 s timeout).
      await advanceUntilTrue(
        scheduler,
        () => publisher.connected,
        "back",
        undefined,
        20,
      );
      const lasted = (scheduler.now() - since) / 1000;
      const [back] = lines(/RabbitMQ connected/).map((r) => r.message.join(""));
      const seconds = Number(/after ([\d.]+) s/.exec(back ?? "")?.[1]);
      assert.ok(
        seconds > 0 && seconds <= lasted,
        `the outage's length (at most ${lasted} s) in: ${back}`,
      );

      // A second outage is a new streak: its first failure is a warning.
      const before = unreachable().length;
      relay.cut();
      await advanceUntilTrue(
        scheduler,
        () => unreachable().length >= before + 2,
        "two attempts failed again",
      );
      const again = unreachable().slice(before).map((r) => r.level);
      assert.deepEqual(again, [
        "warning",
        ...again.slice(1).map(() => "debug"),
      ]);
    } finally {
      await publisher.close();
      await relay.close();
    }
  }, "debug");
});

Deno.test("ConnectionLog: the reconnect line counts the outage from its first failure, and a second outage from its own", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const log = new ConnectionLog(scheduler, undefined);
    const refused = new Error("connect ECONNREFUSED 127.0.0.1:5672");
    log.failed(refused, 1, 5_000);
    await scheduler.advance(5_000);
    log.failed(refused, 1, 5_000);
    await scheduler.advance(5_000);
    log.connected(1);
    // A connection lost, then back 2 s later.
    await scheduler.advance(60_000);
    log.down();
    await scheduler.advance(1_000);
    log.failed(refused, 0, 1_000);
    await scheduler.advance(1_000);
    log.connected(0);
    const back = records.map((r) => r.message.join(""))
      .filter((line) => line.startsWith("RabbitMQ connected"));
    assert.deepEqual(back, [
      "RabbitMQ connected after 10 s without it; 1 buffered event(s) to send",
      "RabbitMQ connected after 2 s without it; 0 buffered event(s) to send",
    ]);
  }, "info");
});
