// The `signal` option (a bot's Ctrl+C): resumable with a session store, so
// the restart RESUMEs as after a hard kill; a clean stop without one.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { KvSessionStore } from "../../gateway/kv_session_store.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages;

Deno.test("The signal option stops resumably with a sessionStore: the store keeps the session and the next Client resumes it", async () => {
  await using discord = await FakeDiscord.start();
  const store = await KvSessionStore.open({ path: ":memory:" });
  try {
    const controller = new AbortController();
    const first = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
      sessionStore: store,
      signal: controller.signal,
    });
    await first.start();
    // The signal alone, as a bot's Ctrl+C; stop() waits for its stop.
    controller.abort();
    await first.stop();
    assert.equal(discord.gateway.counters.closes[4000], 1, "closed with 4000");
    assert.equal((await store.loadAll()).length, 1, "the session is kept");

    // The next process: same store, a new Client.
    await using second = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
      sessionStore: store,
    });
    await second.start();
    const counters = discord.gateway.counters;
    assert.equal(counters.identifies, 1, "no second IDENTIFY");
    assert.equal(counters.resumed, 1);
    await second.stop();
  } finally {
    store.close();
  }
});

Deno.test("The signal option stops cleanly without a sessionStore: close 1000, offline at once", async () => {
  await using discord = await FakeDiscord.start();
  const controller = new AbortController();
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    signal: controller.signal,
  });
  await client.start();
  controller.abort();
  await client.stop();
  assert.equal(discord.gateway.counters.closes[1000], 1);
  assert.equal(discord.gateway.counters.closes[4000], undefined);
});
