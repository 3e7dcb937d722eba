// A wait for the bot's answer gives up after `answerTimeout`, on the fake's
// clock: not before (a slow bot's answer still counts) and not never (a
// bot that never answers must fail the test, not hang it).
import assert from "node:assert/strict";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("FakeDiscord: a wait the bot never answers rejects at answerTimeout, not before", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    scheduler: clock,
    answerTimeout: 50,
  });
  let outcome: string | undefined;
  discord.nextBotMessage().then(
    () => outcome = "answered",
    (error: Error) => outcome = error.message,
  );
  await clock.advance(49);
  assert.equal(outcome, undefined);
  // Not awaited: a wait that never settles must fail here, not hang.
  await clock.advance(1);
  assert.equal(outcome, "Waited 50 ms for a bot message");
});
