// deno-lint-ignore-file no-console -- examples print what they do
/**
 * A ping bot: answers `!ping` with `pong`.
 *
 * Against Discord (enable the MESSAGE_CONTENT privileged intent for the app in
 * the Developer Portal first):
 *
 * ```sh
 * DISCORD_TOKEN=... deno run --allow-net --allow-env examples/ping_bot.ts
 * ```
 *
 * Ctrl+C stops it cleanly. Without `DISCORD_TOKEN` the script starts an
 * embedded fake Discord on 127.0.0.1, runs the same bot against it, plays a
 * user who writes `!ping`, prints what happens and exits.
 *
 * @module
 */
import {
  Client,
  type ClientOptions,
  type Context,
  Handler,
} from "@disruption/disruption/handler";
import type { OldState } from "@disruption/disruption/cache";
import { FakeDiscord } from "@disruption/disruption/testing";
import {
  GatewayIntent,
  type MessageCreateDispatch,
  type MessageDeleteDispatch,
  type ReadyDispatch,
} from "@disruption/disruption/types";
import { runUntilCtrlC } from "./_ctrl_c.ts";
import { reportUnreachable } from "./_unreachable.ts";

/** What the bot needs: guild and DM messages, with their content. */
export const PING_BOT_INTENTS: number = GatewayIntent.Guilds |
  GatewayIntent.GuildMessages |
  GatewayIntent.DirectMessages |
  GatewayIntent.MessageContent;

/** Where the bot writes what it does. */
export type Log = (line: string) => void;

/** Answers `!ping` with `pong`, in guild channels and DMs. */
export class PingBot extends Handler {
  readonly #log: Log;
  /** The bot's own user ID, from READY, so it never answers itself. */
  #userId: string | undefined;

  /**
   * Create the handler.
   *
   * @param log Where to write what happens.
   */
  constructor(log: Log = console.log) {
    super();
    this.#log = log;
  }

  /** Remember who the bot is, and say so. */
  override onReady(ready: ReadyDispatch, ctx: Context): void {
    this.#userId = ready.user.id;
    this.#log(
      `READY: shard ${ctx.shardId} logged in as ${ready.user.username} (${ready.guilds.length} guilds)`,
    );
  }

  /** Answer `!ping` with `pong`, as a reply. */
  override async onMessageCreate(
    message: MessageCreateDispatch,
    ctx: Context,
  ): Promise<void> {
    if (message.author.bot || message.author.id === this.#userId) return;
    if (message.content.trim() !== "!ping") return;
    this.#log(`!ping from ${message.author.username}`);
    const pong = await ctx.reply(message, "pong");
    this.#log(`replied ${JSON.stringify(pong.content)} (message ${pong.id})`);
  }

  /** Say what a deleted message said, from the cache's previous state. */
  override onMessageDelete(
    deleted: MessageDeleteDispatch,
    ctx: Context<OldState<"MESSAGE_DELETE">>,
  ): void {
    const old = ctx.old; // the cached message, or undefined
    this.#log(
      old === undefined
        ? `message ${deleted.id} was deleted (not cached)`
        : `${old.author.username} deleted ${JSON.stringify(old.content)}`,
    );
  }
}

/** The cache the bot keeps: channels and their last 50 messages. */
export const PING_BOT_CACHE: NonNullable<ClientOptions["cache"]> = {
  resources: ["guilds", "channels", "messages"],
  messages: { perChannel: 50 },
};

/** Options for {@linkcode runPingBot}: the client's, without the intents. */
export interface PingBotOptions
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

/**
 * Start the ping bot.
 *
 * @param options The token and any other client options.
 * @returns The running client (every shard ready); call `stop()` on it when
 * done.
 * @throws {TypeError} When there is no token.
 */
export async function runPingBot(
  options: PingBotOptions = {},
): Promise<Client> {
  const { log, token = Deno.env.get("DISCORD_TOKEN"), ...clientOptions } =
    options;
  if (!token) {
    throw new TypeError(
      "Cannot run the ping bot as 'token' is missing: pass it or set DISCORD_TOKEN",
    );
  }
  const client = new Client({
    cache: PING_BOT_CACHE,
    ...clientOptions,
    token,
    intents: PING_BOT_INTENTS,
  });
  await client.start(new PingBot(log));
  return client;
}

/** Run against the embedded fake Discord, show one `!ping`, and stop. */
async function demo(): Promise<void> {
  console.log("DISCORD_TOKEN is not set: running against a fake Discord.");
  await using discord = await FakeDiscord.start({ loopback: true });
  const client = await runPingBot({
    token: discord.token,
    ...discord.clientOptions,
  });
  try {
    // The bot's reply comes back through the gateway too, as Discord does it.
    const echoed = new Promise<string>((resolve) => {
      const off = client.on("MESSAGE_CREATE", (message) => {
        if (message.content !== "pong") return;
        off();
        resolve(message.id);
      });
    });
    const reply = await discord.say("!ping");
    const echoedId = await echoed;
    await client.idle();
    console.log(
      `fake Discord got ${
        JSON.stringify(reply.content)
      } over REST and dispatched it back as MESSAGE_CREATE ${echoedId}`,
    );
  } finally {
    await client.stop();
  }
  console.log("Stopped.");
}

if (import.meta.main) {
  const token = Deno.env.get("DISCORD_TOKEN");
  if (token) {
    await reportUnreachable(async () => {
      await runUntilCtrlC((signal) => runPingBot({ token, signal }));
    });
  } else {
    await demo();
  }
}
