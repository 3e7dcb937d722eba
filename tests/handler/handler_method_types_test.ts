// The types a bot's handlers are checked against. Handler's event methods
// are methods, which TypeScript compares bivariantly: an override may narrow
// its parameters (a MESSAGE_DELETE typed as a created message, an `old`
// typed as always there) and compile, then crash at run time; so
// Client.start checks each method as a function-typed property, strictly.
// And `on()` listeners may return anything (`ctx.reply(...)`'s message, an
// array's new length), as TypeScript lets a `void` callback do: the client
// awaits a promise or thenable and ignores any other value.
import assert from "node:assert/strict";
import type { CachedMessage } from "../../cache/memory_store.ts";
import type { OldState } from "../../cache/old_state.ts";
import type { HandlerError } from "../../handler/handler_error.ts";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import type { ShardDispatch } from "../../gateway/shard.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type {
  MessageCreateDispatch,
  MessageDeleteDispatch,
} from "../../types/dispatch_payloads.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

class OldNarrowed extends Handler {
  override onMessageDelete(
    _message: MessageDeleteDispatch,
    ctx: Context<CachedMessage>,
  ): void {
    void ctx.old.id; // throws when the message was not cached
  }
}

class PayloadNarrowed extends Handler {
  override onMessageDelete(message: MessageCreateDispatch): void {
    void message.content.length; // a delete has no content
  }
}

class RawNarrowed extends Handler {
  override onRaw(
    dispatch: ShardDispatch & { data: MessageCreateDispatch },
  ): void {
    void dispatch.data.content.length;
  }
}

class ErrorNarrowed extends Handler {
  override onError(error: HandlerError & { cause: Error }): void {
    void error.cause.message.length;
  }
}

/** The documented ways: the exact context, a plain one, or none. */
class Correct extends Handler {
  override onMessageDelete(
    message: MessageDeleteDispatch,
    ctx: Context<OldState<"MESSAGE_DELETE">>,
  ): void {
    void [message.id, ctx.old?.content];
  }
  override async onMessageCreate(
    message: MessageCreateDispatch,
    ctx: Context,
  ): Promise<void> {
    if (message.content === "!ping") await ctx.reply(message, "pong");
  }
  override onGuildCreate(): void {}
}

// Compiled, never called: each @ts-expect-error fails `deno test`'s type
// check when its line compiles.
function compileOnly(client: Client): void {
  // @ts-expect-error old typed as always there
  void client.start(new OldNarrowed());
  // @ts-expect-error MESSAGE_DELETE's payload typed as MESSAGE_CREATE's
  void client.start(new PayloadNarrowed());
  // @ts-expect-error onRaw's dispatch narrowed to one event's
  void client.start(new RawNarrowed());
  // @ts-expect-error onError's error narrowed
  void client.start(new ErrorNarrowed());
  void client.start(new Correct());
  void client.start();
  const any: Handler = new Correct();
  void client.start(any);

  // Concise listeners returning what they did.
  client.on("MESSAGE_CREATE", (m, ctx) => ctx.reply(m, "pong"));
  const seen: string[] = [];
  client.on("MESSAGE_CREATE", (m) => seen.push(m.id));
  client.on("MESSAGE_CREATE", (m) => seen.push(m.id), { atArrival: true });
}
void compileOnly;

Deno.test("Client: listeners returning a promise of a value or a plain value are awaited or ignored", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  const seen: string[] = [];
  const order: string[] = [];
  client.on(
    "MESSAGE_CREATE",
    (m, ctx) =>
      m.author.bot ? undefined : ctx.reply(m, "pong").then((reply) => {
        order.push("replied");
        return reply;
      }),
  );
  client.on("MESSAGE_CREATE", (m) => order.push(`pushed ${m.content}`));
  client.on("MESSAGE_CREATE", (m) => seen.push(m.id), { atArrival: true });
  await runUntilSettled(clock, client.start());
  try {
    const posted = discord.postMessage("ping");
    await runUntilSettled(
      clock,
      (async () => {
        await discord.delivered();
        await client.idle();
      })(),
    );
    const replies = discord.rest.messages(discord.channelId)
      .filter((m) => m.author.bot);
    assert.deepEqual(replies.map((m) => m.content), ["pong"]);
    assert.deepEqual(seen, [posted.id, replies[0]!.id]);
    // The reply's promise was awaited before the next listener ran.
    assert.deepEqual(order, ["replied", "pushed ping", "pushed pong"]);
  } finally {
    let stopped = false;
    const stopping = client.stop().finally(() => stopped = true);
    await runUntil(clock, () => stopped);
    await stopping;
  }
});
