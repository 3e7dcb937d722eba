// Three processes of one bot share 12 shards through FleetShards (leases in
// Redis, RedisIdentifyQueue, RedisSessionStore) against the fake gateway on
// loopback, while events stream to every shard. One process is SIGKILLed
// mid-stream; the other two take its shards over by RESUME. Everyone runs on
// one ScaledScheduler (tests/_fakes/scaled_scheduler.ts: the real clock sped
// up SCALE times), so the lease timings below are on that clock.
import assert from "node:assert/strict";
import type { FleetMemberConfig } from "../_fakes/fleet_member.ts";
import {
  type MemberProcess,
  spawnMember,
} from "../_fakes/fleet_member_process.ts";
import {
  deleteKeysAt,
  memberChanges,
  serveFleetGateway,
  stopMembers,
} from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const SCALE = 10;
const SHARDS = 12;
const LEASE_TTL = 10_000;
const RENEW = 2_500;

Deno.test({
  name:
    "FleetShards: 3 processes, one SIGKILLed mid-stream: its shards are RESUMEd elsewhere within lease TTL + renew, no event lost",
  ignore: server.ignore,
  fn: async () => {
    const fake = await serveFleetGateway(SCALE, SHARDS);
    const { scheduler, gateway, served } = fake;
    const prefix = `disruption:test:fleet:${crypto.randomUUID()}`;
    const members: MemberProcess[] = [];
    const { changed, waitFor } = memberChanges();
    const config: FleetMemberConfig = {
      gatewayUrl: served.url,
      redisUrl: server.url,
      prefix,
      shardCount: SHARDS,
      maxConcurrency: 4,
      leaseTtlMs: LEASE_TTL,
      renewMs: RENEW,
      epoch: scheduler.epoch,
      scale: SCALE,
    };
    // Only the streamed MESSAGE_CREATEs count (READY and GUILD_CREATE are
    // per connection, not part of the stream).
    const streamed = (m: MemberProcess) =>
      m.delivered.filter((d) => d.id.startsWith("e"));
    const spawn = (): MemberProcess => {
      const member = spawnMember(config, changed);
      members.push(member);
      return member;
    };
    const sent: { id: string; shard: number; receivers: number }[] = [];
    let pump: ReturnType<typeof setInterval> | undefined;
    try {
      for (let i = 0; i < 3; i++) spawn();
      // Everyone joins; the fair share is 4 each, all 12 sessions live.
      await waitFor(
        "a fair share each and 12 live sessions",
        () =>
          members.every((m) => m.held.length === SHARDS / 3) &&
          gateway.sessions.filter((s) => s.state === "active").length ===
            SHARDS &&
          gateway.connections.length === SHARDS,
      );
      assert.deepEqual(
        members.flatMap((m) => m.held).sort((a, b) => a - b),
        [...Array(SHARDS).keys()],
      );
      // Stream events: one every 5 ms of real time, round robin over shards.
      let n = 0;
      pump = setInterval(() => {
        const shard = n % SHARDS;
        const id = `e${n++}`;
        const receivers = gateway.dispatch(
          "MESSAGE_CREATE",
          { id, channel_id: "1", content: id },
          { shardId: shard, ignoreIntents: true },
        );
        sent.push({ id, shard, receivers });
      }, 5);
      await waitFor(
        "events flowing to every member",
        () => members.every((m) => streamed(m).length >= 20),
      );
      const victim = members[0]!;
      const victimShards = [...victim.held];
      victim.child.kill("SIGKILL");
      const killedAt = scheduler.now();
      const survivors = members.slice(1);
      await waitFor(
        "the survivors hold every shard",
        () => survivors.every((m) => m.held.length === SHARDS / 2),
      );
      const resumedAt = new Map<number, number>();
      await waitFor("every shard of the victim RESUMEd", () => {
        for (const event of gateway.log) {
          if (
            event.type === "resume" && event.outcome === "resumed" &&
            event.at > killedAt
          ) {
            const session = gateway.session(event.sessionId!);
            const shard = session?.shard?.[0];
            if (shard !== undefined && !resumedAt.has(shard)) {
              resumedAt.set(shard, event.at);
            }
          }
        }
        return victimShards.every((s) => resumedAt.has(s));
      });
      // A little more traffic after the takeover, then stop and drain.
      const after = sent.length;
      await waitFor(
        "traffic after the takeover",
        () => sent.length > after + 100,
      );
      clearInterval(pump);
      pump = undefined;
      const everyId = new Set(sent.map((e) => e.id));
      await waitFor("every event delivered", () => {
        const seen = new Set(
          members.flatMap((m) => streamed(m).map((d) => d.id)),
        );
        return [...everyId].every((id) => seen.has(id));
      });

      // Every event reached exactly one live session at the fake.
      assert.ok(sent.every((e) => e.receivers === 1));
      // No IDENTIFY after the kill: every moved shard was resumed.
      const identifiesAfter = gateway.log.filter((e) =>
        e.type === "identify" && e.at > killedAt
      );
      assert.deepEqual(identifiesAfter, []);
      // Survivors never deliver an event twice between them.
      const survivorIds = survivors.flatMap((m) =>
        streamed(m).map((d) => d.id)
      );
      const survivorRecords = survivors.flatMap((m, i) =>
        streamed(m).map((d) =>
          `${i + 1}:${d.shard}:${d.seq}:${d.session}:${d.id}`
        )
      );
      assert.equal(
        new Set(survivorIds).size,
        survivorIds.length,
        survivorRecords.filter((r) =>
          survivorIds.filter((x) => x === r.split(":")[4]).length > 1
        ).join(" ") + ` victim ${victimShards}`,
      );
      // Duplicates only between the victim and a survivor, only on the
      // victim's shards (the replay after its last saved sequence).
      const victimIds = new Set(streamed(victim).map((d) => d.id));
      const duplicated = survivors.flatMap((m) =>
        streamed(m).filter((d) => victimIds.has(d.id))
      );
      assert.ok(duplicated.every((d) => victimShards.includes(d.shard)));
      const takeover = Math.max(...victimShards.map((s) => resumedAt.get(s)!)) -
        killedAt;
      assert.ok(
        takeover <= LEASE_TTL + 2 * RENEW,
        `takeover took ${takeover} ms on the scaled clock`,
      );
      // deno-lint-ignore no-console -- the measured figures, for the record
      console.log(
        `fleet failover: ${sent.length} events sent, ${
          new Set([...victimIds, ...survivorIds]).size
        } delivered, 0 lost, ${duplicated.length} duplicated (victim's unsaved tail); takeover ${takeover} ms (lease TTL ${LEASE_TTL}, renew ${RENEW}, clock x${SCALE})`,
      );
    } finally {
      if (pump !== undefined) clearInterval(pump);
      await stopMembers(members);
      await fake.close();
      await deleteKeysAt(server.url, prefix);
    }
  },
});
