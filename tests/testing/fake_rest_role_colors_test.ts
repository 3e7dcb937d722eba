// Roles carry `colors` (Discord's gradient roles, 2025-07-02): the role
// object's `colors` is always filled, its `primary_color` being the
// deprecated `color` (permissions.mdx, "Role Colors Object"), and Create
// and Modify Guild Role take `colors` as well as `color`.
import assert from "node:assert/strict";
import { createGuildRole, modifyGuildRole } from "../../rest/mod.ts";
import type { Role } from "../../types/objects/role.ts";
import { GUILD, oneChannel } from "./_one_channel.ts";

const SOLID = { secondary_color: null, tertiary_color: null };

Deno.test("FakeRest roles carry colors, @everyone's the default", () => {
  const { fake } = oneChannel();
  const everyone = fake.resources.roles(GUILD).find((r) => r.id === GUILD)!;
  assert.equal(everyone.color, 0);
  assert.deepEqual(everyone.colors, { primary_color: 0, ...SOLID });
});

Deno.test("FakeRest role create takes colors and color, and the event carries them", async () => {
  const { fake, rest } = oneChannel();
  const events: { event: string; role: Role }[] = [];
  fake.onGatewayEvent = (event, data) => {
    if (event.startsWith("GUILD_ROLE_")) {
      events.push({ event, role: (data as { role: Role }).role });
    }
  };
  const gradient = await createGuildRole(rest, GUILD, {
    name: "gradient",
    colors: {
      primary_color: 0xff0000,
      secondary_color: 0x00ff00,
      tertiary_color: null,
    },
  });
  assert.equal(gradient.color, 0xff0000);
  assert.deepEqual(gradient.colors, {
    primary_color: 0xff0000,
    secondary_color: 0x00ff00,
    tertiary_color: null,
  });
  const created = events.find((e) => e.event === "GUILD_ROLE_CREATE")!;
  assert.deepEqual(created.role.colors, gradient.colors);

  const legacy = await createGuildRole(rest, GUILD, { color: 0x3498db });
  assert.deepEqual(legacy.colors, { primary_color: 0x3498db, ...SOLID });
  const plain = await createGuildRole(rest, GUILD, { name: "plain" });
  assert.deepEqual([plain.color, plain.colors], [0, {
    primary_color: 0,
    ...SOLID,
  }]);
  // `colors` is the field Discord recommends: given both, it wins, and
  // `color` follows its primary colour.
  const both = await createGuildRole(rest, GUILD, {
    color: 0x111111,
    colors: { primary_color: 0x222222, ...SOLID },
  });
  assert.deepEqual([both.color, both.colors.primary_color], [
    0x222222,
    0x222222,
  ]);
  // A tertiary colour makes the role holographic, with Discord's values.
  const holo = await createGuildRole(rest, GUILD, {
    colors: { primary_color: 1, secondary_color: 2, tertiary_color: 3 },
  });
  assert.deepEqual(holo.colors, {
    primary_color: 11127295,
    secondary_color: 16759788,
    tertiary_color: 16761760,
  });
  assert.equal(holo.color, 11127295);
});

Deno.test("FakeRest role modify takes colors and color, keeping them equal, and the event carries them", async () => {
  const { fake, rest } = oneChannel();
  const role = await createGuildRole(rest, GUILD, { name: "r" });
  const updates: Role[] = [];
  fake.onGatewayEvent = (event, data) => {
    if (event === "GUILD_ROLE_UPDATE") {
      updates.push((data as { role: Role }).role);
    }
  };
  const gradient = await modifyGuildRole(rest, GUILD, role.id, {
    colors: {
      primary_color: 0x0000ff,
      secondary_color: 0xffff00,
      tertiary_color: null,
    },
  });
  assert.equal(gradient.color, 0x0000ff);
  assert.deepEqual(gradient.colors, {
    primary_color: 0x0000ff,
    secondary_color: 0xffff00,
    tertiary_color: null,
  });
  assert.deepEqual(updates.at(-1)!.colors, gradient.colors);
  // An edit that names no colour keeps them.
  const renamed = await modifyGuildRole(rest, GUILD, role.id, { name: "s" });
  assert.deepEqual(renamed.colors, gradient.colors);
  // The deprecated `color` names one colour: the role becomes solid.
  const solid = await modifyGuildRole(rest, GUILD, role.id, {
    color: 0x123456,
  });
  assert.equal(solid.color, 0x123456);
  assert.deepEqual(solid.colors, { primary_color: 0x123456, ...SOLID });
  assert.deepEqual(
    fake.resources.roles(GUILD).find((r) => r.id === role.id)!.colors,
    solid.colors,
  );
  assert.deepEqual(updates.at(-1)!.colors, solid.colors);
});
