/**
 * GUILD_CREATE's initial member list, by Discord's rule (gateway-events,
 * Request Guild Members): every member and presence with GUILD_PRESENCES in
 * a guild of at most `large_threshold` members, only the bot otherwise.
 */
import assert from "node:assert/strict";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";

interface GuildCreate {
  member_count: number;
  large: boolean;
  members: { user: { id: string; username: string } }[];
  presences: { user: { id: string }; status: string }[];
}

/** The GUILD_CREATE a session identifying with `identify` gets. */
async function guildCreate(
  membersPerGuild: number,
  identify: Record<string, unknown>,
): Promise<GuildCreate> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1, membersPerGuild });
  const frames: string[] = [];
  const socket = gateway.transport(`${gateway.url}/?v=10&encoding=json`, {
    onOpen: () => {},
    onMessage: (data) => void frames.push(data as string),
    onClose: () => {},
    onError: () => {},
  });
  try {
    await scheduler.flushMicrotasks();
    socket.send(JSON.stringify({
      op: 2,
      d: {
        token: "fake-token",
        properties: { os: "linux", browser: "test", device: "test" },
        ...identify,
      },
    }));
    await scheduler.flushMicrotasks();
    const payload = frames.map((frame) => JSON.parse(frame))
      .find((p) => p.t === "GUILD_CREATE");
    assert.ok(payload, "no GUILD_CREATE");
    return payload.d;
  } finally {
    gateway.close();
  }
}

const names = (d: GuildCreate): string[] =>
  d.members.map((member) => member.user.username);

Deno.test("GUILD_CREATE lists every member and presence with GUILD_PRESENCES at or under large_threshold", async () => {
  const d = await guildCreate(5, {
    intents: GatewayIntent.Guilds | GatewayIntent.GuildPresences,
    large_threshold: 50,
  });
  assert.equal(d.member_count, 5);
  assert.equal(d.large, false);
  assert.deepEqual(names(d), [
    "FakeBot",
    "member1",
    "member2",
    "member3",
    "member4",
  ]);
  assert.deepEqual(
    d.presences.map((p) => [p.user.id, p.status]),
    d.members.map((m) => [m.user.id, "online"]),
  );
  // The threshold itself is not large: all 50 are sent.
  const edge = await guildCreate(50, {
    intents: GatewayIntent.Guilds | GatewayIntent.GuildPresences,
    large_threshold: 50,
  });
  assert.equal(edge.members.length, 50);
  assert.equal(edge.presences.length, 50);
});

Deno.test("GUILD_CREATE lists only the bot without GUILD_PRESENCES, or in a large guild", async () => {
  const noIntent = await guildCreate(5, {
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMembers,
    large_threshold: 250,
  });
  assert.deepEqual(names(noIntent), ["FakeBot"]);
  assert.deepEqual(noIntent.presences, []);

  const large = await guildCreate(51, {
    intents: GatewayIntent.Guilds | GatewayIntent.GuildPresences,
    large_threshold: 50,
  });
  assert.equal(large.large, true);
  assert.equal(large.member_count, 51);
  assert.deepEqual(names(large), ["FakeBot"]);
  assert.deepEqual(large.presences, []);
});
