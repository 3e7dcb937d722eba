// A process cut off from Redis (its renewals unanswered, its session saves
// too) holds its shards' events once a renewal is overdue, rather than
// delivering them until its lease guard stops the shards: the process that
// takes the shards over RESUMEs from the sequence saved before the cut, so
// every event delivered meanwhile was delivered twice (42 in a reviewer's
// run of real processes). Held events are delivered after the next renewal
// that goes through, or dropped when the shards stop (the taker gets them
// again). On a VirtualScheduler (leases on its clock) against the test
// Redis, through valves (see fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import { overdueAfterMs } from "../../fleet/_overdue_hold.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  activeSessions,
  deliveredMessages,
  isLeaseTick,
  oneEach,
  postInEveryGuild,
  type Scene,
  stepAll,
  type Valve,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

/** The scene's renewal period (fleet_run_guard_scene.ts). */
const RENEW_MS = 1_000;

/**
 * Note when each lease renewal of `valve`'s member goes out; once `cut()`
 * is called, hold every command it sends (Redis silent to it).
 */
function renewals(s: Scene, valve: Valve): { last(): number; cut(): void } {
  let last = s.scheduler.now();
  let cut = false;
  valve.hold = (command) => {
    if (!cut && isLeaseTick(command)) last = s.scheduler.now();
    return cut;
  };
  return { last: () => last, cut: () => void (cut = true) };
}

/** How many times each of `ids` was delivered. */
function counts(got: string[], ids: string[]): Record<string, number> {
  return Object.fromEntries(
    ids.map((id) => [id, got.filter((g) => g === id).length]),
  );
}

valvesTest(
  "FleetShards: a process cut off from Redis delivers no event, once its renewal is overdue, that the taker delivers again",
  2,
  async (s, valves) => {
    const [a, b] = await oneEach(s, valves);
    const [byA, byB] = [deliveredMessages([a]), deliveredMessages([b])];
    const got = () => [...byA, ...byB];
    const posted: string[] = [];
    const late: string[] = [];
    const a0 = a.shardIds[0]!;
    await captureStderr(async () => {
      const renewal = renewals(s, valves[0]!);
      posted.push(...postInEveryGuild(s, "before"));
      await pollUntil(
        "delivered",
        () => posted.every((id) => got().includes(id)),
      );
      await stepAll(s, valves); // a renewal saves the sessions
      renewal.cut();
      for (let i = 0; a.shardIds.length > 0; i++) {
        assert.ok(i < 40, "a's guard never stopped its shard");
        const ids = postInEveryGuild(s, `cut${i}`);
        posted.push(...ids);
        const since = s.scheduler.now() - renewal.last();
        if (since > overdueAfterMs(RENEW_MS)) late.push(...ids);
        // b's copy came over the loopback: a's, sent with it, came too.
        await pollUntil("b's event", () => ids.some((id) => byB.includes(id)));
        await stepAll(s, valves, 100);
      }
      assert.ok(late.length > 0, "no event posted while a renewal was late");
      // Late events come again only by b's RESUME: all of them once it ran.
      const done = () =>
        b.shardIds.length === 2 && activeSessions(s) === 2 &&
        late.every((id) => byB.includes(id));
      for (let i = 0; i < 20 && !done(); i++) await stepAll(s, valves);
      await pollUntil("b runs both shards, every event delivered", done);
    });
    assert.ok(b.shardIds.includes(a0));
    // Posted within a renewal period and a half of the last answered
    // renewal, an event may come twice (at least once, as after a SIGKILL);
    // never one posted later.
    const once = Object.fromEntries(late.map((id) => [id, 1]));
    assert.deepEqual(counts(got(), late), once, "delivered twice");
    const lost = posted.filter((id) => !got().includes(id));
    assert.deepEqual(lost, [], "lost");
  },
);

valvesTest(
  "FleetShards: events held while a renewal is overdue are delivered once it is answered, not before",
  2,
  async (s, valves) => {
    const [a, b] = await oneEach(s, valves);
    const got = deliveredMessages([a, b]);
    const a0 = a.shardIds[0]!;
    const lines = await captureStderr(async () => {
      const renewal = renewals(s, valves[0]!);
      await stepAll(s, valves);
      renewal.cut();
      // Overdue, the guard not fired yet (at ttl - renewMs, 2 s).
      while (s.scheduler.now() - renewal.last() <= overdueAfterMs(RENEW_MS)) {
        await stepAll(s, valves, 100);
      }
      const held = postInEveryGuild(s, "held");
      await pollUntil("b's event", () => held.some((id) => got.includes(id)));
      for (let i = 0; i < 3; i++) await stepAll(s, valves, 50);
      // b's event came; a's is held.
      const early = held.filter((id) => got.includes(id));
      assert.equal(early.length, 1, "a delivered while its renewal was late");
      valves[0]!.open(); // Redis answers a again
      await stepAll(s, valves, 50);
      const all = () => held.every((id) => got.includes(id));
      await pollUntil("held events delivered", all);
      const once = Object.fromEntries(held.map((id) => [id, 1]));
      assert.deepEqual(counts(got, held), once);
      assert.deepEqual(a.shardIds, [a0], "a stopped its shard");
    });
    assert.match(
      lines.join("\n"),
      /No lease renewal answered for \d+ ms: holding/,
    );
  },
);
