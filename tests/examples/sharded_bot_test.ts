import assert from "node:assert/strict";
import {
  runShardedBot,
  SHARDED_BOT_INTENTS,
  type ShardedBotOptions,
} from "../../examples/sharded_bot.ts";
import { KvSessionStore } from "../../gateway/kv_session_store.ts";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import type { RestMessage } from "../../rest/payloads.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";

const SHARDS = 4;
const GUILDS = 8;

function startDiscord(loopback = false): Promise<FakeDiscord> {
  return FakeDiscord.start({
    loopback,
    shards: SHARDS,
    gateway: { guilds: GUILDS, maxConcurrency: SHARDS },
  });
}

function referenced(message: RestMessage): string | undefined {
  return message.message_reference?.message_id;
}

/** A channel of its own in each guild, so answers can be told apart. */
function channelOf(guildId: string): string {
  return String(BigInt(guildId) + 1n);
}

/** Someone writes `!shard` in every guild; resolves with the bot's answers. */
function askEveryGuild(
  discord: FakeDiscord,
): { asked: Map<string, string>; answers: Promise<RestMessage[]> } {
  const asked = new Map<string, string>();
  const answers = discord.gateway.guildIds.map((guildId) => {
    const answer = discord.nextBotMessage(channelOf(guildId));
    const message = discord.postMessage("!shard", {
      guildId,
      channelId: channelOf(guildId),
    });
    asked.set(message.id, guildId);
    return answer;
  });
  return { asked, answers: Promise.all(answers) };
}

function assertAnswers(
  asked: Map<string, string>,
  answers: RestMessage[],
): void {
  assert.deepEqual(
    answers.map(referenced).sort(),
    [...asked.keys()].sort(),
    "every question answered once",
  );
  for (const answer of answers) {
    const guildId = asked.get(referenced(answer)!)!;
    assert.equal(
      answer.content,
      `guild ${guildId} is on shard ${
        shardForGuild(guildId, SHARDS)
      } of ${SHARDS}`,
    );
  }
}

Deno.test("sharded_bot runs the recommended shard count and answers from each guild's shard", async () => {
  await using discord = await startDiscord();
  const running = await runShardedBot({
    token: discord.token,
    ...discord.clientOptions,
    statusInterval: 0,
    log: () => {},
  });
  try {
    assert.equal(
      SHARDED_BOT_INTENTS,
      GatewayIntent.Guilds | GatewayIntent.GuildMessages |
        GatewayIntent.MessageContent,
    );
    assert.equal(running.client.shards!.shardCount, SHARDS);
    assert.deepEqual(
      discord.gateway.sessions.map((s) => s.shard).sort(),
      [[0, 4], [1, 4], [2, 4], [3, 4]],
    );
    const status = running.status();
    assert.equal(status.length, SHARDS);
    status.forEach((line, i) =>
      assert.match(line, new RegExp(`^shard ${i}: ready, `))
    );
    const { asked, answers } = askEveryGuild(discord);
    assertAnswers(asked, await answers);
  } finally {
    await running.stop();
  }
});

Deno.test("sharded_bot restarted with the same KV store resumes every shard: no IDENTIFY, nothing lost", async () => {
  await using discord = await startDiscord();
  const store = await KvSessionStore.open({ path: ":memory:" });
  const lines: string[] = [];
  const options: ShardedBotOptions = {
    token: discord.token,
    ...discord.clientOptions,
    sessionStore: store,
    statusInterval: 0,
    log: (line) => lines.push(line),
  };
  try {
    const first = await runShardedBot(options);
    await first.client.idle();
    const sessions = first.client.shards!.info().map((info) => info.sessionId);
    await first.stop({ resumable: true });
    assert.equal(discord.gateway.counters.identifies, SHARDS);
    const saved = await store.loadAll();
    assert.deepEqual(
      saved.map((s) => s.sessionId).sort(),
      [...sessions].sort(),
      "every session saved",
    );
    assert.ok(discord.gateway.sessions.every((s) => s.state === "resumable"));

    // While the bot is down, someone asks in every guild.
    const { asked, answers } = askEveryGuild(discord);

    const second = await runShardedBot(options);
    try {
      assertAnswers(asked, await answers);
      await second.client.idle();
      const counters = discord.gateway.counters;
      assert.equal(counters.identifies, SHARDS, "no new IDENTIFY");
      assert.equal(counters.resumed, SHARDS);
      const resumes = discord.gateway.log.filter((e) => e.type === "resume");
      assert.deepEqual(
        resumes.map((e) => e.type === "resume" && [e.kind, e.outcome]),
        Array(SHARDS).fill(["resume", "resumed"]),
      );
      assert.equal(
        resumes.reduce((n, e) => n + (e.type === "resume" ? e.replayed : 0), 0),
        GUILDS,
        "the questions were replayed",
      );
      assert.deepEqual(
        second.client.shards!.info().map((info) => info.sessionId),
        sessions,
      );
      assert.equal(
        lines.filter((line) => / RESUMED session /.test(line)).length,
        SHARDS,
      );
      // Exactly once: no question was answered twice.
      const replies = discord.rest.messages().filter((m) =>
        m.author.id === discord.rest.botUser.id
      );
      assert.equal(replies.length, GUILDS);
    } finally {
      await second.stop();
    }
    assert.deepEqual(await store.loadAll(), [], "a normal stop forgets them");
    assert.ok(discord.gateway.sessions.every((s) => s.state === "invalidated"));
  } finally {
    store.close();
  }
});

Deno.test("sharded_bot over loopback resumes after a restart", async () => {
  await using discord = await startDiscord(true);
  const store = await KvSessionStore.open({ path: ":memory:" });
  const options: ShardedBotOptions = {
    token: discord.token,
    ...discord.clientOptions,
    sessionStore: store,
    statusInterval: 0,
    log: () => {},
  };
  try {
    const first = await runShardedBot(options);
    await first.stop({ resumable: true });
    const { asked, answers } = askEveryGuild(discord);
    const second = await runShardedBot(options);
    try {
      assertAnswers(asked, await answers);
      assert.equal(discord.gateway.counters.identifies, SHARDS);
      assert.equal(discord.gateway.counters.resumed, SHARDS);
      assert.ok(
        discord.gateway.connections.every((c) => c.kind === "resume"),
      );
    } finally {
      await second.stop();
    }
  } finally {
    store.close();
  }
});

Deno.test("sharded_bot runs only its process's share of the shards", async () => {
  await using discord = await startDiscord();
  const lines: string[] = [];
  const running = await runShardedBot({
    token: discord.token,
    ...discord.clientOptions,
    processIndex: 1,
    processCount: 2,
    statusInterval: 0,
    log: (line) => lines.push(line),
  });
  try {
    // max_concurrency 4 and 2 processes: buckets 2-3 are this process's.
    assert.deepEqual([...running.client.shards!.shards.keys()], [2, 3]);
    assert.equal(running.client.shards!.shardCount, SHARDS);
    assert.equal(lines[0], "process 1 of 2 runs shards 2, 3 of 4");
    assert.deepEqual(
      discord.gateway.sessions.map((s) => s.shard),
      [[2, 4], [3, 4]],
    );
    const guildId = discord.gateway.guildIds.find((id) =>
      shardForGuild(id, SHARDS) === 3
    )!;
    const answer = await discord.say("!shard", {
      guildId,
      channelId: channelOf(guildId),
    });
    assert.equal(answer.content, `guild ${guildId} is on shard 3 of 4`);
  } finally {
    await running.stop();
  }
  await assert.rejects(
    () =>
      runShardedBot({
        token: discord.token,
        ...discord.clientOptions,
        // 5 processes for 4 shards: the first gets none.
        processIndex: 0,
        processCount: 5,
        statusInterval: 0,
        log: () => {},
      }),
    RangeError,
  );
});

Deno.test("sharded_bot prints each shard's status on its timer and stops it", async () => {
  await using discord = await startDiscord();
  const statusLines: string[] = [];
  let statusPrinted!: () => void;
  const printed = new Promise<void>((resolve) => statusPrinted = resolve);
  const running = await runShardedBot({
    token: discord.token,
    ...discord.clientOptions,
    statusInterval: 5,
    log: (line) => {
      if (!/^shard \d: [a-z_]+, latency /.test(line)) return;
      statusLines.push(line);
      if (statusLines.length >= SHARDS) statusPrinted();
    },
  });
  try {
    await printed;
    assert.match(
      statusLines[0]!,
      /^shard 0: (ready|identifying|connecting|waiting_for_hello), (latency \d+ ms|latency not measured yet), session /,
    );
  } finally {
    // The sanitizers fail the test if the interval outlives stop().
    await running.stop();
  }
});
