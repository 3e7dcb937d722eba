// deno-lint-ignore-file no-console -- examples print what they do
/**
 * A dice bot built on the interactions router: `/roll` with typed options
 * and autocomplete, buttons that update the message, a modal, and a file
 * attachment.
 *
 * ```sh
 * DISCORD_TOKEN=... deno run --allow-net --allow-env examples/dice_bot.ts
 * ```
 *
 * Without `DISCORD_TOKEN` it runs against an embedded fake Discord, plays a
 * user through the whole flow, prints it and exits. `dice_bot_http.ts` runs
 * the same router behind an HTTP interactions endpoint.
 *
 * @module
 */
import { Client, type ClientOptions } from "@disruption/disruption/handler";
import {
  button,
  command,
  customId,
  integer,
  InteractionRouter,
  type InteractionRouterOptions,
  label,
  type MessageResponse,
  modal,
  row,
  string,
  syncCommands,
  textInput,
} from "@disruption/disruption/interactions";
import { FakeDiscord } from "@disruption/disruption/testing";
import { GatewayIntent } from "@disruption/disruption/types";
import { runUntilCtrlC } from "./_ctrl_c.ts";
import { reportUnreachable } from "./_unreachable.ts";

/** `/roll`: the option types below flow into the handler. */
export const roll = command({
  name: "roll",
  description: "Roll dice",
  options: {
    sides: integer({
      description: "Sides per die",
      min: 2,
      max: 100,
      required: true,
    }),
    count: integer({ description: "How many dice", min: 1, max: 10 }),
    note: string({
      description: "What the roll is for",
      autocomplete: true,
      maxLength: 50,
    }),
  },
});

/** Notes offered by autocomplete. */
export const NOTES: readonly string[] = [
  "attack",
  "damage",
  "initiative",
  "perception",
  "saving throw",
  "stealth",
];

/** Options for {@linkcode diceRouter}. */
export interface DiceRouterOptions extends InteractionRouterOptions {
  /**
   * The random source (in [0, 1)).
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * The dice bot's router: `/roll`, its autocomplete, the "Again" and "Add
 * note" buttons and the note modal.
 *
 * @param options Random source, clock and error hook.
 * @returns The router.
 */
export function diceRouter(options: DiceRouterOptions = {}): InteractionRouter {
  const { random = Math.random, ...routerOptions } = options;
  const rollMessage = (
    sides: number,
    count: number,
    note: string | undefined,
  ): MessageResponse => {
    const dice = Array.from(
      { length: count },
      () => 1 + Math.floor(random() * sides),
    );
    const total = dice.reduce((a, b) => a + b, 0);
    const what = note ? ` for ${note}` : "";
    return {
      content: `🎲 ${count}d${sides}${what}: ${dice.join(" + ")} = ${total}`,
      components: [row(
        button({
          id: customId("reroll:{sides}:{count}", { sides, count }),
          label: "Again",
          style: "primary",
        }),
        button({
          id: customId("note:{total}", { total }),
          label: "Add note",
        }),
      )],
    };
  };

  return new InteractionRouter(routerOptions)
    .command(roll, (i, ctx) =>
      ctx.respond(
        rollMessage(i.options.sides, i.options.count ?? 1, i.options.note),
      ))
    .autocomplete(roll, "note", (i, ctx) =>
      ctx.autocomplete(
        NOTES.filter((note) => note.startsWith(i.focused.value.toLowerCase()))
          .map((note) => ({ name: note, value: note })),
      ))
    .button("reroll:{sides}:{count}", (i, ctx) =>
      ctx.update(
        rollMessage(Number(i.params.sides), Number(i.params.count), undefined),
      ))
    .button("note:{total}", (i, ctx) =>
      ctx.showModal(modal({
        id: customId("note-modal:{total}", { total: i.params.total }),
        title: "Note this roll",
        components: [
          label(
            "Note",
            textInput({ id: "note", style: "paragraph", maxLength: 200 }),
          ),
        ],
      })))
    .modal("note-modal:{total}", (i, ctx) => {
      const note = i.fields.text("note") ?? "";
      return ctx.respond({
        content: `📝 Noted roll ${i.params.total}`,
        files: [{
          name: "note.txt",
          data: `total: ${i.params.total}\nnote: ${note}\n`,
          contentType: "text/plain",
        }],
      });
    });
}

/** Options for {@linkcode runDiceBot}. */
export interface DiceBotOptions
  extends Omit<ClientOptions, "intents" | "token"> {
  /** The bot token (default: the DISCORD_TOKEN environment variable). */
  token?: string;
  /** The random source. */
  random?: () => number;
  /** Register the commands in one guild instead of globally. */
  guildId?: string;
}

/** A running dice bot. */
export interface RunningDiceBot {
  /** The client; stop it when done. */
  client: Client;
  /** The router. */
  router: InteractionRouter;
}

/**
 * Start the bot: sync `/roll` (written only when it changed), attach the
 * router, connect.
 *
 * @param options Token, random source and client options.
 * @returns The client and the router.
 */
export async function runDiceBot(
  options: DiceBotOptions = {},
): Promise<RunningDiceBot> {
  const {
    token = Deno.env.get("DISCORD_TOKEN"),
    random,
    guildId,
    ...clientOptions
  } = options;
  if (!token) {
    throw new TypeError(
      "Cannot run the dice bot as 'token' is missing: pass it or set DISCORD_TOKEN",
    );
  }
  const client = new Client({
    ...clientOptions,
    token,
    intents: GatewayIntent.Guilds,
  });
  const router = diceRouter({
    ...(random ? { random } : {}),
    ...(clientOptions.scheduler ? { scheduler: clientOptions.scheduler } : {}),
    onError: (error) => console.error(error.message),
  });
  await syncCommands(client.rest, router.commands, {
    ...(guildId ? { guildId } : {}),
    // The client's signal (Ctrl+C) ends the sync too, not only start().
    ...(clientOptions.signal ? { signal: clientOptions.signal } : {}),
  });
  router.attach(client);
  await client.start();
  return { client, router };
}

async function demo(): Promise<void> {
  console.log("DISCORD_TOKEN is not set: running against a fake Discord.");
  await using discord = await FakeDiscord.start();
  const { client } = await runDiceBot({
    token: discord.token,
    ...discord.clientOptions,
  });
  try {
    const rolled = await discord.runCommand(roll, { sides: 20, count: 2 });
    console.log(`/roll → ${rolled.body.data?.content}`);
    const [message] = discord.rest.messages(discord.channelId);
    const again = await discord.click(message!, "reroll:20:2");
    console.log(`Again → ${again.body.data?.content}`);
    // The button's id carries the roll's total: read it from the message.
    const [updated] = discord.rest.messages(discord.channelId);
    const total = updated!.content.match(/= (\d+)$/)?.[1] ?? "0";
    const shown = await discord.click(updated!, `note:${total}`);
    const noted = await discord.submitModal(shown, { note: "nat 20!" });
    const reply = discord.rest.messages(discord.channelId).at(-1)!;
    const files = (reply.attachments as { filename: string }[])
      .map((a) => a.filename).join(", ");
    console.log(`Add note → modal → ${noted.body.data?.content} (${files})`);
    const choices = await discord.autocomplete(roll, "note", "s");
    console.log(`note "s" → ${choices.map((c) => c.name).join(", ")}`);
  } finally {
    await client.stop();
  }
}

if (import.meta.main) {
  if (Deno.env.get("DISCORD_TOKEN")) {
    await reportUnreachable(async () => {
      // Listening before start(): a Ctrl+C while it syncs or connects stops
      // it cleanly instead of killing the process.
      // Aborted while syncing `/roll`, the sync rejects with the abort.
      await runUntilCtrlC(async (signal) =>
        (await runDiceBot({ signal })).client
      );
    });
  } else {
    await demo();
  }
}
