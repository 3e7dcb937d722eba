import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { handlerRoutes } from "../../handler/handler_routes.ts";
import type { HandlerError } from "../../handler/handler_error.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

// A second copy of handler.ts, as with two versions of the package in one
// program: the same file under another URL is another module.
const other: typeof import("../../handler/handler.ts") = await import(
  new URL("../../handler/handler.ts?second-copy", import.meta.url).href
);
const OtherHandler = other.Handler;

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

Deno.test("A handler of another copy of the library is routed as one of this copy's: only what it overrides", async (t) => {
  assert.notEqual(OtherHandler, Handler);
  for (
    const [copy, Base] of [
      ["this copy", Handler],
      ["another copy", OtherHandler],
    ] as const
  ) {
    await t.step(copy, () => {
      class Bot extends Base {
        override onMessageCreate(): void {}
      }
      class Deeper extends Bot {
        override onError(): void {}
      }
      const routes = handlerRoutes(new Bot());
      assert.deepEqual([...routes.methods], [[
        "MESSAGE_CREATE",
        "onMessageCreate",
      ]]);
      assert.deepEqual([...routes.calls.keys()], ["MESSAGE_CREATE"]);
      assert.equal(routes.raw, false);
      assert.equal(routes.error, false);
      assert.equal(handlerRoutes(new Deeper()).error, true);
    });
  }
  await t.step(
    "a bot's own class named Handler (extending nothing) has its methods as its own",
    () => {
      class Handler {
        onMessageCreate(): void {}
      }
      const routes = handlerRoutes(new Handler() as never);
      assert.deepEqual([...routes.calls.keys()], ["MESSAGE_CREATE"]);
    },
  );
  await t.step("an object with every method has them all as its own", () => {
    const handler: Record<string, unknown> = {};
    for (const name of Object.getOwnPropertyNames(Handler.prototype)) {
      if (name !== "constructor") handler[name] = () => {};
    }
    const routes = handlerRoutes(handler as unknown as Handler);
    assert.equal(routes.raw, true);
    assert.equal(routes.error, true);
    assert.ok(routes.methods.has("GUILD_AUDIT_LOG_ENTRY_CREATE"));
  });
});

Deno.test("A throwing Handler of another copy reaches stderr, with no false start-up warnings, and only its events are parsed", async () => {
  class Bot extends OtherHandler {
    override onMessageCreate(
      message: GatewayEventMap["MESSAGE_CREATE"],
    ): void {
      if (message.content === "boom") throw new Error("handler bug");
    }
  }
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const lines = await captureStderr(async () => {
    await client.start(new Bot());
    const after = new Promise<void>((resolve) =>
      client.on("MESSAGE_CREATE", (m) => {
        if (m.content === "after") resolve();
      })
    );
    discord.postMessage("boom");
    discord.postMessage("after");
    await after;
    await client.idle();
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /^\[ERR\] disruption·handler: HandlerError: Handler method onMessageCreate for MESSAGE_CREATE .* threw: handler bug/,
  );
  const shard = client.shards!.shard(0)!;
  assert.equal(shard.wants("GUILD_AUDIT_LOG_ENTRY_CREATE"), false);
  assert.equal(shard.wants("MESSAGE_CREATE"), true);
});

Deno.test("An onError of a Handler of another copy receives the handler's errors", async () => {
  const errors: HandlerError[] = [];
  class Bot extends OtherHandler {
    override onMessageCreate(): void {
      throw new Error("handler bug");
    }
    override onError(error: HandlerError): void {
      errors.push(error);
    }
  }
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const lines = await captureStderr(async () => {
    await client.start(new Bot());
    discord.postMessage("boom");
    await new Promise<void>((resolve) =>
      client.on("MESSAGE_CREATE", () => resolve())
    );
    await client.idle();
  });
  assert.deepEqual(lines, []);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]!.cause ?? errors[0]!.message), /handler bug/);
});

Deno.test("Every on… method that matches no event is reported at start, with the method meant when it is clear", async () => {
  await using discord = await FakeDiscord.start();
  class Bot extends Handler {
    // Other libraries' names and guesses: another word, not a typo.
    onMessage(): void {}
    onMemberJoin(): void {}
    onGuildJoin(): void {}
    onReactionAdd(): void {}
    onSlashCommand(): void {}
    onVoiceUpdate(): void {}
    onGuildAdd(): void {}
    // `Guild` left out; the one method it begins.
    onMemberAdd(): void {}
    onTyping(): void {}
    // Near two different words (onGuildBanAdd, onGuildRoleCreate): no
    // guess is better than a wrong one.
    onGuildRoleAdd(): void {}
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const lines = await captureStderr(() => client.start(new Bot()));
  const said = (name: string, meant: string) =>
    `[WRN] disruption·handler: ${name}() matches no gateway event and will never be called; did you mean ${meant}()? (add 'override' to have TypeScript check the name)`;
  assert.deepEqual(lines, [
    said("onMessage", "onMessageCreate"),
    said("onMemberJoin", "onGuildMemberAdd"),
    said("onGuildJoin", "onGuildCreate"),
    said("onReactionAdd", "onMessageReactionAdd"),
    said("onSlashCommand", "onInteractionCreate"),
    said("onVoiceUpdate", "onVoiceStateUpdate"),
    said("onGuildAdd", "onGuildCreate"),
    said("onMemberAdd", "onGuildMemberAdd"),
    said("onTyping", "onTypingStart"),
    "[WRN] disruption·handler: onGuildRoleAdd() matches no gateway event and will never be called by the Client (an event method is named after its event: onMessageCreate for MESSAGE_CREATE); a helper of your own: make it private (#onGuildRoleAdd) or name it without 'on' to silence this",
  ]);
});

Deno.test("Handler's own methods overridden are never reported as matching no event", async () => {
  await using discord = await FakeDiscord.start();
  class Bot extends Handler {
    override onRaw(): void {}
    override onError(): void {}
    override onShardStateChange(): void {}
    override onGatewayError(): void {}
    override onReady(): void {}
    override onResumed(): void {}
    override onRateLimited(): void {}
    override onMessageCreate(): void {}
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  assert.deepEqual(await captureStderr(() => client.start(new Bot())), []);
});
