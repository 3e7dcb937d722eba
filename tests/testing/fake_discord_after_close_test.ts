// A simulated user's action started after `await discord.close()` was
// taken: it dispatched to a closed gateway (which said no bot had connected
// yet, "was client.start() awaited?"), armed a new timer and, after the
// full wait (forever on a virtual clock nobody advances), failed with
// "Waited 10000 ms for a bot message" or "The bot did not answer /x within
// 3 s". Now each is refused at once, naming the close, and arms no timer.
import assert from "node:assert/strict";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { RecordedInteractionResponse } from "../../testing/mod.ts";
import type { RestMessage } from "../../rest/payloads.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const CLOSED = /The fake Discord closed: cannot .+ after close\(\)$/;

Deno.test("FakeDiscord: actions and waits started after close() are refused at once, naming the close, and arm no timer", async () => {
  const clock = new VirtualScheduler();
  const discord = await FakeDiscord.start({ scheduler: clock });
  // Nothing dispatched before the close: FakeGateway says "no bot" once.
  await discord.close();
  const shown = {} as RecordedInteractionResponse;
  // Any message: the refusal comes before the fake looks it up.
  const message = { id: "1", channel_id: discord.channelId } as RestMessage;
  const definition = { name: "x", description: "x", options: {} } as never;
  const printed = await captureStderr(async () => {
    const refused: Record<string, Promise<unknown>> = {
      say: discord.say("hello"),
      nextBotMessage: discord.nextBotMessage(),
      runCommand: discord.runCommand({ name: "x" }, { unregistered: true }),
      runUserCommand: discord.runUserCommand(definition, discord.user),
      runMessageCommand: discord.runMessageCommand(definition, message),
      click: discord.click(message, "b"),
      select: discord.select(message, "s", ["a"]),
      submitModal: discord.submitModal(shown, {}),
      autocomplete: discord.autocomplete(definition, "o", ""),
    };
    // What each ended with, caught at once: none may reject unhandled.
    const outcomes = Object.entries(refused).map(([name, promise]) =>
      promise.then(
        () => `${name}: resolved`,
        (error: Error) => `${name}: ${error.message}`,
      )
    );
    assert.equal(clock.pending, 0, "no timer armed after the close");
    for (const outcome of await Promise.all(outcomes)) {
      assert.match(outcome, CLOSED, outcome);
    }
    assert.throws(() => discord.postMessage("after"), CLOSED);
    assert.throws(() => discord.editMessage(message, "edited"), CLOSED);
    assert.throws(() => discord.deleteMessage(message), CLOSED);
  });
  assert.deepEqual(printed, [], "no line about a bot that never connected");
  assert.equal(clock.pending, 0);
});
