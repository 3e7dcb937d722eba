// A Client given a gatewayUrl and a shard count asks nothing of GET
// /gateway/bot, so it knew no session start limit, and its own identify
// queue (handed to the manager as a given one) capped nothing: against a
// gateway that ended every session after 10 min its 16 shards started
// 2,294 sessions a day, where Discord allows 1,000 and then resets the
// token. Its queue now assumes Discord's default budget, kept across
// start() calls (assumed again, a restart would refill it). On the virtual
// clock; the manager's side in
// tests/gateway/assumed_session_start_limit_test.ts.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";
import { sessionEndingGateway } from "../gateway/_session_ending_gateway.ts";

Deno.test("Client with a gatewayUrl and a shard count starts at most 1,000 sessions a day, a restart included", async () => {
  await withLogRecords(async (records) => {
    const clock = new VirtualScheduler();
    const gateway = sessionEndingGateway(clock, 10 * 60_000);
    const client = new Client({
      token: "assumed-budget-token",
      intents: GatewayIntent.Guilds,
      gatewayUrl: "wss://gateway.invalid",
      shards: 16,
      transport: gateway.transport,
      scheduler: clock,
      random: () => 0.5,
    });
    await runUntilSettled(clock, client.start());
    // A day less an hour: the budget resets a day after the first start.
    for (let minute = 0; minute < 23 * 60; minute++) {
      await clock.advance(60_000);
    }
    assert.equal(gateway.identifies(), 1_000);
    assert.equal(
      records.filter((record) =>
        record.message.join("").includes("Session start limit exhausted")
      ).length,
      1,
      "the wait is said",
    );
    // A restart does not refill the day's budget.
    await runUntilSettled(clock, client.stop());
    const restarted = client.start();
    for (let minute = 0; minute < 30; minute++) await clock.advance(60_000);
    assert.equal(gateway.identifies(), 1_000, "no IDENTIFY before the reset");
    await runUntilSettled(clock, restarted);
    assert.ok(gateway.identifies() > 1_000, "the next day's budget is used");
    await runUntilSettled(clock, client.stop());
  });
});
