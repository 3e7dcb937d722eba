// A command sent while the server's close frame is in and the connection
// not yet over (the transport in its closing handshake, the shard still
// "ready") is not written: it stays queued, goes out after RESUMED on the
// next connection, and its promise resolves only then. Before, the socket
// dropped it in silence and the shard resolved it as written; a presence
// was even recorded as the one Discord had, so the RESUME never sent it.
// Driven over real loopback sockets against a hand-written server that
// holds the TCP connection open after its close frame until the test ends
// it: no sleeps, every wait is on an event.
import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { tcpWebSocketTransport } from "../../gateway/tcp_transport.ts";
import { type Transport, webSocketTransport } from "../../gateway/transport.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { within } from "../_fakes/watchdog.ts";
import { RawWsPeer } from "./_raw_ws_peer.ts";

const HELLO = { op: 10, d: { heartbeat_interval: 45_000 } };

for (const transport of [tcpWebSocketTransport, webSocketTransport]) {
  Deno.test(`Shard over ${transport.name} keeps a voice state and a presence sent while the server's close is in, and sends them after RESUMED`, async () => {
    await closingWindowScene(transport);
  });
}

async function closingWindowScene(transport: Transport): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `ws://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  const shard = new Shard({
    token: "closing-window-token",
    intents: GatewayIntent.Guilds | GatewayIntent.GuildVoiceStates,
    gatewayUrl: url,
    compress: "none",
    transport,
    random: () => 0,
  });
  const peers: RawWsPeer[] = [];
  try {
    const ready = shard.connect();
    const first = await RawWsPeer.accept(listener);
    peers.push(first);
    await first.sendJson(HELLO);
    assert.equal((await first.readPayload()).op, 2, "IDENTIFY");
    await first.sendJson({
      op: 0,
      t: "READY",
      s: 1,
      d: {
        v: 10,
        session_id: "closing-window-session",
        resume_gateway_url: url,
        user: { id: "1", username: "bot", discriminator: "0" },
        guilds: [],
        application: { id: "1", flags: 0 },
      },
    });
    await within(ready, "READY");

    // The close frame goes in, the TCP connection stays open: the client
    // answers it and waits for the server to end the connection.
    await first.sendClose(4000);
    for (;;) {
      const frame = await first.readFrame();
      if (frame.opcode === 0x8) break;
    }
    const settled: string[] = [];
    const voice = shard.updateVoiceState({
      guild_id: "100",
      channel_id: "200",
      self_mute: false,
      self_deaf: false,
    }).then(() => settled.push("voice"));
    const presence = shard.updatePresence({
      since: null,
      activities: [],
      status: "idle",
      afk: false,
    }).then(() => settled.push("presence"));
    first.close();

    const second = await RawWsPeer.accept(listener);
    peers.push(second);
    await second.sendJson(HELLO);
    const resume = await second.readPayload();
    assert.equal(resume.op, 6, "RESUME, not IDENTIFY");
    assert.deepEqual(settled, [], "nothing resolved before it was written");
    // Sent last, while resuming: the frames before it are what the
    // closing connection did not take.
    const marker = shard.updateVoiceState({
      guild_id: "300",
      channel_id: null,
      self_mute: false,
      self_deaf: false,
    });
    await second.sendJson({ op: 0, t: "RESUMED", s: 2, d: null });
    const after: { op: number; d: unknown }[] = [];
    for (;;) {
      const payload = await second.readPayload();
      after.push(payload);
      if ((payload.d as { guild_id?: string }).guild_id === "300") break;
    }
    assert.deepEqual(after, [
      {
        op: 4,
        d: {
          guild_id: "100",
          channel_id: "200",
          self_mute: false,
          self_deaf: false,
        },
      },
      { op: 3, d: { since: null, activities: [], status: "idle", afk: false } },
      {
        op: 4,
        d: {
          guild_id: "300",
          channel_id: null,
          self_mute: false,
          self_deaf: false,
        },
      },
    ]);
    await within(Promise.all([voice, presence, marker]), "the promises");
    assert.deepEqual(settled, ["voice", "presence"]);
  } finally {
    const closed = shard.close();
    for (const peer of peers) peer.close();
    await within(closed, "the shard to close");
    listener.close();
  }
}
