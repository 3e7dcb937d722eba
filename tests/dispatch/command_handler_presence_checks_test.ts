// CommandHandler and a presence (op 3) from gateway.send its shard would
// refuse, on a real Shard over the FakeGateway on a virtual clock: it is
// rejected before it takes part in the presences' bookkeeping, so the
// valid presence waiting before it is still written. It used to be taken
// as the newest presence first, settling the waiting one as superseded
// (acked, never sent), and only then refused by the shard.
import assert from "node:assert/strict";
import type { CommandMessage } from "../../dispatch/command_handler.ts";
import {
  countedHandler,
  recordedDelivery,
  type Settled,
} from "./_counted_handler.ts";
import { Shard } from "../../gateway/shard.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A delivery of `body` that records how it was settled in `settled`. */
function delivery(
  body: unknown,
  name: string,
  settled: Record<string, Settled>,
): CommandMessage {
  return recordedDelivery(body, (how) => {
    assert.equal(settled[name], undefined, `${name} settled once`);
    settled[name] = how;
  });
}

/** A gateway.send command setting shard 0's presence to `d`. */
function presence(d: Record<string, unknown>): unknown {
  return { op: 0, shard: 0, data: { op: 3, d } };
}

/** A valid presence named `name`. */
function named(name: string): Record<string, unknown> {
  return {
    since: null,
    activities: [{ name, type: 0 }],
    status: "online",
    afk: false,
  };
}

const REFUSED: [string, Record<string, unknown>][] = [
  ["a malformed status", { ...named("bad"), status: "busy" }],
  ["an unknown field", { ...named("bad"), mood: "happy" }],
  [
    // Fits a frame, but not the IDENTIFY a reconnect sends with it.
    "one too large for IDENTIFY",
    named("x".repeat(3_950)),
  ],
];

for (const [label, refused] of REFUSED) {
  Deno.test(`CommandHandler: a presence with ${label} is rejected without superseding the valid one waiting before it, which is written`, async () => {
    const scheduler = new VirtualScheduler();
    const gateway = new FakeGateway({ scheduler, guilds: 1 });
    const shard = new Shard({
      token: "fake-token",
      intents: 1,
      transport: gateway.transport,
      scheduler,
    });
    await Promise.all([shard.connect(), scheduler.advance(0)]);
    const { handler, results } = countedHandler({
      shard: (id) => id === 0 ? shard : undefined,
      shardCount: 1,
      scheduler,
    });
    const settled: Record<string, Settled> = {};
    const runs: Promise<void>[] = [];
    const handle = async (name: string, d: Record<string, unknown>) => {
      runs.push(handler.handle(delivery(presence(d), name, settled)));
      await scheduler.advance(1);
    };
    // Five use the pace (5 per 20 s): the next one waits in the handler.
    for (let n = 1; n <= 5; n++) await handle(`p${n}`, named(`p${n}`));
    await handle("a", named("a"));
    await handle("valid", named("valid"));
    await handle("refused", refused);
    await scheduler.advance(25_000);
    await Promise.all(runs);
    const written = gateway.allConnections.flatMap((c) =>
      c.received.filter((f) => f.op === 3).map((f) =>
        (f.d as { activities: { name: string }[] }).activities[0]!.name
      )
    );
    assert.equal(written.at(-1), "valid", `written: ${written.join(", ")}`);
    assert.ok(!written.includes("bad") && !written.includes("x".repeat(3_950)));
    assert.equal(settled.refused, "reject");
    assert.equal(settled.valid, "ack");
    assert.equal(results.failed, 1);
    await shard.close();
    gateway.close();
  });
}

Deno.test("Shard.send: a malformed or oversized presence is refused before it replaces the valid one waiting, which is written", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const shard = new Shard({
    token: "fake-token",
    intents: 1,
    transport: gateway.transport,
    scheduler,
  });
  await Promise.all([shard.connect(), scheduler.advance(0)]);
  const sends: Promise<void>[] = [];
  for (let n = 1; n <= 5; n++) {
    sends.push(shard.send({ op: 3, d: named(`p${n}`) as never }));
  }
  const valid = shard.send({ op: 3, d: named("valid") as never });
  for (const [, refused] of REFUSED) {
    await assert.rejects(shard.send({ op: 3, d: refused as never }));
  }
  await Promise.all([...sends, valid, scheduler.advance(25_000)]);
  const written = gateway.allConnections.flatMap((c) =>
    c.received.filter((f) => f.op === 3).map((f) =>
      (f.d as { activities: { name: string }[] }).activities[0]!.name
    )
  );
  assert.equal(written.at(-1), "valid");
  await shard.close();
  gateway.close();
});
