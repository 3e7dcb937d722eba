// Dispatch config: values that passed load and failed later (or did nothing)
// are checked, or read, at load: a DISCORD_API_URL the REST client cannot
// parse, SHARDS_START past SHARDS_TOTAL, twilight-dispatch's REDIS_USERNAME,
// a .env name given twice (dotenv keeps the first).
import assert from "node:assert/strict";
import { loadDispatchConfig, parseEnvFile } from "../../dispatch/config.ts";
import { serviceOutput } from "./_service_harness.ts";
import { assertRefused, BASE } from "./_config_refused.ts";

Deno.test("dispatch config: a DISCORD_API_URL without a host, with a port past 65535 or an open bracket is refused at load", async (t) => {
  for (
    const url of [
      "http:///",
      "https://discord.com:99999/api/v10",
      "http://[::1/api",
    ]
  ) {
    await t.step(url, () => {
      assertRefused(
        { DISCORD_API_URL: url },
        "DISCORD_API_URL",
        /^DISCORD_API_URL must be an http:\/\/ or https:\/\/ URL/,
      );
    });
  }
  assert.equal(
    loadDispatchConfig({
      ...BASE,
      DISCORD_API_URL: "http://[::1]:8080/api/v10/",
    }).discordApiUrl,
    "http://[::1]:8080/api/v10",
  );
});

Deno.test("dispatch service: a DISCORD_API_URL the REST client cannot parse stops it with one configuration error line, not a stack", async () => {
  const output = await serviceOutput(
    { ...BASE, DISCORD_API_URL: "https://discord.com:99999/api/v10" },
  );
  assert.equal(output.code, 1);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.match(stderr, /^Configuration error: DISCORD_API_URL must be /);
  assert.equal(stderr.split("\n").length, 1, stderr);
});

Deno.test("dispatch config: SHARDS_START at or past SHARDS_TOTAL without SHARDS_END is refused at load", () => {
  assertRefused(
    { SHARDS_TOTAL: "4", SHARDS_START: "4" },
    "SHARDS_START",
    /^SHARDS_START must be below SHARDS_TOTAL \(4\): current value '4'$/,
  );
  assertRefused(
    { SHARDS_TOTAL: "4", SHARDS_START: "9" },
    "SHARDS_START",
    /below SHARDS_TOTAL/,
  );
  const config = loadDispatchConfig({
    ...BASE,
    SHARDS_TOTAL: "4",
    SHARDS_START: "3",
  });
  assert.equal(config.shardsStart, 3);
});

Deno.test("dispatch config: REDIS_USERNAME is read as given, as twilight-dispatch read it", () => {
  assert.equal(
    loadDispatchConfig({ ...BASE, REDIS_USERNAME: " bot" }).redisUsername,
    " bot",
  );
  assert.equal(loadDispatchConfig(BASE).redisUsername, undefined);
});

Deno.test("dispatch config: a .env name given twice keeps its first value, as dotenv 0.15 does", () => {
  assert.deepEqual(
    parseEnvFile("INTENTS=513\nBOT_TOKEN=first\nBOT_TOKEN=second\n"),
    { INTENTS: "513", BOT_TOKEN: "first" },
  );
  // A name a prototype has too is still an ordinary variable.
  assert.deepEqual(parseEnvFile("constructor=1\n"), { constructor: "1" });
});
