// A wait its Client's stop ends is rejected handled: one nobody awaited (a
// test that failed before awaiting it, a handler that moved on) rejected
// unhandled at the stop, which ends a Deno process (and, in a test, hid the
// test's own error). An awaited one still gets ClientStoppedError.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { ClientStoppedError } from "../../handler/client_stopped_error.ts";
import { awaitMessage } from "../../interactions/await_message.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

Deno.test("awaitMessage: a wait the client's stop ends rejects handled when nobody awaits it, and with ClientStoppedError when awaited", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    ...discord.clientOptions,
  });
  await runUntilSettled(clock, client.start());
  const unhandled: unknown[] = [];
  const listener = (event: PromiseRejectionEvent): void => {
    event.preventDefault();
    unhandled.push(event.reason);
  };
  globalThis.addEventListener("unhandledrejection", listener);
  try {
    void awaitMessage(client, { timeout: 60_000 });
    const awaited = awaitMessage(client, { timeout: 60_000 });
    const outcome = awaited.then(() => "answered", (error) => error);
    await runUntilSettled(clock, client.stop());
    assert.ok((await outcome) instanceof ClientStoppedError);
    // Unhandled rejections are reported once the microtasks run out.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  } finally {
    globalThis.removeEventListener("unhandledrejection", listener);
  }
  assert.deepEqual(unhandled, []);
});
