import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { type FakeSocket, FakeTransport } from "../../testing/fake_socket.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  FIRST_SESSION_WAIT,
  HEALTHY_SESSION,
  MAX_SESSION_WAIT,
  SessionPacer,
} from "../../gateway/session_pacer.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/** How a peer ends every new session. */
type Ending =
  | "op 9 after READY"
  | "op 9 after 42 s"
  | "4003 after IDENTIFY"
  | "no READY";

/**
 * One shard against a peer that ends every session it starts, for a
 * virtual day: how many IDENTIFYs went, and the stderr lines.
 */
async function identifiesInADay(
  ending: Ending,
): Promise<{ identifies: number; lines: string[] }> {
  const scheduler = new VirtualScheduler();
  let identifies = 0;
  let sessions = 0;
  const transport = new FakeTransport({
    onConnect(socket: FakeSocket): void {
      queueMicrotask(() =>
        queueMicrotask(() =>
          socket.receive({ op: 10, d: { heartbeat_interval: 41_250 } })
        )
      );
      socket.onSend = (data) => {
        const payload = JSON.parse(data);
        if (payload.op === 1) {
          queueMicrotask(() => socket.receive({ op: 11, d: null }));
        }
        if (payload.op !== 2) return;
        identifies++;
        queueMicrotask(() => {
          if (ending === "no READY") return;
          if (ending === "4003 after IDENTIFY") {
            return socket.serverClose(4003);
          }
          socket.receive({
            op: 0,
            s: 1,
            t: "READY",
            d: {
              session_id: `s${++sessions}`,
              resume_gateway_url: "wss://resume.test",
            },
          });
          if (ending === "op 9 after 42 s") {
            scheduler.setTimeout(
              () => socket.receive({ op: 9, d: false }),
              42_000,
            );
          } else socket.receive({ op: 9, d: false });
        });
      };
    },
  });
  const shard = new Shard({
    token: "t".repeat(30),
    intents: 1,
    gatewayUrl: "wss://gateway.test",
    transport: transport.connect,
    scheduler,
  });
  const lines = await captureStderr(async () => {
    shard.connect().catch(() => {});
    while (scheduler.now() < 24 * 3_600_000) await scheduler.advance(10_000);
    await shard.close();
  });
  return { identifies, lines };
}

for (
  const ending of [
    "op 9 after READY",
    "op 9 after 42 s",
    "4003 after IDENTIFY",
    "no READY",
  ] as const
) {
  Deno.test(`Shard spends at most about 100 session starts a day on a peer that ends every session (${ending})`, async () => {
    // Before: 1,735, 1,919, 1,547 and about 1,000 (the reconnect backoff alone is
    // capped at a minute and starts over at every READY).
    const { identifies, lines } = await identifiesInADay(ending);
    assert.ok(identifies <= 110, `${identifies} IDENTIFYs in a day`);
    assert.ok(identifies >= 90, `${identifies}: still trying all day`);
    assert.ok(
      lines.some((line) =>
        /started \d+ sessions in a row.*before the next IDENTIFY/
          .test(line)
      ),
      "the wait is shown",
    );
  });
}

Deno.test("SessionPacer lets 3 sessions in a row go at once, then waits 1, 2, 4 ... up to 15 minutes, until one is healthy", () => {
  const clock = new VirtualScheduler();
  const pacer = new SessionPacer(clock);
  for (let i = 0; i < 3; i++) {
    assert.equal(pacer.delay(), 0);
    pacer.record();
  }
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    const wait = pacer.delay();
    waits.push(wait);
    void clock.advance(wait);
    pacer.record();
  }
  assert.deepEqual(waits, [
    FIRST_SESSION_WAIT,
    2 * FIRST_SESSION_WAIT,
    4 * FIRST_SESSION_WAIT,
    8 * FIRST_SESSION_WAIT,
    MAX_SESSION_WAIT,
    MAX_SESSION_WAIT,
  ]);
  pacer.ended(9 * 60_000);
  assert.equal(pacer.delay(), MAX_SESSION_WAIT, "9 minutes up: not healthy");
  pacer.ended(HEALTHY_SESSION);
  assert.equal(pacer.delay(), 0);
});

Deno.test("SessionPacer's waits are 1 minute doubling to 15 minutes, a healthy session is 10 minutes up, and one makes 3 free again", async () => {
  const clock = new VirtualScheduler();
  const pacer = new SessionPacer(clock);
  for (let i = 0; i < 3; i++) pacer.record();
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    const wait = pacer.delay();
    waits.push(wait);
    await clock.advance(wait);
    pacer.record();
  }
  assert.deepEqual(waits, [
    60_000,
    120_000,
    240_000,
    480_000,
    900_000,
    900_000,
  ]);
  // Long past its wait, the next may go now: 0, never less.
  await clock.advance(3_600_000);
  assert.equal(pacer.delay(), 0);
  pacer.ended(600_000 - 1);
  assert.equal(pacer.streak, 9, "a millisecond short of healthy");
  pacer.ended(600_000);
  assert.equal(pacer.streak, 0);
  for (let i = 0; i < 3; i++) {
    assert.equal(pacer.delay(), 0, `session ${i + 1} after a healthy one`);
    pacer.record();
  }
  assert.equal(pacer.delay(), 60_000);
});
