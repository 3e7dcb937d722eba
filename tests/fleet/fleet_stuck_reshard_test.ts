// A fleet reshard that cannot complete (the only process's pool leaves out
// new shards 2 and 3) while events flow: the duplicate filter the fleet
// shares in Redis (`<prefix>:seen:<n>`) holds the last one to two windows of
// events, not every event since the reshard began, and still drops second
// copies; the reshard is said on stderr every 10 minutes it stays open. On
// a VirtualScheduler (the leases' clock) against the test Redis, through a
// valve (see fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import { duplicateWindowMs } from "../../fleet/duplicate_filter.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import { sceneTest, step } from "./fleet_run_guard_scene.ts";

const TTL = 3_000;
const WINDOW = duplicateWindowMs(TTL);

/** Identities (and claims) held across every key of the filter at `key`. */
async function filterMembers(
  redis: RedisConnection,
  key: string,
): Promise<number> {
  let members = 0;
  for (const k of await redis.keys(`${key}*`)) {
    const type = await redis.type(k);
    if (type === "set") members += await redis.scard(k);
    if (type === "hash") members += await redis.hlen(k);
  }
  return members;
}

/**
 * A guild whose events go to shard `k % 2` of the old set and `k % 4` of
 * the new one (the fake routes by `(id >> 22) % count`).
 */
const guild = (k: number): string => String(BigInt(k) << 22n);

sceneTest(
  "FleetShards: a reshard that cannot complete keeps the fleet's duplicate filter in Redis to the last two windows of events (as many after 6 windows as after 3), drops every second copy, and says every 10 minutes which new shards are not complete",
  async (s, valve) => {
    const stderr = await captureStderr(async () => {
      const fleet = await s.member(valve, { shardCount: 2, pool: [0, 1] });
      const delivered: string[] = [];
      fleet.onDispatch((event) => {
        if (event.name !== "MESSAGE_CREATE") return;
        delivered.push((event.data as { id: string }).id);
      });
      await fleet.start();
      for (let i = 0; i < 3; i++) await step(s, valve, 1_000);
      await pollUntil("two shards", () => fleet.shardIds.length === 2);
      await fleet.reshard(4);
      // New shards 0 and 1 run here; 2 and 3 are in nobody's pool.
      const live = () =>
        s.gateway.sessions.filter((x) => x.state === "active").length;
      for (let i = 0; i < 60 && live() < 4; i++) await step(s, valve, 1_000);
      assert.deepEqual(fleet.resharding, { shardCount: 4, shardIds: [0, 1] });
      assert.equal(live(), 4, "the old shards and new shards 0 and 1 live");
      const key = `${s.prefix}:fleet:seen:4`;
      const sent: string[] = [];
      const members: number[] = [];
      let copies = 0;
      // Guilds 4 and 5 reach both sets (second copies); 6 and 7 the old
      // set only. Four events a second for six windows.
      const seconds = (6 * WINDOW) / 1_000;
      for (let second = 1; second <= seconds; second++) {
        for (let k = 4; k < 8; k++) {
          const id = `m${second}-${k}`;
          sent.push(id);
          copies += s.gateway.dispatch(
            "MESSAGE_CREATE",
            { id, guild_id: guild(k), channel_id: "1", content: id },
            { ignoreIntents: true },
          );
        }
        await step(s, valve, 1_000);
        if (second % (3 * WINDOW / 1_000) === 0) {
          await pollUntil(
            "every event decided",
            () => delivered.length === sent.length,
          );
          members.push(await filterMembers(s.direct, key));
        }
      }
      assert.equal(fleet.shardCount, 2, "the reshard never completed");
      assert.equal(copies, 1.5 * sent.length, "guilds 4 and 5 sent twice");
      assert.deepEqual(
        [...delivered].sort(),
        [...sent].sort(),
        "every event once",
      );
      const [after3, after6] = members as [number, number];
      // At 4 events a second, two windows are 8 * WINDOW / 1,000 of them.
      const twoWindows = (8 * WINDOW) / 1_000;
      assert.ok(after3 > 0 && after3 <= twoWindows, `${after3} after 3`);
      assert.ok(
        Math.abs(after6 - after3) <= after3 / 10,
        `${after3} after 3 windows, ${after6} after 6: the filter grew`,
      );
      await fleet.cancelReshard(4);
    });
    const said = stderr.filter((line) =>
      line.includes("The reshard to 4 shards has run")
    );
    // 6 windows of 132 s: 13 minutes and more, said at 10.
    assert.equal(said.length, 1, stderr.join("\n"));
    assert.match(said[0]!, /run 10 minutes/);
    // Shards 2 and 3 are run by no process. 0 and 1 are named too when
    // the warning's tick looked at their leases after they lapsed (a tick
    // late on a loaded machine: then no live process holds them either).
    assert.match(
      said[0]!,
      /new shards \[ (0, 1, )?2, 3 \] are not complete/,
    );
  },
);
