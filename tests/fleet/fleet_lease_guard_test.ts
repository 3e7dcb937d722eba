// A process that cannot renew its leases (Redis unreachable) closes its
// shards resumably before the leases can expire, and the process that takes
// them over RESUMEs each session only after its old connection closed: never
// two connections for one session. In one test process, two FleetShards on
// their own Redis connections, the fake gateway on loopback, everyone on one
// ScaledScheduler (the real clock x SCALE; lease timings on that clock).
import assert from "node:assert/strict";
import type { FleetShards } from "../../fleet/fleet_shards.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import {
  deleteKeys,
  inProcessMember,
  pollUntil,
  serveFleetGateway,
  sessionStoreAt,
} from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const SCALE = 10;
const LEASE_TTL = 10_000;
const RENEW = 2_500;

Deno.test({
  name:
    "FleetShards: without renewals a process closes its shards before its leases expire; the taker resumes after",
  ignore: server.ignore,
  fn: async () => {
    const fake = await serveFleetGateway(SCALE, 4);
    const { scheduler, gateway, served } = fake;
    const prefix = `disruption:test:guard:${crypto.randomUUID()}`;
    const cut = await connectRedis({ url: server.url });
    const healthy = await connectRedis({ url: server.url });
    const member = (redis: typeof cut): FleetShards =>
      inProcessMember({
        redis,
        prefix,
        gatewayUrl: served.url,
        scheduler,
        scale: SCALE,
        shardCount: 4,
        leaseTtlMs: LEASE_TTL,
        renewMs: RENEW,
        clock: "scheduler",
      });
    const doomed = member(cut);
    const taker = member(healthy);
    try {
      await doomed.start();
      // Its first tick only joins the members; the next takes every shard.
      await pollUntil(
        "doomed to run all four",
        () => doomed.shardIds.length === 4,
      );
      assert.deepEqual(doomed.shardIds, [0, 1, 2, 3]);
      await pollUntil(
        "4 live sessions",
        () => gateway.sessions.filter((s) => s.state === "active").length === 4,
      );
      // Wait for a renewal to save the sessions, then cut doomed off Redis.
      const store = sessionStoreAt(healthy, prefix);
      let saved = 0;
      await pollUntil("the sessions saved", () => {
        void store.loadAll().then((all) => saved = all.length);
        return saved === 4;
      });
      const cutAt = scheduler.now();
      cut.disconnect();
      await taker.start();
      await pollUntil(
        "doomed to stop its shards",
        () => doomed.shardIds.length === 0,
      );
      await pollUntil(
        "the taker to run all four",
        () => taker.shardIds.length === 4,
      );
      await pollUntil(
        "all four RESUMEd",
        () =>
          gateway.log.filter((e) =>
            e.type === "resume" && e.outcome === "resumed"
          ).length === 4,
      );
      const log = gateway.log;
      const closes = log.filter((e) =>
        e.type === "close" && e.at >= cutAt && e.initiator === "client"
      );
      assert.equal(closes.length, 4);
      for (const close of closes) {
        assert.equal(close.type === "close" && close.code, 4000);
        // Closed before any lease renewed before the cut could expire.
        assert.ok(close.at < cutAt + LEASE_TTL, `closed at ${close.at}`);
      }
      const lastClose = Math.max(...closes.map((e) => e.at));
      for (const resume of log.filter((e) => e.type === "resume")) {
        assert.ok(
          resume.at > lastClose,
          "a RESUME before the old connection closed",
        );
      }
      // No IDENTIFY after the cut: the taker resumed every session.
      assert.deepEqual(
        log.filter((e) => e.type === "identify" && e.at > cutAt),
        [],
      );
    } finally {
      await taker.close();
      await doomed.close();
      await fake.close();
      await deleteKeys(healthy, prefix);
      await closeRedis(healthy);
      await closeRedis(cut);
    }
  },
});
