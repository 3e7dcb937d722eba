// A saved session records the intents it was identified with and the bot
// of its token. A restart with other intents identifies (a RESUME keeps the
// session's intents: the new intents' events never came), said once; a
// restart on another bot's sessions is refused before anything connects,
// leaving the store as it was; sessions saved without them resume as
// before.
import assert from "node:assert/strict";
import { runUntilSettled } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import * as errors from "../../gateway/errors.ts";
import { KvSessionStore } from "../../gateway/kv_session_store.ts";
import {
  assertSavedSession,
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import {
  ShardManager,
  type ShardManagerOptions,
} from "../../gateway/shard_manager.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";

const BOT_A = "123456789012345678";
const BOT_B = "876543210987654321";

/** A token of `botId`, as Discord writes them (base64 id first). */
function tokenOf(botId: string): string {
  return `${btoa(botId).replace(/=+$/, "")}.GhIjKl.mNoPqRsTuV`;
}
const TOKEN_A = tokenOf(BOT_A);
const TOKEN_B = tokenOf(BOT_B);
const SHARDS = 2;

interface Scene {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  store: MemorySessionStore;
}

function scene(): Scene {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 4,
    maxConcurrency: SHARDS,
    tokens: [TOKEN_A, TOKEN_B, "fake-token"],
  });
  return { scheduler, gateway, store: new MemorySessionStore() };
}

function manager(
  s: Scene,
  options: Partial<ShardManagerOptions> = {},
): ShardManager & { messages: number } {
  const made = new ShardManager({
    token: TOKEN_A,
    intents: GatewayIntent.Guilds,
    shardCount: SHARDS,
    maxConcurrency: SHARDS,
    transport: s.gateway.transport,
    scheduler: s.scheduler,
    random: () => 0.5,
    sessionStore: s.store,
    ...options,
  }) as ShardManager & { messages: number };
  made.messages = 0;
  made.on("dispatch", () => made.messages++, { events: ["MESSAGE_CREATE"] });
  return made;
}

/** One run of bot A with `intents`, closed resumably. */
async function firstRun(s: Scene, intents: number): Promise<void> {
  const first = manager(s, { intents });
  await runUntilSettled(s.scheduler, first.start());
  await first.close({ resumable: true });
  await s.scheduler.advance(5_000);
}

function counts(s: Scene): { identifies: number; resumes: number } {
  const log = s.gateway.log;
  return {
    identifies: log.filter((e) => e.type === "identify").length,
    resumes: log.filter((e) => e.type === "resume").length,
  };
}

/** A message in every guild; how many sessions it reached. */
function postMessages(s: Scene): number {
  let reached = 0;
  for (const [n, guildId] of s.gateway.guildIds.entries()) {
    reached += s.gateway.dispatch("MESSAGE_CREATE", {
      id: String(10_000 + n),
      channel_id: "1",
      guild_id: guildId,
      author: { id: "1300000000000000001", username: "someone" },
      content: "hello",
    });
  }
  return reached;
}

Deno.test("saved sessions record the intents and the bot they were identified with", async () => {
  const s = scene();
  await firstRun(s, GatewayIntent.Guilds);
  const saved = await s.store.loadAll();
  assert.equal(saved.length, SHARDS);
  for (const session of saved) {
    assert.equal(session.intents, GatewayIntent.Guilds);
    assert.equal(session.botId, BOT_A);
  }
  s.gateway.close();
});

Deno.test("a token that shows no bot ID starts on sessions saved by a bot: none is known to differ", async () => {
  const s = scene();
  await firstRun(s, GatewayIntent.Guilds);
  assert.ok((await s.store.loadAll()).every((saved) => saved.botId === BOT_A));
  const unknown = manager(s, { token: "fake-token" });
  await runUntilSettled(s.scheduler, unknown.start());
  assert.ok(unknown.info().every((shard) => shard.status === "ready"));
  await runUntilSettled(s.scheduler, unknown.close());
  s.gateway.close();
});

Deno.test("a restart with other intents identifies, says so once, and gets the new intents' events", async () => {
  const s = scene();
  await firstRun(s, GatewayIntent.Guilds);
  const before = counts(s);
  const intents = GatewayIntent.Guilds | GatewayIntent.GuildMessages;
  const second = manager(s, { intents });
  const lines = await captureStderr(() =>
    runUntilSettled(s.scheduler, second.start())
  );
  const after = counts(s);
  assert.equal(after.resumes - before.resumes, 0, "no RESUME");
  assert.equal(after.identifies - before.identifies, SHARDS, "identified");
  const said = lines.filter((line) => /intents/.test(line));
  assert.equal(said.length, 1, lines.join("\n"));
  assert.match(said[0]!, /intents 1\b/);
  assert.match(said[0]!, /intents 513\b/);
  assert.match(said[0]!, /not replayed/);
  assert.equal(postMessages(s), s.gateway.guildIds.length);
  await s.scheduler.advance(0);
  assert.equal(second.messages, s.gateway.guildIds.length);
  // Saved anew with the intents they run on now.
  await second.close({ resumable: true });
  for (const session of await s.store.loadAll()) {
    assert.equal(session.intents, intents);
  }
  s.gateway.close();
});

Deno.test("a restart with the same intents still resumes, saying nothing", async () => {
  const s = scene();
  await firstRun(s, GatewayIntent.Guilds | GatewayIntent.GuildMessages);
  const before = counts(s);
  const second = manager(s, {
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
  });
  const lines = await captureStderr(() =>
    runUntilSettled(s.scheduler, second.start())
  );
  const after = counts(s);
  assert.equal(after.resumes - before.resumes, SHARDS);
  assert.equal(after.identifies - before.identifies, 0);
  assert.deepEqual(lines, []);
  await second.close();
  s.gateway.close();
});

Deno.test("a session saved without intents or bot (an older version) resumes as before", async () => {
  const s = scene();
  await firstRun(s, GatewayIntent.Guilds);
  const old = (await s.store.loadAll()).map((
    { intents: _i, botId: _b, ...rest },
  ) => rest);
  const oldStore = new MemorySessionStore(old);
  assert.ok((await oldStore.loadAll()).every((x) => !("intents" in x)));
  const before = counts(s);
  const second = manager(s, {
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    sessionStore: oldStore,
  });
  await runUntilSettled(s.scheduler, second.start());
  const after = counts(s);
  // Nothing known to tell them by: resumed, as before this change.
  assert.equal(after.resumes - before.resumes, SHARDS);
  assert.equal(after.identifies - before.identifies, 0);
  await second.close();
  s.gateway.close();
});

Deno.test("another bot's saved sessions: start() refuses with OtherBotSessionsError, nothing connects, the store is left as it was", async () => {
  const s = scene();
  await firstRun(s, GatewayIntent.Guilds);
  const stored = await s.store.loadAll();
  const connects = s.gateway.log.filter((e) => e.type === "connect").length;
  const staging = manager(s, { token: TOKEN_B });
  const error = await runUntilSettled(s.scheduler, staging.start()).then(
    () => assert.fail("start() resolved"),
    (error: unknown) => error,
  );
  const OtherBotSessionsError = errors.OtherBotSessionsError;
  assert.ok(OtherBotSessionsError, "the error class exists");
  assert.ok(error instanceof OtherBotSessionsError, String(error));
  assert.equal(error.savedBotId, BOT_A);
  assert.equal(error.botId, BOT_B);
  assert.deepEqual(error.shardIds, [0, 1]);
  assert.match(error.message, /bot 123456789012345678/);
  assert.match(error.message, /bot 876543210987654321/);
  assert.match(error.message, /its own session store/);
  await s.scheduler.advance(60_000);
  assert.equal(
    s.gateway.log.filter((e) => e.type === "connect").length,
    connects,
    "no shard connected",
  );
  // A close after the refusal leaves the other bot's sessions too.
  await staging.close();
  assert.deepEqual(await s.store.loadAll(), stored);
  // Bot A still resumes them.
  const before = counts(s);
  const prod = manager(s);
  await runUntilSettled(s.scheduler, prod.start());
  assert.equal(counts(s).resumes - before.resumes, SHARDS);
  await prod.close();
  s.gateway.close();
});

/**
 * Bot B's session of shard 0 in `s.store`, whose next load fails once (a
 * Redis blip): whose sessions the store holds is not known at the start.
 * Returns the session and the store's own `loadAll`.
 */
async function theirsBehindAFailedLoad(
  s: Scene,
): Promise<{ theirs: SavedSession; loadAll: () => Promise<SavedSession[]> }> {
  const theirs: SavedSession = {
    shardId: 0,
    shardCount: SHARDS,
    sessionId: "their-session",
    sequence: 42,
    savedAt: s.scheduler.now(),
    intents: GatewayIntent.Guilds,
    botId: BOT_B,
  };
  await s.store.save([theirs]);
  let failures = 1;
  const loadAll = s.store.loadAll.bind(s.store);
  s.store.loadAll = () =>
    failures-- > 0 ? Promise.reject(new Error("ECONNRESET")) : loadAll();
  return { theirs, loadAll };
}

Deno.test("another bot's sessions found only after a failed load at start: nothing of this bot is saved over them, said on stderr, the shards run on", async () => {
  const s = scene();
  const { theirs, loadAll } = await theirsBehindAFailedLoad(s);
  const prod = manager(s);
  const said = await captureStderr(async () => {
    await runUntilSettled(s.scheduler, prod.start());
    await s.scheduler.advance(60_000);
  });
  assert.equal(prod.shards.get(0)?.status, "ready", "the shards run on");
  assert.deepEqual(await loadAll(), [theirs], "bot B's session is kept");
  assert.match(said.join("\n"), /sessions of bot 876543210987654321/);
  assert.match(said.join("\n"), /none of their sessions is saved/);
  // A second start() while the shards run is refused, and changes nothing of
  // what the close reports.
  await captureStderr(() =>
    assert.rejects(
      runUntilSettled(s.scheduler, prod.start()),
      errors.OtherBotSessionsError,
    )
  );
  assert.equal(prod.shards.get(0)?.status, "ready");
  assert.equal(
    await prod.close({ resumable: true }),
    false,
    "a resumable close saved nothing: said by its result",
  );
  // Started again, the same manager is refused at start: its close leaves
  // the store as asked, as a fresh manager's does.
  await s.scheduler.advance(5_000);
  await assert.rejects(
    runUntilSettled(s.scheduler, prod.start()),
    errors.OtherBotSessionsError,
  );
  assert.equal(await prod.close({ resumable: true }), true);
  await s.scheduler.advance(5_000);
  assert.deepEqual(await loadAll(), [theirs], "nor at close");
  s.gateway.close();
});

Deno.test("another bot's sessions found only after a failed load at start: a close before any save leaves them, and saves asked for after they were found write nothing", async () => {
  for (const after of ["close", "saves"] as const) {
    const s = scene();
    const { theirs, loadAll } = await theirsBehindAFailedLoad(s);
    const prod = manager(s);
    await captureStderr(async () => {
      await runUntilSettled(s.scheduler, prod.start());
      // Before the save a second after READY: the close is the first write.
      if (after === "saves") {
        await prod.saveSessions();
        await prod.saveSessions();
      }
      await runUntilSettled(s.scheduler, prod.close());
    });
    assert.deepEqual(await loadAll(), [theirs], `${after}: bot B's is kept`);
    s.gateway.close();
  }
});

Deno.test("SavedSession: intents and botId are checked when present and kept by the stores", async () => {
  const base: SavedSession = {
    shardId: 0,
    shardCount: 1,
    sessionId: "a",
    sequence: 1,
    savedAt: 0,
  };
  assertSavedSession({ ...base, intents: 0, botId: BOT_A });
  assert.throws(() => assertSavedSession({ ...base, intents: "1" }), TypeError);
  assert.throws(() => assertSavedSession({ ...base, intents: -1 }), RangeError);
  assert.throws(
    () => assertSavedSession({ ...base, intents: 1.5 }),
    RangeError,
  );
  assert.throws(() => assertSavedSession({ ...base, botId: 5 }), TypeError);
  assert.throws(() => assertSavedSession({ ...base, botId: "bot" }), TypeError);
  const full = { ...base, intents: 513, botId: BOT_A };
  const memory = new MemorySessionStore();
  await memory.save([full]);
  assert.deepEqual(await memory.loadAll(), [full]);
  const kv = await KvSessionStore.open({ path: ":memory:" });
  try {
    await kv.save([full]);
    assert.deepEqual(await kv.loadAll(), [full]);
    await kv.save([base]);
    assert.deepEqual(await kv.loadAll(), [base]);
  } finally {
    kv.close();
  }
});
