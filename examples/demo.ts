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
import {
  Client,
  ClientStoppedError,
  type ShardDispatch,
  type ShardStateChange,
} from "@disruption/disruption";
import { FakeDiscord } from "@disruption/disruption/testing";
import { PING_BOT_INTENTS, PingBot, runPingBot } from "./ping_bot.ts";
import { reportUnreachable } from "./_unreachable.ts";

/** Who a line of the demo comes from. */
export type Voice = "demo" | "user" | "gateway" | "shard" | "bot";

/** Where the demo's lines go, one voice per line. */
export type Say = (voice: Voice, text: string) => void;

/** Options for {@linkcode demoAgainstFake}. */
export interface DemoOptions {
  /**
   * Where each line goes.
   *
   * @default {console.log, with the voice as a label}
   */
  say?: Say;
}

/** What decides whether the demo colours its output. */
export interface Terminal {
  /** Whether stdout is a terminal. */
  isTerminal: boolean;
  /** The value of `NO_COLOR`, `undefined` when unset. */
  noColor: string | undefined;
}

/**
 * Whether stdout takes escape codes: a terminal, and `NO_COLOR` unset or
 * empty (https://no-color.org).
 *
 * @param terminal This process's stdout and environment unless given.
 */
export function colorEnabled(
  terminal: Terminal = {
    isTerminal: Deno.stdout.isTerminal(),
    noColor: Deno.env.get("NO_COLOR"),
  },
): boolean {
  return terminal.isTerminal && !terminal.noColor;
}

/** console.log with a fixed-width label; the demo's headings in bold. */
export function consoleSay(color: boolean = colorEnabled()): Say {
  return (voice, text) => {
    const line = `${voice.padEnd(7)} ${text}`;
    console.log(color && voice === "demo" ? `\x1b[1m${line}\x1b[0m` : line);
  };
}

function describe(event: ShardDispatch): string {
  const data = event.data as Record<string, unknown>;
  switch (event.name) {
    case "READY":
      return `: session ${data.session_id}, resume URL ${data.resume_gateway_url}`;
    case "GUILD_CREATE":
      return `: guild ${data.id} (${data.name ?? "unavailable"})`;
    case "MESSAGE_CREATE": {
      const author = data.author as { username: string; bot?: boolean };
      return `: ${author.username}${
        author.bot ? " [bot]" : ""
      }: ${data.content}`;
    }
    default:
      return "";
  }
}

/** The ping bot, printing every dispatch and status change in order. */
class DemoBot extends PingBot {
  readonly sequences: number[] = [];
  readonly #say: Say;
  #onReady: (() => void) | undefined;
  /** IDs of the messages dispatched so far, and who waits for which. */
  #messages = new Set<string>();
  #messageWaiters = new Map<string, () => void>();

  constructor(say: Say) {
    super((line) => say("bot", line));
    this.#say = say;
  }

  /** Resolves the next time a shard becomes ready. */
  nextReady(): Promise<void> {
    return new Promise((resolve) => this.#onReady = resolve);
  }

  /** Resolves once the MESSAGE_CREATE of message `id` has been handled. */
  dispatched(id: string): Promise<void> {
    if (this.#messages.has(id)) return Promise.resolve();
    return new Promise((resolve) => this.#messageWaiters.set(id, resolve));
  }

  override onShardStateChange(change: ShardStateChange): void {
    if (this.sequences.length === 0) return; // quiet during the first connect
    this.#say(
      "shard",
      `${change.previous} -> ${change.current} (shard ${change.shardId})`,
    );
    if (change.current === "ready") this.#onReady?.();
  }

  override onRaw(event: ShardDispatch): void {
    this.sequences.push(event.sequence);
    this.#say(
      "gateway",
      `#${event.sequence} ${event.name} to shard ${event.shardId}${
        describe(event)
      }`,
    );
    if (event.name === "MESSAGE_CREATE") {
      const id = (event.data as { id: string }).id;
      this.#messages.add(id);
      this.#messageWaiters.get(id)?.();
    }
  }
}

/**
 * Run the demo against the fake Discord on loopback.
 *
 * @param options Where the lines go.
 * @returns Whether every event arrived exactly once, in order.
 */
export async function demoAgainstFake(
  options: DemoOptions = {},
): Promise<boolean> {
  const say = options.say ?? consoleSay();
  say("demo", "Starting the fake Discord on 127.0.0.1");
  await using discord = await FakeDiscord.start({ loopback: true });
  const bot = new DemoBot(say);
  await using client = new Client({
    token: discord.token,
    intents: PING_BOT_INTENTS,
    ...discord.clientOptions,
  });
  say("demo", "Connecting the ping bot (HELLO, IDENTIFY, READY)");
  await client.start(bot);
  await client.idle();

  say("demo", "A user says !ping");
  say("user", "tester: !ping");
  const pong = await discord.say("!ping");
  // The bot's own message comes back through the gateway too.
  await bot.dispatched(pong.id);
  say("demo", `The bot answered "${pong.content}" over REST`);

  say("demo", "Cutting the TCP connection (no close frame)");
  const resumed = bot.nextReady();
  const answered = discord.nextBotMessage();
  discord.gateway.dropConnection();
  for (const text of ["are you there?", "hello?", "!ping"]) {
    say("user", `tester: ${text} (while the bot is away)`);
    discord.postMessage(text);
  }
  await resumed;
  const answer = await answered;
  await bot.dispatched(answer.id);
  await client.idle();
  const resumes = discord.gateway.log.filter((entry) =>
    entry.type === "resume"
  );
  const last = resumes.at(-1);
  say(
    "demo",
    `RESUME on the ${last?.type === "resume" ? last.kind : "?"} URL, ${
      last?.type === "resume" ? last.replayed : 0
    } missed events replayed; the bot answered "${answer.content}"`,
  );

  say("demo", "Stopping the bot");
  await client.stop();
  const expected = bot.sequences.map((_, i) => i + 1);
  const exact = bot.sequences.every((s, i) => s === expected[i]);
  say(
    "demo",
    `${bot.sequences.length} events, sequences 1..${bot.sequences.length}: ${
      exact
        ? "every event arrived exactly once, in order"
        : "EVENTS LOST OR DUPLICATED"
    }; ${discord.gateway.counters.sessionStarts} IDENTIFY, ${discord.gateway.counters.resumed} RESUME`,
  );
  return exact;
}

if (import.meta.main) {
  if (Deno.env.get("DISCORD_TOKEN")) {
    await reportUnreachable(async () => {
      const interrupt = new AbortController();
      const onSigint = (): void => interrupt.abort("SIGINT");
      Deno.addSignalListener("SIGINT", onSigint);
      try {
        const client = await runPingBot({ signal: interrupt.signal });
        console.log("Connected to Discord; Ctrl+C stops the bot.");
        await new Promise((resolve) =>
          interrupt.signal.addEventListener("abort", resolve, { once: true })
        );
        await client.stop();
      } catch (error) {
        if (!(error instanceof ClientStoppedError)) throw error;
        console.log("Stopped before it finished connecting.");
      } finally {
        Deno.removeSignalListener("SIGINT", onSigint);
      }
    });
  } else if (!await demoAgainstFake()) {
    Deno.exitCode = 1;
  }
}
