// Child of client_virtual_dispose_test.ts, run with `deno test`: a Client on
// the fake's virtual clock, `await using`, its handler stuck on a virtual
// timer nobody advances. The first test fails with its own assertion, the
// second passes; neither may end as "Promise resolution is still pending".
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

/** A started Client whose message handler waits a virtual minute. */
async function stuck(
  clock: VirtualScheduler,
  discord: FakeDiscord,
): Promise<Client> {
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  let entered = false;
  client.on("MESSAGE_CREATE", async () => {
    entered = true;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 60_000));
  });
  await runUntilSettled(clock, client.start());
  discord.postMessage("hi");
  await runUntilSettled(clock, discord.delivered());
  await clock.flushMicrotasks();
  assert.ok(entered, "the handler runs");
  return client;
}

Deno.test("failing: its own assertion is reported", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  await using _client = await stuck(clock, discord);
  assert.equal(1, 2, "THE TEST'S OWN FAILURE");
});

Deno.test("passing: disposal does not wait on the virtual clock", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  await using _client = await stuck(clock, discord);
});
