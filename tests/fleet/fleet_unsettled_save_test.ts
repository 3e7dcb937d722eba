// FleetShards saves a shard's session no further than the first event whose
// async `onDispatch` listener has not settled: saved at the last sequence
// received, a SIGKILL (or close() then exit) while a listener was still at
// work left the taker resuming after its event, so Discord never sent it
// again and it was lost. On a VirtualScheduler against the test Redis (see
// fleet_run_guard_scene.ts), sessions in a memory store the test reads.
import assert from "node:assert/strict";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import type { FleetDispatch } from "../../fleet/fleet_dispatch.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  postInEveryGuild,
  running,
  sceneTest,
  step,
} from "./fleet_run_guard_scene.ts";

/** The sequence `store` holds for each shard of `events`, by shard id. */
async function savedOf(
  store: MemorySessionStore,
  events: readonly FleetDispatch[],
): Promise<number[]> {
  const saved = [];
  for (const event of events) {
    saved.push((await store.load(event.shardId))?.sequence ?? -1);
  }
  return saved;
}

sceneTest(
  "FleetShards: a session is saved before an event whose async listener is still pending (at a tick and at close()), and past it once it settled",
  async (s, valve) => {
    const store = new MemorySessionStore();
    const fleet = await s.member(valve, { store });
    const messages: FleetDispatch[] = [];
    let settle = (): void => {};
    const pending = new Promise<void>((resolve) => settle = resolve);
    fleet.onDispatch(() => {}); // a sync listener beside it holds nothing
    fleet.onDispatch(async (e) => {
      if (e.name !== "MESSAGE_CREATE") return;
      messages.push(e);
      await pending;
    });
    await captureStderr(async () => {
      await running(s, fleet);
      postInEveryGuild(s, "slow");
      await pollUntil("both delivered", () => messages.length === 2);
      // Another event of each shard after the pending one: received, and
      // its listener done, yet still to come again.
      postInEveryGuild(s, "after");
      await pollUntil("the next delivered", () => messages.length === 4);
      const firsts = messages.slice(0, 2);
      const before = firsts.map((e) => e.sequence - 1);
      await step(s, valve, 1_000); // a tick saves the running shards
      await valve.idle();
      assert.deepEqual(await savedOf(store, firsts), before, "tick's save");
      settle();
      await step(s, valve, 1_000); // the next tick's save moves on
      await valve.idle();
      assert.deepEqual(
        await savedOf(store, firsts),
        messages.slice(2, 4).map((e) => e.sequence),
        "saved once settled",
      );
      // Pending again at close(): its save stays before the event.
      const later: FleetDispatch[] = [];
      fleet.onDispatch((e) => {
        if (e.name === "MESSAGE_CREATE") later.push(e);
      });
      let release = (): void => {};
      const held = new Promise<void>((resolve) => release = resolve);
      fleet.onDispatch((e) => e.name === "MESSAGE_CREATE" ? held : undefined);
      postInEveryGuild(s, "closing");
      await pollUntil("delivered", () => later.length === 2);
      await fleet.close();
      assert.deepEqual(
        await savedOf(store, later),
        later.map((e) => e.sequence - 1),
        "close()'s save",
      );
      release();
    });
  },
);

sceneTest(
  "FleetShards: with sync listeners only, a session is saved at the last sequence received",
  async (s, valve) => {
    const store = new MemorySessionStore();
    const fleet = await s.member(valve, { store });
    const messages: FleetDispatch[] = [];
    fleet.onDispatch((e) => {
      if (e.name === "MESSAGE_CREATE") messages.push(e);
    });
    await captureStderr(async () => {
      await running(s, fleet);
      postInEveryGuild(s, "fast");
      await pollUntil("both delivered", () => messages.length === 2);
      await step(s, valve, 1_000);
      await valve.idle();
      assert.deepEqual(
        await savedOf(store, messages),
        messages.map((e) => e.sequence),
      );
    });
  },
);
