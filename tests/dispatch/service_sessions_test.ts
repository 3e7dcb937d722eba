// The dispatch service in-process on a virtual clock, with the loopback
// FakeDiscord on the same clock and the fake broker (which confirms only
// when told): a shard paused because the publish buffer is full is said
// once it stayed paused for a minute; paused past Discord's resume window,
// its RESUME is refused and it starts a new session, which is said with the
// sequence after which events are lost and counted in
// dispatch_sessions_lost. gateway_shard_events counts as twilight-dispatch
// does: Connected when a session is up (READY or RESUMED), Disconnected at
// every connection's end.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { withLogRecords } from "../_fakes/log_records.ts";
import {
  advanceUntil,
  advanceUntilTrue,
  FakesScene,
} from "./_in_process_service.ts";

/** Discord's resume window in the fake: shorter than the pause below. */
const SESSION_TTL = 90_000;

Deno.test({
  name:
    "dispatch service: a shard paused past the resume window is said at 60 s, its lost session said with the last sequence and counted in dispatch_sessions_lost; gateway_shard_events Connecting/Identifying/Resuming/Connected/Disconnected as twilight-dispatch counts them",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({
    sessionTtl: SESSION_TTL,
    guilds: 1,
  });
  const { scheduler, discord, broker, metricsPort } = scene;
  const service = scene.service("1", { PUBLISH_BUFFER: "4" });
  const scrape = () =>
    advanceUntil(
      scheduler,
      fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()),
      "/metrics",
    );
  /** Run the clock until `test` holds, letting real I/O run between steps. */
  const until = (test: () => boolean, what: string, step = 250) =>
    advanceUntilTrue(scheduler, test, what, () => broker.ack(), 0, step);
  const said = (records: LogRecord[], text: string) =>
    records.filter((r) => r.message.join("").includes(text));
  await withLogRecords(async (records) => {
    await scene.run(service, async () => {
      // READY and the guild, confirmed as they come.
      await until(
        () =>
          discord.gateway.counters.sessionStarts === 1 &&
          broker.publishes.length >= 2,
        "READY published",
      );
      // Both confirmed before the messages come, so the buffer takes 4 of
      // them: the wait above ends once the guild is published, and with
      // its confirm still on its way the buffer took 3 (a slow loopback).
      let ready = await scrape();
      while (!/^dispatch_buffered_events 0$/m.test(ready)) {
        await broker.ack();
        ready = await scrape();
      }
      assert.match(ready, /^gateway_shard_events\{type="Connected"\} 1$/m);
      // No more confirms: the buffer (4) fills and the shard pauses.
      scene.messages(6);
      await advanceUntilTrue(
        scheduler,
        () => said(records, "pausing the shard").length !== 0,
        "the shard paused",
        undefined,
        0,
        10,
      );
      // A minute paused: said once.
      const pausedAt = scheduler.now();
      await advanceUntilTrue(
        scheduler,
        () => scheduler.now() - pausedAt >= SESSION_TTL + 30_000,
        "two minutes paused",
        undefined,
        0,
        1_000,
      );
      const long = said(records, "has been paused for 60 s");
      assert.equal(long.length, 1);
      assert.match(long[0]!.message.join(""), /^Shard 0 /);
      // Room again: the RESUME is refused (the window passed), and a new
      // session starts. Waited for until its READY is published, not only
      // identified: the scrape below reads the shard's status before it
      // awaits Redis, and the counters after, so a READY landing in between
      // showed "identifying" beside two Ready events (once in CI).
      const readies = () =>
        broker.publishes.filter((p) => p.body.includes('"t":"READY"')).length;
      await until(
        () => discord.gateway.counters.sessionStarts === 2 && readies() === 2,
        "a new session's READY published",
      );
      const lost = said(records, "could not be resumed");
      assert.equal(lost.length, 1, records.map((r) => r.message).join("\n"));
      // READY is 1, the guild 2, the messages 3..8: the shard took 4 of
      // them into the buffer before it paused (the rest were Discord's).
      const text = lost[0]!.message.join("");
      assert.match(text, /^Shard 0: .*paused \d+ s for a full publish buffer/);
      const sequence = Number(
        /events after sequence (\d+) are lost/.exec(text)?.[1],
      );
      assert.ok(sequence >= 6 && sequence <= 8, text);
      const after = await scrape();
      assert.match(after, /^dispatch_sessions_lost 1$/m);
      // Two sessions up (two READYs); two connections ended: the pause and
      // the refused RESUME.
      assert.match(after, /^gateway_shard_events\{type="Connected"\} 2$/m);
      assert.match(after, /^gateway_shard_events\{type="Disconnected"\} 2$/m);
      // The stages: a connect for the first connection and after each
      // that ended, an IDENTIFY per session, the one RESUME refused.
      assert.match(after, /^gateway_shard_events\{type="Connecting"\} 3$/m);
      assert.match(after, /^gateway_shard_events\{type="Identifying"\} 2$/m);
      assert.match(after, /^gateway_shard_events\{type="Resuming"\} 1$/m);
      // Every status has its series, 0 included (twilight-dispatch's).
      assert.match(after, /^gateway_statuses\{type="ready"\} 1$/m);
      assert.match(after, /^gateway_statuses\{type="closed"\} 0$/m);
    });
  });
});
