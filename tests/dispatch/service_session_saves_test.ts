// When the dispatch service saves a shard's session, in-process on a
// virtual clock with the loopback FakeDiscord, the fake broker (which
// confirms only when told) and a redis-server of the test's own:
// - a close saves each session at the sequence the broker confirmed last,
//   once the broker drained;
// - a close keeps the sessions resumable on Discord's side (4000), so the
//   next process's RESUME is taken;
// - a session resumed from Redis is saved again every second (saved_at
//   fresh) though nothing was confirmed since: restarts during a broker
//   outage left saved_at at the last save before it, and once two minutes
//   old the next start dropped the session unsaid;
// - a saved session too old to resume is said, with its shard and
//   sequence, and counted in dispatch_sessions_lost;
// - a new session (op 9 d:false) is saved at READY's sequence while the
//   old one's events are still unconfirmed: Redis kept the ended one, and
//   the next start identified and lost the new one's events; a close that
//   cannot drain names it, and says the old one's unconfirmed events lost.
// - a session is saved with READY's resume URL and resumed there; one
//   restored whose RESUME is refused is said lost and counted.
import assert from "node:assert/strict";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { SavedSession } from "../../gateway/saved_session.ts";
import { loadUsableSessions, StartReads } from "../../dispatch/start_reads.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import {
  advanceUntil,
  advanceUntilTrue as until,
  FakesScene,
  OwnRedis,
  serviceOnFakes,
} from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";

const redisServer = testRedis();

Deno.test("loadUsableSessions: a session too old to resume is said with its shard and sequence, and counted as lost", async () => {
  const scheduler = new VirtualScheduler();
  const now = 1_000_000_000;
  const sessions: SavedSession[] = [
    {
      shardId: 0,
      shardCount: 2,
      sessionId: "old-one",
      sequence: 3106,
      savedAt: now - 150_000,
    },
    {
      shardId: 1,
      shardCount: 2,
      sessionId: "fresh",
      sequence: 7,
      savedAt: now - 1_000,
    },
  ];
  let lost = 0;
  await withLogRecords(async (records) => {
    const usable = await loadUsableSessions(
      { loadAll: () => Promise.resolve(sessions) },
      new StartReads(scheduler, new AbortController().signal),
      { shardIds: [0, 1], shardCount: 2, now, lost: { inc: () => lost++ } },
    );
    assert.deepEqual([...usable.keys()], [1]);
    const lines = linesSaying(records, "old-one");
    assert.equal(lines.length, 1, records.map((r) => r.message).join("\n"));
    assert.match(lines[0]!, /^Shard 0: /);
    assert.match(lines[0]!, /150 s ago/);
    assert.match(lines[0]!, /events after sequence 3106 are lost/);
    assert.equal(
      records.find((r) => r.message.join("").includes("old-one"))!
        .level,
      "warning",
    );
  });
  assert.equal(lost, 1);
});

Deno.test({
  name:
    "dispatch service: a session is saved with its resume URL, left resumable by a close (4000) and resumed there; resumed from Redis it is saved again (saved_at fresh) though no event was confirmed since",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({
    sessionTtl: 3_600_000,
    guilds: 1,
  });
  await using redis = await OwnRedis.start();
  const { scheduler, discord, broker } = scene;
  const port = redis.port;
  const saved = () => redis.savedSession();
  await withLogRecords(async () => {
    // The first process: a session, confirmed and saved.
    const first = serviceOnFakes(scheduler, freePort(), discord, broker, port);
    await advanceUntil(scheduler, first.start(), "the first start");
    await scene.untilConfirmed(
      async () => (await saved())?.sequence === 2,
      "READY and the guild confirmed and saved",
    );
    await advanceUntil(scheduler, first.close(), "the first close");
    const before = (await saved())!;
    // Saved with READY's resume_gateway_url, where Discord wants the RESUME.
    assert.equal(before.resumeUrl, discord.gateway.resumeUrl);
    // The second resumes it and has nothing confirmed (an outage):
    // every save still refreshes saved_at, at the same sequence.
    await scheduler.advance(60_000);
    const second = serviceOnFakes(scheduler, freePort(), discord, broker, port);
    await scene.run(second, async () => {
      await until(
        scheduler,
        () => discord.gateway.counters.resumes >= 1,
        "the RESUME",
      );
      const connects = discord.gateway.log.filter((e) => e.type === "connect");
      assert.equal(connects.at(-1)?.kind, "resume", "restored with its URL");
      // The close kept the session on Discord's side (4000, not 1000, which
      // ends it): the RESUME is taken, not answered with op 9.
      const closes = discord.gateway.log.filter((e) => e.type === "close");
      assert.deepEqual(
        closes.map((e) => [e.initiator, e.code, e.sessionResumable]),
        [["client", 4000, true]],
      );
      const resumes = discord.gateway.log.filter((e) => e.type === "resume");
      assert.deepEqual(resumes.map((e) => e.outcome), ["resumed"]);
      const resumedAt = scheduler.now();
      await until(
        scheduler,
        () => scheduler.now() >= resumedAt + 5_000,
        "five seconds",
      );
      const after = (await saved())!;
      assert.equal(after.sessionId, before.sessionId);
      assert.equal(after.sequence, before.sequence);
      assert.ok(
        after.savedAt >= before.savedAt + 60_000,
        `saved_at ${after.savedAt} not refreshed from ${before.savedAt}`,
      );
    });
  });
});

Deno.test({
  name:
    "dispatch service: a close drains the broker, then saves each session at its last confirmed sequence, says so and closes its Redis connections",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const { scheduler, broker } = scene;
  const saved = () => redis.savedSession();
  await withLogRecords(async (records) => {
    const dispatch = scene.service(redis.port);
    await advanceUntil(scheduler, dispatch.start(), "the start");
    await scene.untilConfirmed(
      async () => (await saved())?.sequence === 2,
      "READY and the guild confirmed and saved",
    );
    // Three more events, published but confirmed only during the close:
    // no periodic save can record them, only the close's last one.
    scene.messages(3);
    await until(scheduler, () => broker.publishes.length >= 5, "published");
    let closed = false;
    const closing = dispatch.close().then(() => closed = true);
    // The clock in 10 ms steps with real pauses between them: the drain
    // waits 10 s of it, and in 250 ms steps without pauses a loaded CI
    // machine ran it out between two of the broker's acks (saved at 3).
    await until(
      scheduler,
      () => closed,
      "the close",
      () => broker.ack(),
      10,
      10,
    );
    await closing;
    assert.equal((await saved())!.sequence, 5);
    // Its Redis connections are closed: only the test's own is left.
    const clients = String(await redis.admin.client("LIST")).trim();
    assert.equal(clients.split("\n").length, 1, clients);
    assert.equal(
      linesSaying(records, "1 of 1 sessions saved for resuming").length,
      1,
    );
  }, "info");
});

Deno.test({
  name:
    "dispatch service: a new session started while events are unconfirmed is saved at READY's sequence, and a close that cannot drain names it",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const { scheduler, discord, broker } = scene;
  const saved = () => redis.savedSession();
  await withLogRecords(async (records) => {
    const dispatch = scene.service(redis.port);
    let closed = false;
    try {
      await advanceUntil(scheduler, dispatch.start(), "the start");
      await scene.untilConfirmed(
        async () => (await saved())?.sequence === 2,
        "READY and the guild confirmed and saved",
      );
      const old = (await saved())!.sessionId;
      // Events the broker does not confirm, then Discord ends the session.
      scene.messages(3);
      await until(scheduler, () => broker.publishes.length >= 5, "published");
      discord.gateway.invalidateSession(false);
      await until(
        scheduler,
        () => discord.gateway.counters.sessionStarts === 2,
        "a new session",
      );
      const readyAt = scheduler.now();
      await until(
        scheduler,
        () => scheduler.now() >= readyAt + 3_000,
        "three seconds",
      );
      const now = (await saved())!;
      const fresh = discord.gateway.sessions.at(-1)!.id;
      assert.notEqual(fresh, old);
      assert.equal(now.sessionId, fresh, "the new session is saved");
      assert.equal(now.sequence, 1, "at READY's sequence");
      // A close the broker never confirms for: the warning names it.
      await advanceUntil(scheduler, dispatch.close(), "the close");
      closed = true;
      const lines = linesSaying(records, "did not confirm");
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, new RegExp(`shard 0: session ${fresh} at 1`));
      // The old session's unconfirmed events cannot be replayed: said.
      const lost = linesSaying(records, "are lost: Discord ended that session");
      assert.equal(lost.length, 1);
      assert.match(lost[0]!, new RegExp(`3 event\\(s\\) of session ${old}`));
      assert.match(lost[0]!, /sequences 3 to 5/);
      assert.match(lost[0]!, new RegExp(`the saved one is ${fresh}$`));
      assert.equal((await saved())!.sessionId, fresh);
    } finally {
      if (!closed) await advanceUntil(scheduler, dispatch.close(), "close");
    }
  });
});

Deno.test({
  name:
    "dispatch service: a first session is not saved before its READY is confirmed (a restart then identifies, and READY is delivered, rather than resuming past it)",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const { scheduler, broker } = scene;
  const store = redis.sessions;
  await withLogRecords(async () => {
    const dispatch = scene.service(redis.port);
    await scene.run(dispatch, async () => {
      await until(scheduler, () => broker.publishes.length >= 2, "published");
      const readyAt = scheduler.now();
      await until(
        scheduler,
        () => scheduler.now() >= readyAt + 3_000,
        "three seconds",
      );
      assert.deepEqual(await store.loadAll(), [], "saved unconfirmed");
      await scene.untilConfirmed(
        async () => (await redis.savedSession())?.sequence === 2,
        "READY and the guild confirmed and saved",
      );
    });
  });
});

Deno.test({
  name:
    "dispatch service: a session restored from Redis whose RESUME Discord refuses is said lost with its saved sequence and counted in dispatch_sessions_lost",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const { scheduler, discord, metricsPort } = scene;
  // A session Discord no longer knows (it ended while no process ran).
  await redis.sessions.save(
    [{
      shardId: 0,
      shardCount: 1,
      sessionId: "ended-meanwhile",
      sequence: 41,
      savedAt: scheduler.now(),
    }],
  );
  await withLogRecords(async (records) => {
    await scene.run(scene.service(redis.port), async () => {
      await until(
        scheduler,
        () => discord.gateway.counters.sessionStarts === 1,
        "a new session",
      );
      const lost = linesSaying(records, "ended-meanwhile could not be resumed");
      assert.equal(lost.length, 1, records.map((r) => r.message).join("\n"));
      assert.match(lost[0]!, /the events after sequence 41 are lost/);
      const metrics = await advanceUntil(
        scheduler,
        fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()),
        "/metrics",
      );
      assert.match(metrics, /^dispatch_sessions_lost 1$/m);
    });
  });
});
