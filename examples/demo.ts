// deno-lint-ignore-file no-console -- the demo prints what happens.
/**
 * The demo: `deno task demo`.
 *
 * Without DISCORD_TOKEN it starts the embedded fake Discord on 127.0.0.1 and
 * runs the ping bot against it, printing every event as it arrives:
 *
 * 1. a simulated user says `!ping`; the bot's `pong` goes out over REST and
 *    is shown arriving back through the gateway as MESSAGE_CREATE;
 * 2. the TCP connection is cut without a close frame, and users keep talking
 *    while the bot is away;
 * 3. the shard reconnects, RESUMEs on the resume URL, Discord replays what
 *    was missed, and the demo checks every event arrived exactly once.
 *
 * With DISCORD_TOKEN set it runs the ping bot against Discord instead.
 *
 * @module
 */
import { Client, type ShardDispatch, type ShardStateChange } from "../mod.ts";
import { FakeDiscord } from "../testing/mod.ts";
import { PING_BOT_INTENTS, PingBot, runPingBot } from "./ping_bot.ts";

const bold = (text: string): string => `\x1b[1m${text}\x1b[0m`;

function describe(event: ShardDispatch): string {
  const data = event.data as Record<string, unknown>;
  switch (event.name) {
    case "READY":
      return `session ${data.session_id}, resume URL ${data.resume_gateway_url}`;
    case "GUILD_CREATE":
      return `guild ${data.id} (${data.name ?? "unavailable"})`;
    case "MESSAGE_CREATE": {
      const author = data.author as { username: string; bot?: boolean };
      return `${author.username}${author.bot ? " [bot]" : ""}: ${data.content}`;
    }
    default:
      return "";
  }
}

/** The ping bot, printing every dispatch and status change in order. */
class DemoBot extends PingBot {
  readonly sequences: number[] = [];
  #onReady: (() => void) | undefined;

  /** Resolves the next time a shard becomes ready. */
  nextReady(): Promise<void> {
    return new Promise((resolve) => this.#onReady = resolve);
  }

  override onShardStateChange(change: ShardStateChange): void {
    if (this.sequences.length === 0) return; // quiet during the first connect
    console.log(
      `  shard ${change.shardId}: ${change.previous} -> ${change.current}`,
    );
    if (change.current === "ready") this.#onReady?.();
  }

  override onRaw(event: ShardDispatch): void {
    this.sequences.push(event.sequence);
    console.log(
      `  <- shard ${event.shardId} #${event.sequence} ${event.name} ${
        describe(event)
      }`,
    );
  }
}

/** Run the demo against the fake Discord on loopback. */
export async function demoAgainstFake(): Promise<void> {
  console.log(bold("Starting the fake Discord on 127.0.0.1..."));
  await using discord = await FakeDiscord.start({ loopback: true });
  const bot = new DemoBot();
  await using client = new Client({
    token: discord.token,
    intents: PING_BOT_INTENTS,
    ...discord.clientOptions,
  });
  console.log(bold("Connecting the ping bot (HELLO, IDENTIFY, READY):"));
  await client.start(bot);

  console.log(bold("\nA user says !ping:"));
  const pong = await discord.say("!ping");
  await client.idle();
  console.log(`  the bot answered "${pong.content}" over REST`);

  console.log(bold("\nCutting the TCP connection (no close frame)..."));
  const resumed = bot.nextReady();
  const answered = discord.nextBotMessage();
  discord.gateway.dropConnection();
  for (const text of ["are you there?", "hello?", "!ping"]) {
    discord.postMessage(text);
    console.log(`  -> while the bot is away, a user says "${text}"`);
  }
  await resumed;
  const answer = await answered;
  await client.idle();
  const resumes = discord.gateway.log.filter((entry) =>
    entry.type === "resume"
  );
  const last = resumes.at(-1);
  console.log(
    `  RESUME on the ${last?.type === "resume" ? last.kind : "?"} URL, ${
      last?.type === "resume" ? last.replayed : 0
    } missed events replayed; the bot answered "${answer.content}"`,
  );

  const expected = bot.sequences.map((_, i) => i + 1);
  const exact = bot.sequences.every((s, i) => s === expected[i]);
  console.log(
    bold(
      `\n${bot.sequences.length} events, sequences 1..${bot.sequences.length}: ${
        exact
          ? "every event arrived exactly once, in order"
          : "EVENTS LOST OR DUPLICATED"
      }; ${discord.gateway.counters.sessionStarts} IDENTIFY, ${discord.gateway.counters.resumed} RESUME.`,
    ),
  );
  await client.stop();
  if (!exact) Deno.exitCode = 1;
}

if (import.meta.main) {
  if (Deno.env.get("DISCORD_TOKEN")) {
    const client = await runPingBot();
    console.log("Connected to Discord; Ctrl+C stops the bot.");
    await new Promise<void>((resolve) =>
      Deno.addSignalListener("SIGINT", () => resolve())
    );
    await client.stop();
  } else {
    await demoAgainstFake();
  }
}
