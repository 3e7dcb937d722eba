// Event methods named as other libraries name them (discord.js's
// `messageCreate`, discord.py's `on_message`) are never called by the
// Client: the bot silently did nothing, while `onMessage` was warned about.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** The start-up lines of a client started with `handler`. */
async function startLines(handler: Handler): Promise<string[]> {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  return await captureStderr(() => client.start(handler));
}

const said = (name: string, meant: string) =>
  `[WRN] disruption·handler: ${name}() is never called by the Client: event methods are named on…, ${meant}() for this one; a helper of your own: make it private (#${name}) to silence this`;

Deno.test("Methods named as other libraries name events (camelCase, snake_case, on_) are warned about at start, with the on… method meant", async () => {
  class Base extends Handler {
    // Declared lower in the bot's own class chain: still the bot's.
    guildMemberAdd(): void {}
  }
  class Bot extends Base {
    messageCreate(): void {}
    interactionCreate(): void {}
    ready(): void {}
    message_create(): void {}
    on_message(): void {}
    on_message_create(): void {}
    on_member_join(): void {}
    // A function-valued field too.
    readonly messageReactionAdd = (): void => {};
  }
  const lines = await startLines(new Bot());
  assert.deepEqual(
    lines.toSorted(),
    [
      said("guildMemberAdd", "onGuildMemberAdd"),
      said("messageCreate", "onMessageCreate"),
      said("interactionCreate", "onInteractionCreate"),
      said("ready", "onReady"),
      said("message_create", "onMessageCreate"),
      said("on_message", "onMessageCreate"),
      said("on_message_create", "onMessageCreate"),
      said("on_member_join", "onGuildMemberAdd"),
      said("messageReactionAdd", "onMessageReactionAdd"),
    ].toSorted(),
  );
});

Deno.test("An on_ method with no event meant gets the helper warning", async () => {
  class Bot extends Handler {
    on_ping_command(): void {}
  }
  assert.deepEqual(await startLines(new Bot()), [
    "[WRN] disruption·handler: on_ping_command() matches no gateway event and will never be called by the Client (an event method is named after its event: onMessageCreate for MESSAGE_CREATE); a helper of your own: make it private (#on_ping_command) or name it without 'on' to silence this",
  ]);
});

Deno.test("A bot's own helpers with other names, and event methods, are not warned about", async () => {
  class Bot extends Handler {
    override onMessageCreate(): void {}
    handleMessage(): void {}
    messageCreated(): void {}
    createMessage(): void {}
    message(): void {}
    sendReply(): void {}
    once(): void {}
    readonly helper = (): void => {};
    // Data named on…, not methods: a field and a getter.
    readonly onCooldown = new Set<string>();
    get onDuty(): boolean {
      return true;
    }
  }
  assert.deepEqual(await startLines(new Bot()), []);
});

Deno.test("A misspelt event method is warned about with a lower-case letter after on too, and a helper declared before it does not hide it", async () => {
  class Bot extends Handler {
    sendReply(): void {}
    onmessageCreate(): void {}
    handleMessage(): void {}
    onMesageDelete(): void {}
    // Three letters off a long name: still within a quarter of it.
    onMesagCreat(): void {}
  }
  const meant = (name: string, method: string): string =>
    `[WRN] disruption·handler: ${name}() matches no gateway event and will never be called; did you mean ${method}()? (add 'override' to have TypeScript check the name)`;
  assert.deepEqual(await startLines(new Bot()), [
    meant("onmessageCreate", "onMessageCreate"),
    meant("onMesageDelete", "onMessageDelete"),
    meant("onMesagCreat", "onMessageCreate"),
  ]);
});

Deno.test("A guessed name gets the method it begins only when it points at exactly one, and a word of it at least", async () => {
  class Bot extends Handler {
    // The one method it begins, four letters of its word.
    onPres(): void {}
    // Three letters: no guess.
    onWeb(): void {}
    // The beginning of several methods: no guess.
    onVoice(): void {}
    // onGuildDelete or onMessageDelete: no answer.
    onDelete(): void {}
  }
  const helper = (name: string): string =>
    `[WRN] disruption·handler: ${name}() matches no gateway event and will never be called by the Client (an event method is named after its event: onMessageCreate for MESSAGE_CREATE); a helper of your own: make it private (#${name}) or name it without 'on' to silence this`;
  assert.deepEqual(await startLines(new Bot()), [
    "[WRN] disruption·handler: onPres() matches no gateway event and will never be called; did you mean onPresenceUpdate()? (add 'override' to have TypeScript check the name)",
    helper("onWeb"),
    helper("onVoice"),
    helper("onDelete"),
  ]);
});
