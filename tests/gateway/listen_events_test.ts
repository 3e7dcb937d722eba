// The `events` a dispatch listener names, however they are given: read
// once (an iterator passed to every shard in turn left the shards after
// the first an empty filter, the listener's events lost there), never a
// string (an iterable of its characters, matching nothing), and taken anew
// when the same listener is added again (the second call's events were
// dropped silently).
import assert from "node:assert/strict";
import { ShardManager } from "../../gateway/shard_manager.ts";
import type { ShardDispatch } from "../../gateway/shard.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { dispatch, readyHarness } from "../_fakes/shard_harness.ts";

Deno.test("ShardManager.on reads an iterator of events once, for every shard", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 3, guilds: 3 });
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    shardCount: 3,
    maxConcurrency: 3,
  });
  const seen: ShardDispatch[] = [];
  const wanted = new Set(["READY"]);
  manager.on("dispatch", (event) => seen.push(event), {
    events: wanted.values(),
  });
  let settled = false;
  const started = manager.start().finally(() => settled = true);
  await runUntil(scheduler, () => settled);
  await started;
  assert.deepEqual(seen.map((e) => [e.name, e.shardId]).sort(), [
    ["READY", 0],
    ["READY", 1],
    ["READY", 2],
  ]);
  await manager.close();
  gateway.close();
});

Deno.test("Shard.on refuses a string for events, and a name that is not a string", async () => {
  const h = await readyHarness();
  assert.throws(
    () => h.shard.on("dispatch", () => {}, { events: "TYPING_START" }),
    TypeError,
    'write ["TYPING_START"]',
  );
  assert.throws(
    () =>
      h.shard.on("dispatch", () => {}, {
        events: [1] as unknown as string[],
      }),
    TypeError,
    "event names",
  );
  await h.shard.close();
});

Deno.test("Shard.on: a listener added again takes the events given now, in its place", async () => {
  const h = await readyHarness();
  const seen: string[] = [];
  const first = (e: ShardDispatch) => seen.push(`first ${e.name}`);
  const second = (e: ShardDispatch) => seen.push(`second ${e.name}`);
  h.shard.on("dispatch", first, { events: ["TYPING_START"] });
  h.shard.on("dispatch", second, { events: ["TYPING_START"] });
  const off = h.shard.on("dispatch", first, { events: ["WEBHOOKS_UPDATE"] });
  dispatch(h.socket(), 2, "WEBHOOKS_UPDATE", {});
  dispatch(h.socket(), 3, "TYPING_START", {});
  assert.deepEqual(seen, ["first WEBHOOKS_UPDATE", "second TYPING_START"]);
  off();
  dispatch(h.socket(), 4, "WEBHOOKS_UPDATE", {});
  dispatch(h.socket(), 5, "TYPING_START", {});
  assert.deepEqual(seen.slice(2), ["second TYPING_START"]);
  await h.shard.close();
});
