// Op 4 on Discord: a join of one of the guild's voice or stage channels gets
// VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE; a join of anything else (an
// unknown id, a text channel) gets nothing, so the bot's join times out. The
// fake logs that silence as a `command-ignored` event.
import assert from "node:assert/strict";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import type { FakeGatewayOptions } from "../../testing/fake_gateway_types.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";

type Payload = { op: number; t?: string | null; d: Record<string, unknown> };

interface Scene {
  gateway: FakeGateway;
  guildId: string;
  /** Send op 4 and return the payloads it brought. */
  join(channelId: string | null): Promise<Payload[]>;
}

/** A ready session on a fake gateway, driven by hand. */
async function readySession(options: FakeGatewayOptions = {}): Promise<Scene> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1, ...options });
  const frames: string[] = [];
  const socket = gateway.transport(`${gateway.url}/?v=10&encoding=json`, {
    onOpen: () => {},
    onMessage: (data) => frames.push(data as string),
    onClose: () => {},
    onError: () => {},
  });
  const settle = () => scheduler.flushMicrotasks();
  await settle();
  socket.send(JSON.stringify({
    op: 2,
    d: {
      token: "fake-token",
      intents: GatewayIntent.Guilds | GatewayIntent.GuildVoiceStates,
      properties: { os: "linux", browser: "test", device: "test" },
    },
  }));
  await settle();
  const guildId = gateway.guildIds[0]!;
  return {
    gateway,
    guildId,
    async join(channelId: string | null): Promise<Payload[]> {
      const before = frames.length;
      socket.send(JSON.stringify({
        op: 4,
        d: {
          guild_id: guildId,
          channel_id: channelId,
          self_mute: false,
          self_deaf: false,
        },
      }));
      await settle();
      return frames.slice(before).map((f) => JSON.parse(f) as Payload);
    },
  };
}

Deno.test("FakeGateway answers op 4 only for a voice channel of the guild, logging others as command-ignored", async () => {
  const s = await readySession();
  const text = String(BigInt(s.guildId) + 1n); // the fixtures' "general"
  const voice = String(BigInt(s.guildId) + 2n); // the fixtures' "Voice"
  for (const channelId of ["42", text]) {
    assert.deepEqual(await s.join(channelId), [], `no answer for ${channelId}`);
  }
  const ignored = s.gateway.log.filter((e) => e.type === "command-ignored");
  assert.deepEqual(
    ignored.map((e) =>
      e.reason === "unknown-channel" ? [e.op, e.guildId, e.channelId] : e
    ),
    [[4, s.guildId, "42"], [4, s.guildId, text]],
  );
  const joined = await s.join(voice);
  assert.deepEqual(joined.map((p) => p.t), [
    "VOICE_STATE_UPDATE",
    "VOICE_SERVER_UPDATE",
  ]);
  assert.equal(joined[0]!.d.channel_id, voice);
  // A leave still answers, with VOICE_STATE_UPDATE alone.
  const left = await s.join(null);
  assert.deepEqual(left.map((p) => [p.t, p.d.channel_id]), [
    ["VOICE_STATE_UPDATE", null],
  ]);
  assert.equal(
    s.gateway.log.filter((e) => e.type === "command-ignored").length,
    2,
  );
  s.gateway.close();
});

Deno.test("FakeGateway's op 4 joins the voice and stage channels a guild seed lists", async () => {
  const guildId = "1258291200000000000";
  const channels = [
    { id: "900", type: 0, name: "text" },
    { id: "901", type: 2, name: "voice" },
    { id: "902", type: 13, name: "stage" },
  ];
  const s = await readySession({ guilds: [{ id: guildId, channels }] });
  for (const id of ["901", "902"]) {
    assert.deepEqual((await s.join(id)).map((p) => p.t), [
      "VOICE_STATE_UPDATE",
      "VOICE_SERVER_UPDATE",
    ]);
  }
  // The fixtures' voice channel is not this guild's: its seed replaced them.
  for (const id of ["900", String(BigInt(guildId) + 2n)]) {
    assert.deepEqual(await s.join(id), []);
  }
  assert.equal(
    s.gateway.log.filter((e) => e.type === "command-ignored").length,
    2,
  );
  s.gateway.close();
});
