// A seeded randomized test: a shard on the virtual clock against the
// in-process fake gateway through many random faults, while the fake sends a
// numbered stream of dispatches. Every event must arrive exactly once and in
// order, no IDENTIFY may be spent where a RESUME was possible, and the shard
// must end ready. The seed is printed in every assertion message.
import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import { envText } from "../_fakes/run_count.ts";

/** Seeds CI runs; each runs FAULTS_PER_SEED faults (1,000+ in all). */
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const FAULTS_PER_SEED = 220;
const INTERVAL = 1_000;

type Fault =
  | "drop"
  | "zombie"
  | "reconnect"
  | "invalid_resumable"
  | "invalid_new_session"
  | "close"
  | "corrupt"
  | "truncated"
  | "delayed_ack"
  | "refuse_next"
  | "heartbeat_request";

const FAULTS: Fault[] = [
  "drop",
  "zombie",
  "reconnect",
  "invalid_resumable",
  "invalid_new_session",
  "close",
  "corrupt",
  "truncated",
  "delayed_ack",
  "refuse_next",
  "heartbeat_request",
];

/** Every close code a shard recovers from (fatal ones excluded). */
const NON_FATAL_CODES = [
  1000,
  1001,
  1011,
  4000,
  4001,
  4002,
  4003,
  4005,
  4006,
  4007,
  4008,
  4009,
];
/** Codes after which the session is gone: events must be settled first. */
const SESSION_ENDING = new Set([4003, 4007, 4009]);

const stats = { resumed: 0, sessionStarts: 0, events: 0 };

async function runChaos(seed: number): Promise<Record<Fault, number>> {
  const random = mulberry32(seed);
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    heartbeatInterval: INTERVAL,
    sessionTtl: 10 * 60_000,
    replayBufferSize: 100_000,
  });
  const shard = new Shard({
    token: "fake-token",
    intents: 1,
    transport: gateway.transport,
    scheduler,
    random: mulberry32(seed ^ 0x5eed),
  });
  const delivered: number[] = [];
  shard.on("dispatch", (event) => {
    if (event.name === "CHAOS") delivered.push((event.data as { n: number }).n);
  });
  let sent = 0;
  const counts = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<
    Fault,
    number
  >;
  const context = (what: string) => `seed ${seed}: ${what}`;

  const history: string[] = [];
  const send = (count: number): void => {
    for (let i = 0; i < count; i++) {
      // Only counts when a session (live or resumable) took it.
      if (gateway.dispatch("CHAOS", { n: sent + 1 }, { shardId: 0 }) > 0) {
        sent++;
      }
    }
  };
  /** Run the clock until the shard is ready and has every event sent. */
  const settle = async (what: string): Promise<void> => {
    // Quick drops back off up to 60 s a try: allow several of those.
    for (let step = 0; step < 2400; step++) {
      if (shard.status === "ready" && delivered.length === sent) return;
      await scheduler.advance(500);
    }
    assert.fail(
      context(
        `did not settle after ${what}: status ${shard.status}, ${delivered.length}/${sent} delivered; missing ${
          Array.from({ length: sent }, (_, i) => i + 1).filter((n) =>
            !delivered.includes(n)
          )
        }; recent faults:\n${history.slice(-6).join("\n")}`,
      ),
    );
  };

  shard.connect().catch(() => {});
  await settle("connect");
  for (let i = 0; i < FAULTS_PER_SEED; i++) {
    send(Math.floor(random() * 4));
    // A connection lost soon after READY/RESUMED makes the next reconnect
    // back off (up to 60 s): most faults wait for a live session so that
    // they break one, the rest land wherever the shard is.
    if (random() < 0.75) {
      for (let step = 0; step < 2400 && shard.status !== "ready"; step++) {
        await scheduler.advance(500);
      }
    }
    const fault = FAULTS[Math.floor(random() * FAULTS.length)]!;
    counts[fault]++;
    history.push(
      `${scheduler.now()} ${fault} sent=${sent} delivered=${delivered.length} status=${shard.status}`,
    );
    switch (fault) {
      case "drop":
        gateway.dropConnection();
        break;
      case "zombie":
        gateway.setAcks(false);
        await scheduler.advance(INTERVAL * 2 + 10);
        gateway.setAcks(true);
        break;
      case "reconnect":
        gateway.reconnect();
        break;
      case "invalid_resumable":
        gateway.invalidateSession(true);
        break;
      case "invalid_new_session":
        await settle(fault);
        gateway.invalidateSession(false);
        break;
      case "close": {
        const code =
          NON_FATAL_CODES[Math.floor(random() * NON_FATAL_CODES.length)]!;
        if (SESSION_ENDING.has(code)) await settle(`close ${code}`);
        gateway.closeWith(code);
        break;
      }
      case "corrupt":
        gateway.sendRaw('{"op":0,"s":999999,"t":"CHAOS","d":{"n":');
        break;
      case "truncated":
        gateway.sendRaw(new Uint8Array([0x7b, 0x22, 0x6f, 0xff]));
        break;
      case "delayed_ack":
        gateway.setAcks(false);
        await scheduler.advance(Math.floor(random() * INTERVAL));
        gateway.setAcks(true);
        break;
      case "refuse_next":
        gateway.planConnection("refuse", {
          count: 1 + Math.floor(random() * 2),
        });
        gateway.dropConnection();
        break;
      case "heartbeat_request":
        gateway.requestHeartbeat();
        break;
    }
    send(Math.floor(random() * 4));
    await scheduler.advance(Math.floor(random() * 3 * INTERVAL));
    // One connection per session: the shard never keeps an old socket open
    // beside a new one.
    assert.ok(
      gateway.connections.length <= 1,
      context(`${gateway.connections.length} live connections`),
    );
  }
  await settle("the last fault");

  assert.deepEqual(
    delivered,
    Array.from({ length: sent }, (_, i) => i + 1),
    context("every event exactly once and in order"),
  );
  const wasted = gateway.log.filter((entry) =>
    entry.type === "identify" && entry.resumableSessionAvailable
  );
  assert.equal(
    wasted.length,
    0,
    context(
      `IDENTIFY while a RESUME was possible at ${wasted.map((e) => e.at)}`,
    ),
  );
  assert.equal(shard.status, "ready", context("ends ready"));
  // The faults really broke connections and the shard really resumed.
  assert.ok(
    gateway.counters.resumed >= FAULTS_PER_SEED / 3,
    context(`only ${gateway.counters.resumed} resumes`),
  );
  stats.resumed += gateway.counters.resumed;
  stats.sessionStarts += gateway.counters.sessionStarts;
  stats.events += sent;
  await shard.close();
  gateway.close();
  assert.equal(scheduler.pending, 0, context("no timer left"));
  return counts;
}

Deno.test("Shard survives random faults without losing or duplicating an event", async (t) => {
  const total = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<
    Fault,
    number
  >;
  for (const seed of SEEDS) {
    await t.step(`seed ${seed}`, async () => {
      const counts = await runChaos(seed);
      for (const fault of FAULTS) total[fault] += counts[fault];
    });
  }
  const faults = Object.values(total).reduce((a, b) => a + b, 0);
  assert.ok(faults >= 1000, `only ${faults} faults ran`);
  for (const fault of FAULTS) {
    assert.ok(total[fault] > 0, `fault ${fault} never ran`);
  }
  // deno-lint-ignore no-console
  console.log(
    `chaos: ${faults} faults, ${stats.events} events, ${stats.resumed} resumes, ${stats.sessionStarts} sessions`,
  );
});

// `CHAOS_SEED=1234 deno task test` replays one seed (e.g. from a failure).
const extraSeed = envText("CHAOS_SEED");
if (extraSeed !== undefined) {
  Deno.test(`Shard chaos with CHAOS_SEED=${extraSeed}`, async () => {
    await runChaos(Number(extraSeed));
  });
}
