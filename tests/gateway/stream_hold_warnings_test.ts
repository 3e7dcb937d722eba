// A dispatch stream that stops being read pauses its shards past 16 MiB
// unread, and keeps them paused until it is read: a forgotten
// `dispatches()` freezes the bot. Like the Client's pauses for its
// handlers, the pause is said on stderr (which shards, that an unread
// stream holds them, how much), again once if it is still unread after
// LONG_PAUSE_MS, and a session lost meanwhile is reported as lost events.
// A stream that is read down in time says no more than its pause.
import assert from "node:assert/strict";
import { LONG_PAUSE_MS } from "../../gateway/event_backlog.ts";
import { Shard } from "../../gateway/shard.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { MAX_PAUSE_MS } from "../../handler/shard_slot.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil } from "../_fakes/run_until.ts";
import {
  hello,
  readyHarness,
  sendUntilPaused,
} from "../_fakes/shard_harness.ts";

const PAUSED = /paused: a dispatch stream \(dispatches\(\)\) has (\d+) MiB/;
const STILL =
  /still paused: a dispatch stream still has \d+ MiB of events unread after 45 s/;
const LOST =
  /the session ended while an unread dispatch stream held the shard paused; the events Discord sent meanwhile are lost/;

function count(lines: readonly string[], pattern: RegExp): number {
  return lines.filter((line) => pattern.test(line)).length;
}

Deno.test("A dispatch stream that pauses its shard says so once on stderr: the shard, an unread dispatch stream, how much", async () => {
  const h = await readyHarness();
  const reader = h.shard.dispatches().getReader();
  let last = 0;
  const lines = await captureStderr(() => last = sendUntilPaused(h));
  assert.equal(count(lines, PAUSED), 1, lines.join("\n"));
  const line = lines.find((l) => PAUSED.test(l))!;
  assert.match(line, /^\[WRN\] .*Shard 0 paused: /);
  assert.equal(Number(PAUSED.exec(line)![1]), 16);
  // Read down to a quarter: the shard resumes, and nothing more is said.
  const later = await captureStderr(async () => {
    for (let i = 2; i <= last - 3; i++) await reader.read(); // 3 MiB left
    await h.settle();
  });
  assert.equal(h.shard.paused, false);
  assert.deepEqual(later, []);
  await reader.cancel();
  await h.shard.close();
});

Deno.test("A dispatch stream still unread after LONG_PAUSE_MS (the Client's MAX_PAUSE_MS) says so again once: the shard stays paused and its session may expire", async () => {
  assert.equal(LONG_PAUSE_MS, MAX_PAUSE_MS);
  const h = await readyHarness();
  const stream = h.shard.dispatches();
  const early = await captureStderr(async () => {
    sendUntilPaused(h);
    await h.scheduler.advance(LONG_PAUSE_MS - 1);
  });
  assert.equal(count(early, PAUSED), 1);
  assert.equal(count(early, STILL), 0, "not before LONG_PAUSE_MS");
  const lines = await captureStderr(async () => {
    await h.scheduler.advance(1);
    await h.scheduler.advance(10 * 60_000);
  });
  assert.equal(count(lines, STILL), 1, lines.join("\n"));
  assert.match(lines.find((l) => STILL.test(l))!, /Shard 0 still paused/);
  assert.match(lines.find((l) => STILL.test(l))!, /about 90 s/);
  assert.equal(h.shard.paused, true);
  await stream.cancel();
  await h.shard.close();
});

Deno.test("A dispatch stream read down before LONG_PAUSE_MS, its session resumed, says nothing after its pause", async () => {
  const h = await readyHarness();
  const reader = h.shard.dispatches().getReader();
  const lines = await captureStderr(async () => {
    const last = sendUntilPaused(h);
    for (let i = 2; i <= last - 3; i++) await reader.read(); // 3 MiB left
    await h.settle();
    assert.equal(h.shard.paused, false);
    hello(h.socket());
    await h.settle();
    h.socket().receive({ op: 0, s: last + 1, t: "RESUMED", d: {} });
    await h.settle();
    assert.equal(h.shard.status, "ready");
    await h.scheduler.advance(10 * LONG_PAUSE_MS);
  });
  assert.equal(count(lines, PAUSED), 1);
  assert.equal(count(lines, STILL), 0, lines.join("\n"));
  assert.equal(count(lines, LOST), 0, lines.join("\n"));
  await reader.cancel();
  await h.shard.close();
});

Deno.test("A shard closed while its dispatch stream holds it paused gets no later warning and leaves no timer", async () => {
  const h = await readyHarness();
  const stream = h.shard.dispatches();
  const lines = await captureStderr(async () => {
    sendUntilPaused(h);
    await h.shard.close();
    await h.scheduler.advance(10 * LONG_PAUSE_MS);
  });
  assert.equal(count(lines, STILL), 0, lines.join("\n"));
  assert.equal(h.scheduler.pending, 0, "no timer left behind");
  await stream.cancel();
});

Deno.test("A session that expires while an unread dispatch stream holds its shard paused is reported as lost events once read", async () => {
  const scheduler = new VirtualScheduler();
  const discord = new FakeGateway({ scheduler });
  const shard = new Shard({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    transport: discord.transport,
    scheduler,
    random: () => 0.5,
  });
  const connected = shard.connect();
  await runUntil(scheduler, () => shard.status === "ready");
  await connected;
  const reader = shard.dispatches().getReader();
  const guild = discord.guildIds[0]!;
  const name = "x".repeat(1024 * 1024);
  const early = await captureStderr(async () => {
    for (let i = 0; !shard.paused; i++) {
      assert.ok(i < 40, "paused within the bound");
      discord.dispatch("GUILD_UPDATE", { id: guild, name });
      await scheduler.advance(0);
    }
    await scheduler.advance(120_000); // past the fake's 90 s session TTL
  });
  assert.equal(count(early, LOST), 0, "not known before the READY");
  const lines = await captureStderr(async () => {
    while (shard.paused) {
      await reader.read();
      await scheduler.advance(0);
    }
    await runUntil(scheduler, () => discord.counters.identifies === 2);
    await runUntil(scheduler, () => shard.status === "ready");
    await scheduler.advance(10 * LONG_PAUSE_MS);
  });
  assert.equal(count(lines, LOST), 1, lines.join("\n"));
  assert.match(lines.find((l) => LOST.test(l))!, /^\[WRN\] .*Shard 0: /);
  await reader.cancel();
  await shard.close();
  discord.close();
});

Deno.test("ShardManager.dispatches() unread pauses every shard and says so in one line naming them, then once more after LONG_PAUSE_MS", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 3, guilds: 3 });
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    shardCount: 3,
  });
  let started = false;
  manager.start().then(() => started = true);
  await runUntil(scheduler, () => started);
  const stream = manager.dispatches();
  const content = "x".repeat(1024 * 1024);
  const shards = [...manager.shards.values()];
  const lines = await captureStderr(async () => {
    for (let sent = 0; !shards.every((shard) => shard.paused); sent++) {
      assert.ok(sent < 40, "paused within the bound");
      gateway.dispatch("BIG_EVENT", {
        id: String(sent),
        guild_id: gateway.guildIds[sent % 3],
        content,
      });
      await scheduler.advance(0);
    }
    await scheduler.advance(LONG_PAUSE_MS);
  });
  assert.equal(count(lines, PAUSED), 1, lines.join("\n"));
  assert.match(lines.find((l) => PAUSED.test(l))!, /Shards 0–2 paused: /);
  assert.equal(count(lines, STILL), 1, lines.join("\n"));
  assert.match(lines.find((l) => STILL.test(l))!, /Shards 0–2 still paused/);
  await stream.cancel();
  await manager.close();
  gateway.close();
});
