// Reply, then wait for the answer, from inside a Handler method, an `on`
// listener or a route handler: the waiter is matched as the answer arrives,
// not queued behind the handler that waits for it.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import { awaitMessage } from "../../interactions/await_message.ts";
import { command } from "../../interactions/commands.ts";
import { button, row } from "../../interactions/components.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { commandInteraction } from "../_fakes/interactions.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

type Message = GatewayEventMap["MESSAGE_CREATE"];

/** A click on button `customId` of message "5". */
function click(id: string, customId = "go"): Interaction {
  return commandInteraction({
    id,
    type: 3,
    token: "t",
    data: { custom_id: customId, component_type: 2 },
    message: { id: "5" },
  });
}

/**
 * A bot that answers "!menu" with a button, runs `beforeWait` (when the
 * reply is back), then awaits the click from inside its Handler method and
 * answers it "done"; `outcome` gets "clicked" or the wait's error name.
 */
function menuBot(
  router: InteractionRouter,
  beforeWait: () => void | Promise<void>,
  outcome: (seen: string) => void,
): Handler {
  return new class extends Handler {
    override async onMessageCreate(m: Message, ctx: Context): Promise<void> {
      if (m.content !== "!menu") return;
      const sent = await ctx.reply(m, {
        content: "pick",
        // A message's components, typed loosely by the REST body.
        components: [row(button({ id: "ok", label: "OK" }))] as never,
      });
      await beforeWait();
      try {
        const click = await router.awaitComponent({
          messageId: sent.id,
          timeout: 4000,
        });
        outcome("clicked");
        await click.ctx.update("done");
      } catch (error) {
        outcome((error as Error).name);
      }
    }
  }();
}

/** A fake Discord and a started client on one virtual clock. */
async function started(
  clock: VirtualScheduler,
  handler: Handler | undefined,
  setUp: (client: Client) => void = () => {},
  cache = false,
): Promise<{ discord: FakeDiscord; client: Client }> {
  const discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    ...(cache
      ? { cache: { resources: ["guilds", "channels", "messages"] } }
      : {}),
  });
  setUp(client);
  await runUntilSettled(clock, client.start(handler));
  return { discord, client };
}

/** Run the clock until `promise` settles; its value. */
const settle = runUntilSettled;

Deno.test("awaitMessage from a Handler method that replied gets the answer at once, cached, exactly once", async () => {
  const clock = new VirtualScheduler();
  const bot: { client?: Client } = {};
  let asked = 0;
  let seenByFilter = 0;
  let cachedWhenSeen = false;
  const handled: string[] = [];
  class Quiz extends Handler {
    override async onMessageCreate(m: Message, ctx: Context): Promise<void> {
      handled.push(m.content);
      if (m.content !== "!quiz") return;
      await ctx.reply(m, "2 + 2?");
      asked = clock.now();
      try {
        const answer = await awaitMessage(bot.client!, {
          authorId: m.author.id,
          channelId: m.channel_id,
          timeout: 3000,
          scheduler: clock,
          filter: (candidate) => {
            seenByFilter++;
            cachedWhenSeen = bot.client!.cache.message(
              candidate.channel_id,
              candidate.id,
            ) !== undefined;
            return true;
          },
        });
        await ctx.reply(answer, answer.content === "4" ? "right" : "wrong");
      } catch (error) {
        await ctx.reply(m, `gave up: ${(error as Error).name}`);
      }
    }
  }
  const { discord, client } = await started(
    clock,
    new Quiz(),
    (created) => bot.client = created,
    true,
  );
  try {
    const question = await settle(clock, discord.say("!quiz"));
    assert.equal(question.content, "2 + 2?");
    const verdict = discord.nextBotMessage();
    discord.postMessage("4");
    assert.equal((await settle(clock, verdict)).content, "right");
    assert.ok(clock.now() - asked < 3000, "answered before the timeout");
    assert.equal(seenByFilter, 1);
    assert.equal(cachedWhenSeen, true, "the cache had the message already");
    await settle(clock, client.idle());
    // The Handler still gets the answer, once, after its own turn.
    assert.equal(handled.filter((content) => content === "4").length, 1);
  } finally {
    await settle(clock, client.stop());
    await discord.close();
  }
});

Deno.test("awaitMessage from an ordinary on() listener that replied gets the answer at once", async () => {
  const clock = new VirtualScheduler();
  let asked = 0;
  const { discord, client } = await started(clock, undefined, (bot) => {
    bot.on("MESSAGE_CREATE", async (m, ctx) => {
      if (m.content !== "!name") return;
      await ctx.reply(m, "Your name?");
      asked = clock.now();
      const answer = await awaitMessage(bot, {
        authorId: m.author.id,
        timeout: 5000,
        scheduler: clock,
      }).catch(() => undefined);
      await ctx.reply(m, answer ? `hello ${answer.content}` : "timed out");
    });
  });
  try {
    await settle(clock, discord.say("!name"));
    const greeting = discord.nextBotMessage();
    discord.postMessage("Ada");
    assert.equal((await settle(clock, greeting)).content, "hello Ada");
    assert.ok(clock.now() - asked < 5000);
  } finally {
    await settle(clock, client.stop());
    await discord.close();
  }
});

Deno.test("router.awaitComponent from a Handler method gets the click, which is answered and not routed as well", async () => {
  const clock = new VirtualScheduler();
  const errors: InteractionError[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => void errors.push(error),
  });
  let asked = 0;
  let outcome = "";
  const bot = menuBot(router, () => void (asked = clock.now()), (seen) => {
    outcome = seen;
  });
  const { discord, client } = await started(
    clock,
    bot,
    (bot) => void router.attach(bot),
  );
  try {
    const stderr = await captureStderr(async () => {
      const menu = await settle(clock, discord.say("!menu"));
      const answer = await settle(clock, discord.click(menu, "ok"));
      assert.equal(answer.body.data?.content, "done");
      assert.ok(clock.now() - asked < 3000, "answered within Discord's 3 s");
      await settle(clock, client.idle());
    });
    assert.equal(outcome, "clicked");
    assert.deepEqual(errors, []);
    assert.deepEqual(
      stderr.filter((line) => line.includes("No route")),
      [],
      "the awaited click is not routed after the waiter took it",
    );
  } finally {
    await settle(clock, client.stop());
    await discord.close();
  }
});

Deno.test("a route handler that replied gets the click and the message it waits for", async () => {
  const clock = new VirtualScheduler();
  const ask = command({ name: "ask", description: "Ask" });
  const steps: string[] = [];
  const router = new InteractionRouter({ scheduler: clock }).command(
    ask,
    async (i, ctx) => {
      await ctx.respond({
        content: "Sure?",
        components: [row(button({ id: "yes", label: "Yes" }))],
      });
      const click = await router.awaitComponent({
        userId: i.user.id,
        timeout: 4000,
      });
      await click.ctx.update({ content: "Say why", components: [] });
      steps.push("clicked");
      const why = await awaitMessage(client, {
        authorId: i.user.id,
        timeout: 4000,
        scheduler: clock,
      });
      steps.push(`because ${why.content}`);
    },
  );
  const { discord, client } = await started(
    clock,
    undefined,
    (bot) => void router.attach(bot),
  );
  try {
    await settle(clock, syncCommands(client.rest, router.commands));
    await settle(clock, discord.runCommand(ask, {}));
    const [message] = discord.rest.messages(discord.channelId);
    const clicked = await settle(clock, discord.click(message!, "yes"));
    assert.equal(clicked.body.data?.content, "Say why");
    discord.postMessage("it is late");
    await runUntil(clock, () => steps.length === 2);
    assert.deepEqual(steps, ["clicked", "because it is late"]);
  } finally {
    await settle(clock, client.stop());
    await discord.close();
  }
});

Deno.test("a click nobody waits for is still routed in turn, after the Handler method before it", async () => {
  const clock = new VirtualScheduler();
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const router = new InteractionRouter({ scheduler: clock }).button(
    "go",
    (_, ctx) => {
      order.push("route go");
      return ctx.deferUpdate();
    },
  );
  class Bot extends Handler {
    override async onMessageCreate(m: Message, ctx: Context): Promise<void> {
      if (m.content === "!menu") {
        await ctx.reply(m, {
          content: "menu",
          components: [row(button({ id: "go", label: "Go" }))] as never,
        });
      }
      if (m.content !== "block") return;
      order.push("handler blocks");
      await gate;
      order.push("handler done");
    }
  }
  const { discord, client } = await started(
    clock,
    new Bot(),
    (bot) => void router.attach(bot),
  );
  try {
    const menu = await settle(clock, discord.say("!menu"));
    discord.postMessage("block");
    // A waiter that matches nothing here: the click is not taken early.
    const other = router.awaitComponent({ customId: "other", timeout: 60_000 });
    other.catch(() => {});
    const clicked = discord.click(menu, "go");
    await clock.flushMicrotasks();
    assert.deepEqual(order, ["handler blocks"]);
    release();
    await settle(clock, clicked);
    assert.deepEqual(order, ["handler blocks", "handler done", "route go"]);
  } finally {
    await settle(clock, client.stop());
    await discord.close();
  }
});

Deno.test("with a source that ignores atArrival, an awaited click still reaches its waiter once and is not routed", async () => {
  const clock = new VirtualScheduler();
  const listeners: ((interaction: never, ctx: never) => unknown)[] = [];
  // An `on` of two parameters: the option is not understood.
  const source = {
    on: (
      _: "INTERACTION_CREATE",
      listener: (interaction: never, ctx: never) => unknown,
    ) => {
      listeners.push(listener);
      return () => void listeners.splice(listeners.indexOf(listener), 1);
    },
  };
  const routed: string[] = [];
  const router = new InteractionRouter({ scheduler: clock }).button(
    "go",
    (i, ctx) => {
      routed.push(i.customId);
      return ctx.deferUpdate();
    },
  );
  const detach = router.attach(source);
  const rest = { createInteractionResponse: () => Promise.resolve() };
  let taken = 0;
  const waiter = router.awaitComponent({ customId: "go" }).then((got) => {
    taken++;
    return got.ctx.deferUpdate();
  });
  const first = click("7");
  for (const listener of [...listeners]) {
    listener(first as never, { rest } as never);
  }
  await waiter;
  await clock.flushMicrotasks();
  assert.equal(taken, 1);
  assert.deepEqual(routed, [], "the awaited click is not routed");
  // The next one, awaited by nobody, goes to its route.
  for (const listener of [...listeners]) {
    listener(click("8") as never, { rest } as never);
  }
  await clock.flushMicrotasks();
  assert.deepEqual(routed, ["go"]);
  detach();
  assert.equal(listeners.length, 0);
  await clock.advance(5000);
});

Deno.test("a wait started by a Handler method handling a click gets the next click, not the one it is handling (a paginator)", async () => {
  const clock = new VirtualScheduler();
  const router = new InteractionRouter({ scheduler: clock });
  const seen: string[] = [];
  class Pager extends Handler {
    override async onMessageCreate(m: Message, ctx: Context): Promise<void> {
      if (m.content !== "!pages") return;
      await ctx.reply(m, {
        content: "page 1",
        components: [
          row(
            button({ id: "start", label: "Start" }),
            button({
              id: "next",
              label: "Next",
            }),
          ),
        ] as never,
      });
    }
    override async onInteractionCreate(
      click: Interaction,
      ctx: Context,
    ): Promise<void> {
      const data = click.data as { custom_id?: string } | undefined;
      if (click.type !== 3 || data?.custom_id !== "start") return;
      await ctx.respond(click, { type: 6 }); // deferred update
      try {
        const next = await router.awaitComponent({
          messageId: click.message!.id,
          userId: (click.member?.user ?? click.user)!.id,
          timeout: 5000,
        });
        seen.push(next.interaction.customId);
        await next.ctx.update("page 2");
      } catch (error) {
        seen.push((error as Error).name);
      }
    }
  }
  router.button("start", () => {}); // routed in turn as well: a no-op
  const { discord, client } = await started(
    clock,
    new Pager(),
    (bot) => void router.attach(bot),
  );
  try {
    const pages = await settle(clock, discord.say("!pages"));
    await settle(clock, discord.click(pages, "start"));
    await clock.flushMicrotasks();
    assert.deepEqual(seen, [], "the wait did not take the click it handles");
    const answer = await settle(clock, discord.click(pages, "next"));
    assert.equal(answer.body.data?.content, "page 2");
    await settle(clock, client.idle());
    assert.deepEqual(seen, ["next"]);
  } finally {
    await settle(clock, client.stop());
    await discord.close();
  }
});

Deno.test("a click queued behind a busy handler before awaitComponent was called goes to its route at its turn, not to that wait", async () => {
  const clock = new VirtualScheduler();
  const router = new InteractionRouter({ scheduler: clock });
  let routed = 0;
  router.button("ok", async (_click, ctx) => {
    routed++;
    await ctx.update("routed");
  });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  class Busy extends Handler {
    override async onMessageCreate(m: Message, ctx: Context): Promise<void> {
      if (m.content === "!menu") {
        await ctx.reply(m, {
          content: "pick",
          components: [row(button({ id: "ok", label: "OK" }))] as never,
        });
      }
      if (m.content === "!slow") await gate;
    }
  }
  const arrived: string[] = [];
  const { discord, client } = await started(clock, new Busy(), (bot) => {
    router.attach(bot);
    bot.on("INTERACTION_CREATE", (click) => void arrived.push(click.id), {
      atArrival: true,
    });
  });
  try {
    const menu = await settle(clock, discord.say("!menu"));
    discord.postMessage("!slow");
    await clock.flushMicrotasks();
    const answer = discord.click(menu, "ok");
    await runUntil(clock, () => arrived.length === 1);
    // The click waits behind the slow handler; a wait starts after it came.
    const wait = router.awaitComponent({ messageId: menu.id, timeout: 1000 });
    wait.catch(() => {});
    release();
    assert.equal((await settle(clock, answer)).body.data?.content, "routed");
    assert.equal(routed, 1);
    await assert.rejects(
      settle(clock, wait),
      (error: Error) => error.name === "TimeoutError",
    );
  } finally {
    await settle(clock, client.stop());
    await discord.close();
  }
});
