// SilenceWatch, the timer behind the Redis store's silence (see
// redis_silence_test.ts): a silence is said once, until Redis answers again;
// then a new silence is said again, and calls still out are timed again.
import assert from "node:assert/strict";
import { SilenceWatch } from "../../cache/redis_silence.ts";
import { SILENT_REDIS_MS } from "../../redis/silent_redis.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** The bound plus the grace second after it: long enough to be said. */
const SAID_AFTER_MS = SILENT_REDIS_MS + 1_000;

/** A watch on a fake connection, and the silences it said. */
function watched(): {
  clock: VirtualScheduler;
  said: unknown[];
  watch: SilenceWatch;
} {
  const clock = new VirtualScheduler();
  const said: unknown[] = [];
  const watch = new SilenceWatch(clock, { failed: (e) => said.push(e) }, {});
  return { clock, said, watch };
}

/** Answer a call and let its settlement reach the watch. */
async function answer(call: PromiseWithResolvers<void>): Promise<void> {
  call.resolve();
  await call.promise;
  await Promise.resolve();
}

Deno.test("SilenceWatch: a second silence after Redis answered again is said again", async () => {
  const { clock, said, watch } = watched();
  const first = Promise.withResolvers<void>();
  void watch.watch(first.promise);
  await clock.advance(SAID_AFTER_MS);
  assert.equal(said.length, 1);
  await answer(first);
  // Redis freezes again.
  void watch.watch(Promise.withResolvers<void>().promise);
  await clock.advance(SAID_AFTER_MS);
  assert.equal(said.length, 2, "the second silence is said");
});

Deno.test("SilenceWatch: after a silence, one answer with others still out: their silence is said again", async () => {
  const { clock, said, watch } = watched();
  const answered = Promise.withResolvers<void>();
  void watch.watch(answered.promise);
  void watch.watch(Promise.withResolvers<void>().promise); // never answered
  await clock.advance(SAID_AFTER_MS);
  assert.equal(said.length, 1);
  await answer(answered);
  assert.equal(clock.pending, 1, "the call still out is timed again");
  await clock.advance(SAID_AFTER_MS);
  assert.equal(said.length, 2, "its silence is said");
});

Deno.test("SilenceWatch: answers still coming while one call hangs are no silence", async () => {
  const { clock, said, watch } = watched();
  void watch.watch(Promise.withResolvers<void>().promise); // never answered
  for (let i = 0; i < 10; i++) {
    const call = Promise.withResolvers<void>();
    void watch.watch(call.promise);
    await clock.advance(5_000);
    await answer(call);
  }
  assert.equal(said.length, 0, "answers kept coming");
});

Deno.test("SilenceWatch: calls made during a silence say it no more, and arm no timer, until Redis answers", async () => {
  const { clock, said, watch } = watched();
  void watch.watch(Promise.withResolvers<void>().promise); // never answered
  await clock.advance(SAID_AFTER_MS);
  assert.equal(said.length, 1);
  for (let i = 0; i < 3; i++) {
    void watch.watch(Promise.withResolvers<void>().promise);
    await clock.advance(SAID_AFTER_MS);
  }
  assert.equal(said.length, 1, "one silence, said once");
  assert.equal(clock.pending, 0, "no timer while silent");
});

Deno.test("SilenceWatch: a reconnect (a new socket, as many bytes read as the old one had) is no silence", async () => {
  const clock = new VirtualScheduler();
  const said: unknown[] = [];
  const redis: { stream?: { bytesRead: number } } = {
    stream: { bytesRead: 10 },
  };
  const watch = new SilenceWatch(clock, { failed: (e) => said.push(e) }, redis);
  void watch.watch(Promise.withResolvers<void>().promise); // never answered
  await clock.advance(SILENT_REDIS_MS - 1);
  redis.stream = { bytesRead: 10 }; // the connection came back on a new socket
  await clock.advance(SAID_AFTER_MS - SILENT_REDIS_MS + 1);
  assert.equal(said.length, 0, "a new socket was heard");
  await clock.advance(SAID_AFTER_MS);
  assert.equal(said.length, 1, "then silent on the new socket: said");
});
