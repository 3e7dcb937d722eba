// Redis loses the fleet's keys between a reshard's flip and the switch of
// every process: one process switched, the other still runs the old set
// beside its new shards, their events held. The one that switched puts the
// new count back (its epoch is the later one); the other must then switch
// as at a flip, its new shards and held events kept: closing them at the
// first sync that found the reshard lost, then starting the new count from
// scratch once it came back, identified every new shard again and lost
// every event of their guilds in between. On a VirtualScheduler (leases
// on its clock) against the test Redis, messages sent to every shard
// throughout. A message may still come twice (the duplicate filter's keys
// went with Redis's: a copy the old set delivered before the loss is not
// known at the switch), never not at all.
import assert from "node:assert/strict";
import type { FleetShards } from "../../fleet/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys, pollUntil } from "../_fakes/fleet_scene.ts";
import { within } from "../_fakes/watchdog.ts";
import {
  isSync,
  running,
  type Scene,
  type SentCommand,
  stepAll,
  twoRunning,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

/** The new count. */
const TO = 4;

/** One guild per shard of the new count (a guild's shard: id >> 22 % n). */
const GUILDS = Array.from({ length: TO }, (_, k) => String(BigInt(k) << 22n));

/** Messages sent to the fleet's guilds, and those its processes delivered. */
class Messages {
  readonly sent: string[] = [];
  readonly delivered: string[] = [];

  constructor(fleets: FleetShards[]) {
    for (const fleet of fleets) {
      fleet.onDispatch((event) => {
        const id = (event.data as { id?: unknown } | null)?.id;
        if (event.name === "MESSAGE_CREATE" && typeof id === "string") {
          this.delivered.push(id);
        }
      });
    }
  }

  /** One message to each guild. */
  send(s: Scene): void {
    for (const guildId of GUILDS) {
      const id = `m${this.sent.length}`;
      s.gateway.dispatch(
        "MESSAGE_CREATE",
        { id, guild_id: guildId, channel_id: "1", content: id },
        { ignoreIntents: true },
      );
      this.sent.push(id);
    }
  }

  /** The messages sent that no process delivered. */
  missing(): string[] {
    const seen = new Set(this.delivered);
    return this.sent.filter((id) => !seen.has(id));
  }
}

valvesTest(
  "FleetShards: Redis losing its keys after one process switched in a reshard, before the others did, loses no event and identifies no new shard again: they keep their new shards and held events until the switched one puts the count back, then switch",
  2,
  async (s, valves) => {
    const generation = `${s.prefix}:fleet:generation`;
    await captureStderr(async () => {
      // b renews every 250 ms: its sync after the loss comes first.
      const [a, b] = await twoRunning(s, valves, { renewMs: 250 });
      await pollUntil(
        "the two shards live",
        () =>
          s.gateway.sessions.filter((x) => x.state === "active").length === 2,
      );
      const messages = new Messages([a, b]);
      await a.reshard(TO, { sessionStartsLeft: 100 });
      // From the flip on, b reads the count as before it (its read came
      // just before the flip: the epoch before the flip's too), so a
      // switches alone and b keeps its new shards, their events held.
      valves[1]!.rewrite = (command, answer) => {
        if (!isSync(command)) return answer;
        const [count, , ...rest] = answer as number[];
        const epoch = rest.pop()!;
        return count === TO ? [2, TO, ...rest, epoch - 1] : answer;
      };
      for (let i = 0; i < 60 && a.shardCount !== TO; i++) {
        messages.send(s);
        await stepAll(s, valves);
      }
      assert.equal(a.shardCount, TO);
      assert.equal(b.shardCount, 2);
      assert.ok(b.resharding?.shardIds.length, "b runs new shards");
      // Redis restarts empty (FLUSHALL) between a's switch and b's.
      await deleteKeys(s.direct, s.prefix);
      valves[1]!.rewrite = undefined;
      const before = s.gateway.log.length;
      for (let i = 0; i < 40; i++) {
        messages.send(s);
        await stepAll(s, valves, 250);
      }
      assert.equal(a.shardCount, TO);
      assert.equal(b.shardCount, TO, "b switched to the count put back");
      assert.equal(b.resharding, undefined);
      assert.equal(await s.direct.hget(generation, "count"), String(TO));
      // What the gateway sent arrives over loopback, not on the virtual
      // clock; a message lost never does (the watchdog ends the wait).
      let waiting = true;
      await within(
        (async () => {
          while (waiting && messages.missing().length > 0) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        })(),
        "every message delivered",
      ).catch(() => {}).finally(() => waiting = false);
      const missing = messages.missing();
      assert.equal(
        missing.length,
        0,
        `${missing.length} of ${messages.sent.length} messages lost: ${
          missing.slice(0, 10)
        }`,
      );
      const identified = s.gateway.log.slice(before).filter((e) =>
        e.type === "identify"
      );
      assert.deepEqual(
        identified.map((e) => e.shard),
        [],
        "a shard identified again after the loss",
      );
    });
  },
);

/** Whether `command` marks a new shard complete (fleet_generation.ts). */
function isMark(command: SentCommand): boolean {
  return command.name === "eval" && command.args[6] === "1" &&
    String(command.args[0]).includes("redis.call('SADD', KEYS[2], ARGV[2])");
}

valvesTest(
  "FleetShards: a reshard Redis lost before its flip keeps its new shards only through the hold after the loss (a lease TTL): then they are closed and the fleet stays at its count",
  1,
  async (s, [valve]) => {
    await captureStderr(async () => {
      const a = await s.member(valve!, { shardCount: 2 });
      await running(s, a);
      // The fake allows one IDENTIFY per bucket every 5 s: new shards 0
      // and 1 share the old ones' buckets.
      for (let i = 0; i < 5; i++) await stepAll(s, [valve!]);
      // The new shards' marks are held: the set cannot flip.
      valve!.hold = isMark;
      await a.reshard(TO, { sessionStartsLeft: 100 });
      for (let i = 0; i < 10 && a.resharding?.shardIds.length !== TO; i++) {
        await stepAll(s, [valve!]);
      }
      assert.deepEqual(a.resharding?.shardIds, [0, 1, 2, 3]);
      // Each new shard READY (over loopback, not on the virtual clock).
      const live = () =>
        s.gateway.sessions.filter((x) =>
          x.state === "active" && x.shard?.[1] === TO
        ).length;
      for (let i = 0; i < 10 && live() < TO; i++) {
        await stepAll(s, [valve!]);
      }
      await pollUntil("the new shards READY", () => live() === TO);
      await deleteKeys(s.direct, s.prefix); // Redis restarts empty
      valve!.open(); // the marks find no reshard
      const before = s.gateway.log.length;
      // The loss is found at the next tick; the hold ends 3 s after it.
      await stepAll(s, [valve!]);
      await stepAll(s, [valve!]);
      assert.equal(a.resharding?.shardCount, TO, "kept through the hold");
      let steps = 0;
      while (a.resharding && steps++ < 5) await stepAll(s, [valve!]);
      assert.equal(a.resharding, undefined, "closed once the hold is over");
      assert.equal(a.shardCount, 2);
      assert.deepEqual(a.shardIds, [0, 1]);
      assert.deepEqual(
        s.gateway.log.slice(before).filter((e) => e.type === "identify"),
        [],
        "a shard identified after the loss",
      );
      await pollUntil(
        "the new shards closed",
        () => s.gateway.connections.every((c) => c.shard?.[1] === 2),
      );
    });
  },
);
