// Get Guild Prune Count and Begin Guild Prune (GET and POST
// /guilds/{id}/prune): `days` 1-30 (default 7), `include_roles`,
// `compute_prune_count`. The fake keeps no activity: every member is
// inactive, and a prune takes those whose roles are all included (none by
// default), never the owner or the bot.
import assert from "node:assert/strict";
import {
  beginGuildPrune,
  createGuildRole,
  getGuildPruneCount,
} from "../../rest/mod.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import type { RestUser } from "../../rest/payloads.ts";
import { GUILD, oneChannel } from "./_one_channel.ts";

function user(id: string, username: string): RestUser {
  return { id, username, discriminator: "0", global_name: null, avatar: null };
}

type Scene = ReturnType<typeof oneChannel> & { role: string };

/** Ada and Bob without roles, Cy with the role `mods`. */
async function seeded(): Promise<Scene> {
  const scene = oneChannel();
  const role = await createGuildRole(scene.rest, GUILD, { name: "mods" });
  scene.fake.resources.addMember(GUILD, user("100000000000000010", "ada"));
  scene.fake.resources.addMember(GUILD, user("100000000000000011", "bob"));
  scene.fake.resources.addMember(GUILD, user("100000000000000012", "cy"), {
    roles: [role.id],
  });
  return { ...scene, role: role.id };
}

async function formError(
  promise: Promise<unknown>,
): Promise<[number, number, string[]]> {
  const error = await promise.catch((e) => e);
  assert.ok(error instanceof DiscordApiError, `expected a refusal: ${error}`);
  return [error.status, error.code, Object.keys(error.errors as object)];
}

Deno.test("FakeRest counts a prune: roleless members, or those with only included roles", async () => {
  const { rest, role } = await seeded();
  assert.deepEqual(await getGuildPruneCount(rest, GUILD), { pruned: 2 });
  assert.deepEqual(await getGuildPruneCount(rest, GUILD, { days: 30 }), {
    pruned: 2,
  });
  assert.deepEqual(
    await getGuildPruneCount(rest, GUILD, { days: 1, include_roles: role }),
    { pruned: 3 },
  );
});

Deno.test("FakeRest begins a prune: removes the members, pruned null without compute_prune_count", async () => {
  const { fake, rest, role } = await seeded();
  const before = fake.resources.members(GUILD).length;
  assert.deepEqual(await beginGuildPrune(rest, GUILD, { days: 7 }), {
    pruned: 2,
  });
  const left = fake.resources.members(GUILD).map((m) => m.user.username);
  assert.equal(left.length, before - 2);
  assert.ok(left.includes("cy"), "a member with a role is spared");
  assert.ok(left.includes(fake.botUser.username), "the bot (owner) stays");
  assert.deepEqual(
    await beginGuildPrune(rest, GUILD, {
      include_roles: [role],
      compute_prune_count: false,
    }),
    { pruned: null },
  );
  assert.deepEqual(
    fake.resources.members(GUILD).map((m) => m.user.id),
    [fake.botUser.id],
  );
});

Deno.test("FakeRest refuses a prune outside 1-30 days with 400 50035 on days", async () => {
  const { fake, rest } = await seeded();
  const before = fake.resources.members(GUILD).length;
  for (const days of [0, 31, 1.5]) {
    assert.deepEqual(
      // Sent raw: the routes refuse these days unsent.
      await formError(
        rest.request("GET", `/guilds/${GUILD}/prune`, { query: { days } }),
      ),
      [400, 50035, ["days"]],
    );
    assert.deepEqual(
      await formError(
        rest.request("POST", `/guilds/${GUILD}/prune`, { body: { days } }),
      ),
      [400, 50035, ["days"]],
    );
  }
  assert.equal(fake.resources.members(GUILD).length, before);
  const unknown = await getGuildPruneCount(rest, "100000000000000099").catch((
    e,
  ) => e);
  assert.deepEqual([unknown.status, unknown.code], [404, 10004]);
});
