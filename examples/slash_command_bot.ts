// deno-lint-ignore-file no-console -- examples print what they do
/**
 * A slash command bot: registers `/ping` and `/hello` as global commands when
 * it connects, and answers them.
 *
 * Against Discord (global commands may take a moment to show up in the
 * client; no privileged intent is needed):
 *
 * ```sh
 * DISCORD_TOKEN=... deno run --allow-net --allow-env examples/slash_command_bot.ts
 * ```
 *
 * Ctrl+C stops it cleanly. Without `DISCORD_TOKEN` the script starts an
 * embedded fake Discord on 127.0.0.1, runs the same bot against it, plays a
 * user who runs both commands, prints what happens and exits.
 *
 * @module
 */
import {
  Client,
  type ClientOptions,
  type Context,
  Handler,
} from "@disruption/disruption/handler";
import type {
  ApplicationCommand,
  ApplicationCommandBody,
} from "@disruption/disruption/rest";
import { FakeDiscord } from "@disruption/disruption/testing";
import {
  GatewayIntent,
  type InteractionCreateDispatch,
  InteractionType,
  type ReadyDispatch,
} from "@disruption/disruption/types";
import { runUntilCtrlC } from "./_ctrl_c.ts";
import { reportUnreachable } from "./_unreachable.ts";

/** Interactions need no intent; GUILDS keeps the guild list up to date. */
export const SLASH_COMMAND_BOT_INTENTS: number = GatewayIntent.Guilds;

/** The commands the bot registers (a bulk overwrite: the full list). */
export const COMMANDS: ApplicationCommandBody[] = [
  {
    name: "ping",
    description: "Check that the bot is alive",
    type: 1,
  },
  {
    name: "hello",
    description: "Get a greeting",
    type: 1,
    options: [{
      type: 3, // STRING
      name: "name",
      description: "Who to greet",
      required: false,
    }],
  },
];

/** Where the bot writes what it does. */
export type Log = (line: string) => void;

/** Registers {@linkcode COMMANDS} on the first READY and answers them. */
export class SlashCommandBot extends Handler {
  readonly #log: Log;
  #registered: ApplicationCommand[] | undefined;

  /**
   * Create the handler.
   *
   * @param log Where to write what happens.
   */
  constructor(log: Log = console.log) {
    super();
    this.#log = log;
  }

  /** The commands as Discord stored them, once registered. */
  get registered(): readonly ApplicationCommand[] | undefined {
    return this.#registered;
  }

  /** Register the commands, the first time only. */
  override async onReady(
    ready: ReadyDispatch,
    ctx: Context,
  ): Promise<void> {
    this.#log(
      `READY: shard ${ctx.shardId} logged in as ${ready.user.username}`,
    );
    // READY comes again after every new session; register once per process.
    if (this.#registered) return;
    this.#registered = await ctx.rest.bulkOverwriteGlobalApplicationCommands(
      ready.application.id,
      COMMANDS,
    );
    this.#log(
      `registered ${
        this.#registered.map((command) => `/${command.name}`).join(", ")
      } for application ${ready.application.id}`,
    );
  }

  /** Answer the commands. */
  override async onInteractionCreate(
    interaction: InteractionCreateDispatch,
    ctx: Context,
  ): Promise<void> {
    // The type check narrows the interaction: from here `data` is the
    // command's (its name, its options) and `locale` the user's.
    if (interaction.type !== InteractionType.ApplicationCommand) return;
    const user = interaction.member?.user ?? interaction.user;
    this.#log(
      `${
        user?.username ?? "someone"
      } ran /${interaction.data.name} (locale ${interaction.locale})`,
    );
    switch (interaction.data.name) {
      case "ping":
        await ctx.respond(interaction, "pong");
        break;
      case "hello": {
        const option = interaction.data.options?.find((o) => o.name === "name");
        const name = typeof option?.value === "string"
          ? option.value
          : user?.global_name ?? user?.username ?? "there";
        await ctx.respond(interaction, { content: `Hello, ${name}!` });
        break;
      }
      default:
        // Message data with flags 64: only the user who ran it sees it.
        await ctx.respond(interaction, {
          content: `Unknown command /${interaction.data.name}`,
          flags: 64,
        });
    }
  }
}

/** Options for {@linkcode runSlashCommandBot}: the client's, without the intents. */
export interface SlashCommandBotOptions
  extends Omit<ClientOptions, "intents" | "token"> {
  /**
   * The bot token.
   *
   * @default {the DISCORD_TOKEN environment variable}
   */
  token?: string;
  /**
   * Where to write what happens.
   *
   * @default {console.log}
   */
  log?: Log;
}

/** A running slash command bot. */
export interface RunningSlashCommandBot {
  /** The client; call `stop()` on it when done. */
  client: Client;
  /** The handler, with the registered commands. */
  bot: SlashCommandBot;
}

/**
 * Start the bot and wait until its commands are registered.
 *
 * @param options The token and any other client options.
 * @returns The running client and its handler.
 * @throws {TypeError} When there is no token.
 */
export async function runSlashCommandBot(
  options: SlashCommandBotOptions = {},
): Promise<RunningSlashCommandBot> {
  const { log, token = Deno.env.get("DISCORD_TOKEN"), ...clientOptions } =
    options;
  if (!token) {
    throw new TypeError(
      "Cannot run the slash command bot as 'token' is missing: pass it or set DISCORD_TOKEN",
    );
  }
  const client = new Client({
    ...clientOptions,
    token,
    intents: SLASH_COMMAND_BOT_INTENTS,
  });
  const bot = new SlashCommandBot(log);
  await client.start(bot);
  // start() resolves at READY; idle() waits for onReady's registration.
  await client.idle();
  return { client, bot };
}

/** Run against the embedded fake Discord, run both commands, and stop. */
async function demo(): Promise<void> {
  console.log("DISCORD_TOKEN is not set: running against a fake Discord.");
  await using discord = await FakeDiscord.start({ loopback: true });
  const { client } = await runSlashCommandBot({
    token: discord.token,
    ...discord.clientOptions,
  });
  try {
    const stored = discord.rest.commands();
    console.log(
      `fake Discord stores ${stored.length} global commands: ${
        stored.map((command) => `/${command.name}`).join(", ")
      }`,
    );
    for (
      const command of [
        { name: "ping" },
        { name: "hello", options: [{ name: "name", type: 3, value: "Deno" }] },
      ]
    ) {
      const response = await discord.runCommand(command);
      console.log(
        `/${command.name} was answered with ${JSON.stringify(response.body)}`,
      );
    }
    await client.idle();
  } finally {
    await client.stop();
  }
  console.log("Stopped.");
}

if (import.meta.main) {
  const token = Deno.env.get("DISCORD_TOKEN");
  if (token) {
    await reportUnreachable(async () => {
      await runUntilCtrlC(async (signal) =>
        (await runSlashCommandBot({ token, signal })).client
      );
    });
  } else {
    await demo();
  }
}
