// The Client on a session store saved with other intents, or by another
// bot (see session_identity_test.ts for the ShardManager): with new
// intents it identifies and its handler gets the new intents' events;
// on another bot's sessions its start() rejects, nothing connects, and
// its teardown leaves the store as it was.
import assert from "node:assert/strict";
import { Client, Handler } from "../../handler/mod.ts";
import * as errors from "../../gateway/errors.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { MessageCreateDispatch } from "../../types/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

const BOT_A = "123456789012345678";
const OTHER_BOT = "876543210987654321";
const TOKEN = `${btoa(BOT_A).replace(/=+$/, "")}.GhIjKl.mNoPqRsTuV`;

class Messages extends Handler {
  readonly got: string[] = [];
  override onMessageCreate(message: MessageCreateDispatch): void {
    this.got.push(message.content);
  }
}

Deno.test("Client: restarted with GuildMessages added on its saved sessions, it identifies and gets MESSAGE_CREATE", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    scheduler: clock,
    token: TOKEN,
  });
  const store = new MemorySessionStore();
  const base = { token: TOKEN, ...discord.clientOptions, sessionStore: store };
  const first = new Client({ ...base, intents: GatewayIntent.Guilds });
  await runUntilSettled(clock, first.start());
  await runUntilSettled(clock, first.stop({ resumable: true }));
  await clock.advance(5_000); // down a while; past the identify spacing
  const identified = discord.gateway.counters.identifies;
  const handler = new Messages();
  const second = new Client({
    ...base,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
  });
  const lines = await captureStderr(() =>
    runUntilSettled(clock, second.start(handler))
  );
  try {
    assert.equal(discord.gateway.counters.resumes, 0, lines.join("\n"));
    assert.equal(
      discord.gateway.counters.identifies - identified,
      second.shards!.shards.size,
    );
    assert.equal(lines.filter((l) => /not replayed/.test(l)).length, 1);
    discord.postMessage("hello");
    await runUntil(clock, () => handler.got.length > 0);
    assert.deepEqual(handler.got, ["hello"]);
  } finally {
    await runUntilSettled(clock, second.stop());
  }
});

Deno.test("Client: on another bot's saved sessions start() rejects with OtherBotSessionsError, nothing connects, the store is kept", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    scheduler: clock,
    token: TOKEN,
  });
  const theirs = {
    shardId: 0,
    shardCount: 1,
    sessionId: "their-session",
    sequence: 42,
    savedAt: clock.now(),
    intents: GatewayIntent.Guilds,
    botId: OTHER_BOT,
  };
  const store = new MemorySessionStore([theirs]);
  const client = new Client({
    token: TOKEN,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
    sessionStore: store,
  });
  const error = await runUntilSettled(clock, client.start())
    .then(() => assert.fail("start() resolved"), (error: unknown) => error);
  assert.ok(errors.OtherBotSessionsError, "the error class exists");
  assert.ok(error instanceof errors.OtherBotSessionsError, String(error));
  assert.match(error.message, /bot 876543210987654321/);
  assert.match(error.message, /bot 123456789012345678/);
  assert.equal(
    discord.gateway.log.filter((e) => e.type === "connect").length,
    0,
  );
  assert.deepEqual(await store.loadAll(), [theirs]);
});
