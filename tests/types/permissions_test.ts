import assert from "node:assert/strict";
import { PermissionFlagsBits } from "discord-api-types/v10";
import {
  combinePermissions,
  hasPermission,
  parsePermissions,
  type PermissionFlagName,
  PermissionFlags,
  permissionNames,
} from "../../types/mod.ts";

Deno.test("PermissionFlags has every documented bit, 0 to 52 without 47", () => {
  const bits = Object.values(PermissionFlags).map((flag) =>
    flag.toString(2).length - 1
  );
  const documented = Array.from({ length: 53 }, (_, bit) => bit).filter((
    bit,
  ) => bit !== 47);
  assert.deepEqual(bits, documented);
  for (const flag of Object.values(PermissionFlags)) {
    // One bit each.
    assert.equal(flag & (flag - 1n), 0n);
  }
  assert.equal(PermissionFlags.Administrator, 8n);
  assert.equal(PermissionFlags.UseApplicationCommands, 2147483648n);
  assert.equal(PermissionFlags.BypassSlowmode, 1n << 52n);
});

Deno.test("PermissionFlags agrees with discord-api-types' PermissionFlagsBits", () => {
  // Same bits under the same names, compared case-insensitively (we write
  // acronyms as words: SendTtsMessages, UseVad); their deprecated alias
  // ManageEmojisAndStickers is the same bit as ManageGuildExpressions.
  const theirs = new Map(
    Object.entries(PermissionFlagsBits)
      .filter(([name]) => name !== "ManageEmojisAndStickers")
      .map(([name, bit]) => [name.toLowerCase(), bit]),
  );
  const ours = new Map(
    Object.entries(PermissionFlags).map(([name, bit]) => [
      name.toLowerCase(),
      bit,
    ]),
  );
  assert.deepEqual(ours, theirs);
});

Deno.test("parsePermissions reads Discord's decimal strings and rejects anything else", () => {
  assert.equal(parsePermissions("0"), 0n);
  assert.equal(
    parsePermissions("2147483648"),
    PermissionFlags.UseApplicationCommands,
  );
  // Above 2^53: a number would lose these bits.
  assert.equal(
    parsePermissions("4503599627370496"),
    PermissionFlags.BypassSlowmode,
  );
  assert.equal(parsePermissions(12n), 12n);
  for (const bad of ["", " 8", "8 ", "-8", "0x8", "8n", "1e3", "8.0", "٨"]) {
    assert.throws(() => parsePermissions(bad), TypeError, bad);
  }
  // A hostile, huge string is refused before BigInt() parses it.
  assert.throws(() => parsePermissions("9".repeat(100_000)), {
    name: "TypeError",
    message: /100000-character string/,
  });
  assert.throws(() => parsePermissions(-1n), RangeError);
  // Untyped JavaScript callers get a clear error, not NaN or a silent 0n.
  assert.throws(() => parsePermissions(8 as unknown as string), {
    name: "TypeError",
    message: /got number/,
  });
});

Deno.test("combinePermissions ORs flags, bigints and strings", () => {
  assert.equal(combinePermissions(), 0n);
  assert.equal(
    combinePermissions(
      PermissionFlags.ViewChannel,
      "2048",
      PermissionFlags.ViewChannel,
    ),
    3072n,
  );
  assert.equal(
    combinePermissions(PermissionFlags.SendPolls, PermissionFlags.KickMembers)
      .toString(),
    ((1n << 49n) | 2n).toString(),
  );
  assert.throws(() => combinePermissions(8n, "eight"), TypeError);
});

Deno.test("hasPermission needs every flag; ADMINISTRATOR grants all", () => {
  const viewAndSend = "3072";
  assert.ok(hasPermission(viewAndSend, PermissionFlags.ViewChannel));
  assert.ok(
    hasPermission(
      viewAndSend,
      PermissionFlags.ViewChannel,
      PermissionFlags.SendMessages,
    ),
  );
  assert.ok(
    !hasPermission(
      viewAndSend,
      PermissionFlags.SendMessages,
      PermissionFlags.EmbedLinks,
    ),
  );
  assert.ok(!hasPermission("0", PermissionFlags.ViewChannel));
  assert.ok(hasPermission("0"));
  // A combined set as the wanted flags.
  assert.ok(hasPermission(7n, combinePermissions(1n, 4n)));
  assert.ok(!hasPermission(5n, combinePermissions(1n, 2n)));
  // High bits (above 2^32) are tested exactly.
  const pins = (1n << 51n).toString();
  assert.ok(hasPermission(pins, PermissionFlags.PinMessages));
  assert.ok(!hasPermission(pins, PermissionFlags.BypassSlowmode));
  // Administrator implies everything, as in Discord's computation.
  assert.ok(
    hasPermission(
      "8",
      PermissionFlags.BanMembers,
      PermissionFlags.BypassSlowmode,
    ),
  );
  assert.throws(
    () => hasPermission("all", PermissionFlags.ViewChannel),
    TypeError,
  );
});

Deno.test("permissionNames lists the documented flags of a set, lowest bit first", () => {
  assert.deepEqual(permissionNames("3072"), ["ViewChannel", "SendMessages"]);
  assert.deepEqual(permissionNames(0n), []);
  // An undocumented bit (47) is left out.
  const names: PermissionFlagName[] = permissionNames(
    (1n << 47n) | PermissionFlags.Administrator,
  );
  assert.deepEqual(names, ["Administrator"]);
  assert.equal(
    permissionNames(combinePermissions(...Object.values(PermissionFlags)))
      .length,
    52,
  );
});
