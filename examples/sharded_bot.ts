// deno-lint-ignore-file no-console -- examples print what they do
/**
 * A sharded bot that survives restarts: it runs the shard count Discord
 * recommends, saves its sessions in Deno KV, and on Ctrl+C stops so that the
 * next start RESUMEs every shard instead of identifying again (no session
 * start spent, and the events sent while it was down are replayed).
 *
 * Against Discord:
 *
 * ```sh
 * DISCORD_TOKEN=... deno run --allow-net --allow-env --allow-read --allow-write --unstable-kv examples/sharded_bot.ts
 * ```
 *
 * - `--unstable-kv`: Deno KV holds the saved sessions; `--allow-read` and
 *   `--allow-write` for its file, `SESSION_DB` (default `sharded_bot.kv`).
 * - `PROCESS_INDEX` and `PROCESS_COUNT` (optional) split the shards between
 *   several processes with `shardsForProcess`. With `PROCESS_COUNT` greater
 *   than the bot's `max_concurrency`, the processes must share an
 *   `IdentifyQueue` (see `shardsForProcess`); this example does not.
 * - Every 30 s it prints each shard's status and heartbeat latency.
 * - Ctrl+C stops resumably (close code 4000, sessions saved); run it again
 *   within about a minute and every shard resumes.
 *
 * Without `DISCORD_TOKEN` it runs against an embedded fake Discord on
 * 127.0.0.1 with 4 shards and 8 guilds, restarts once, shows that the restart
 * resumed every shard with no new IDENTIFY and that the messages sent while
 * it was down were all answered, and exits:
 *
 * ```sh
 * deno run --allow-net --allow-env --unstable-kv examples/sharded_bot.ts
 * ```
 *
 * @module
 */
import {
  Client,
  type ClientOptions,
  ClientStoppedError,
  type Context,
  Handler,
} from "@disruption/disruption/handler";
import {
  KvSessionStore,
  MemorySessionStore,
  type SessionStore,
  type ShardInfo,
  type ShardManagerCloseOptions,
  shardsForProcess,
} from "@disruption/disruption/gateway";
import {} from "@disruption/disruption/rest";
import { FakeDiscord } from "@disruption/disruption/testing";
import {
  GatewayIntent,
  type MessageCreateDispatch,
  type ReadyDispatch,
  type ResumedDispatch,
} from "@disruption/disruption/types";
import { aborted, ctrlC } from "./_ctrl_c.ts";
import { reportUnreachable } from "./_unreachable.ts";

/** Guild messages with their content. */
export const SHARDED_BOT_INTENTS: number = GatewayIntent.Guilds |
  GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** Where the bot writes what it does. */
export type Log = (line: string) => void;

/**
 * Logs each shard's READY and RESUMED and answers `!shard` with the shard
 * the guild lives on.
 *
 * A resumed session gets the events it missed, but not READY or the
 * GUILD_CREATEs again: a bot that keeps a guild cache must save it along with
 * the sessions (or start new sessions) when it restarts.
 */
export class ShardedBot extends Handler {
  readonly #log: Log;

  /**
   * Create the handler.
   *
   * @param log Where to write what happens.
   */
  constructor(log: Log = console.log) {
    super();
    this.#log = log;
  }

  /** A shard started a new session. */
  override onReady(ready: ReadyDispatch, ctx: Context): void {
    this.#log(
      `shard ${ctx.shardId}: READY, new session ${ready.session_id} with ${ready.guilds.length} guilds`,
    );
  }

  /** A shard resumed its session; the missed events came before this. */
  override onResumed(_data: ResumedDispatch, ctx: Context): void {
    this.#log(
      `shard ${ctx.shardId}: RESUMED session ${ctx.shard.sessionId} at sequence ${ctx.shard.sequence}`,
    );
  }

  /** Answer `!shard` with the guild's shard. */
  override async onMessageCreate(
    message: MessageCreateDispatch,
    ctx: Context,
  ): Promise<void> {
    if (message.author.bot || message.content.trim() !== "!shard") return;
    const text =
      `guild ${message.guild_id} is on shard ${ctx.shardId} of ${ctx.shard.shardCount}`;
    this.#log(
      `shard ${ctx.shardId}: ${message.author.username} asked; ${text}`,
    );
    await ctx.reply(message, text);
  }
}

/** Options for {@linkcode runShardedBot}. */
export interface ShardedBotOptions
  extends Omit<ClientOptions, "intents" | "token" | "shards" | "shardIds"> {
  /**
   * The bot token.
   *
   * @default {the DISCORD_TOKEN environment variable}
   */
  token?: string;
  /**
   * This process's index among {@linkcode ShardedBotOptions.processCount}.
   *
   * @default {0}
   */
  processIndex?: number;
  /**
   * How many processes share the bot's shards.
   *
   * @default {1}
   */
  processCount?: number;
  /**
   * Milliseconds between status lines; `0` prints none.
   *
   * @default {30000}
   */
  statusInterval?: number;
  /**
   * Where to write what happens.
   *
   * @default {console.log}
   */
  log?: Log;
  /**
   * Stops the bot resumably when it aborts (sessions saved, close code
   * 4000), also while it is still starting (the start then rejects with
   * `ClientStoppedError`), as the client's own `signal` does for a client
   * with a session store.
   */
  interrupt?: AbortSignal;
}

/** A running sharded bot. */
export interface RunningShardedBot {
  /** The client. */
  client: Client;
  /** The handler. */
  bot: ShardedBot;
  /** One line per shard: status, latency, session and sequence. */
  status(): string[];
  /**
   * Stop the status timer and the client.
   *
   * @param options `resumable: true` keeps the sessions for the next start.
   */
  stop(options?: ShardManagerCloseOptions): Promise<void>;
}

/**
 * Start the bot with Discord's recommended shard count (or this process's
 * share of it) and print the shards' status on a timer.
 *
 * @param options The token, the session store, the process split and any
 * other client options.
 * @returns The running bot, every shard ready (resumed or identified).
 * @throws {TypeError} When there is no token.
 * @throws {RangeError} When the process split is invalid or leaves this
 * process no shard.
 */
export async function runShardedBot(
  options: ShardedBotOptions = {},
): Promise<RunningShardedBot> {
  const {
    log = console.log,
    token = Deno.env.get("DISCORD_TOKEN"),
    processIndex = 0,
    processCount = 1,
    statusInterval = 30_000,
    interrupt,
    ...clientOptions
  } = options;
  if (!token) {
    throw new TypeError(
      "Cannot run the sharded bot as 'token' is missing: pass it or set DISCORD_TOKEN",
    );
  }
  const client = createClient(token, clientOptions, {
    processIndex,
    processCount,
    log,
  });
  const bot = new ShardedBot(log);
  const status = (): string[] => (client.shards?.info() ?? []).map(describe);
  const timer = statusInterval > 0
    ? setInterval(() => {
      for (const line of status()) log(line);
    }, statusInterval)
    : undefined;
  const stop = async (
    stopOptions: ShardManagerCloseOptions = {},
  ): Promise<void> => {
    clearInterval(timer);
    interrupt?.removeEventListener("abort", onInterrupt);
    await client.stop(stopOptions);
  };
  const onInterrupt = (): void => void stop({ resumable: true });
  interrupt?.addEventListener("abort", onInterrupt, { once: true });
  try {
    await client.start(bot);
  } catch (error) {
    await stop();
    throw error;
  }
  return { client, bot, status, stop };
}

/**
 * The client: all recommended shards, or, when several processes share the
 * bot, this process's share of them.
 */
function createClient(
  token: string,
  options: Omit<ClientOptions, "intents" | "token" | "shards" | "shardIds">,
  split: { processIndex: number; processCount: number; log: Log },
): Client {
  return new Client({
    ...options,
    token,
    intents: SHARDED_BOT_INTENTS,
    shards: "recommended",
    // Which shards are ours depends on the recommended count, known only
    // once the client asked GET /gateway/bot.
    shardIds: (shardCount, maxConcurrency) => {
      const ids = shardsForProcess(
        shardCount,
        split.processIndex,
        split.processCount,
        { maxConcurrency },
      );
      if (ids.length === 0) {
        throw new RangeError(
          `Cannot run the sharded bot as process ${split.processIndex} of ${split.processCount} gets no shard of ${shardCount}`,
        );
      }
      split.log(
        `process ${split.processIndex} of ${split.processCount} runs shards ${
          ids.join(", ")
        } of ${shardCount}`,
      );
      return ids;
    },
  });
}

function describe(info: ShardInfo): string {
  const latency = info.latency === undefined
    ? "latency not measured yet"
    : `latency ${Math.round(info.latency)} ms`;
  return `shard ${info.id}: ${info.status}, ${latency}, session ${
    info.sessionId ?? "-"
  }, sequence ${info.sequence ?? "-"}`;
}

function envInteger(name: string, fallback: number): number {
  const value = Deno.env.get(name);
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(
      `Cannot run the sharded bot as '${name}' must be an integer: current value '${name}=${value}'`,
    );
  }
  return parsed;
}

/** Run against Discord until Ctrl+C, then stop resumably. */
async function main(token: string): Promise<void> {
  const path = Deno.env.get("SESSION_DB") ?? "sharded_bot.kv";
  const store = await KvSessionStore.open({ path });
  using interrupt = ctrlC();
  try {
    const running = await runShardedBot({
      token,
      sessionStore: store,
      processIndex: envInteger("PROCESS_INDEX", 0),
      processCount: envInteger("PROCESS_COUNT", 1),
      interrupt: interrupt.signal,
    });
    for (const line of running.status()) console.log(line);
    console.log("Running; press Ctrl+C to stop (resumably).");
    await aborted(interrupt.signal);
    console.log("Stopping; sessions are saved for the next start...");
    await running.stop({ resumable: true });
    console.log("Stopped.");
  } catch (error) {
    if (!(error instanceof ClientStoppedError)) throw error;
    console.log("Stopped before every shard was ready; sessions are saved.");
  } finally {
    store.close();
  }
}

/** The demo's store: Deno KV in memory, or plain memory without the flag. */
async function demoStore(): Promise<SessionStore & { close?: () => void }> {
  if (typeof Deno.openKv === "function") {
    return await KvSessionStore.open({ path: ":memory:" });
  }
  console.log(
    "(Deno KV needs --unstable-kv; this run keeps the sessions in memory.)",
  );
  return new MemorySessionStore();
}

/** Start, stop resumably, miss some messages, restart: all resumed. */
async function demo(): Promise<void> {
  console.log(
    "DISCORD_TOKEN is not set: running 4 shards against a fake Discord.",
  );
  await using discord = await FakeDiscord.start({
    loopback: true,
    shards: 4,
    gateway: { guilds: 8, maxConcurrency: 4 },
  });
  const store = await demoStore();
  const options: ShardedBotOptions = {
    token: discord.token,
    ...discord.clientOptions,
    sessionStore: store,
    statusInterval: 0,
    log: (line) => console.log(`  ${line}`),
  };
  try {
    console.log("\n1. First start: every shard identifies.");
    const first = await runShardedBot(options);
    await first.client.idle();
    for (const line of first.status()) console.log(`  ${line}`);

    console.log("\n2. Stop resumably: close 4000, sessions saved.");
    await first.stop({ resumable: true });
    const identifies = discord.gateway.counters.identifies;

    console.log(
      "\n3. While the bot is down, someone writes !shard in every guild.",
    );
    const answers = discord.gateway.guildIds.map((guildId, i) => {
      const channelId = String(BigInt(guildId) + 1n);
      const answer = discord.nextBotMessage(channelId);
      const asked = discord.postMessage("!shard", { guildId, channelId });
      console.log(`  message ${asked.id} in guild ${guildId} (${i + 1}/8)`);
      return answer;
    });

    console.log("\n4. Restart with the same session store.");
    const second = await runShardedBot(options);
    const answered = await Promise.all(answers);
    await second.client.idle();
    for (const line of second.status()) console.log(`  ${line}`);
    const counters = discord.gateway.counters;
    console.log(
      `\n${
        counters.identifies - identifies
      } new IDENTIFY, ${counters.resumed} RESUMEs, ${answered.length} of 8 messages sent while down answered.`,
    );
    await second.stop();
  } finally {
    store.close?.();
  }
}

if (import.meta.main) {
  const token = Deno.env.get("DISCORD_TOKEN");
  if (token) await reportUnreachable(() => main(token));
  else await demo();
}
