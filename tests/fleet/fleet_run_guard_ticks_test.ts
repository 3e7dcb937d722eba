// FleetShards' bookkeeping across ticks nobody awaits: a tick that goes
// through, the one forced by a reshard's flip included, ends a run of
// throwing ticks (the next throw is said on stderr again); a tick that
// stalled on Redis across close() and a new start() acts on nothing once
// answered (its stale lease time would have made the new run's leases look
// expired). On a VirtualScheduler against the test Redis, through a valve
// (see fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import { ShardLeases } from "../../fleet/shard_leases.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  established,
  isLeaseTick,
  isRelease,
  isSync,
  type Scene,
  sceneTest,
  type SentCommand,
  type Valve,
} from "./fleet_run_guard_scene.ts";

/** Whether `command` is a lease tick of the `count` shards' set. */
function isLeaseTickOf(command: SentCommand, count: number): boolean {
  return isLeaseTick(command) &&
    String(command.args[2]).endsWith(`:${count}:leases`);
}

/**
 * Once the tick in flight is done (Redis answered all it was sent but what
 * the valve holds, and a tick is due a renewal period on), run the next.
 * The due time alone does not tell: while a tick is in flight, the guard
 * armed by the one before is due then. A timer due before it (a shard's
 * own) is run first: waiting for the tick to be the next timer due, this
 * waited for good (twice in CI-like runs).
 */
async function nextTick(s: Scene, valve: Valve): Promise<void> {
  const due = s.scheduler.now() + 1_000;
  const settled = () =>
    valve.answered + valve.held.length === valve.sent.length;
  try {
    for (;;) {
      await pollUntil("the next tick scheduled", () => {
        const next = s.scheduler.nextDue;
        return settled() && next !== undefined && next <= due;
      });
      const next = s.scheduler.nextDue!;
      if (next === due) break;
      await s.scheduler.advance(next - s.scheduler.now());
    }
  } catch (error) {
    // What it waited on, for a run that fails so.
    throw new Error(
      `${error}: now ${s.scheduler.now()}, due ${due}, next timer ${s.scheduler.nextDue}, ${s.scheduler.pending} pending; ${valve.answered} of ${valve.sent.length} answered, ${valve.held.length} held`,
    );
  }
  await s.scheduler.advance(due - s.scheduler.now());
}

/** Whether `command` marks a new shard complete (fleet_generation.ts). */
function isMark(command: SentCommand): boolean {
  return command.name === "eval" && command.args[6] === "1" &&
    String(command.args[0]).includes("redis.call('SADD', KEYS[2], ARGV[2])");
}

const THREW = /\[ERR\].*A fleet tick failed/s;

sceneTest(
  "FleetShards: the tick forced by a reshard's flip, gone through, ends a run of throwing ticks: the next throw is said on stderr again",
  async (s, valve) => {
    const fleet = await s.member(valve);
    // The 2nd and 4th lease ticks of the new set lease a shard past its
    // count, which cannot be created: those ticks throw (after starting
    // the others). The 3rd is the one forced by the flip.
    let ticks = 0;
    valve.rewrite = (command, answer) => {
      if (!isLeaseTickOf(command, 4) || ++ticks % 2 === 1) return answer;
      const [kept, lost, acquired, ...rest] = answer as number[][];
      return [kept, lost, [...acquired!, 99], ...rest];
    };
    const releases99 = () =>
      valve.sent.filter((c) => isRelease(c) && c.args.includes("99")).length;
    const active = () =>
      s.gateway.sessions.filter((x) => x.state === "active").length;
    const lines = await captureStderr(async () => {
      await established(s, fleet);
      await fleet.start();
      await nextTick(s, valve); // takes shards 0 and 1
      await pollUntil("two live sessions", () => active() === 2);
      // The fake gateway allows one IDENTIFY per bucket every 5 s: the
      // new shards 0 and 1 share the old ones' buckets.
      for (let i = 0; i < 5; i++) await nextTick(s, valve);
      await fleet.reshard(4);
      await nextTick(s, valve); // sees the reshard
      valve.hold = isMark;
      await nextTick(s, valve); // takes the new set, and throws
      await pollUntil("shard 99 handed back", () => releases99() === 1);
      await pollUntil(
        "the new shards complete",
        () => valve.held.length === 4,
      );
      // A mark flips the count only once every lease of the old set was
      // renewed since the new set completed (so a timed sync flips it),
      // or at once when the old set has none: gone here, as when their
      // holders left. The mark that completes the set forces a tick.
      await s.direct.del(`${s.prefix}:fleet:2:leases`);
      valve.open();
      await pollUntil("the flip", () => fleet.shardCount === 4);
      await pollUntil("the forced tick", () => ticks === 3);
      await nextTick(s, valve); // throws again
      await pollUntil("shard 99 handed back again", () => releases99() === 2);
      await s.scheduler.flushMicrotasks();
    });
    assert.equal(
      lines.filter((l) => THREW.test(l)).length,
      2,
      lines.join("\n"),
    );
  },
);

sceneTest(
  "FleetShards: a tick whose shard count read stalls across close() and a new start() acts on nothing once answered, leaving the new run's leases alone",
  async (s, valve) => {
    const fleet = await s.member(valve);
    await captureStderr(async () => {
      await established(s, fleet);
      await fleet.start();
      await nextTick(s, valve); // takes shards 0 and 1
      await pollUntil(
        "two shards running",
        () => fleet.shardIds.length === 2,
      );
      // The next tick's first call, its shard count read, stalls.
      valve.hold = (command) => {
        if (!isSync(command)) return false;
        valve.hold = undefined;
        return true;
      };
      await nextTick(s, valve);
      const stalledAt = s.scheduler.now();
      assert.equal(valve.held.length, 1);
      let closed = false;
      void fleet.close().then(() => closed = true);
      await s.scheduler.advance(10_000); // close() waits no longer
      await pollUntil("close() to return", () => closed);
      assert.deepEqual(fleet.shardIds, []);
      // A new run joins afresh: it takes shards at its second tick.
      await fleet.start();
      for (let i = 0; i < 3; i++) await nextTick(s, valve);
      await pollUntil(
        "two shards running",
        () => fleet.shardIds.length === 2,
      );
      await valve.idle(); // the new run's tick done
      const sent = valve.sent.length;
      valve.open(); // Redis answers the stalled read at last
      await pollUntil(
        "Redis answered",
        () => valve.answered === valve.sent.length,
      );
      await s.scheduler.flushMicrotasks();
      // Renewed at its stale time, the new run's leases and membership
      // would have expired in Redis: another process, ticking now, would
      // take the shards this one runs.
      const now = s.scheduler.now();
      const other = new ShardLeases(s.direct, {
        prefix: `${s.prefix}:fleet:2`,
        owner: "another process",
        shardCount: 2,
        ttlMs: 3_000,
      });
      await other.tick([], now); // a process's first tick only joins
      assert.deepEqual(
        (await other.tick([], now)).acquired,
        [],
        `another process took shards this one runs (stalled at ${stalledAt}, now ${now})`,
      );
      assert.deepEqual(
        valve.sent.slice(sent).filter(isLeaseTick).map((c) =>
          `held ${c.args[9]} at ${c.args[5]}`
        ),
        [],
        "the stalled tick renewed leases for the new run",
      );
    });
  },
);
