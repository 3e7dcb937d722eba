// FleetShards saves a shard's session as soon as it is READY, not at the
// next lease tick: a process that dies right after a shard's IDENTIFY
// leaves its session in the store, so the process that takes the shard
// over RESUMEs it and Discord replays the events since, instead of
// identifying afresh (one more session start, and those events lost). On a
// VirtualScheduler against the test Redis, through valves (see
// fleet_run_guard_scene.ts): a process "dies" when its Redis fails every
// command, before its next tick.
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  established,
  type Scene,
  sceneTest,
  Valve,
} from "./fleet_run_guard_scene.ts";

/** Once Redis answered what `valves` sent, move the clock by `ms`. */
async function step(s: Scene, valves: Valve[], ms: number): Promise<void> {
  await pollUntil(
    "Redis answered",
    () => valves.every((v) => v.down || v.answered === v.sent.length),
  );
  await s.scheduler.advance(ms);
}

sceneTest(
  "FleetShards: a process that dies right after its shards' IDENTIFY, before its next tick, leaves their sessions saved: the taker RESUMEs them and the events since are replayed",
  async (s, valve) => {
    // On loopback: in process, the events below reach the shards before
    // the READY's save reads their sequence, so nothing is left to replay.
    const gatewayUrl = s.served.url;
    const dying = await s.member(valve, { redisStore: true, gatewayUrl });
    const got: string[] = [];
    let readies = 0;
    dying.onDispatch((e) => {
      if (e.name === "READY") readies++;
      if (e.name === "MESSAGE_CREATE") got.push((e.data as { id: string }).id);
    });
    await captureStderr(async () => {
      await established(s, dying);
      await dying.start();
      await step(s, [valve], 1_000); // takes shards 0 and 1, identifies them
      await pollUntil("both READY", () => readies === 2);
      // Events after the READYs, handled by the process about to die.
      for (const [i, guild] of s.gateway.guildIds.entries()) {
        s.gateway.dispatch(
          "MESSAGE_CREATE",
          { id: `m${i}`, guild_id: guild, channel_id: "1", content: "" },
          { ignoreIntents: true },
        );
      }
      await pollUntil("the events delivered", () => got.length === 2);
      await pollUntil(
        "Redis answered",
        () => valve.answered === valve.sent.length,
      );
      // Dies: no tick of it reaches Redis again.
      valve.down = true;
      const logAtDeath = s.gateway.log.length;
      const takerValve = new Valve();
      const taker = await s.member(takerValve, {
        redisStore: true,
        gatewayUrl,
      });
      const replayed: string[] = [];
      taker.onDispatch((e) => {
        if (e.name === "MESSAGE_CREATE") {
          replayed.push((e.data as { id: string }).id);
        }
      });
      await taker.start();
      const live = () =>
        s.gateway.sessions.filter((x) => x.state === "active").length;
      for (let i = 0; i < 40; i++) {
        if (taker.shardIds.length === 2 && live() === 2) break;
        await step(s, [valve, takerValve], 250);
      }
      assert.deepEqual(taker.shardIds, [0, 1], "taken over");
      await pollUntil("both live again", () => live() === 2);
      const after = s.gateway.log.slice(logAtDeath);
      assert.deepEqual(
        after.filter((e) => e.type === "identify"),
        [],
        "identified afresh: no session was saved",
      );
      const resumes = after.filter((e) =>
        e.type === "resume" && e.outcome === "resumed"
      );
      assert.equal(resumes.length, 2);
      await pollUntil("the replay delivered", () => replayed.length === 2);
      assert.deepEqual([...replayed].sort(), ["m0", "m1"]);
    });
  },
);
