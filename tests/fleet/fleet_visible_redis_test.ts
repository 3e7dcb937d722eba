// What a FleetShards process says on stderr with LogTape not configured,
// and what it does about it: a shard that stops for good (its lease was
// renewed on a dead shard forever, so no other process ran it: every event
// of its guilds lost, silently), a dispatch listener that throws, and a
// session store that fails (once per outage, and once when it works
// again). On a VirtualScheduler against the test Redis, the fake gateway
// on loopback (see fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import type { SavedSession } from "../../gateway/session_store.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  running,
  runningIds,
  sceneTest,
  step,
  stepAll,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

valvesTest(
  "FleetShards: a shard that stops for good (4014) is said on stderr and its lease released; this process never runs it again, and one with room in its share takes it",
  2,
  async (s, [va, vb]) => {
    const a = await s.member(va!);
    const lines = await captureStderr(async () => {
      await running(s, a);
      const from = s.gateway.log.length;
      s.gateway.closeWith(4014, { shardId: 0 });
      await pollUntil("shard 0 out of a's set", () => a.shardIds.length === 1);
      // Its ticks may lease shard 0 again (a's share is both shards): it
      // is released at once, never started.
      for (let i = 0; i < 3; i++) await step(s, va!, 1_000);
      await va!.idle();
      assert.deepEqual(a.shardIds, [1]);
      assert.deepEqual(Object.keys(await s.leases(2)), ["1"]);
      assert.deepEqual(
        s.gateway.log.slice(from).filter((e) =>
          e.type === "identify" || e.type === "resume"
        ),
        [],
        "shard 0 connected again",
      );
      // A process joins: a's share is one shard now, and it holds one.
      const b = await s.member(vb!);
      await b.start();
      for (let i = 0; i < 10 && b.shardIds.length === 0; i++) {
        await stepAll(s, [va!, vb!]);
      }
      assert.deepEqual([a.shardIds, b.shardIds], [[1], [0]]);
    });
    const said = lines.filter((l) => l.includes("stopped for good"));
    assert.equal(said.length, 1, lines.join("\n"));
    assert.match(
      said[0]!,
      /^\[ERR\] disruption·fleet: Shard 0 of 2 stopped for good \(.+\): this process does not run it again and released its lease, which another process of the fleet takes .*; with no other process, the shard stays unrun: fix this process .* and restart it$/,
    );
  },
);

valvesTest(
  "FleetShards: a shard that stops for good in one process is run by another that was already at its fair share",
  2,
  async (s, [va, vb]) => {
    const a = await s.member(va!);
    const b = await s.member(vb!);
    await captureStderr(async () => {
      await a.start();
      await b.start();
      for (let i = 0; i < 10 && runningIds([a, b]).length < 2; i++) {
        await stepAll(s, [va!, vb!]);
      }
      assert.deepEqual([a.shardIds.length, b.shardIds.length], [1, 1]);
      // Each shard's session open at the gateway: a close sent before a's
      // reached no one (run alone, the test's first connections are slower).
      const active = () =>
        s.gateway.sessions.filter((session) => session.state === "active")
          .length;
      for (let i = 0; i < 50 && active() < 2; i++) {
        await stepAll(s, [va!, vb!]);
      }
      const refused = a.shardIds[0]!;
      s.gateway.closeWith(4014, { shardId: refused });
      await pollUntil(
        "the shard out of a's set",
        () => a.shardIds.length === 0,
      );
      // b held its share of one: counting a, it never took the shard. (Its
      // ticks see a's release a few steps later under load: 10 were short
      // once in CI.)
      for (let i = 0; i < 50 && b.shardIds.length < 2; i++) {
        await stepAll(s, [va!, vb!]);
      }
      assert.deepEqual([a.shardIds, b.shardIds.length], [[], 2]);
      assert.deepEqual(Object.keys(await s.leases(2)).length, 2);
    });
  },
);

sceneTest(
  "FleetShards: a dispatch listener that throws is said on stderr without LogTape, as a shard's is",
  async (s, valve) => {
    const a = await s.member(valve);
    let calls = 0;
    a.onDispatch((e) => {
      if (e.name !== "MESSAGE_CREATE") return;
      calls++;
      throw new TypeError("Cannot read properties of undefined");
    });
    const lines = await captureStderr(async () => {
      await running(s, a);
      s.gateway.dispatch(
        "MESSAGE_CREATE",
        { id: "m", guild_id: s.gateway.guildIds[0], channel_id: "1" },
        { ignoreIntents: true },
      );
      await pollUntil("the listener called", () => calls === 1);
    });
    assert.deepEqual(
      lines.filter((l) => l.includes("listener threw")).map((l) =>
        l.split("\n")[0]
      ),
      [
        "[ERR] disruption·fleet: A fleet dispatch listener threw: TypeError: Cannot read properties of undefined",
      ],
    );
  },
);

/** A store whose loads and saves fail while told to. */
class FailingStore extends MemorySessionStore {
  failSaves = false;
  failLoads = false;
  saves = 0;

  override save(sessions: SavedSession[]): Promise<void> {
    this.saves++;
    if (this.failSaves) {
      return Promise.reject(new Error("READONLY You can't write"));
    }
    return super.save(sessions);
  }

  override loadAll(): Promise<SavedSession[]> {
    if (this.failLoads) return Promise.reject(new Error("store unreachable"));
    return super.loadAll();
  }
}

sceneTest(
  "FleetShards: a session store that fails is said on stderr once per outage (loads and saves each), and once when saving works again",
  async (s, valve) => {
    const store = Object.assign(new FailingStore(), {
      failSaves: true,
      failLoads: true,
    });
    const a = await s.member(valve, { store });
    const lines = await captureStderr(async () => {
      await running(s, a); // loads once, saves at both READYs
      for (let i = 0; i < 3; i++) await step(s, valve, 1_000);
      await valve.idle();
      assert.ok(store.saves >= 4, `${store.saves} saves`);
      store.failSaves = false;
      for (let i = 0; i < 3; i++) await step(s, valve, 1_000);
      await valve.idle();
    });
    const first = lines.map((l) => l.split("\n")[0]);
    assert.equal(first.length, 3, lines.join("\n"));
    assert.match(
      first[0]!,
      /^\[WRN\] disruption·fleet: Could not load the fleet's saved sessions, so the shards started now identify .*store unreachable/,
    );
    assert.match(
      first[1]!,
      /^\[ERR\] disruption·fleet: Could not save the sessions of shards .*READONLY/,
    );
    // The store still holds what the last save wrote: a taker resumes from
    // there (events since delivered again), and identifies only a shard
    // without a usable saved session.
    assert.match(first[1]!, /resumes each from its session saved last/);
    assert.match(first[1]!, /the events since are delivered again/);
    assert.doesNotMatch(first[1]!, /identifies them .* instead of resuming/);
    assert.equal(
      first[2],
      "[WRN] disruption·fleet: Saving the fleet's sessions works again: the session store answers",
    );
  },
);
