import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import type { HandlerError } from "../../handler/handler_error.ts";
import type { ShardDispatch } from "../../gateway/shard.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { runUntil } from "../_fakes/run_until.ts";
import type { GatewayEventMap } from "../../types/events.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

Deno.test("Client runs a Handler end to end: a reply comes back through the gateway", async () => {
  await using discord = await FakeDiscord.start();
  const seen: string[] = [];
  class Bot extends Handler {
    override async onMessageCreate(
      message: GatewayEventMap["MESSAGE_CREATE"],
      ctx: Context,
    ): Promise<void> {
      seen.push(`${message.author.username}: ${message.content}`);
      if (message.content === "!ping") await ctx.reply(message, "pong");
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start(new Bot());
  const answered = discord.nextBotMessage(discord.channelId);
  const posted = discord.postMessage("!ping");
  const answer = await answered;
  assert.equal(answer.content, "pong");
  const request = discord.rest.requests.find((r) => r.method === "POST")!;
  assert.deepEqual(
    (request.body as { message_reference: unknown }).message_reference,
    {
      message_id: posted.id,
      channel_id: discord.channelId,
      guild_id: discord.guildId,
    },
  );
  await client.idle();
  assert.equal(seen[0], "tester: !ping");
});

Deno.test("Client keeps each shard's events in order across awaits", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  class Bot extends Handler {
    override async onMessageCreate(
      message: GatewayEventMap["MESSAGE_CREATE"],
    ): Promise<void> {
      order.push(`start ${message.content}`);
      if (message.content === "1") await gate;
      order.push(`end ${message.content}`);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  let started = false;
  const starting = client.start(new Bot()).finally(() => started = true);
  await runUntil(scheduler, () => started);
  await starting;
  const received = new Promise<void>((resolve) => {
    const off = client.on("MESSAGE_CREATE", (m) => {
      if (m.content === "2") {
        off();
        resolve();
      }
    });
  });
  const arrived: unknown[] = [];
  client.shards!.on("dispatch", (event) => {
    arrived.push((event.data as { content?: unknown }).content);
  }, { events: ["MESSAGE_CREATE"] });
  discord.postMessage("1");
  discord.postMessage("2");
  // Both messages reach the shard within a few microtask turns; the second
  // waits behind the first handler on the virtual clock, not on a timer.
  await scheduler.flushMicrotasks();
  assert.deepEqual(arrived, ["1", "2"], "both messages reached the shard");
  assert.deepEqual(order, ["start 1"]);
  release();
  await received;
  await client.idle();
  assert.deepEqual(order, ["start 1", "end 1", "start 2", "end 2"]);
});

Deno.test("A throwing handler reaches onError with the event and shard, and the next event is handled", async () => {
  await using discord = await FakeDiscord.start();
  const errors: HandlerError[] = [];
  const handled: string[] = [];
  class Bot extends Handler {
    override onMessageCreate(message: GatewayEventMap["MESSAGE_CREATE"]): void {
      if (message.content === "boom") throw new Error("handler bug");
      handled.push(message.content);
    }
    override onError(error: HandlerError): void {
      errors.push(error);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start(new Bot());
  const done = new Promise<void>((resolve) =>
    client.on("MESSAGE_CREATE", (m) => {
      if (m.content === "after") resolve();
    })
  );
  discord.postMessage("boom");
  discord.postMessage("after");
  await done;
  await client.idle();
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.event, "MESSAGE_CREATE");
  assert.equal(errors[0]!.shardId, 0);
  assert.equal((errors[0]!.cause as Error).message, "handler bug");
  assert.deepEqual(handled, ["after"]);
  assert.equal(client.shards!.shard(0)!.status, "ready");
});

Deno.test("Client answers a slash command through ctx.respond", async () => {
  await using discord = await FakeDiscord.start();
  class Bot extends Handler {
    override async onInteractionCreate(
      interaction: GatewayEventMap["INTERACTION_CREATE"],
      ctx: Context,
    ): Promise<void> {
      if (
        interaction.type === 2 && interaction.data && "name" in interaction.data
      ) {
        await ctx.respond(interaction, `hello from /${interaction.data.name}`);
      }
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
  });
  await client.start(new Bot());
  await client.rest.bulkOverwriteGlobalApplicationCommands(
    discord.rest.applicationId,
    [{ name: "hello", description: "Say hello" }],
  );
  const response = await discord.runCommand({ name: "hello" });
  assert.deepEqual(response.body, {
    type: 4,
    data: { content: "hello from /hello" },
  });
});

Deno.test("Client parses only the events the bot handles", async () => {
  await using discord = await FakeDiscord.start();
  class Bot extends Handler {
    override onMessageCreate(): void {}
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start(new Bot());
  const shard = client.shards!.shard(0)!;
  assert.equal(shard.wants("MESSAGE_CREATE"), true);
  assert.equal(shard.wants("TYPING_START"), false);
  const off = client.on("TYPING_START", () => {});
  assert.equal(shard.wants("TYPING_START"), true);
  off();
  assert.equal(shard.wants("TYPING_START"), false);
});

Deno.test("onRaw sees every dispatch, unknown names included", async () => {
  await using discord = await FakeDiscord.start();
  const raw: ShardDispatch[] = [];
  class Bot extends Handler {
    override onRaw(dispatch: ShardDispatch): void {
      raw.push(dispatch);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start(new Bot());
  const seen = new Promise<void>((resolve) => {
    const shard = client.shards!.shard(0)!;
    shard.on("dispatch", (d) => d.name === "BRAND_NEW_EVENT" && resolve());
  });
  discord.gateway.dispatch("BRAND_NEW_EVENT", { x: 1 }, { shardId: 0 });
  await seen;
  await client.idle();
  assert.equal(raw[0]!.name, "READY");
  assert.deepEqual(raw.at(-1)!.data, { x: 1 });
  const sequences = raw.map((d) => d.sequence);
  assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b));
});

Deno.test("Client warns about handlers the intents can never trigger", async () => {
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start();
    class Bot extends Handler {
      override onPresenceUpdate(): void {}
      override onMessageCreate(): void {}
    }
    await using client = new Client({
      token: discord.token,
      intents: GatewayIntent.GuildMessages,
      ...discord.clientOptions,
    });
    await client.start(new Bot());
    const text = records.map((r) => r.message.join("")).join("\n");
    assert.match(
      text,
      /onPresenceUpdate\(\) will never be called: PRESENCE_UPDATE needs the GuildPresences intent/,
    );
    assert.match(
      text,
      /onMessageCreate\(\): without the MESSAGE_CONTENT intent/,
    );
    assert.ok(!text.includes(discord.token));
  });
});

Deno.test("Client does not warn about MESSAGE_CONTENT when only DMs can arrive, whose content Discord always sends", async () => {
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start();
    class Bot extends Handler {
      override onMessageCreate(): void {}
      override onMessageUpdate(): void {}
    }
    await using client = new Client({
      token: discord.token,
      intents: GatewayIntent.DirectMessages,
      ...discord.clientOptions,
    });
    await client.start(new Bot());
    const text = records.map((r) => r.message.join("")).join("\n");
    assert.doesNotMatch(text, /MESSAGE_CONTENT/);
  });
});

Deno.test("A handler that never settles: the backlog is warned about, exposed, and stop() drains for a bounded time", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    let calls = 0;
    class Stuck extends Handler {
      override onMessageCreate(): Promise<void> {
        calls++;
        return new Promise(() => {}); // never settles
      }
    }
    const client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    const started = client.start(new Stuck());
    let settled = false;
    started.finally(() => settled = true).catch(() => {});
    for (let i = 0; i < 100 && !settled; i++) await scheduler.advance(0);
    await started;
    for (let i = 0; i < 2100; i++) discord.postMessage(`m${i}`);
    await scheduler.advance(0);
    assert.equal(calls, 1);
    assert.equal(client.pendingHandlerCalls(0), 2099);
    assert.equal(client.pendingHandlerCalls(), 2099);
    const warnings = records.filter((r) =>
      r.category.join(".") === "disruption.handler" && r.level === "warning" &&
      /handler calls waiting/.test(r.message.join(""))
    );
    assert.deepEqual(warnings.map((r) => r.properties.pending), [1000, 2000]);
    assert.match(
      warnings[0]!.message.join(""),
      /Shard 0 has 1000 handler calls waiting behind one that has not finished/,
    );

    let stopped = false;
    const stopping = client.stop({ drainTimeout: 3000 }).then(() =>
      stopped = true
    );
    await scheduler.advance(2999);
    assert.equal(stopped, false, "stop() waits for the handlers a while");
    await scheduler.advance(1);
    await stopping;
    assert.equal(calls, 1, "nothing queued ran after stop()");
    const dropped = records.find((r) =>
      /queued handler calls were dropped/.test(r.message.join(""))
    );
    assert.ok(dropped, "the dropped calls are reported");
    assert.equal(dropped.level, "warning");
    // The 2,099 messages and the shard's state changes while closing.
    assert.ok((dropped.properties.dropped as number) >= 2099);
  });
});

Deno.test("Client.stop refuses a negative drainTimeout", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start();
  await assert.rejects(
    () => client.stop({ drainTimeout: -1 }),
    /'drainTimeout' must be a finite number >= 0: current value 'drainTimeout=-1'/,
  );
});

Deno.test("Client.stop refuses a misspelt option and a drainTimeout that is not a number, and stops nothing", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start();
  const rows: Array<
    [
      options: unknown,
      error: RangeErrorConstructor | TypeErrorConstructor,
      message: string,
    ]
  > = [
    // A misspelt `resumable` closed with 1000: the next start identified
    // every shard again and lost the events in between.
    [
      { resumeable: true },
      TypeError,
      "Cannot stop client as 'resumeable' is not one of its options (did you mean 'resumable'?)",
    ],
    // A string counted as true: "false" kept the sessions.
    [
      { resumable: "false" },
      TypeError,
      `Cannot stop client as 'resumable' must be a boolean: current value 'resumable="false"'`,
    ],
    [
      { drainTimeout: "5" },
      RangeError,
      `Cannot stop client as 'drainTimeout' must be a finite number >= 0: current value 'drainTimeout="5"'`,
    ],
    [
      { drainTimeout: Number.NaN },
      RangeError,
      "Cannot stop client as 'drainTimeout' must be a finite number >= 0: current value 'drainTimeout=NaN'",
    ],
    [
      { drainTimeout: Infinity },
      RangeError,
      "Cannot stop client as 'drainTimeout' must be a finite number >= 0: current value 'drainTimeout=Infinity'",
    ],
    [
      null,
      TypeError,
      "Cannot stop client as 'options' must be an object: current value 'options=null'",
    ],
  ];
  for (const [options, Refusal, message] of rows) {
    await assert.rejects(
      () => client.stop(options as Parameters<Client["stop"]>[0]),
      (error: Error) => {
        assert.ok(error instanceof Refusal, String(error));
        assert.equal(error.message, message);
        return true;
      },
    );
  }
  assert.deepEqual(discord.gateway.counters.closes, {}, "nothing was closed");
  await client.stop({ resumable: true, drainTimeout: 5 });
  assert.deepEqual(discord.gateway.counters.closes, { 4000: 1 });
});

Deno.test("Client warns about a method or listener outside an explicit 'events' list, and says that without GuildMembers only the bot's own member updates arrive", async () => {
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start();
    class Bot extends Handler {
      override onGuildUpdate(): void {}
      override onGuildMemberUpdate(): void {}
    }
    await using client = new Client({
      token: discord.token,
      intents: GatewayIntent.Guilds,
      events: ["GUILD_CREATE", "GUILD_MEMBER_UPDATE"],
      ...discord.clientOptions,
    });
    client.on("CHANNEL_UPDATE", () => {});
    await client.start(new Bot());
    const text = records.map((r) => r.message.join("")).join("\n");
    assert.match(
      text,
      /onGuildUpdate\(\) will never be called: GUILD_UPDATE is not in the Client's 'events' option/,
    );
    assert.match(
      text,
      /listener for CHANNEL_UPDATE will never be called: CHANNEL_UPDATE is not in the Client's 'events' option/,
    );
    assert.match(
      text,
      /onGuildMemberUpdate\(\): without the GuildMembers intent, only the bot's own member updates arrive/,
    );
    assert.doesNotMatch(text, /onGuildMemberUpdate\(\) will never be called/);
  });
});

Deno.test("Client: an unsubscribe called a second time leaves the listeners registered since alone", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const seen: string[] = [];
  const offA = client.on("GUILD_UPDATE", () => void seen.push("A"));
  await client.start();
  offA();
  client.on("GUILD_UPDATE", () => void seen.push("B"));
  offA(); // a second clean-up of the same listener
  const arrived = new Promise<void>((resolve) =>
    client.on("GUILD_UPDATE", () => {
      seen.push("C");
      resolve();
    })
  );
  discord.gateway.dispatch("GUILD_UPDATE", { id: discord.guildId, name: "x" });
  await arrived;
  await client.idle();
  assert.deepEqual(seen, ["B", "C"]);
});

Deno.test("Client: a lifecycle handler returning null (from JavaScript) is not reported as throwing", async () => {
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start();
    let calls = 0;
    class Bot extends Handler {
      override onShardStateChange(): void {
        calls++;
        return null as unknown as void;
      }
    }
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    await client.start(new Bot());
    assert.ok(calls > 0);
    const text = records.map((r) => r.message.join("")).join("\n");
    assert.doesNotMatch(text, /onShardStateChange threw/);
  });
});

Deno.test("Client: an onError that throws is said on stderr naming it, with the handler error it was handling", async () => {
  await using discord = await FakeDiscord.start();
  class Bot extends Handler {
    override onMessageCreate(): void {
      throw new TypeError("the handler's own fault");
    }
    override onError(): Promise<void> {
      return Promise.reject(new Error("onError's fault"));
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const lines = await captureStderr(async () => {
    await client.start(new Bot());
    discord.postMessage("hi");
    await client.idle();
  });
  const said = lines.filter((l) => l.includes("threw"));
  assert.equal(said.length, 1, lines.join("\n"));
  assert.match(said[0]!, /Handler\.onError threw: Error: onError's fault/);
  assert.match(said[0]!, /handling: HandlerError: .*MESSAGE_CREATE/);
  assert.match(said[0]!, /the handler's own fault/);
});

Deno.test("Client: a method for an event outside the 'events' list that the cache needs is called, and not warned about", async () => {
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start();
    let guilds = 0;
    class Bot extends Handler {
      override onGuildCreate(): void {
        guilds++;
      }
    }
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      events: ["MESSAGE_CREATE"],
      cache: { resources: ["guilds"] },
      ...discord.clientOptions,
    });
    await client.start(new Bot());
    await client.idle();
    assert.equal(guilds, 1);
    const text = records.map((r) => r.message.join("")).join("\n");
    assert.doesNotMatch(text, /onGuildCreate\(\) will never be called/);
  });
});

Deno.test("Client: with an 'events' list and onRaw overridden, onRaw gets every dispatch and only the list's events reach methods and listeners, atArrival ones too (the others are warned about)", async () => {
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start();
    const got: string[] = [];
    class Bot extends Handler {
      override onRaw(dispatch: ShardDispatch): void {
        if (
          dispatch.name !== "GUILD_UPDATE" && dispatch.name !== "MESSAGE_CREATE"
        ) return;
        got.push(`onRaw ${dispatch.name}`);
      }
      override onGuildUpdate(): void {
        got.push("onGuildUpdate");
      }
      override onMessageCreate(): void {
        got.push("onMessageCreate");
      }
    }
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      events: ["MESSAGE_CREATE"],
      ...discord.clientOptions,
    });
    client.on("GUILD_UPDATE", () => void got.push("listener GUILD_UPDATE"));
    client.on(
      "GUILD_UPDATE",
      () => void got.push("atArrival listener GUILD_UPDATE"),
      { atArrival: true },
    );
    await client.start(new Bot());
    const text = records.map((r) => r.message.join("")).join("\n");
    assert.match(
      text,
      /onGuildUpdate\(\) will never be called: GUILD_UPDATE is not in the Client's 'events' option/,
    );
    assert.match(
      text,
      /listener for GUILD_UPDATE will never be called: GUILD_UPDATE is not in the Client's 'events' option/,
    );
    const arrived = new Promise<void>((resolve) =>
      client.on("MESSAGE_CREATE", () => resolve())
    );
    discord.gateway.dispatch("GUILD_UPDATE", {
      id: discord.guildId,
      name: "x",
    });
    discord.postMessage("hello");
    await arrived;
    await client.idle();
    assert.deepEqual(got, [
      "onRaw GUILD_UPDATE",
      "onRaw MESSAGE_CREATE",
      "onMessageCreate",
    ]);
  });
});
