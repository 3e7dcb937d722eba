// Values that passed loadDispatchConfig and failed later (IDENTIFY closed
// 4002 for ever, "Invalid time value" on Redis writes, an invalid URL retried
// for ever, "Failed to construct 'Headers'") are refused at load with the
// typed ConfigError naming the variable.
import assert from "node:assert/strict";
import {
  loadDispatchConfig,
  startingPresence,
  urlHostPort,
} from "../../dispatch/config.ts";
import { expiryTime, resolveTtl } from "../../cache/redis_expiry.ts";
import { DispatchService } from "../../dispatch/service.ts";
import { serviceOutput } from "./_service_harness.ts";
import { assertRefused, BASE } from "./_config_refused.ts";

Deno.test("dispatch config: ACTIVITY_NAME past Discord's 128 characters is refused at load, not closed 4002 at every IDENTIFY", () => {
  assertRefused(
    { ACTIVITY_NAME: "a".repeat(129) },
    "ACTIVITY_NAME",
    /^ACTIVITY_NAME must be at most 128 characters/,
  );
  assertRefused(
    { ACTIVITY_NAME: "🎮".repeat(129) },
    "ACTIVITY_NAME",
    /at most 128 characters/,
  );
  assert.equal(
    loadDispatchConfig({ ...BASE, ACTIVITY_NAME: "a".repeat(128) })
      .activityName,
    "a".repeat(128),
  );
  // Characters, not UTF-16 units: 128 emoji are 256 units.
  assert.equal(
    loadDispatchConfig({ ...BASE, ACTIVITY_NAME: "🎮".repeat(128) })
      .activityName,
    "🎮".repeat(128),
  );
  // Surrounding spaces are trimmed before counting, as for every variable.
  assert.equal(
    loadDispatchConfig({ ...BASE, ACTIVITY_NAME: ` ${"a".repeat(128)} ` })
      .activityName,
    "a".repeat(128),
  );
});

Deno.test("dispatch config: the other presence variables (STATUS, ACTIVITY_TYPE) are checked at load too", () => {
  assertRefused({ STATUS: "Online" }, "STATUS", /one of online, dnd/);
  assertRefused({ STATUS: "away" }, "STATUS", /one of online, dnd/);
  for (const type of ["6", "-1", "1.5", "playing"]) {
    assertRefused(
      { ACTIVITY_TYPE: type },
      "ACTIVITY_TYPE",
      /an integer from 0 to 5/,
    );
  }
  const config = loadDispatchConfig({
    ...BASE,
    STATUS: "dnd",
    ACTIVITY_TYPE: "3",
    ACTIVITY_NAME: "the gateway",
  });
  assert.equal(config.status, "dnd");
  assert.equal(config.activityType, 3);
  assert.equal(config.activityName, "the gateway");
});

Deno.test("dispatch config: STATE_MEMBER_TTL and STATE_MESSAGE_TTL past 10 years are refused at load, not 'Invalid time value' at the first cache write", () => {
  const max = 315_576_000_000; // 10 years of 365.25 days, in ms
  for (const name of ["STATE_MEMBER_TTL", "STATE_MESSAGE_TTL"]) {
    for (
      const value of [
        "9007199254740991",
        "8640000000000001",
        String(max + 1),
        "99999999999999999999",
      ]
    ) {
      assertRefused(
        { [name]: value },
        name,
        new RegExp(
          `^${name} must be milliseconds from 0 .* to ${max} \\(10 years\\)`,
        ),
      );
    }
    assertRefused({ [name]: "-1" }, name, /from 0/);
    assertRefused({ [name]: "1e3" }, name, /from 0/);
  }
  const config = loadDispatchConfig({
    ...BASE,
    STATE_MEMBER_TTL: String(max),
    STATE_MESSAGE_TTL: "0",
  });
  assert.equal(config.stateMemberTtl, max);
  assert.equal(config.stateMessageTtl, 0);
  // The largest is safe on the path the service gives it: seconds for the
  // store, whose expiry time is a twilight-dispatch timestamp with a
  // four-digit year (what both programs' sweeps parse).
  const seconds = resolveTtl({ members: config.stateMemberTtl / 1000 })
    .members!;
  assert.match(
    expiryTime(Date.now() + seconds * 1000),
    /^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}"$/,
  );
});

Deno.test("dispatch config: REDIS_HOST takes a hostname, an IPv4 or an IPv6 address, bare or bracketed; RABBIT_HOST the first two", () => {
  const accepted: [string, string][] = [
    ["redis", "redis"],
    ["my_redis", "my_redis"],
    ["Redis-1.internal.example.com", "Redis-1.internal.example.com"],
    ["redis.example.com.", "redis.example.com."],
    ["localhost", "localhost"],
    ["127.0.0.1", "127.0.0.1"],
    ["10.0.0.255", "10.0.0.255"],
    ["::1", "::1"],
    ["[::1]", "::1"],
    ["2001:db8::8a2e:370:7334", "2001:db8::8a2e:370:7334"],
    ["[2001:DB8:0:0:0:0:0:1]", "2001:DB8:0:0:0:0:0:1"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
    ["a".repeat(63), "a".repeat(63)],
  ];
  for (const [value, host] of accepted) {
    const ipv6 = host.includes(":");
    if (ipv6) {
      // The AMQP client dials an IPv6 URL host with its brackets on.
      assertRefused({ RABBIT_HOST: value }, "RABBIT_HOST", /IPv6/);
    }
    const config = loadDispatchConfig({
      ...BASE,
      REDIS_HOST: value,
      ...(ipv6 ? {} : { RABBIT_HOST: value }),
    });
    assert.equal(config.redisHost, host, value);
    if (!ipv6) assert.equal(config.rabbitHost, host, value);
    // Every accepted host makes a URL with the configured port.
    for (
      const url of [
        `redis://${urlHostPort(config.redisHost, config.redisPort)}/0`,
        ...(ipv6 ? [] : [
          `amqp://guest:guest@${
            urlHostPort(config.rabbitHost, config.rabbitPort)
          }?heartbeat=10`,
        ]),
      ]
    ) {
      const parsed = new URL(url);
      if (host.includes(":")) {
        assert.match(parsed.hostname, /^\[[0-9a-f:.]+\]$/, url);
      } else {
        assert.equal(parsed.hostname, host, url);
      }
      assert.match(parsed.port, /^(6379|5672)$/, url);
    }
  }
});

Deno.test("dispatch config: a REDIS_HOST or RABBIT_HOST that is no host is refused at load, naming the variable", () => {
  const refused = [
    "a b", // "Invalid URL" later, naming nothing
    "127.0.0.1/x", // the path swallowed REDIS_PORT
    "redis:6380", // the port belongs in REDIS_PORT
    "redis://redis",
    "user@redis",
    "[::1",
    "::1]",
    "[redis]",
    "[127.0.0.1]",
    ":::1",
    "1::2::3",
    "fe80::1%eth0",
    "2001:db8::g",
    "999.0.0.1",
    "1.2.3",
    "1.2.3.4.5",
    "01.2.3.4",
    "redis.123",
    "-redis",
    "redis-",
    "a..b",
    ".redis",
    "a".repeat(64),
    `${"a".repeat(60)}.`.repeat(5),
    "bücher.example",
    "redis\u0000",
  ];
  for (const name of ["REDIS_HOST", "RABBIT_HOST"]) {
    for (const value of refused) {
      assertRefused(
        { [name]: value },
        name,
        new RegExp(
          `^${name} must be a hostname, an IPv4 address or an IPv6 address`,
        ),
      );
    }
  }
});

Deno.test("dispatch config: credentials written into REDIS_HOST or RABBIT_HOST are refused without being shown", () => {
  for (const prefix of ["REDIS", "RABBIT"]) {
    const name = `${prefix}_HOST`;
    const error = assertRefused(
      { [name]: "bot:Hunter2secret@redis.internal" },
      name,
      new RegExp(`set ${prefix}_USERNAME and ${prefix}_PASSWORD instead$`),
    );
    assert.ok(!error.message.includes("Hunter2secret"), error.message);
    assert.ok(!error.message.includes("bot:"), error.message);
  }
});

Deno.test("dispatch config: urlHostPort brackets an IPv6 address for a URL and leaves other hosts as they are", () => {
  assert.equal(urlHostPort("::1", 6379), "[::1]:6379");
  assert.equal(urlHostPort("[::1]", 6379), "[::1]:6379");
  assert.equal(urlHostPort("2001:db8::1", 5672), "[2001:db8::1]:5672");
  assert.equal(urlHostPort("127.0.0.1", 5672), "127.0.0.1:5672");
  assert.equal(urlHostPort("rabbitmq", 5672), "rabbitmq:5672");
});

Deno.test("dispatch config: a BOT_TOKEN with a character no HTTP header takes is refused at load, without showing the token", () => {
  const secret = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secretsecretsecret";
  const cases: [string, RegExp][] = [
    [
      `${secret.slice(0, 10)} ${secret.slice(10)}`,
      /whitespace at character 11/,
    ],
    [`${secret}\tmore`, /whitespace at character 51/],
    [`${secret}\nmore`, /whitespace at character 51/],
    [`${secret}\u0000`, /a control character at character 51/],
    [`${secret}\u007f`, /a control character at character 51/],
    [`${secret}\u0101`, /a non-ASCII character at character 51/],
    [`${secret}\u00e9`, /a non-ASCII character at character 51/],
    [`\u200b${secret}`, /a non-ASCII character at character 1/],
    [`${secret}🔑`, /a non-ASCII character at character 51/],
    [`Bot  ${secret} x`, /whitespace at character 51/],
  ];
  for (const [token, where] of cases) {
    const error = assertRefused(
      { BOT_TOKEN: token },
      "BOT_TOKEN",
      /^BOT_TOKEN must be the bot token from the developer portal, visible ASCII characters/,
    );
    assert.match(error.message, where, JSON.stringify(token));
    for (const part of token.split(/[^A-Za-z0-9.]+/)) {
      if (part.length > 3) assert.ok(!error.message.includes(part), part);
    }
  }
  // A leading "Bot " is dropped, as the REST client does; IDENTIFY takes
  // the token alone.
  assert.equal(
    loadDispatchConfig({ ...BASE, BOT_TOKEN: `Bot ${secret}` }).token,
    secret,
  );
  const { token } = loadDispatchConfig({ ...BASE, BOT_TOKEN: ` ${secret} ` });
  assert.equal(token, secret);
  new Headers({ Authorization: `Bot ${token}` });
});

Deno.test("dispatch config and service: Deno.inspect and console.log show no token or password; the fields, a spread copy and JSON keep them", () => {
  const secrets = {
    BOT_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.tokentokentoken",
    RABBIT_PASSWORD: "rabbit-secret-pw",
    REDIS_PASSWORD: "redis-secret-pw",
  };
  const config = loadDispatchConfig({ ...BASE, ...secrets });
  const given = { ...config }; // A plain object, as an embedder may build.
  const service = new DispatchService(given);
  const shown = [
    Deno.inspect(config),
    Deno.inspect(service),
    Deno.inspect(service.config),
    Deno.inspect({ nested: [service, config] }, { depth: 10 }),
    Deno.inspect(config, { colors: true, compact: false }),
  ];
  for (const text of shown) {
    for (const secret of Object.values(secrets)) {
      assert.ok(!text.includes(secret), `${secret} in ${text}`);
    }
    // deno-lint-ignore no-control-regex -- the colours' escapes
    assert.match(text.replace(/\x1b\[\d+m/g, ""), /token: "\*\*\*"/);
  }
  assert.match(shown[0]!, /rabbitPassword: "\*\*\*"/);
  assert.match(shown[0]!, /redisPassword: "\*\*\*"/);
  assert.match(shown[0]!, /rabbitUsername: "guest"/, "the rest as it is");
  assert.match(shown[1]!, /^DispatchService \{/);
  // Read as fields, the secrets are there; nothing else changed.
  assert.equal(config.token, secrets.BOT_TOKEN);
  assert.equal(service.config.rabbitPassword, secrets.RABBIT_PASSWORD);
  assert.equal(service.config.redisPassword, secrets.REDIS_PASSWORD);
  assert.deepEqual(service.config, given);
  assert.deepEqual(Object.keys(config), Object.keys(given));
  assert.equal(JSON.parse(JSON.stringify(config)).token, secrets.BOT_TOKEN);
  // An unset password is shown unset.
  const bare = loadDispatchConfig(BASE);
  assert.match(Deno.inspect(bare), /redisPassword: undefined/);
});

Deno.test("dispatch config: a value with a line break stays a one-line message", () => {
  assertRefused(
    { REDIS_HOST: "redis\nRABBIT_HOST=x" },
    "REDIS_HOST",
    /current value 'redis\\nRABBIT_HOST=x'$/,
  );
});

Deno.test("dispatch service: a BOT_TOKEN no HTTP header takes stops it at start with one line naming BOT_TOKEN, not the token", async () => {
  const output = await serviceOutput(
    { BOT_TOKEN: "secret\u0101token", INTENTS: "513" },
  );
  assert.equal(output.code, 1);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.match(
    stderr,
    /^Configuration error: BOT_TOKEN must be the bot token from the developer portal, .*: it holds a non-ASCII character at character 7 \(the token is not shown\)$/,
  );
  assert.ok(!stderr.includes("secret") && !stderr.includes("token'"));
});

Deno.test("dispatch config: the starting presence puts a custom status (ACTIVITY_TYPE=4) in `state`, where Discord shows it; other types by name", () => {
  const presence = (env: Record<string, string>) =>
    startingPresence(loadDispatchConfig({ ...BASE, ...env }));
  assert.deepEqual(presence({ ACTIVITY_TYPE: "4", ACTIVITY_NAME: "On call" }), {
    since: null,
    activities: [{ name: "Custom Status", type: 4, state: "On call" }],
    status: "online",
    afk: false,
  });
  assert.deepEqual(
    presence({ ACTIVITY_TYPE: "3", ACTIVITY_NAME: "the logs", STATUS: "idle" }),
    {
      since: null,
      activities: [{ name: "the logs", type: 3 }],
      status: "idle",
      afk: false,
    },
  );
  assert.deepEqual(presence({ ACTIVITY_TYPE: "4" }).activities, []);
});
