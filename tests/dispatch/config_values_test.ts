// Dispatch config: .env quotes followed by comments, credentials kept as
// given, INTENTS made of documented bits, channel IDs that are snowflakes.
import assert from "node:assert/strict";
import { loadDispatchConfig, parseEnvFile } from "../../dispatch/config.ts";
import { ALL_INTENTS } from "../../types/intents.ts";
import { assertRefused, BASE } from "./_config_refused.ts";

Deno.test("dispatch config: a quoted .env value may be followed by a comment, and keeps its spaces", () => {
  assert.deepEqual(
    parseEnvFile(
      [
        `RABBIT_PASSWORD="s3cret" # production`,
        `A='x y'   # c`,
        `B=" padded "`,
        `C="has # hash"`,
        `D="a" # say "b"`,
        `E="a"b"`,
        `F=plain # c`,
        `G="unclosed # c`,
      ].join("\n"),
    ),
    {
      RABBIT_PASSWORD: "s3cret",
      A: "x y",
      B: " padded ",
      C: "has # hash",
      D: "a",
      E: 'a"b',
      F: "plain",
      G: '"unclosed',
    },
  );
});

Deno.test("dispatch config: RABBIT_USERNAME, RABBIT_PASSWORD and REDIS_PASSWORD are taken as given, not trimmed", () => {
  const file = parseEnvFile(
    `RABBIT_PASSWORD=" s3cret "\nREDIS_PASSWORD='pw '\nRABBIT_USERNAME=" bot"\n`,
  );
  const config = loadDispatchConfig({ ...file, ...BASE });
  assert.equal(config.rabbitPassword, " s3cret ");
  assert.equal(config.redisPassword, "pw ");
  assert.equal(config.rabbitUsername, " bot");
  // From the environment alike.
  assert.equal(
    loadDispatchConfig({ ...BASE, RABBIT_PASSWORD: "pw\t" }).rabbitPassword,
    "pw\t",
  );
  // Blank is unset, as for every variable.
  const blank = loadDispatchConfig({
    ...BASE,
    RABBIT_USERNAME: "  ",
    RABBIT_PASSWORD: "",
    REDIS_PASSWORD: " ",
  });
  assert.equal(blank.rabbitUsername, "guest");
  assert.equal(blank.rabbitPassword, "guest");
  assert.equal(blank.redisPassword, undefined);
  // Other variables are still trimmed.
  assert.equal(
    loadDispatchConfig({ ...BASE, RABBIT_PORT: " 5673 " }).rabbitPort,
    5673,
  );
});

Deno.test("dispatch config: INTENTS with undocumented bits is refused at load, naming INTENTS", () => {
  for (const value of ["8388608", "2147483647", String(ALL_INTENTS + 1)]) {
    assertRefused({ INTENTS: value }, "INTENTS", /documented intent bits/);
  }
  assertRefused(
    { INTENTS: String(513 | 8388608) },
    "INTENTS",
    /^INTENTS must be .*8388608 is none.*current value '8389121'/,
  );
  assert.equal(
    loadDispatchConfig({ ...BASE, INTENTS: String(ALL_INTENTS) }).intents,
    ALL_INTENTS,
  );
  assert.equal(loadDispatchConfig({ ...BASE, INTENTS: "0" }).intents, 0);
});

Deno.test("dispatch config: LOG_CHANNEL and LOG_GUILD_CHANNEL must be snowflakes (no leading zero, at most 2^64 - 1)", () => {
  for (const variable of ["LOG_CHANNEL", "LOG_GUILD_CHANNEL"]) {
    for (
      const value of ["99999999999999999999", "18446744073709551616", "05"]
    ) {
      assertRefused({ [variable]: value }, variable, /channel ID/);
    }
    const config = loadDispatchConfig({
      ...BASE,
      [variable]: "18446744073709551615",
    });
    assert.equal(
      variable === "LOG_CHANNEL" ? config.logChannel : config.logGuildChannel,
      "18446744073709551615",
    );
  }
  // 0 still means none.
  assert.equal(
    loadDispatchConfig({ ...BASE, LOG_CHANNEL: "0" }).logChannel,
    undefined,
  );
});
