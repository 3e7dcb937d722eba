// What a fleet process says on stderr (LogTape not configured) when its
// ticks fail: the first failed renewal, and the first throwing tick,
// visibly; repeats through LogTape only; and the first renewal (or tick)
// that goes through after, visibly, once. Without that line an operator saw
// "Could not renew shard leases" and never learnt that it had passed.
import assert from "node:assert/strict";
import { TickFailures } from "../../fleet/tick_failures.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  isLeaseTick,
  isRelease,
  running,
  sceneTest,
} from "./fleet_run_guard_scene.ts";

const RENEW_FAILED =
  /^\[ERR\] disruption·fleet: Could not renew shard leases \(shards stop when their leases run out, and none is taken until a tick goes through\): .*ECONNREFUSED/s;
const RENEWED =
  /^\[WRN\] disruption·fleet: Renewing shard leases works again: this process keeps its shards and takes free ones$/;
const THREW =
  /^\[ERR\] disruption·fleet: A fleet tick failed \(renewals go on; shards it could not start are released\): .*boom/s;
const RAN = /^\[WRN\] disruption·fleet: Fleet ticks run to their end again$/;

Deno.test("TickFailures: a run of failed renewals is said once, and the renewal that works after it once", async () => {
  const failures = new TickFailures();
  const refused = new Error("ECONNREFUSED");
  const lines = await captureStderr(() => {
    failures.renewed(); // nothing failed: nothing to say
    failures.renewFailed(refused);
    failures.renewFailed(refused);
    failures.renewFailed(refused);
    failures.renewed();
    failures.renewed();
  });
  assert.equal(lines.length, 2, lines.join("\n"));
  assert.match(lines[0]!, RENEW_FAILED);
  assert.match(lines[1]!, RENEWED);
  // The next run is said again, and its end.
  const again = await captureStderr(() => {
    failures.renewFailed(refused);
    failures.renewed();
  });
  assert.equal(again.length, 2, again.join("\n"));
  assert.match(again[0]!, RENEW_FAILED);
  assert.match(again[1]!, RENEWED);
});

Deno.test("TickFailures: a run of throwing ticks is said once, and the tick that runs to its end after it once, apart from renewals", async () => {
  const failures = new TickFailures();
  const lines = await captureStderr(() => {
    failures.ran();
    failures.threw(new RangeError("boom"));
    failures.renewFailed(new Error("ECONNREFUSED"));
    failures.threw(new RangeError("boom"));
    failures.renewed(); // the renewals work: the ticks still throw
    failures.ran();
    failures.ran();
  });
  assert.equal(lines.length, 4, lines.join("\n"));
  assert.match(lines[0]!, THREW);
  assert.match(lines[1]!, RENEW_FAILED);
  assert.match(lines[2]!, RENEWED);
  assert.match(lines[3]!, RAN);
});

Deno.test("TickFailures: a streak whose error changes from one failure to the next (a flapping Redis) is still said once, for renewals and for throwing ticks alike", async () => {
  const failures = new TickFailures();
  const lines = await captureStderr(() => {
    failures.renewFailed(new Error("ECONNREFUSED"));
    failures.renewFailed(new Error("ECONNRESET"));
    failures.renewFailed(new Error("NOSCRIPT"));
    failures.threw(new RangeError("boom"));
    failures.threw(new TypeError("bang"));
    failures.threw(new Error("crash"));
  });
  assert.equal(lines.length, 2, lines.join("\n"));
  assert.match(lines[0]!, RENEW_FAILED);
  assert.match(lines[1]!, THREW);
});

sceneTest(
  "FleetShards: a forced tick (Redis ready again) that throws is said on stderr once per streak, not an unhandled rejection, and the tick that goes through after it once",
  async (s, valve) => {
    const fleet = await s.member(valve);
    const lines = await captureStderr(async () => {
      await running(s, fleet);
      await valve.idle();
      // Each lease tick while set leases shard 5 too, which cannot be
      // created (its id past the count): the tick throws.
      let throwing = true;
      valve.rewrite = (command, answer) => {
        if (!throwing || !isLeaseTick(command)) return answer;
        const [kept, lost, acquired, ...rest] = answer as number[][];
        return [kept, lost, [...acquired!, 5], ...rest];
      };
      const released = (): number =>
        valve.sent.filter((c) => isRelease(c) && c.args.includes("5")).length;
      // Redis says it is ready again twice (as after two drops): each
      // forces a tick, on the clock as it is.
      for (const n of [1, 2]) {
        valve.connection!.emit("ready");
        await pollUntil(`shard 5 handed back (${n})`, () => released() === n);
        await valve.idle();
        await s.scheduler.flushMicrotasks();
      }
      assert.deepEqual(fleet.shardIds, [0, 1]);
      throwing = false;
      const ticks = (): number => valve.sent.filter(isLeaseTick).length;
      const before = ticks();
      valve.connection!.emit("ready");
      await pollUntil("a tick that went through", () => ticks() > before);
      await valve.idle();
      await s.scheduler.flushMicrotasks();
    });
    const said = lines.filter((l) => /fleet tick|Fleet ticks/.test(l));
    assert.equal(said.length, 2, lines.join("\n"));
    assert.match(said[0]!, /^\[ERR\] .*A fleet tick failed.*RangeError/s);
    assert.match(said[1]!, RAN);
  },
);

sceneTest(
  "FleetShards: renewals failing while Redis is down are said once on stderr, and once when they work again",
  async (s, valve) => {
    const fleet = await s.member(valve);
    const lines = await captureStderr(async () => {
      await running(s, fleet);
      valve.down = true;
      const sent = valve.sent.length;
      await s.scheduler.advance(1_000);
      await pollUntil("a tick refused", () => valve.sent.length > sent);
      await valve.idle();
      valve.down = false;
      const refused = valve.sent.length;
      await s.scheduler.advance(1_000);
      await pollUntil("a tick sent", () => valve.sent.length > refused);
      await valve.idle();
      await s.scheduler.advance(1_000);
      await valve.idle();
    });
    const said = lines.filter((l) => /shard leases/.test(l));
    assert.equal(said.length, 2, lines.join("\n"));
    assert.match(said[0]!, /^\[ERR\] .*Could not renew shard leases .*closed/s);
    assert.match(said[1]!, RENEWED);
  },
);
