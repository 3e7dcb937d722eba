// A reshard whose new shard can never complete, because it stopped after its
// READY (a fatal close, or close() of the whole thing): reshard() must end
// with a ReshardError, not wait for ever for GUILD_CREATEs.
import assert from "node:assert/strict";
import { ReshardError, ReshardingShards } from "../../fleet/mod.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { within } from "../_fakes/watchdog.ts";

/**
 * A gateway on 127.0.0.1 whose sessions of the new count (2) list a guild
 * in READY and never send its GUILD_CREATE; those of 1 shard list none.
 */
function withholdingGateway(): {
  url: string;
  /** The new set's sockets, by shard, once READY was sent on them. */
  ready: Map<number, WebSocket>;
  close(): Promise<void>;
} {
  const ready = new Map<number, WebSocket>();
  const sockets: WebSocket[] = [];
  let sequence = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      sockets.push(socket);
      const send = (payload: unknown) => socket.send(JSON.stringify(payload));
      socket.onopen = () =>
        send({ op: 10, s: null, t: null, d: { heartbeat_interval: 41_250 } });
      socket.onmessage = (message) => {
        const payload = JSON.parse(message.data as string);
        if (payload.op === 1) send({ op: 11, s: null, t: null, d: null });
        if (payload.op !== 2) return;
        const shard = payload.d.shard as [number, number];
        send({
          op: 0,
          s: ++sequence,
          t: "READY",
          d: {
            v: 10,
            user: { id: "1", username: "bot" },
            session_id: `session-${sequence}`,
            resume_gateway_url: url,
            shard,
            guilds: shard[1] === 1
              ? []
              : [{ id: `9${shard[0]}`, unavailable: true }],
            application: { id: "1", flags: 0 },
          },
        });
        if (shard[1] === 2) ready.set(shard[0], socket);
      };
      return response;
    },
  );
  const url = `ws://127.0.0.1:${server.addr.port}`;
  return {
    url,
    ready,
    async close(): Promise<void> {
      for (const socket of sockets) {
        try {
          socket.close();
        } catch { /* closed already */ }
      }
      await server.shutdown();
    },
  };
}

async function reshardStopped(
  stop: (
    shards: ReshardingShards,
    gateway: ReturnType<typeof withholdingGateway>,
  ) => Promise<void> | void,
): Promise<unknown> {
  const gateway = withholdingGateway();
  const shards = new ReshardingShards({
    shard: { token: "fake-token", intents: 1, gatewayUrl: gateway.url },
    shardCount: 1,
    identifyQueue: { acquire: () => Promise.resolve() },
    onDispatch: () => {},
  });
  try {
    await within(shards.start(), "the first set READY");
    const resharding = shards.reshard(2).then(
      () => "switched",
      (error: unknown) => error,
    );
    await within(
      (async () => {
        while (gateway.ready.size < 2) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })(),
      "both new shards READY",
    );
    await stop(shards, gateway);
    return await within(resharding, "reshard() to end");
  } finally {
    await shards.close();
    await gateway.close();
  }
}

Deno.test({
  name:
    "ReshardingShards: close() while the new set waits for its guilds ends reshard() with a ReshardError",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const outcome = await reshardStopped((shards) => shards.close());
  assert.ok(outcome instanceof ReshardError, String(outcome));
  assert.match(outcome.message, /new shard \d stopped before the switch$/);
  assert.equal(outcome.cause, undefined, "close() is no shard's failure");
});

Deno.test({
  name:
    "ReshardingShards: a new shard stopped for good after its READY (close 4004) ends reshard() with a ReshardError whose cause is the shard's GatewayError",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const outcome = await reshardStopped((_, gateway) =>
    gateway.ready.get(0)!.close(4004, "Authentication failed.")
  );
  assert.ok(outcome instanceof ReshardError, String(outcome));
  assert.match(
    outcome.message,
    /new shard 0 stopped before the switch: .*token/,
  );
  const cause = outcome.cause;
  assert.ok(cause instanceof GatewayError, String(cause));
  assert.deepEqual([cause.kind, cause.closeCode], [
    "authentication_failed",
    4004,
  ]);
});
