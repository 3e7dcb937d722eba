// The gateway events FakeRest sends for the bot's REST changes carry what
// Discord's do: THREAD_DELETE only the thread's id, guild_id, parent_id and
// type; a role created below the others moves them up, so each moved role
// gets its GUILD_ROLE_UPDATE and a cache keeps REST's positions.
import assert from "node:assert/strict";
import {
  createGuildRole,
  deleteChannel,
  getGuildRoles,
  startThreadWithoutMessage,
} from "../../rest/mod.ts";
import { CHANNEL, GUILD, oneChannel } from "./_one_channel.ts";

Deno.test("FakeRest's THREAD_DELETE carries only id, guild_id, parent_id and type", async () => {
  const { fake, rest } = oneChannel();
  const sent: [string, Record<string, unknown>][] = [];
  fake.onGatewayEvent = (event, data) => void sent.push([event, data]);
  const thread = await startThreadWithoutMessage(rest, CHANNEL, {
    name: "t",
    type: 11,
  });
  sent.length = 0;
  await deleteChannel(rest, thread.id);
  assert.deepEqual(sent, [["THREAD_DELETE", {
    id: thread.id,
    guild_id: GUILD,
    parent_id: CHANNEL,
    type: 11,
  }]]);
});

Deno.test("FakeRest's role creation sends GUILD_ROLE_UPDATE for each role it moved up", async () => {
  const { fake, rest } = oneChannel();
  const positions = new Map<string, number>();
  fake.onGatewayEvent = (event, data) => {
    const role = data.role as { id: string; position: number };
    if (event === "GUILD_ROLE_CREATE" || event === "GUILD_ROLE_UPDATE") {
      positions.set(role.id, role.position);
    }
  };
  await createGuildRole(rest, GUILD, { name: "one" });
  await createGuildRole(rest, GUILD, { name: "two" });
  await createGuildRole(rest, GUILD, { name: "three" });
  const roles = await getGuildRoles(rest, GUILD);
  assert.deepEqual(
    Object.fromEntries(positions),
    Object.fromEntries(
      roles.filter((r) => r.id !== GUILD).map((r) => [r.id, r.position]),
    ),
  );
});
