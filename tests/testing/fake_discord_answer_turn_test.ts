/**
 * The fake's waits for the bot's answer (`say()`, `runCommand()`, `click()`
 * and the others) resolve only once the bot got its REST response back and
 * had a turn: a handler that replies, then awaits the user's answer, has
 * registered its wait by then. The fake sees the answer while it serves the
 * bot's call; resolved there, the test's next action came before the
 * handler's wait, which missed it (the README's "reply, then await the
 * answer", tested in-process on the real clock, timed out).
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import { awaitMessage } from "../../interactions/await_message.ts";
import { command } from "../../interactions/commands.ts";
import { button, row } from "../../interactions/components.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { AnswerWaits } from "../../testing/_answer_waits.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { MessageCreateDispatch } from "../../types/dispatch_payloads.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

Deno.test("say() resolves after the bot's handler got past its reply: the answer it then awaits reaches it (in-process, real clock)", async () => {
  const bot: { client?: Client } = {};
  class Purge extends Handler {
    override async onMessageCreate(
      message: MessageCreateDispatch,
      ctx: Context,
    ): Promise<void> {
      if (message.content !== "!purge") return;
      await ctx.reply(message, "sure? (yes/no)");
      try {
        const answer = await awaitMessage(bot.client!, {
          channelId: message.channel_id,
          authorId: message.author.id,
          timeout: 1_000,
        });
        await ctx.reply(answer, `purge: ${answer.content}`);
      } catch (error) {
        await ctx.reply(message, `gave up: ${(error as Error).name}`);
      }
    }
  }
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  bot.client = client;
  await client.start(new Purge());
  assert.equal((await discord.say("!purge")).content, "sure? (yes/no)");
  // At once: no timer, no delivered(), nothing between.
  assert.equal((await discord.say("yes")).content, "purge: yes");
});

Deno.test("runCommand() resolves after the route got past its respond(): the click it then awaits reaches it (in-process, real clock)", async () => {
  const remove = command({ name: "delete", description: "Delete" });
  const router = new InteractionRouter();
  router.command(remove, async (_, ctx) => {
    await ctx.respond({
      content: "Sure?",
      components: [row(button({ id: "yes", label: "Yes", style: "danger" }))],
    });
    try {
      const click = await router.awaitComponent({
        customId: "yes",
        timeout: 1_000,
      });
      await click.ctx.update("deleted");
    } catch (error) {
      await ctx.followUp(`gave up: ${(error as Error).name}`);
    }
  });
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
  });
  router.attach(client);
  await client.start();
  await syncCommands(client.rest, router.commands);
  await discord.runCommand(remove, {});
  const [message] = discord.rest.messages(discord.channelId);
  const answer = await discord.click(message!, "yes");
  assert.deepEqual(answer.body, { type: 7, data: { content: "deleted" } });
});

Deno.test("say() on a VirtualScheduler still resolves when the test awaits it without advancing the clock", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  client.on("MESSAGE_CREATE", async (message, ctx) => {
    if (message.content === "!ping") await ctx.reply(message, "pong");
  });
  await runUntilSettled(clock, client.start());
  assert.equal((await discord.say("!ping")).content, "pong");
  await runUntilSettled(clock, client.stop());
});

Deno.test("AnswerWaits: a matched wait settles a clock turn later, or at once when the fake closes, leaving no timer", async () => {
  const clock = new VirtualScheduler();
  const waits = new AnswerWaits(clock, () => undefined);
  const waiters = new Set<(value: string) => boolean>();
  const deadline = { ms: 1_000, message: "late" };
  let settled = false;
  const turned = waits.wait(waiters, () => true, "an answer", deadline);
  void turned.then(() => settled = true);
  for (const waiter of waiters) waiter("first");
  assert.equal(waiters.size, 0, "matched: no longer offered anything");
  await clock.flushMicrotasks();
  assert.equal(settled, false, "not in the turn the answer came");
  await clock.advance(0);
  assert.equal(await turned, "first");
  // One answered but not yet settled when the fake closes gets its answer,
  // not the close's error, and its turn's timers are cleared.
  const closing = waits.wait(waiters, () => true, "an answer", deadline);
  for (const waiter of waiters) waiter("second");
  waits.cancelAll();
  assert.equal(await closing, "second");
  assert.equal(clock.pending, 0);
});
