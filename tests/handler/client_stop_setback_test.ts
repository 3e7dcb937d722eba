// Where a resumable stop that dropped handler calls sets a session back,
// and what the replay then does (the set-back itself:
// client_stop_replay_test.ts). A RESUME cannot start before the session's
// READY (Discord refuses it: three failed RESUMEs, a new session, the
// events lost), the Client's cache took the replayed events at arrival and
// must not apply them twice, and the store's copy of the same session wins
// by its sequence, not by the clock of the process that saved it.
import assert from "node:assert/strict";
import { Client, type ClientOptions } from "../../handler/mod.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";
import { Slow } from "./_slow_handler.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent | GatewayIntent.GuildMessageReactions;
/** What the intents fill: the cache warns of nothing else. */
const CACHE = {
  resources: ["guilds", "channels", "roles", "users", "messages"],
} as const;
/** The slow handler, noting READY too. */
class SlowWithReady extends Slow {
  override onReady(): void {
    this.handled.push("READY");
  }
}

interface Scene {
  clock: VirtualScheduler;
  discord: FakeDiscord;
  options: ClientOptions;
  handled: string[];
}

async function scene(extra: Partial<ClientOptions> = {}): Promise<Scene> {
  const clock = new VirtualScheduler();
  const discord = await FakeDiscord.start({ scheduler: clock });
  const options: ClientOptions = {
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    ...extra,
  };
  return { clock, discord, options, handled: [] };
}

/** The sequences the gateway was sent RESUMEs with. */
function resumeSequences(discord: FakeDiscord): (number | null)[] {
  return discord.gateway.log.flatMap((entry) =>
    entry.type === "resume" ? [entry.seq] : []
  );
}

/** Stop `client` resumably with no time to drain; what it said. */
async function stopDropping(
  clock: VirtualScheduler,
  client: Client,
): Promise<string> {
  const said = await captureStderr(() =>
    runUntilSettled(clock, client.stop({ resumable: true, drainTimeout: 0 }))
  );
  return said.join("\n");
}

/**
 * Start `client`, let it fall behind on ten messages, stop it resumably
 * with no time to drain, and let the fake forget the session (past its
 * 90 s): the session the Client was set back to is gone.
 *
 * @returns The sequence the Client had received when it stopped.
 */
async function setBackPastTheSession(
  s: Scene,
  client: Client,
): Promise<number> {
  await runUntilSettled(
    s.clock,
    client.start(new SlowWithReady(s.clock, s.handled)),
  );
  for (let i = 0; i < 10; i++) s.discord.postMessage(`m${i}`);
  await s.clock.advance(1_500);
  const received = client.shards!.info()[0]!.sequence!;
  await stopDropping(s.clock, client);
  await s.clock.advance(100_000);
  return received;
}

/**
 * Start `client` again after {@linkcode setBackPastTheSession}: it
 * identifies anew.
 */
async function startedAnew(s: Scene, client: Client): Promise<void> {
  await captureStderr(() =>
    runUntilSettled(
      s.clock,
      client.start(new SlowWithReady(s.clock, s.handled)),
    )
  );
  assert.equal(s.discord.gateway.counters.sessionStarts, 2, "identified");
}

async function end(s: Scene, client: Client): Promise<void> {
  await runUntilSettled(s.clock, client.stop());
  await s.discord[Symbol.asyncDispose]();
}

Deno.test("Client: a resumable stop that dropped the call of a new session's READY (op 9 mid-backlog) resumes from READY, and the events after it come again", async () => {
  const store = new MemorySessionStore();
  const s = await scene({ sessionStore: store });
  const first = new Client(s.options);
  await runUntilSettled(
    s.clock,
    first.start(new SlowWithReady(s.clock, s.handled)),
  );
  for (let i = 0; i < 12; i++) s.discord.postMessage(`a${i}`);
  await s.clock.advance(10);
  const dead = first.shards!.info()[0]!.sessionId;
  s.discord.gateway.invalidateSession(false);
  await runUntil(s.clock, () => {
    const info = first.shards!.info()[0]!;
    return info.status === "ready" && info.sessionId !== dead;
  });
  for (const content of ["b0", "b1", "b2"]) s.discord.postMessage(content);
  await s.clock.advance(10);
  // The new READY's call waits behind the old session's backlog.
  assert.deepEqual(s.handled.filter((h) => h === "READY"), ["READY"]);
  const said = await stopDropping(s.clock, first);
  const [saved] = await store.loadAll();
  assert.equal(saved!.sequence, 1, "READY's own sequence, not before it");
  assert.match(said, /but for those of READY, which Discord never sends/);
  const second = new Client(s.options);
  try {
    await runUntilSettled(
      s.clock,
      second.start(new SlowWithReady(s.clock, s.handled)),
    );
    await runUntil(s.clock, () => s.handled.includes("b2"));
    assert.deepEqual(resumeSequences(s.discord), [1]);
    assert.equal(s.discord.gateway.counters.sessionStarts, 2, "no IDENTIFY");
    assert.deepEqual(s.handled.slice(-3), ["b0", "b1", "b2"]);
  } finally {
    await end(s, second);
  }
});

Deno.test("Client: start() after a resumable stop that set the session back does not apply the replayed events to client.cache again (ctx.old undefined for them)", async () => {
  const s = await scene({ cache: CACHE });
  const client = new Client(s.options);
  const olds: [string, unknown][] = [];
  client.on(
    "MESSAGE_REACTION_ADD",
    (_, ctx) => void olds.push(["add", ctx.old]),
  );
  await runUntilSettled(
    s.clock,
    client.start(new SlowWithReady(s.clock, s.handled)),
  );
  const posted = Array.from(
    { length: 6 },
    (_, i) => s.discord.postMessage(`m${i}`),
  );
  const target = posted[0]!;
  s.discord.gateway.dispatch("MESSAGE_REACTION_ADD", {
    user_id: s.discord.user.id,
    channel_id: target.channel_id,
    message_id: target.id,
    guild_id: target.guild_id,
    emoji: { id: null, name: "👍" },
    burst: false,
    type: 0,
  });
  await s.clock.advance(1_500);
  const count = () =>
    (client.cache.message(target.channel_id, target.id) as {
      reactions?: { count: number }[];
    } | undefined)?.reactions?.[0]?.count;
  assert.equal(count(), 1);
  assert.deepEqual(olds, [], "the listener's call waits");
  const received = client.shards!.info()[0]!.sequence!;
  await stopDropping(s.clock, client);
  try {
    await runUntilSettled(
      s.clock,
      client.start(new SlowWithReady(s.clock, s.handled)),
    );
    await runUntil(s.clock, () => s.handled.includes("m5"));
    assert.ok(resumeSequences(s.discord)[0]! < received, "set back");
    assert.equal(count(), 1, "the replayed reaction counted once");
    assert.deepEqual(olds, [["add", undefined]]);
    // Past the replay, the cache takes the events again.
    const after = s.discord.postMessage("after");
    await runUntil(s.clock, () => s.handled.includes("after"));
    assert.equal(
      client.cache.message(after.channel_id, after.id)?.id,
      after.id,
    );
  } finally {
    await end(s, client);
  }
});

Deno.test("Client: when the set-back session cannot be resumed, the new session's events (numbered from 1 again) go to client.cache", async () => {
  const s = await scene({ cache: CACHE });
  const client = new Client(s.options);
  // The session is gone, still usable for the Client.
  const received = await setBackPastTheSession(s, client);
  try {
    await startedAnew(s, client);
    const fresh = s.discord.postMessage("fresh");
    await runUntil(s.clock, () => s.handled.includes("fresh"));
    assert.ok(client.shards!.info()[0]!.sequence! <= received);
    assert.equal(
      client.cache.message(fresh.channel_id, fresh.id)?.id,
      fresh.id,
    );
  } finally {
    await end(s, client);
  }
});

Deno.test("Client: start() after a set-back stop resumes the store's copy of the same session further on than received, though its process's clock lags (saved 'before' the stop)", async () => {
  const store = new MemorySessionStore();
  const s = await scene({ sessionStore: store });
  const client = new Client(s.options);
  await runUntilSettled(
    s.clock,
    client.start(new SlowWithReady(s.clock, s.handled)),
  );
  for (let i = 0; i < 10; i++) s.discord.postMessage(`m${i}`);
  await s.clock.advance(1_500);
  const received = client.shards!.info()[0]!.sequence!;
  await stopDropping(s.clock, client);
  const [setBack] = await store.loadAll();
  assert.ok(setBack!.sequence < received, "set back");
  // Another process resumed it, took 3 more events, and saved with a clock
  // 5 s behind this one's.
  for (let i = 0; i < 3; i++) s.discord.postMessage(`other${i}`);
  const further = received + 3;
  await store.save([{
    ...setBack!,
    sequence: further,
    savedAt: s.clock.now() - 5_000,
  }]);
  try {
    await runUntilSettled(
      s.clock,
      client.start(new SlowWithReady(s.clock, s.handled)),
    );
    assert.deepEqual(resumeSequences(s.discord), [further]);
    assert.equal(s.discord.gateway.counters.sessionStarts, 1);
  } finally {
    await end(s, client);
  }
});

Deno.test("Client: when the set-back session cannot be resumed, the new session's READY goes to client.cache too: resuming that session later says nothing of a session the cache did not see start", async () => {
  const s = await scene({ cache: CACHE });
  const client = new Client(s.options);
  await setBackPastTheSession(s, client);
  try {
    await startedAnew(s, client);
    await runUntilSettled(s.clock, client.idle());
    await runUntilSettled(s.clock, client.stop({ resumable: true }));
    const said = await captureStderr(() =>
      runUntilSettled(
        s.clock,
        client.start(new SlowWithReady(s.clock, s.handled)),
      )
    );
    assert.equal(s.discord.gateway.counters.resumed, 1, "the new one resumed");
    assert.deepEqual(said.filter((line) => /cache/i.test(line)), []);
  } finally {
    await end(s, client);
  }
});
