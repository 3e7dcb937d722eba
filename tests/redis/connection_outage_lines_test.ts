// What a connection says on stderr about an outage: one line when Redis
// becomes unreachable however many reconnects fail meanwhile (a line per
// attempt, ten a second at first, buried everything else), one when it is
// reachable again, and nothing for a connection the server closed and the
// client opened again at once (no outage to say is over).
import assert from "node:assert/strict";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { tcpCut } from "../_fakes/tcp_cut.ts";
import { within } from "../_fakes/watchdog.ts";

const server = testRedis();

Deno.test({
  name:
    "connectRedis: an outage through several failed reconnects is said once, and its end once",
  ignore: server.ignore,
  fn: async () => {
    const relay = tcpCut(Number(new URL(server.url).port));
    const redis = await connectRedis({
      url: `redis://127.0.0.1:${relay.port}`,
    });
    try {
      const lines = await captureStderr(async () => {
        let attempts = 0;
        const retried = new Promise<void>((resolve) => {
          const onRetry = () => {
            if (++attempts < 3) return;
            redis.off("reconnecting", onRetry);
            resolve();
          };
          redis.on("reconnecting", onRetry);
        });
        relay.cut();
        await within(retried, "three reconnects scheduled");
        const ready = new Promise<void>((resolve) =>
          redis.once("ready", () => resolve())
        );
        relay.restore();
        await within(ready, "the connection ready again");
      });
      const url = `Redis at redis://127.0.0.1:${relay.port}`;
      assert.equal(
        lines.filter((line) => line.includes(`${url} is unreachable`)).length,
        1,
        lines.join("\n"),
      );
      assert.equal(
        lines.filter((line) => line.includes(`${url} is reachable again`))
          .length,
        1,
        lines.join("\n"),
      );
      assert.equal(await redis.ping(), "PONG");
    } finally {
      await closeRedis(redis);
      await relay.close();
    }
  },
});

Deno.test({
  name:
    "connectRedis: a connection the server closes, opened again at once, says nothing of being reachable again",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const killer = await connectRedis({ url: server.url });
    try {
      const id = await redis.client("ID");
      const lines = await captureStderr(async () => {
        const ready = new Promise<void>((resolve) =>
          redis.once("ready", () => resolve())
        );
        await killer.client("KILL", "ID", String(id));
        await within(ready, "the connection ready again");
        assert.equal(await redis.ping(), "PONG");
      });
      assert.deepEqual(lines, []);
    } finally {
      await closeRedis(killer);
      await closeRedis(redis);
    }
  },
});
