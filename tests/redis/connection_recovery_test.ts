// A Redis outage was shown on stderr but its end was not: a terminal that
// showed "Redis at … is unreachable" never showed it was over. The recovery
// is now shown where the outage was, once, and never without one.
import assert from "node:assert/strict";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { tcpCut } from "../_fakes/tcp_cut.ts";
import { within } from "../_fakes/watchdog.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const server = testRedis();

Deno.test({
  name:
    "connectRedis: the end of an outage shown on stderr is shown there once; a connection without an outage says nothing",
  ignore: server.ignore,
  fn: async () => {
    const relay = tcpCut(Number(new URL(server.url).port));
    let redis: Awaited<ReturnType<typeof connectRedis>> | undefined;
    try {
      const quiet = await captureStderr(async () => {
        redis = await connectRedis({ url: `redis://127.0.0.1:${relay.port}` });
        await redis.ping();
      });
      assert.deepEqual(quiet, []);
      const lines = await captureStderr(async () => {
        const lost = new Promise<void>((resolve) =>
          redis!.once("error", () => resolve())
        );
        relay.cut();
        await within(lost, "the connection error");
        const back = new Promise<void>((resolve) =>
          redis!.once("ready", () => resolve())
        );
        relay.restore();
        await within(back, "the connection back");
        await redis!.ping();
      });
      const url = `redis://127.0.0.1:${relay.port}`;
      assert.equal(
        lines.filter((line) => line.includes(`Redis at ${url} is unreachable`))
          .length,
        1,
        lines.join("\n"),
      );
      assert.deepEqual(
        lines.filter((line) => line.includes("reachable again")),
        [`[INF] disruption·redis: Redis at ${url} is reachable again`],
      );
    } finally {
      if (redis) await closeRedis(redis);
      await relay.close();
    }
  },
});
