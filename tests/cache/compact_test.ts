import assert from "node:assert/strict";
import {
  CompactMember,
  CompactMessage,
  CompactUser,
  decodeHash,
  decodeTime,
  encodeHash,
  encodeTime,
  INTERNED_FLOOR,
  Interner,
} from "../../cache/compact.ts";
import { mulberry32 } from "../_fakes/prng.ts";

const USERS = [
  {
    id: "1",
    username: "ada",
    discriminator: "0",
    global_name: null,
    avatar: null,
  },
  {
    id: "2",
    username: "bot",
    discriminator: "1234",
    global_name: "Bot",
    avatar: "a_0123456789abcdef0123456789abcdef",
    bot: true,
    public_flags: 65536,
    flags: 65536,
    banner: "b",
    accent_color: 255,
    avatar_decoration_data: { asset: "x", sku_id: "9" },
    collectibles: null,
    primary_guild: {
      identity_guild_id: "5",
      identity_enabled: true,
      tag: "T",
      badge: "b",
    },
    system: false,
    mfa_enabled: true,
    locale: "de",
    verified: false,
    email: null,
    premium_type: 2,
  },
  { id: "3" }, // a partial user
  {
    id: "4",
    username: "zeros",
    discriminator: "0",
    global_name: null,
    avatar: "00000000000000000000000000000a0f",
  },
];

Deno.test("CompactUser gives back exactly the user it was made from", () => {
  for (const user of USERS) {
    const compact = new CompactUser(structuredClone(user));
    assert.deepStrictEqual(compact.toJSON(user.id), user);
    assert.ok(compact.same(structuredClone(user)));
    assert.ok(!compact.same({ ...user, username: "other" }));
    assert.ok(!compact.same({ ...user, public_flags: 1 }));
  }
});

Deno.test("CompactMember round-trips random members, flags and times included", () => {
  const random = mulberry32(42);
  const pick = <T>(values: T[]): T =>
    values[Math.floor(random() * values.length)]!;
  const interner = new Interner();
  const user = new CompactUser(USERS[0]!);
  for (let i = 0; i < 2000; i++) {
    const member: Record<string, unknown> = {};
    const maybe = (key: string, values: unknown[]): void => {
      if (random() < 0.8) member[key] = pick(values);
    };
    maybe("nick", [null, "nick", ""]);
    maybe("avatar", [null, "abc"]);
    maybe("banner", [null, "def"]);
    maybe("roles", [[], ["10"], ["10", "11", "12"]]);
    maybe("joined_at", [
      null,
      "2021-03-14T05:32:41.571000+00:00",
      "2016-01-01T00:00:00.000000+00:00",
      "2021-03-14T05:32:41.571123+00:00",
      "2014-01-01T00:00:00.000000+00:00",
      "2021-03-14T05:32:41.571Z",
    ]);
    maybe("premium_since", [null, "2022-01-01T00:00:00.000000+00:00"]);
    maybe("deaf", [false, true]);
    maybe("mute", [false, true]);
    maybe("flags", [0, 1, 2, 10, 15, 16, 300]);
    maybe("pending", [false, true]);
    maybe("permissions", ["8"]);
    maybe("communication_disabled_until", [
      null,
      "2030-01-01T00:00:00.000000+00:00",
    ]);
    maybe("avatar_decoration_data", [null, { asset: "a", sku_id: "1" }]);
    maybe("collectibles", [null, { nameplate: { asset: "n" } }]);
    const compact = new CompactMember(structuredClone(member), user, interner);
    assert.deepStrictEqual(
      compact.toJSON("7", "1"),
      { ...member, user: USERS[0], guild_id: "7" },
      JSON.stringify(member),
    );
  }
});

Deno.test("CompactMessage round-trips, and times survive encodeTime/decodeTime", () => {
  const message = {
    id: "5",
    channel_id: "6",
    author: USERS[0],
    content: "hi",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: ["1"],
    attachments: [],
    embeds: [{ title: "t" }],
    pinned: false,
    type: 0,
    poll: { question: { text: "?" } },
  };
  const interner = new Interner();
  const author = new CompactUser(USERS[0]!);
  assert.deepStrictEqual(
    new CompactMessage(structuredClone(message), author, interner).toJSON(),
    message,
  );
  for (
    const time of [
      "2024-01-01T00:00:00.000000+00:00",
      "2024-01-01T00:00:00.123456+00:00",
      "2024-01-01T00:00:00+00:00",
      "0099-01-01T00:00:00.000000+00:00",
      "2023-02-29T00:00:00.000000+00:00",
      "2024-02-29T23:59:59.999000+00:00",
      // No such hour, minute or second (a leap second): kept as text, not
      // rolled over into the next day, hour or minute.
      "2024-01-01T24:00:00.000000+00:00",
      "2024-01-01T23:60:00.000000+00:00",
      "2016-12-31T23:59:60.000000+00:00",
      "not a time",
    ]
  ) {
    assert.equal(decodeTime(encodeTime(time)), time);
  }
  assert.equal(typeof encodeTime("2024-01-01T00:00:00.123000+00:00"), "number");
});

Deno.test("Times render as Date would, across the years the cache encodes", () => {
  const random = mulberry32(7);
  for (let i = 0; i < 20_000; i++) {
    const ms = Math.floor(random() * 253_402_300_799_000); // 1970 to 9999
    const text = new Date(ms).toISOString().slice(0, 23) + "000+00:00";
    assert.equal(encodeTime(text), ms, text);
    assert.equal(decodeTime(ms), text);
  }
});

Deno.test("Image hashes: 32 lowercase hex digits become a number, anything else stays as sent", () => {
  const hash = "0123456789abcdef0123456789abcdef";
  assert.equal(typeof encodeHash(hash), "bigint");
  assert.equal(decodeHash(encodeHash(hash)), hash);
  assert.equal(
    decodeHash(encodeHash("00000000000000000000000000000001")),
    "00000000000000000000000000000001",
  );
  for (
    const other of [
      "0123456789ABCDEF0123456789abcdef", // uppercase
      "0123456789abcdef0123456789abcde", // 31 digits
      "0123456789abcdef0123456789abcdef0", // 33
      "a_0123456789abcdef0123456789abcdef", // animated
      "0123456789abcdef0123456789abcdeg",
      "0123456789abcdef0123456789abcde/",
      "0123456789abcdef0123456789abcde:",
      "0123456789abcdef0123456789abcde`",
      null,
      undefined,
      7,
    ]
  ) {
    assert.equal(encodeHash(other), other, String(other));
  }
});

Deno.test("Interner starts over past its limit unless the cache may reference that many values, and then keeps them all", () => {
  let bound = 0;
  const interner = new Interner(() => bound);
  for (let i = 0; i < INTERNED_FLOOR; i++) interner.intern(`1${i}`);
  assert.equal(interner.size, INTERNED_FLOOR, "the floor is always kept");
  interner.internList(["99"]);
  assert.ok(interner.size <= 2, `cleared past the floor: ${interner.size}`);
  // A cache that may reference more values raises the limit: none is lost.
  bound = 3 * INTERNED_FLOOR;
  for (let i = 0; i < 2 * INTERNED_FLOOR; i++) interner.intern(`2${i}`);
  assert.ok(interner.size >= 2 * INTERNED_FLOOR, `${interner.size}`);
  const list = interner.internList(["21"]);
  assert.equal(interner.internList(["21"]), list, "a list stays shared");
});

Deno.test("Interner keeps only snowflakes: a role id of any other shape is handed back and not held", () => {
  const interner = new Interner();
  const big = "x".repeat(100_000);
  assert.equal(interner.intern(big), big);
  const list = [big];
  assert.equal(interner.internList(list), list);
  const mixed = ["1", "2]"];
  assert.equal(interner.internList(mixed), mixed);
  assert.equal(interner.size, 0);
  assert.equal(interner.intern("123"), "123");
  assert.equal(interner.size, 1);
});
