// The in-process transport must hand a burst over the way a socket does, so
// the Client's per-shard bound holds against it as on loopback: the pause a
// slow handler triggers (after the frame that crossed the bound) has to take
// effect before the next frame, not after the whole burst was taken.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

/** More TYPING_STARTs than the 16 MiB bound holds (about 32,000 of them). */
const BURST = 60_000;

Deno.test("A burst sent at once in-process stops at the Client's bound, and every event arrives once, in order, after the handler is released", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({
      scheduler,
      // Discord keeps what the paused client did not take for the RESUME.
      gateway: { replayBufferSize: BURST },
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const seen: number[] = [];
    class Slow extends Handler {
      override async onTypingStart(
        event: GatewayEventMap["TYPING_START"],
      ): Promise<void> {
        await gate;
        seen.push(Number(event.user_id) - 1000);
      }
    }
    await using client = new Client({
      token: discord.token,
      intents: GatewayIntent.Guilds | GatewayIntent.GuildMessageTyping,
      ...discord.clientOptions,
    });
    try {
      await runUntilSettled(scheduler, client.start(new Slow()));
      const guild = discord.gateway.guildIds[0]!;
      for (let i = 0; i < BURST; i++) {
        discord.gateway.dispatch("TYPING_START", {
          channel_id: "1",
          guild_id: guild,
          user_id: String(1000 + i),
          timestamp: 1,
        }, { warnIfFiltered: false });
      }
      // The burst arrives in 64 KiB reads, a few microtask turns each.
      const shard = client.shards!.shard(0)!;
      for (let i = 0; i < 1_000 && !shard.paused; i++) {
        await scheduler.flushMicrotasks();
      }
      await scheduler.flushMicrotasks();
      const held = client.pendingHandlerCalls(0);
      assert.ok(
        held < 40_000,
        `the shard stopped taking events near the bound (${held} held of ${BURST})`,
      );
      assert.equal(shard.paused, true);
    } finally {
      release();
    }
    await client.idle();
    await runUntil(scheduler, () => seen.length >= BURST, { limit: 1_000 });
    await client.idle();
    assert.equal(seen.length, BURST);
    assert.ok(
      seen.every((user, i) => user === i),
      "every event arrived once, in order",
    );
    // Discord replayed the rest on RESUME (a replay past the bound may
    // pause the shard again).
    const { identifies, resumed } = discord.gateway.counters;
    assert.equal(identifies, 1, "the session was kept");
    assert.ok(resumed >= 1, `resumed ${resumed} times`);
  });
});
