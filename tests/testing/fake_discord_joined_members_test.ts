/**
 * A simulated user who joins a FakeDiscord guild by acting there is a member
 * over REST as well as over the gateway (a welcome bot can give them a
 * role), a kick over REST ends that membership everywhere (they join again
 * when they act again), and each join costs one member's work, not the
 * guild's whole member list.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { createGuildRole } from "../../rest/api/roles.ts";
import {
  addGuildMemberRole,
  getGuildMember,
  removeGuildMember,
} from "../../rest/api/members.ts";
import type { RestUser } from "../../rest/payloads.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.GuildMembers;

function simulated(index: number): RestUser {
  return {
    id: String(1_400_000_000_000_000_000n + BigInt(index)),
    username: `user${index}`,
    discriminator: "0",
    global_name: null,
    avatar: null,
  };
}

Deno.test("a simulated user who joins by posting is a REST member: a welcome bot gives them a role on GUILD_MEMBER_ADD", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const log: string[] = [];
  let joinedAt: string | null | undefined;
  let roleId = "";
  client.on("GUILD_MEMBER_ADD", async (m) => {
    joinedAt = m.joined_at;
    await addGuildMemberRole(client.rest, m.guild_id, m.user.id, roleId)
      .then(() => log.push("role given"), (e) => log.push(String(e)));
  });
  await client.start();
  roleId = (await createGuildRole(client.rest, discord.guildId, {
    name: "newcomer",
  })).id;
  const ada = simulated(1);
  discord.postMessage("hello", { author: ada });
  await discord.delivered();
  await client.idle();
  assert.deepEqual(log, ["role given"]);
  const member = await getGuildMember(client.rest, discord.guildId, ada.id);
  assert.deepEqual(member.roles, [roleId]);
  // The REST member is the one GUILD_MEMBER_ADD announced.
  assert.equal(member.joined_at, joinedAt);
  assert.equal(member.user?.username, "user1");
});

Deno.test("a simulated user kicked over REST is no member for op 8, and joins again (GUILD_MEMBER_ADD) when they post again", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS | GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  const seen: string[] = [];
  client.on("GUILD_MEMBER_ADD", (m) => void seen.push(`add ${m.user.id}`));
  client.on("GUILD_MEMBER_REMOVE", (m) => void seen.push(`rm ${m.user.id}`));
  client.on("MESSAGE_CREATE", (m) => void seen.push(`message ${m.content}`));
  await client.start();
  const op8 = async (userId: string) => {
    const chunks = [];
    for await (
      const chunk of client.shards!.requestGuildMembers({
        guild_id: discord.guildId,
        user_ids: [userId],
        limit: 0,
      })
    ) chunks.push(chunk);
    return {
      found: chunks.flatMap((c) => c.members.map((m) => m.user?.id)),
      notFound: chunks.flatMap((c) => c.not_found ?? []),
    };
  };
  for (const user of [discord.user, simulated(2)]) {
    discord.postMessage("before", { author: user });
    await discord.delivered();
    await client.idle();
    assert.deepEqual((await op8(user.id)).found, [user.id]);
    await removeGuildMember(client.rest, discord.guildId, user.id);
    await discord.delivered();
    await client.idle();
    assert.deepEqual(await op8(user.id), { found: [], notFound: [user.id] });
    seen.length = 0;
    discord.postMessage("after", { author: user });
    await discord.delivered();
    await client.idle();
    assert.deepEqual(seen, [`add ${user.id}`, "message after"]);
    assert.deepEqual((await op8(user.id)).found, [user.id]);
  }
});

Deno.test("each simulated user's join reads the REST members at most once, not the guild's whole member list per member", async () => {
  await using discord = await FakeDiscord.start();
  const resources = discord.rest.resources;
  const members = resources.members.bind(resources);
  let reads = 0;
  resources.members = (guildId) => {
    reads++;
    return members(guildId);
  };
  const users = 200;
  for (let i = 0; i < users; i++) {
    discord.postMessage("hi", { author: simulated(i) });
  }
  assert.ok(reads <= users, `${reads} reads of the members for ${users} joins`);
  assert.equal(members(discord.guildId).length, users + 2);
});
