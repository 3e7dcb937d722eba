// A setting the broker refuses (the login, the exchange's type) is said at
// error level once per streak of refusals; the repeats are debug lines.
// Logged as errors, the service's console sink (LOG_LEVEL=info) printed
// every attempt: 11 identical ERR lines in 25 s.
import assert from "node:assert/strict";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { ConnectionLog } from "../../dispatch/_connection_log.ts";
import { ExchangeTypeError } from "../../dispatch/declare.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import { advanceUntilTrue } from "./_in_process_service.ts";

for (
  const [what, setUp, said] of [
    [
      "a refused login",
      (broker: FakeAmqpBroker) => broker.refuseLogin = true,
      /RabbitMQ refused the login \(.*ACCESS_REFUSED/,
    ],
    [
      "an exchange of another type",
      (broker: FakeAmqpBroker) => broker.exchangeType = "direct",
      /not a durable topic exchange/,
    ],
  ] as const
) {
  Deno.test({
    name:
      `ConfirmedPublisher: ${what} is one error-level line per streak of refusals, the repeats at debug level`,
    sanitizeResources: false,
    sanitizeOps: false,
  }, async () => {
    await using broker = new FakeAmqpBroker();
    setUp(broker);
    await withLogRecords(async (records) => {
      const scheduler = new VirtualScheduler();
      const publisher = new ConfirmedPublisher({
        url: broker.url,
        exchange: "gateway",
        capacity: 4,
        retryDelay: 20,
        scheduler,
      });
      const refusals = () =>
        records.filter((r) => said.test(r.message.join("")));
      try {
        await publisher.start();
        await advanceUntilTrue(
          scheduler,
          () => refusals().length >= 4,
          "four attempts refused",
        );
        assert.equal(publisher.connected, false);
        assert.deepEqual(
          refusals().map((r) => r.level),
          ["error", ...refusals().slice(1).map(() => "debug")],
        );
      } finally {
        await publisher.close();
      }
    }, "debug");
  });
}

Deno.test("ConnectionLog: a refusal of another kind, or one after a connection, starts a new streak, said at error level", async () => {
  await withLogRecords((records) => {
    const log = new ConnectionLog(
      new VirtualScheduler(),
      "set RABBIT_PASSWORD",
    );
    const login = new Error("ACCESS_REFUSED - Login was refused (403)");
    const type = new ExchangeTypeError("gateway", "direct");
    for (const error of [login, login, type, type, login]) {
      log.failed(error, 0, 20);
    }
    // Connected in between: the next refusal is a new streak.
    log.connected(0);
    log.failed(login, 0, 20);
    const refusals = records.filter((r) =>
      !r.message.join("").startsWith("RabbitMQ connected")
    );
    assert.deepEqual(refusals.map((r) => r.level), [
      "error",
      "debug",
      "error",
      "debug",
      "error",
      "error",
    ]);
    return Promise.resolve();
  }, "debug");
});
