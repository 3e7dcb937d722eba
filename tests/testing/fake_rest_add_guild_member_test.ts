// FakeRest answers Add Guild Member (PUT /guilds/{id}/members/{user}) as
// Discord does: 201 with the new member for a user whose guilds.join access
// token it was given (resources.addAccessToken), 204 for one already a
// member, 403 for a token not that user's, 400 and 404 for a bad nick or
// role; a bot adding users can be tested through the real addGuildMember.
import assert from "node:assert/strict";
import {
  addGuildMember,
  createGuildBan,
  createGuildRole,
  DiscordApiError,
  getGuildMember,
} from "../../rest/mod.ts";
import type { RestUser } from "../../rest/mod.ts";
import { GUILD, oneChannel } from "./_one_channel.ts";

const ADA: RestUser = {
  id: "100000000000000007",
  username: "ada",
  discriminator: "0",
  global_name: "Ada",
  avatar: null,
};
const GRACE: RestUser = { ...ADA, id: "100000000000000008", username: "grace" };

Deno.test("FakeRest adds a user with their access token: 201 with the member as sent, GUILD_MEMBER_ADD, then 204 as already a member", async () => {
  const { fake, rest } = oneChannel();
  fake.resources.addAccessToken(ADA, "ada-token-0123456789");
  const role = await createGuildRole(rest, GUILD, { name: "guest" });
  const events: [string, Record<string, unknown>][] = [];
  fake.onGatewayEvent = (event, data) => void events.push([event, data]);
  const result = await addGuildMember(rest, GUILD, ADA.id, {
    access_token: "Bearer ada-token-0123456789",
    nick: "Ada L.",
    roles: [role.id],
    mute: true,
  });
  assert.ok(result.added);
  assert.equal(result.member.user?.id, ADA.id);
  assert.equal(result.member.nick, "Ada L.");
  assert.deepEqual(result.member.roles, [role.id]);
  assert.equal(result.member.mute, true);
  assert.equal(result.member.deaf, false);
  assert.deepEqual(await getGuildMember(rest, GUILD, ADA.id), result.member);
  assert.deepEqual(events.map(([event, data]) => [event, data.guild_id]), [
    ["GUILD_MEMBER_ADD", GUILD],
  ]);
  assert.equal((events[0]![1].user as RestUser).id, ADA.id);
  // Again: Discord's 204, the member unchanged, no event.
  const again = await addGuildMember(rest, GUILD, ADA.id, {
    access_token: "ada-token-0123456789",
    nick: "Other",
  });
  assert.deepEqual(again, { added: false });
  assert.equal(fake.resources.member(GUILD, ADA.id)?.nick, "Ada L.");
  assert.equal(events.length, 1);
  assert.equal(fake.requests.at(-1)!.method, "PUT");
});

Deno.test("FakeRest refuses Add Guild Member with another user's token, or none known (403 50025), an unknown role (404), an unknown guild (404)", async () => {
  const { fake, rest } = oneChannel();
  fake.resources.addAccessToken(ADA, "ada-token-0123456789");
  fake.resources.addAccessToken(GRACE, "grace-token-0123456789");
  const refusal = async (
    call: Promise<unknown>,
  ): Promise<[number, number]> => {
    const error = await call.catch((e) => e);
    assert.ok(error instanceof DiscordApiError, String(error));
    return [error.status, error.code];
  };
  assert.deepEqual(
    await refusal(addGuildMember(rest, GUILD, ADA.id, {
      access_token: "grace-token-0123456789",
    })),
    [403, 50025],
  );
  assert.deepEqual(
    await refusal(addGuildMember(rest, GUILD, ADA.id, {
      access_token: "never-granted-0123456789",
    })),
    [403, 50025],
  );
  assert.deepEqual(
    await refusal(addGuildMember(rest, GUILD, ADA.id, {
      access_token: "ada-token-0123456789",
      roles: ["100000000000000999"],
    })),
    [404, 10011],
  );
  assert.deepEqual(
    await refusal(addGuildMember(rest, "100000000000000999", ADA.id, {
      access_token: "ada-token-0123456789",
    })),
    [404, 10004],
  );
  assert.equal(fake.resources.member(GUILD, ADA.id), undefined);
});

Deno.test("FakeRest answers a raw Add Guild Member without an access token, or with a 33-character nick, with Discord's 400", async () => {
  const { fake, rest } = oneChannel();
  fake.resources.addAccessToken(ADA, "ada-token-0123456789");
  const none = await rest.request("PUT", `/guilds/${GUILD}/members/${ADA.id}`, {
    body: { nick: "Ada" },
  }).catch((e) => e);
  assert.ok(none instanceof DiscordApiError);
  assert.deepEqual([none.status, none.code], [400, 50035]);
  assert.deepEqual(none.fieldErrors.map((e) => e.path), ["access_token"]);
  const long = await rest.request("PUT", `/guilds/${GUILD}/members/${ADA.id}`, {
    body: { access_token: "ada-token-0123456789", nick: "n".repeat(33) },
  }).catch((e) => e);
  assert.ok(long instanceof DiscordApiError);
  assert.deepEqual(long.fieldErrors.map((e) => e.path), ["nick"]);
  assert.equal(fake.resources.member(GUILD, ADA.id), undefined);
});

Deno.test("FakeRest refuses Add Guild Member for a user banned from the guild (403, 40007 The user is banned from this guild), adding no member", async () => {
  const { fake, rest } = oneChannel();
  fake.resources.addAccessToken(ADA, "ada-token-0123456789");
  await createGuildBan(rest, GUILD, ADA.id);
  const events: string[] = [];
  fake.onGatewayEvent = (event) => void events.push(event);
  const error = await addGuildMember(rest, GUILD, ADA.id, {
    access_token: "ada-token-0123456789",
  }).catch((e) => e);
  assert.ok(error instanceof DiscordApiError, String(error));
  assert.deepEqual([error.status, error.code], [403, 40007]);
  assert.equal(fake.resources.member(GUILD, ADA.id), undefined);
  assert.deepEqual(events, []);
});
