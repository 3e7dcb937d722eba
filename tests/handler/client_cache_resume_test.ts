// A Client with a cache that RESUMEs a session its cache did not see start
// (loaded from the sessionStore: a restart in a new process) says so on
// stderr once, naming the shards: Discord sends no READY or GUILD_CREATE on
// a RESUME, so that cache holds none of their guilds until the next READY.
import assert from "node:assert/strict";
import { Client, type ClientOptions } from "../../handler/mod.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages;

/** A Client's options on `discord`, sessions in `sessionStore`. */
function clientOptions(
  discord: FakeDiscord,
  sessionStore: MemorySessionStore,
  cache: boolean,
): ClientOptions {
  return {
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    sessionStore,
    ...(cache ? { cache: { resources: ["guilds", "channels"] } } : {}),
  };
}

/** The lines of `lines` that are the unseen-resume warning. */
function resumeWarnings(lines: readonly string[]): string[] {
  return lines.filter((line) => line.includes("resumed sessions saved"));
}

Deno.test("Client with a cache: resuming a stored session its cache did not see start is said once, naming the shard; its own session is not", async () => {
  await using discord = await FakeDiscord.start();
  const sessionStore = new MemorySessionStore();
  const options = clientOptions(discord, sessionStore, true);
  const first = new Client(options);
  const identified = await captureStderr(() => first.start());
  assert.deepEqual(resumeWarnings(identified), []);
  assert.equal([...first.cache.guilds()].length, 1);
  // Stopped and started again, this Client's cache saw its session start.
  await first.stop({ resumable: true });
  const again = await captureStderr(() => first.start());
  assert.deepEqual(resumeWarnings(again), []);
  await first.stop({ resumable: true });
  assert.equal(discord.gateway.counters.resumed, 1);

  // "Deploy": a new Client (a new process) resumes the stored session.
  await using second = new Client(options);
  const lines = await captureStderr(() => second.start());
  assert.equal(discord.gateway.counters.resumed, 2);
  assert.equal(discord.gateway.counters.identifies, 1);
  const warnings = resumeWarnings(lines);
  assert.equal(warnings.length, 1, lines.join("\n"));
  assert.match(warnings[0]!, /Shards 0 resumed/);
  assert.match(warnings[0]!, /until each shard's next READY/);
  assert.match(warnings[0]!, /delete those saved sessions/);
  // What it warns of: the guild is not held.
  assert.equal([...second.cache.guilds()].length, 0);
});

Deno.test("Client without a cache: resuming a stored session says nothing of a cache", async () => {
  await using discord = await FakeDiscord.start();
  const options = clientOptions(discord, new MemorySessionStore(), false);
  const first = new Client(options);
  await first.start();
  await first.stop({ resumable: true });
  await using second = new Client(options);
  const lines = await captureStderr(() => second.start());
  assert.equal(discord.gateway.counters.resumed, 1);
  assert.deepEqual(resumeWarnings(lines), []);
});

Deno.test("Client with a cache: the stored sessions deleted before start, the shard identifies and the cache holds the guild", async () => {
  // Virtual time: the second IDENTIFY waits out the 5 s of the first.
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const sessionStore = new MemorySessionStore();
  const options = clientOptions(discord, sessionStore, true);
  const first = new Client(options);
  await runUntilSettled(clock, first.start());
  await runUntilSettled(clock, first.stop({ resumable: true }));
  // What the warning offers for a cache filled at once.
  await sessionStore.deleteMany([0]);
  await using second = new Client(options);
  const lines = await captureStderr(() =>
    runUntilSettled(clock, second.start())
  );
  assert.deepEqual(resumeWarnings(lines), []);
  assert.equal(discord.gateway.counters.resumed, 0);
  assert.equal(second.cache.guild(discord.guildId)?.id, discord.guildId);
});
