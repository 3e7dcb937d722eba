// Dispatch config at the edges an operator relies on and mutation testing
// found unpinned: every default as the README's contract lists it, the
// words a flag takes, the ranges of ports, REDIS_DB, SHARDS_* and CLUSTERS
// at both ends, every STATUS and LOG_LEVEL, hosts just inside and outside
// what is taken, the Redis URL with a user and no password,
// SHARDS_CONCURRENCY only lowering Discord's, a STATE_*_TTL named when the
// cache is off, and control characters of a refused value shown escaped.
import assert from "node:assert/strict";
import {
  ConfigError,
  identifyPace,
  ignoredStateSettings,
  loadDispatchConfig,
  redisUrl,
} from "../../dispatch/config.ts";
import { assertRefused, BASE } from "./_config_refused.ts";

Deno.test("dispatch config: with only BOT_TOKEN and INTENTS, every other value is the README's default", () => {
  assert.deepEqual({ ...loadDispatchConfig(BASE) }, {
    token: "t",
    intents: 513,
    shardsStart: undefined,
    shardsEnd: undefined,
    shardsTotal: undefined,
    shardsConcurrency: undefined,
    shardsWait: 6,
    clusters: 1,
    defaultQueue: true,
    resume: true,
    largeThreshold: 50,
    status: "online",
    activityType: 0,
    activityName: "",
    logChannel: undefined,
    logGuildChannel: undefined,
    stateEnabled: false,
    stateMember: false,
    stateMemberTtl: 0,
    stateMessage: false,
    stateMessageTtl: 0,
    statePresence: false,
    stateEmoji: false,
    stateVoice: false,
    stateOld: false,
    rabbitHost: "127.0.0.1",
    rabbitPort: 5672,
    rabbitUsername: "guest",
    rabbitPassword: "guest",
    redisHost: "127.0.0.1",
    redisPort: 6379,
    redisDb: 0,
    redisUsername: undefined,
    redisPassword: undefined,
    prometheusHost: "0.0.0.0",
    prometheusPort: 8005,
    compress: "none",
    discordApiUrl: "https://discord.com/api/v10",
    publishBuffer: 10_000,
    publishBufferBytes: 268_435_456,
    logLevel: "info",
  });
});

Deno.test("dispatch config: each STATE_* flag sets its own field", () => {
  const fields = {
    STATE_ENABLED: "stateEnabled",
    STATE_MEMBER: "stateMember",
    STATE_MESSAGE: "stateMessage",
    STATE_PRESENCE: "statePresence",
    STATE_EMOJI: "stateEmoji",
    STATE_VOICE: "stateVoice",
    STATE_OLD: "stateOld",
  } as const;
  for (const [variable, field] of Object.entries(fields)) {
    const config = loadDispatchConfig({ ...BASE, [variable]: "true" });
    for (const other of Object.values(fields)) {
      assert.equal(config[other], other === field, `${variable}: ${other}`);
    }
  }
  const ttls = loadDispatchConfig({
    ...BASE,
    STATE_MEMBER_TTL: "1000",
    STATE_MESSAGE_TTL: "2000",
  });
  assert.equal(ttls.stateMemberTtl, 1000);
  assert.equal(ttls.stateMessageTtl, 2000);
});

Deno.test("dispatch config: a flag takes true/1/yes/on and false/0/no/off in any case, and nothing else", () => {
  for (const value of ["true", "1", "yes", "on", "TRUE", "On", "Yes"]) {
    assert.equal(
      loadDispatchConfig({ ...BASE, RESUME: value }).resume,
      true,
      value,
    );
  }
  for (const value of ["false", "0", "no", "off", "FALSE", "Off", "No"]) {
    assert.equal(
      loadDispatchConfig({ ...BASE, STATE_ENABLED: "true", RESUME: value })
        .resume,
      false,
      value,
    );
  }
  for (const value of ["2", "enabled", "y", "t"]) {
    assertRefused({ RESUME: value }, "RESUME");
  }
});

Deno.test("dispatch config: an IPv4 host has four octets of at most 255 and no final dot; a hostname at most 253 characters", () => {
  for (const value of ["255.255.255.255", "0.0.0.0"]) {
    assert.equal(
      loadDispatchConfig({ ...BASE, REDIS_HOST: value }).redisHost,
      value,
    );
  }
  for (const value of ["256.0.0.1", "1.2.3.256", "1.2.3.4."]) {
    assertRefused({ REDIS_HOST: value }, "REDIS_HOST");
    assertRefused({ RABBIT_HOST: value }, "RABBIT_HOST");
  }
  // Four labels of 63 and one of 1 (dots included): 253, then 254.
  const longest = `${"a".repeat(63)}.`.repeat(3) + "a".repeat(61);
  assert.equal(longest.length, 253);
  assert.equal(
    loadDispatchConfig({ ...BASE, REDIS_HOST: longest }).redisHost,
    longest,
  );
  assertRefused({ REDIS_HOST: `${longest}a` }, "REDIS_HOST");
});

Deno.test("dispatch config: an IPv6 REDIS_HOST cannot close its brackets early to carry a port or path", () => {
  // `http://[::1]:6380/[::1]/` is a valid URL: only the characters an
  // address has keep it from being taken, with redis://[…]:6379 reading
  // port 6380.
  for (const value of ["::1]:6380/[::1", "[::1]:6380/[::1]", "::1]@x[::1"]) {
    assertRefused({ REDIS_HOST: value }, "REDIS_HOST");
  }
});

Deno.test("dispatch config: redisUrl with a REDIS_USERNAME and no password logs in as that user", () => {
  const config = loadDispatchConfig({ ...BASE, REDIS_USERNAME: "bot" });
  assert.equal(redisUrl(config), "redis://bot@127.0.0.1:6379/0");
  assert.equal(new URL(redisUrl(config)).username, "bot");
  assert.equal(
    redisUrl(loadDispatchConfig({ ...BASE, REDIS_PASSWORD: "pw" })),
    "redis://:pw@127.0.0.1:6379/0",
  );
  assert.equal(redisUrl(loadDispatchConfig(BASE)), "redis://127.0.0.1:6379/0");
});

Deno.test("dispatch config: SHARDS_CONCURRENCY lowers Discord's max_concurrency and never raises it", () => {
  const limit = {
    total: 1000,
    remaining: 990,
    reset_after: 5,
    max_concurrency: 16,
  };
  assert.deepEqual(identifyPace(4, limit), {
    maxConcurrency: 4,
    sessionStartLimit: { ...limit, max_concurrency: 4 },
  });
  assert.deepEqual(identifyPace(32, limit), {
    maxConcurrency: 16,
    sessionStartLimit: limit,
  });
  assert.deepEqual(identifyPace(undefined, limit), {
    maxConcurrency: 16,
    sessionStartLimit: limit,
  });
});

Deno.test("dispatch config: STATE_MEMBER_TTL and STATE_MESSAGE_TTL set without STATE_ENABLED are named as doing nothing", () => {
  const config = loadDispatchConfig({
    ...BASE,
    STATE_MEMBER_TTL: "60000",
    STATE_MESSAGE_TTL: "1",
  });
  assert.deepEqual(ignoredStateSettings(config), [
    "STATE_MEMBER_TTL",
    "STATE_MESSAGE_TTL",
  ]);
  assert.deepEqual(
    ignoredStateSettings(
      loadDispatchConfig({
        ...BASE,
        STATE_ENABLED: "1",
        STATE_MEMBER_TTL: "5",
      }),
    ),
    [],
  );
});

Deno.test("dispatch config: SHARDS_TOTAL of 0 is refused, naming it", () => {
  assertRefused({ SHARDS_TOTAL: "0" }, "SHARDS_TOTAL");
  assert.equal(
    loadDispatchConfig({ ...BASE, SHARDS_TOTAL: "1" }).shardsTotal,
    1,
  );
});

Deno.test("dispatch config: SHARDS_START past the last shard id is refused naming SHARDS_START, even without SHARDS_TOTAL", () => {
  assertRefused({ SHARDS_START: "65536" }, "SHARDS_START");
  assertRefused(
    { SHARDS_START: "65536", SHARDS_TOTAL: "65536" },
    "SHARDS_START",
  );
});

Deno.test("dispatch config: SHARDS_START equal to SHARDS_END runs that one shard", () => {
  const config = loadDispatchConfig({
    ...BASE,
    SHARDS_START: "2",
    SHARDS_END: "2",
    SHARDS_TOTAL: "4",
  });
  assert.equal(config.shardsStart, 2);
  assert.equal(config.shardsEnd, 2);
  assertRefused(
    { SHARDS_START: "3", SHARDS_END: "2", SHARDS_TOTAL: "4" },
    "SHARDS_START",
  );
});

Deno.test("dispatch config: SHARDS_CONCURRENCY and CLUSTERS of 0 are refused, naming the variable", () => {
  assertRefused({ SHARDS_CONCURRENCY: "0" }, "SHARDS_CONCURRENCY");
  assertRefused({ CLUSTERS: "0" }, "CLUSTERS");
  const config = loadDispatchConfig({
    ...BASE,
    SHARDS_CONCURRENCY: "1",
    CLUSTERS: "1",
    SHARDS_WAIT: "0",
  });
  assert.equal(config.shardsConcurrency, 1);
  assert.equal(config.clusters, 1);
  assert.equal(config.shardsWait, 0);
});

Deno.test("dispatch config: ports run from 1 to 65535 (PROMETHEUS_PORT from 0, any free port), REDIS_DB from 0 to 15", () => {
  for (const name of ["RABBIT_PORT", "REDIS_PORT"]) {
    assertRefused({ [name]: "0" }, name);
    assertRefused({ [name]: "65536" }, name);
  }
  assertRefused({ PROMETHEUS_PORT: "65536" }, "PROMETHEUS_PORT");
  assertRefused({ REDIS_DB: "16" }, "REDIS_DB");
  const config = loadDispatchConfig({
    ...BASE,
    RABBIT_PORT: "65535",
    REDIS_PORT: "65535",
    PROMETHEUS_PORT: "0",
    REDIS_DB: "15",
  });
  assert.equal(config.rabbitPort, 65535);
  assert.equal(config.redisPort, 65535);
  assert.equal(config.prometheusPort, 0);
  assert.equal(config.redisDb, 15);
});

Deno.test("dispatch config: STATUS takes each of Discord's five statuses, LOG_LEVEL each of its six levels", () => {
  for (const status of ["online", "dnd", "idle", "invisible", "offline"]) {
    assert.equal(
      loadDispatchConfig({ ...BASE, STATUS: status }).status,
      status,
    );
  }
  for (
    const level of ["trace", "debug", "info", "warning", "error", "fatal"]
  ) {
    assert.equal(
      loadDispatchConfig({ ...BASE, LOG_LEVEL: level }).logLevel,
      level,
    );
  }
  assertRefused({ LOG_LEVEL: "warn" }, "LOG_LEVEL");
});

Deno.test("dispatch config: a refused value's NUL, escape, unit separator and DEL are shown escaped, not written to the terminal", () => {
  assert.throws(
    () =>
      loadDispatchConfig({
        ...BASE,
        STATUS: "on\u0000\u001b[31m\u001f\u007fx",
      }),
    (error) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(
        error.message,
        String
          .raw`STATUS must be one of online, dnd, idle, invisible, offline: current value 'on\u0000\u001b[31m\u001f\u007fx'`,
      );
      return true;
    },
  );
});
