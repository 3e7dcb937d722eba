// What the Client queues on a shard's runner: only the calls that run a
// handler or listener (an event parsed only for the cache queues nothing
// and is not held), what idle() waits for, and the word on stderr when a
// handler stays unfinished on a quiet shard.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import { STUCK_TASK_MS } from "../../handler/ordered_runner.ts";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

async function started(
  scheduler: VirtualScheduler,
  client: Client,
  handler: Handler,
): Promise<void> {
  await runUntilSettled(scheduler, client.start(handler));
}

/** A gate a handler awaits; open on dispose, so stop() never waits for it. */
function gate(): { wait: Promise<void>; open: () => void } & Disposable {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => open = resolve);
  return { wait, open, [Symbol.dispose]: () => open() };
}

Deno.test("Events parsed only for the cache queue no handler call: pendingHandlerCalls() and the backlog warning count only calls that run", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    let calls = 0;
    class Bot extends Handler {
      override async onMessageCreate(): Promise<void> {
        calls++;
        await gated.wait;
      }
    }
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      cache: { resources: ["guilds", "roles"] },
      ...discord.clientOptions,
    });
    // Opened before the client stops, even when an assertion fails.
    using gated = gate();
    await started(scheduler, client, new Bot());
    discord.postMessage("first");
    await scheduler.flushMicrotasks();
    const guild_id = discord.guildId;
    for (let i = 0; i < 1500; i++) {
      discord.gateway.dispatch("GUILD_ROLE_CREATE", {
        guild_id,
        role: { id: String(9_000_000 + i), name: `r${i}` },
      });
    }
    await scheduler.flushMicrotasks();
    assert.equal(calls, 1);
    // The roles are cached as they arrive, behind no handler.
    assert.equal(client.cache.roles(guild_id).length >= 1500, true);
    assert.equal(client.pendingHandlerCalls(), 0);
    assert.equal(
      records.filter((r) => /handler calls waiting/.test(r.message.join("")))
        .length,
      0,
    );
    discord.postMessage("second");
    await scheduler.flushMicrotasks();
    assert.equal(client.pendingHandlerCalls(), 1, "a call that runs counts");
    gated.open();
    await client.idle();
    assert.equal(calls, 2);
  });
});

Deno.test("A handler awaiting requestGuildMembers for a guild past the held bound gets every chunk with the cache on: they are not held behind it", async () => {
  const scheduler = new VirtualScheduler();
  const membersPerGuild = 100_000; // about 20 Mi characters of chunks
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({
      scheduler,
      gateway: { membersPerGuild },
    });
    let members = 0;
    let failure: unknown;
    let done = false;
    class Bot extends Handler {
      override async onGuildCreate(
        guild: GatewayEventMap["GUILD_CREATE"],
        ctx: Context,
      ): Promise<void> {
        try {
          const chunks = ctx.shard.requestGuildMembers({
            guild_id: guild.id,
            query: "",
            limit: 0,
          });
          for await (const chunk of chunks) members += chunk.members.length;
        } catch (error) {
          failure = error;
        }
        done = true;
      }
    }
    await using client = new Client({
      token: discord.token,
      intents: GatewayIntent.Guilds | GatewayIntent.GuildMembers,
      cache: { resources: ["guilds", "members"] },
      ...discord.clientOptions,
    });
    let chunkChars = 0;
    // Measured as they arrive; a listener at arrival is not held either.
    client.on("GUILD_MEMBERS_CHUNK", (chunk) => {
      chunkChars += JSON.stringify(chunk).length;
    }, { atArrival: true });
    await started(scheduler, client, new Bot());
    await runUntil(scheduler, () => done);
    assert.equal(failure, undefined);
    // The generated members and FakeDiscord's tester.
    assert.equal(members, membersPerGuild + 1);
    assert.equal(client.cache.sizes().member, membersPerGuild + 1);
    assert.ok(
      discord.gateway.counters.closes[4000] === undefined,
      "the shard never paused",
    );
    assert.equal(
      records.filter((r) => /pausing the connection/.test(r.message.join("")))
        .length,
      0,
    );
    assert.ok(chunkChars > MAX_HELD_EVENT_CHARS, `${chunkChars} characters`);
  });
});

Deno.test("idle() waits for the calls queued before it, not for those that keep arriving", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  const done: string[] = [];
  class Bot extends Handler {
    override async onMessageCreate(
      message: GatewayEventMap["MESSAGE_CREATE"],
    ): Promise<void> {
      await new Promise<void>((resolve) => scheduler.setTimeout(resolve, 10));
      done.push(message.content);
    }
  }
  // Stopped at the end: a failed assertion must not leave stop() waiting
  // for handlers on the virtual clock.
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await started(scheduler, client, new Bot());
  for (let i = 0; i < 3; i++) discord.postMessage(`before ${i}`);
  await scheduler.flushMicrotasks();
  let idle = false;
  const idling = client.idle().then(() => idle = true);
  // A steady stream: a new message for every one handled.
  for (let i = 0; i < 20 && !idle; i++) {
    discord.postMessage(`after ${i}`);
    await scheduler.advance(10);
  }
  assert.ok(idle, "idle() resolved while messages kept arriving");
  await idling;
  assert.deepEqual(done.slice(0, 3), ["before 0", "before 1", "before 2"]);
  assert.ok(
    client.pendingHandlerCalls() > 0,
    "calls were still queued when idle() resolved",
  );
  // The rest run on the virtual clock before the stop.
  await runUntil(scheduler, () => client.pendingHandlerCalls() === 0);
  await scheduler.advance(10);
  await client.idle();
  await client.stop();
});

Deno.test("A handler unfinished for STUCK_TASK_MS with calls behind it is shown once, naming the event and shard; no timer is left when idle or after stop()", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    using first = gate();
    using second = gate();
    const gates: Record<string, Promise<void>> = {
      "!hang": first.wait,
      "!hang again": second.wait,
    };
    class Bot extends Handler {
      override async onMessageCreate(
        message: GatewayEventMap["MESSAGE_CREATE"],
      ): Promise<void> {
        await gates[message.content];
      }
    }
    const client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    await started(scheduler, client, new Bot());
    const stuck = () =>
      records.filter((r) => /has not finished after/.test(r.message.join("")));
    // Alone, a long call says nothing: nothing waits behind it.
    discord.postMessage("!hang");
    await scheduler.advance(STUCK_TASK_MS);
    assert.equal(stuck().length, 0);
    // The first call that waits behind it makes it said.
    discord.postMessage("hi");
    await scheduler.flushMicrotasks();
    assert.equal(stuck().length, 1);
    for (let i = 0; i < 3; i++) {
      discord.postMessage(`more ${i}`);
      await scheduler.advance(STUCK_TASK_MS);
    }
    assert.equal(stuck().length, 1, "once per stuck call");
    const [record] = stuck();
    assert.equal(record!.level, "warning");
    assert.deepEqual(
      [record!.properties.shardId, record!.properties.event],
      [0, "MESSAGE_CREATE"],
    );
    assert.match(
      record!.message.join(""),
      /^Shard 0: the handler call for MESSAGE_CREATE has not finished after 30 s, and 1 handler calls wait behind it/,
    );
    // No sessionStore: nothing is saved, and a restart replays nothing.
    assert.doesNotMatch(record!.message.join(""), /saved session|replays/);
    first.open();
    await client.idle();
    // The next stuck call is said again, once it is STUCK_TASK_MS old.
    discord.postMessage("!hang again");
    await scheduler.advance(STUCK_TASK_MS / 2);
    discord.postMessage("hi");
    await scheduler.advance(STUCK_TASK_MS / 2 - 1);
    assert.equal(stuck().length, 1);
    await scheduler.advance(1);
    assert.equal(stuck().length, 2);
    second.open();
    await client.idle();
    await client.stop();
    assert.equal(scheduler.pending, 0, "no timer outlives stop()");
  });
});

Deno.test("A handler still stuck at stop() leaves no stuck-call timer behind", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    class Bot extends Handler {
      override onMessageCreate(): Promise<void> {
        return new Promise(() => {}); // never settles
      }
    }
    const client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    await started(scheduler, client, new Bot());
    discord.postMessage("one");
    discord.postMessage("two");
    await scheduler.flushMicrotasks();
    const stopping = client.stop({ drainTimeout: 1000 });
    await scheduler.advance(1000);
    await stopping;
    assert.equal(scheduler.pending, 0, "no timer outlives stop()");
    await scheduler.advance(STUCK_TASK_MS);
    assert.equal(
      records.filter((r) => /has not finished after/.test(r.message.join("")))
        .length,
      0,
    );
  });
});

/** A started Client whose onMessageCreate waits until `hang` opens. */
async function hangingClient(
  scheduler: VirtualScheduler,
  discord: FakeDiscord,
  hang: { wait: Promise<void> },
): Promise<Client> {
  class Bot extends Handler {
    override async onMessageCreate(): Promise<void> {
      await hang.wait;
    }
  }
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await started(scheduler, client, new Bot());
  return client;
}

Deno.test("await client.idle() behind a handler that never settles gets the stuck-call warning", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    using hang = gate();
    const client = await hangingClient(scheduler, discord, hang);
    const stuck = () =>
      records.filter((r) => /has not finished after/.test(r.message.join("")));
    // Nothing queued behind the call: only the idle() caller waits.
    discord.postMessage("!hang");
    await scheduler.flushMicrotasks();
    const idle = client.idle();
    await scheduler.advance(STUCK_TASK_MS - 1);
    assert.equal(stuck().length, 0);
    await scheduler.advance(1);
    assert.equal(stuck().length, 1);
    assert.match(
      stuck()[0]!.message.join(""),
      /^Shard 0: the handler call for MESSAGE_CREATE has not finished after 30 s, and a client\.idle\(\) or stop\(\) call waits behind it/,
    );
    hang.open();
    await idle;
    await client.stop();
  });
});

Deno.test("client.idle() called once a lone handler call is overdue says so at once", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    using hang = gate();
    const client = await hangingClient(scheduler, discord, hang);
    const stuck = () =>
      records.filter((r) => /has not finished after/.test(r.message.join("")));
    discord.postMessage("!hang");
    await scheduler.advance(STUCK_TASK_MS);
    assert.equal(stuck().length, 0, "alone, a long call says nothing");
    const idle = client.idle();
    await scheduler.flushMicrotasks();
    assert.equal(stuck().length, 1);
    hang.open();
    await idle;
    await client.stop();
  });
});

Deno.test("With a sessionStore, the stuck-handler warning says the saved session stays before that event", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    using hang = gate();
    class Bot extends Handler {
      override async onMessageCreate(
        message: GatewayEventMap["MESSAGE_CREATE"],
      ): Promise<void> {
        if (message.content === "!hang") await hang.wait;
      }
    }
    const client = new Client({
      token: discord.token,
      intents: INTENTS,
      sessionStore: new MemorySessionStore(),
      ...discord.clientOptions,
    });
    await started(scheduler, client, new Bot());
    discord.postMessage("!hang");
    discord.postMessage("hi");
    await scheduler.advance(STUCK_TASK_MS);
    const stuck = records.filter((r) =>
      /has not finished after/.test(r.message.join(""))
    );
    assert.equal(stuck.length, 1);
    assert.match(
      stuck[0]!.message.join(""),
      /its saved session stays before that event \(a restart replays from there\)$/,
    );
    hang.open();
    await client.idle();
    await client.stop();
  });
});
