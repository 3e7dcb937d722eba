// A reconnect's setup is bounded as the first connection's is: ioredis
// times the TCP connect only, so a server that accepted the reconnect and
// never answered its HELLO (frozen, a stalled network, another program on
// the port) held the client in status `connect` for ever, every command
// queued since pending without bound (27,900 after 30 s) and none failing
// after its 20 attempts.
import assert from "node:assert/strict";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { tcpCut } from "../_fakes/tcp_cut.ts";
import { within } from "../_fakes/watchdog.ts";

const server = testRedis();

Deno.test({
  name:
    "connectRedis: a reconnect the server accepts and never answers is dropped after connectTimeout and tried again; queued commands are sent once a server answers",
  ignore: server.ignore,
}, async () => {
  const relay = tcpCut(Number(new URL(server.url).port));
  const redis = await connectRedis({
    url: `redis://127.0.0.1:${relay.port}`,
    // It bounds the first connect too (a cold process, a loaded machine:
    // 300 ms timed out there) and the recovery at the end; the silent
    // reconnect is dropped after it all the same, and waited for 10 s.
    connectTimeout: 2_000,
  });
  const accepted: Deno.TcpConn[] = [];
  try {
    await captureStderr(async () => {
      const lost = new Promise((resolve) => redis.once("close", resolve));
      relay.cut();
      await within(lost, "the connection to be lost");
      // Something else takes the port: it accepts, and never says a word.
      const silent = Deno.listen({ hostname: "127.0.0.1", port: relay.port });
      let reply: unknown;
      const answered = redis.ping().then(
        (value) => reply = value,
        (error) => reply = error,
      );
      try {
        // A second connection: the client gave the first one up.
        await within(
          (async () => {
            for await (const conn of silent) {
              accepted.push(conn);
              if (accepted.length === 2) break;
            }
          })(),
          "the client to connect again",
        );
        // And it closed it: the first connection ends (its HELLO unread).
        const first = accepted[0];
        assert.ok(first !== undefined);
        await within(
          (async () => {
            for await (const _ of first.readable) { /* HELLO */ }
          })(),
          "the client to close the silent connection",
        );
        assert.notEqual(redis.status, "ready");
        assert.equal(reply, undefined, "nothing answered yet");
      } finally {
        try {
          silent.close();
        } catch { /* closed by the loop's break */ }
        for (const conn of accepted) {
          try {
            conn.close();
          } catch { /* closed already */ }
        }
      }
      // The server answers again: what was queued meanwhile is sent.
      relay.restore();
      await within(answered, "the queued PING to be answered");
      assert.equal(reply, "PONG");
      assert.equal(redis.status, "ready");
    });
  } finally {
    await closeRedis(redis);
    await relay.close();
  }
});
