// identify_after_loss.ts on its own: after Redis lost the fleet's keys, how
// long a shard with no stored session waits before it identifies, and the
// warning saying so, once per loss.
import assert from "node:assert/strict";
import {
  IDENTIFY_AFTER_LOSS_MS,
  sayWaiting,
  waitsForSession,
} from "../../fleet/identify_after_loss.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

Deno.test("waitsForSession: a shard with no session waits a minute after the loss, under Discord's resume window, and identifies from then on", () => {
  const lostAt = 5_000;
  const synced = { lostAt };
  // Under Discord's resume window (about 90 s from the disconnect), with
  // room for renewals: a session written back meanwhile is still resumable.
  assert.ok(IDENTIFY_AFTER_LOSS_MS < 90_000);
  assert.equal(waitsForSession(synced, lostAt), true);
  assert.equal(waitsForSession(synced, lostAt + 59_999), true);
  assert.equal(waitsForSession(synced, lostAt + 60_000), false);
  assert.equal(waitsForSession(synced, lostAt + 3_600_000), false);
});

Deno.test("waitsForSession: with no loss seen (a process started after it), a shard identifies at once", () => {
  assert.equal(waitsForSession({ lostAt: undefined }, 0), false);
  assert.equal(waitsForSession({ lostAt: undefined }, -1e12), false);
});

Deno.test("sayWaiting: the waiting shards are said once per loss, with the time left, and again for a later loss", async () => {
  const synced: { lostAt: number | undefined } = { lostAt: 10_000 };
  const lines = await captureStderr(() => {
    sayWaiting(synced, [0, 2], 25_000);
    sayWaiting(synced, [0, 2], 26_000); // the next renewal: said already
    sayWaiting(synced, [3], 27_000);
    synced.lostAt = 100_000; // another loss
    sayWaiting(synced, [1], 200_000);
  });
  assert.equal(lines.length, 2, lines.join("\n"));
  assert.match(
    lines[0]!,
    /Redis lost the fleet's keys: shards \[ 0, 2 \] have no saved session.* identify in 45000 ms/,
  );
  // Past the wait: never a negative time.
  assert.match(lines[1]!, /shards \[ 1 \] .* identify in 0 ms/);
});

Deno.test("sayWaiting: nothing is said with no shard waiting or no loss seen, and a later waiting shard is still said", async () => {
  const synced: { lostAt: number | undefined } = { lostAt: undefined };
  const lines = await captureStderr(() => {
    sayWaiting(synced, [0], 1_000);
    synced.lostAt = 1_000;
    sayWaiting(synced, [], 2_000);
    sayWaiting(synced, [4], 3_000);
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /shards \[ 4 \] .* identify in 58000 ms/);
});
