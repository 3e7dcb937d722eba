import assert from "node:assert/strict";
import {
  ConfigError,
  DispatchService,
  loadDispatchConfig,
  parseCommand,
  parseEnvFile,
} from "../../dispatch/mod.ts";
import { serviceOutput } from "./_service_harness.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { BASE } from "./_config_refused.ts";

Deno.test("dispatch config: twilight-dispatch's names with defaults where one exists", () => {
  const config = loadDispatchConfig({
    ...BASE,
    SHARDS_START: "2",
    SHARDS_END: "3",
    SHARDS_TOTAL: "4",
    STATE_ENABLED: "true",
    STATE_OLD: "1",
    RABBIT_HOST: "mq",
    RABBIT_PORT: "5673",
    LOG_CHANNEL: "123",
    DEFAULT_QUEUE: "false",
  });
  assert.equal(config.shardsStart, 2);
  assert.equal(config.shardsEnd, 3);
  assert.equal(config.shardsTotal, 4);
  assert.equal(config.stateEnabled, true);
  assert.equal(config.stateOld, true);
  assert.equal(config.rabbitHost, "mq");
  assert.equal(config.rabbitPort, 5673);
  assert.equal(config.logChannel, "123");
  assert.equal(config.defaultQueue, false);
  const defaults = loadDispatchConfig(BASE);
  assert.equal(defaults.shardsTotal, undefined, "Discord's recommendation");
  assert.equal(defaults.shardsConcurrency, undefined, "max_concurrency");
  assert.equal(defaults.prometheusPort, 8005);
  assert.equal(defaults.redisPort, 6379);
  assert.equal(defaults.discordApiUrl, "https://discord.com/api/v10");
  assert.equal(defaults.publishBuffer, 10_000);
  assert.equal(defaults.publishBufferBytes, 256 * 1024 * 1024, "256 MiB");
  assert.equal(
    loadDispatchConfig({ ...BASE, PUBLISH_BUFFER_BYTES: "1048576" })
      .publishBufferBytes,
    1_048_576,
  );
  assert.equal(defaults.resume, true);
  // The older name of DEFAULT_QUEUE is read too; the newer one wins.
  assert.equal(
    loadDispatchConfig({ ...BASE, DECLARE_QUEUE: "false" }).defaultQueue,
    false,
  );
  assert.equal(
    loadDispatchConfig({
      ...BASE,
      DECLARE_QUEUE: "false",
      DEFAULT_QUEUE: "true",
    })
      .defaultQueue,
    true,
  );
});

Deno.test("dispatch config: a bad or missing value is one line naming the variable", () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ INTENTS: "1" }, "BOT_TOKEN", /^BOT_TOKEN is required/],
    [{ BOT_TOKEN: "t" }, "INTENTS", /^INTENTS is required/],
    [{ ...BASE, INTENTS: "many" }, "INTENTS", /'many'/],
    [{ ...BASE, RABBIT_PORT: "70000" }, "RABBIT_PORT", /from 1 to 65535/],
    [
      { ...BASE, SHARDS_TOTAL: "2", SHARDS_END: "2" },
      "SHARDS_END",
      /inclusive/,
    ],
    [
      { ...BASE, SHARDS_START: "3", SHARDS_END: "1" },
      "SHARDS_START",
      /at most/,
    ],
    [{ ...BASE, STATE_ENABLED: "maybe" }, "STATE_ENABLED", /true or false/],
    [{ ...BASE, STATUS: "busy" }, "STATUS", /one of online/],
    [{ ...BASE, LARGE_THRESHOLD: "10" }, "LARGE_THRESHOLD", /50 to 250/],
    [{ ...BASE, LOG_CHANNEL: "#general" }, "LOG_CHANNEL", /channel ID/],
    [{ ...BASE, DISCORD_API_URL: "discord.com" }, "DISCORD_API_URL", /URL/],
    [{ ...BASE, COMPRESS: "gzip" }, "COMPRESS", /zlib-stream/],
    [{ ...BASE, PUBLISH_BUFFER: "0" }, "PUBLISH_BUFFER", /at least 1/],
    [
      { ...BASE, PUBLISH_BUFFER_BYTES: "0" },
      "PUBLISH_BUFFER_BYTES",
      /^PUBLISH_BUFFER_BYTES must be an integer of at least 1: current value '0'$/,
    ],
    [
      { ...BASE, PUBLISH_BUFFER_BYTES: "256MiB" },
      "PUBLISH_BUFFER_BYTES",
      /'256MiB'/,
    ],
    [{ ...BASE, LOG_LEVEL: "loud" }, "LOG_LEVEL", /one of trace/],
  ];
  for (const [env, variable, message] of cases) {
    assert.throws(() => loadDispatchConfig(env), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.variable, variable);
      assert.match(error.message, message);
      assert.ok(!error.message.includes("\n"), "one line");
      return true;
    });
  }
});

Deno.test("dispatch config: .env files with comments, export and quotes", () => {
  assert.deepEqual(
    parseEnvFile(
      "# comment\nexport BOT_TOKEN=\"a b\"\nINTENTS=513 # trailing\n\nBAD LINE\nEMPTY=\nQ='#x'\r\n",
    ),
    { BOT_TOKEN: "a b", INTENTS: "513", EMPTY: "", Q: "#x" },
  );
  const invalid: number[] = [];
  parseEnvFile(
    "A=1\nBOT_TOKEN: abc\n# fine\n=x\n",
    (line) => invalid.push(line),
  );
  assert.deepEqual(invalid, [2, 4]);
});

Deno.test("dispatch service: a .env line that is not NAME=value is reported (by number) before the error it causes", async () => {
  const output = await serviceOutput({}, (cwd) => {
    Deno.writeTextFileSync(`${cwd}/.env`, "INTENTS=513\nBOT_TOKEN: secret\n");
  });
  assert.equal(output.code, 1);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.equal(
    stderr,
    ".env line 2 is not NAME=value; it is ignored\n" +
      "Configuration error: BOT_TOKEN is required: the bot token from the developer portal",
  );
  assert.ok(!stderr.includes("secret"));
});

Deno.test("dispatch service: an .env it cannot read (a directory, as `docker run -v` makes of a missing file) is one configuration error line, not a crash", async () => {
  const output = await serviceOutput({}, (cwd) => {
    Deno.mkdirSync(`${cwd}/.env`);
  });
  assert.equal(output.code, 1);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.match(stderr, /^Configuration error: cannot read \.env: .+$/);
  assert.ok(!stderr.includes("Uncaught"), stderr);
});

Deno.test("dispatch commands: malformed commands are refused with the reason", () => {
  assert.deepEqual(parseCommand('{"op":1,"shard":3}'), { op: 1, shard: 3 });
  assert.deepEqual(
    parseCommand('{"op":0,"shard":0,"data":{"op":3,"d":{}}}'),
    { op: 0, shard: 0, data: { op: 3, d: {} } },
  );
  for (
    const [body, reason] of [
      ["{", /not JSON/],
      ["[1]", /not a JSON object/],
      ['{"op":7,"shard":0}', /'op' must be 0, 1 or 2/],
      ['{"op":1,"shard":-1}', /'shard'/],
      ['{"op":1,"shard":"0"}', /'shard'/],
      ['{"op":1,"shard":1.5}', /'shard'/],
      ['{"op":1,"shard":1e300}', /'shard'/],
      ['{"op":1,"shard":9007199254740992}', /'shard'/],
      ['{"op":1,"shard":true}', /'shard'/],
      ['{"op":1}', /'shard'/],
      ["", /not JSON/],
      ["null", /not a JSON object/],
      ['{"op":"0","shard":0}', /'op' must be 0, 1 or 2/],
      ['{"op":0,"shard":0,"data":null}', /'data'/],
      ['{"op":0,"shard":0,"data":[3]}', /'data'/],
      ['{"op":0,"shard":0}', /'data'/],
      ['{"op":0,"shard":0,"data":{"d":1}}', /'data'/],
    ] as const
  ) {
    assert.throws(() => parseCommand(body), reason);
  }
});

Deno.test("dispatch service: a bad variable stops it at start with one line naming it", async () => {
  const output = await serviceOutput(
    { BOT_TOKEN: "t", INTENTS: "513", RABBIT_PORT: "port" },
  );
  assert.equal(output.code, 1);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.equal(
    stderr,
    "Configuration error: RABBIT_PORT must be an integer from 1 to 65535: current value 'port'",
  );
});

Deno.test({
  name:
    "dispatch service: a metrics port in use stops it at start naming PROMETHEUS_PORT",
  // The fake Discord keeps timers for its sessions.
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  await using discord = await FakeDiscord.start({ loopback: true });
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  const output = await serviceOutput({
    BOT_TOKEN: discord.token,
    INTENTS: "513",
    DISCORD_API_URL: discord.clientOptions.restBaseUrl!,
    PROMETHEUS_HOST: "127.0.0.1",
    PROMETHEUS_PORT: String(port),
  });
  assert.equal(output.code, 1);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.match(
    stderr,
    new RegExp(
      `^Configuration error: PROMETHEUS_PORT must be a port free on 127\\.0\\.0\\.1 \\(.*\\): current value '${port}'$`,
    ),
  );
});

Deno.test("dispatch config: a shard count or range past 65,536 is refused at load, before any shard is built", () => {
  const cases: [string, string][] = [
    ["SHARDS_TOTAL", "70000"],
    ["SHARDS_END", "65536"],
  ];
  for (const [name, value] of cases) {
    assert.throws(
      () => loadDispatchConfig({ ...BASE, [name]: value }),
      (error) =>
        error instanceof ConfigError && error.message.includes(name) &&
        error.message.includes("65536"),
      name,
    );
  }
});

Deno.test("dispatch service: GET /gateway/bot's answer is checked as the Client checks it; 70,000 recommended shards stop the start with the field named", async () => {
  for (const shards of [70_000, 0, "4"]) {
    const answer = {
      url: "wss://gateway.discord.gg",
      shards,
      session_start_limit: {
        total: 1000,
        remaining: 1000,
        reset_after: 0,
        max_concurrency: 1,
      },
    };
    const service = new DispatchService(
      // Nothing listens on these ports: a start that got past the check
      // would fail on them instead, with another error.
      loadDispatchConfig({ ...BASE, REDIS_PORT: "1", RABBIT_PORT: "1" }),
      { fetch: () => Promise.resolve(Response.json(answer)) },
    );
    await assert.rejects(
      service.start(),
      (error) => error instanceof TypeError && /'shards'/.test(error.message),
      String(shards),
    );
  }
});
