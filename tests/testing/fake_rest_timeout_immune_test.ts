// Modify Guild Member: a timeout "will throw a 403 error if the user has
// the ADMINISTRATOR permission or is the owner of the guild" (guild.mdx);
// the fake answers 50013 Missing Permissions there and stores nothing.
import assert from "node:assert/strict";
import { createGuildRole, modifyGuildMember } from "../../rest/mod.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { PermissionFlags } from "../../types/permissions.ts";
import { GUILD, oneChannel } from "./_one_channel.ts";

const user = (id: string, username: string) => ({
  id,
  username,
  discriminator: "0",
  global_name: null,
  avatar: null,
});
const ada = user("100000000000000010", "ada");
const bob = user("100000000000000011", "bob");

Deno.test("FakeRest refuses to time out an administrator or the guild owner with 403 50013", async () => {
  const { fake, rest } = oneChannel();
  const admins = await createGuildRole(rest, GUILD, {
    name: "admins",
    permissions: String(PermissionFlags.Administrator),
  });
  fake.resources.addMember(GUILD, ada, { roles: [admins.id] });
  fake.resources.addMember(GUILD, bob);
  const until = new Date(Date.now() + 60_000).toISOString();
  for (const id of [ada.id, fake.resources.guildOwner(GUILD)!]) {
    const error = await modifyGuildMember(rest, GUILD, id, {
      communication_disabled_until: until,
    }).catch((e) => e);
    assert.ok(error instanceof DiscordApiError, `${id}: ${error}`);
    assert.deepEqual([error.status, error.code], [403, 50013], id);
    const stored = fake.resources.members(GUILD).find((m) => m.user.id === id);
    assert.equal(stored?.communication_disabled_until ?? null, null, id);
  }
  // Lifting a timeout, and other fields, stay allowed for them.
  const lifted = await modifyGuildMember(rest, GUILD, ada.id, {
    communication_disabled_until: null,
    nick: "Ada",
  });
  assert.equal(lifted.nick, "Ada");
  // A member without ADMINISTRATOR is timed out as before.
  const timed = await modifyGuildMember(rest, GUILD, bob.id, {
    communication_disabled_until: until,
  });
  assert.equal(timed.communication_disabled_until, until);
});
