// FleetShards with Redis silent (frozen, a stalled network: no command
// fails, ioredis has no timeout) and with ticks that throw: close() ends
// within its bound, its shards closed; start(), reshard() and
// cancelReshard() reject naming Redis; a start() that fails leaves nothing
// scheduled; a timed tick that throws is said and ticks go on. On a
// VirtualScheduler against the test Redis, through a valve (see
// fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  established,
  isLeaseTick,
  isRelease,
  running,
  sceneTest,
} from "./fleet_run_guard_scene.ts";

const SILENT = /Redis did not answer within 10000 ms/;

/** `promise`'s outcome once settled, as a string, or "pending". */
function outcome(promise: Promise<unknown>): () => string {
  let said = "pending";
  promise.then(
    () => said = "resolved",
    (error: unknown) => said = `rejected: ${(error as Error).message}`,
  );
  return () => said;
}

sceneTest(
  "FleetShards: close() with Redis silent returns within 10 s, its shards closed before their leases can expire",
  async (s, valve) => {
    const fleet = await s.member(valve);
    const lines = await captureStderr(async () => {
      await running(s, fleet);
      const frozenAt = s.scheduler.now();
      valve.hold = () => true;
      await s.scheduler.advance(1_000); // a tick, unanswered
      await pollUntil("the tick sent", () => valve.held.length > 0);
      const closed = outcome(fleet.close());
      // Renewed last at frozenAt, the leases end 3 s later: the shards
      // are stopped a renewal period before, close() or not.
      await s.scheduler.advance(1_000);
      assert.deepEqual(fleet.shardIds, []);
      assert.equal(closed(), "pending");
      await pollUntil(
        "both connections closed resumably",
        () =>
          s.gateway.log.filter((e) =>
            e.type === "close" && e.initiator === "client" && e.code === 4000
          ).length === 2,
      );
      await s.scheduler.advance(9_000);
      await pollUntil("close() to return", () => closed() !== "pending");
      assert.equal(closed(), "resolved");
      assert.ok(s.scheduler.now() <= frozenAt + 11_000);
    });
    assert.ok(
      lines.some((l) => /No lease renewal answered by Redis/.test(l)),
      lines.join("\n"),
    );
    assert.ok(
      lines.some((l) => /Left the fleet without Redis answering/.test(l)),
      lines.join("\n"),
    );
  },
);

sceneTest(
  "FleetShards: start(), reshard() and cancelReshard() with Redis silent reject within 10 s naming Redis, and a failed start() schedules nothing",
  async (s, valve) => {
    const fleet = await s.member(valve);
    valve.hold = () => true;
    const started = outcome(fleet.start());
    await pollUntil("the first tick sent", () => valve.held.length > 0);
    await s.scheduler.advance(10_000);
    await pollUntil("start() to settle", () => started() !== "pending");
    assert.match(started(), /^rejected: Cannot start the fleet: /);
    assert.match(started(), SILENT);
    for (
      const [call, what] of [
        [() => fleet.reshard(4), /^rejected: Cannot reshard to 4 shards: /],
        [
          () => fleet.cancelReshard(4),
          /^rejected: Cannot give up the reshard to 4 shards: /,
        ],
      ] as const
    ) {
      const asked = outcome(call());
      await s.scheduler.advance(10_000);
      await pollUntil("the call to settle", () => asked() !== "pending");
      assert.match(asked(), what);
      assert.match(asked(), SILENT);
    }
    // Redis answers at last: the tick start() gave up on ends there, and
    // nothing is scheduled after it.
    const sent = valve.sent.length;
    valve.open();
    await pollUntil("what was held answered", () => valve.answered === sent);
    await s.scheduler.advance(5_000);
    await pollUntil("the fleet left", () => s.scheduler.pending === 0);
    const after = valve.sent.length;
    await s.scheduler.advance(5_000);
    assert.equal(valve.sent.length, after, "a tick after start() failed");
    assert.deepEqual(fleet.shardIds, []);
  },
);

sceneTest(
  "FleetShards: a first tick that throws fails start(), which hands back its leases and schedules nothing",
  async (s, valve) => {
    const fleet = await s.member(valve);
    // A shard that cannot be created (its id past the count).
    valve.rewrite = (command, answer) => {
      if (!isLeaseTick(command)) return answer;
      valve.rewrite = undefined;
      const [kept, lost, , ...rest] = answer as unknown[];
      return [kept, lost, [5], ...rest];
    };
    await assert.rejects(fleet.start(), RangeError);
    assert.equal(s.scheduler.pending, 0, "a tick or guard left scheduled");
    assert.ok(valve.sent.some((c) => isRelease(c) && c.args.includes("5")));
    const sent = valve.sent.length;
    await s.scheduler.advance(5_000);
    assert.equal(valve.sent.length, sent, "a tick after start() failed");
  },
);

sceneTest(
  "FleetShards: a timed tick that throws is said on stderr (not an unhandled rejection), and ticks go on",
  async (s, valve) => {
    const fleet = await s.member(valve);
    const lines = await captureStderr(async () => {
      await established(s, fleet);
      await fleet.start();
      let ticks = 0;
      valve.rewrite = (command, answer) => {
        if (!isLeaseTick(command) || ++ticks > 1) return answer;
        const [kept, lost, acquired, ...rest] = answer as number[][];
        return [kept, lost, [...acquired!, 5], ...rest];
      };
      await s.scheduler.advance(1_000);
      await pollUntil(
        "shard 5 handed back",
        () => valve.sent.some((c) => isRelease(c) && c.args.includes("5")),
      );
      await s.scheduler.flushMicrotasks();
      assert.deepEqual(fleet.shardIds, [0, 1]);
      await s.scheduler.advance(1_000);
      await pollUntil("a tick after it", () => ticks === 2);
      await pollUntil(
        "two shards still running",
        () =>
          fleet.shardIds.length === 2 &&
          s.gateway.sessions.filter((x) => x.state === "active").length === 2,
      );
    });
    assert.ok(
      lines.some((l) => /\[ERR\].*A fleet tick failed.*RangeError/s.test(l)),
      lines.join("\n"),
    );
  },
);
