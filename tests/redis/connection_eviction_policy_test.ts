// A Redis with `maxmemory` and an evicting `maxmemory-policy` dropped the
// library's keys without a word: the dispatch service's saved sessions
// vanished and a restart identified instead of resuming (events lost), and
// leases, identify pacing and cache keys went the same way. A connection
// now says so once, from the ready check's own INFO (no command more).
import assert from "node:assert/strict";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import {
  parseMemoryPolicy,
  warnIfEvicting,
} from "../../redis/_eviction_policy.ts";
import { respFake, workingRedis } from "./_resp_fake.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { within } from "../_fakes/watchdog.ts";

const server = testRedis();

/** An `INFO` answer as Redis 7 gives it, with this memory limit and policy. */
function info(maxmemory: string, policy: string): string {
  return [
    "# Server",
    "run_id:0123456789abcdef",
    "# Memory",
    "used_memory:1000000",
    "maxmemory_human:0B",
    `maxmemory:${maxmemory}`,
    `maxmemory_policy:${policy}`,
    "# Persistence",
    "loading:0",
    "",
  ].join("\r\n");
}

Deno.test("parseMemoryPolicy reads maxmemory and maxmemory_policy from INFO, and only a whole answer", () => {
  assert.deepEqual(parseMemoryPolicy(info("104857600", "allkeys-lru")), {
    maxmemory: 104857600,
    policy: "allkeys-lru",
  });
  assert.deepEqual(parseMemoryPolicy(info("0", "noeviction")), {
    maxmemory: 0,
    policy: "noeviction",
  });
  // `maxmemory_human` and `maxmemory_policy` are not `maxmemory`.
  assert.deepEqual(
    parseMemoryPolicy("maxmemory_policy:volatile-ttl\nmaxmemory:5\n"),
    { maxmemory: 5, policy: "volatile-ttl" },
  );
  assert.equal(parseMemoryPolicy("# Server\r\nrun_id:abc\r\n"), undefined);
  assert.equal(parseMemoryPolicy(info("lots", "allkeys-lru")), undefined);
  assert.equal(parseMemoryPolicy(info("100", "")), undefined);
  assert.equal(parseMemoryPolicy("maxmemory:100\r\n"), undefined);
  assert.equal(parseMemoryPolicy(undefined), undefined);
  assert.equal(parseMemoryPolicy(["maxmemory:1"]), undefined);
});

Deno.test("warnIfEvicting: an evicting policy under a limit is one warning naming it, what is lost and the fix; anything else is quiet", async () => {
  const url = "redis://127.0.0.1:6379";
  const lines = await captureStderr(() =>
    assert.equal(warnIfEvicting(info("104857600", "allkeys-lru"), url), true)
  );
  assert.equal(lines.length, 1, lines.join("\n"));
  const line = lines[0]!;
  assert.match(
    line,
    /^\[WRN\] disruption·redis: Redis at redis:\/\/127\.0\.0\.1:6379 may evict keys/,
  );
  assert.match(line, /maxmemory 104857600 bytes, maxmemory-policy allkeys-lru/);
  for (const lost of ["sessions", "leases", "identify pacing", "cache"]) {
    assert.ok(line.includes(lost), `${lost} not named: ${line}`);
  }
  assert.match(line, /Set maxmemory-policy noeviction, or no maxmemory/);

  const quiet = await captureStderr(() => {
    for (
      const answer of [
        info("104857600", "noeviction"),
        info("0", "allkeys-lru"),
        info("0", "volatile-lru"),
        "garbage\r\nmore garbage",
        info("-1", "allkeys-lru"),
        undefined, // INFO refused by an ACL
      ]
    ) {
      assert.equal(warnIfEvicting(answer, url), false, String(answer));
    }
  });
  assert.deepEqual(quiet, []);
});

Deno.test("connectRedis: a server that may evict keys is said once at connect, from the ready check's INFO, and the connection is usable", async () => {
  let infos = 0;
  const fake = respFake((command) => {
    if (command[0]?.toUpperCase() !== "INFO") return workingRedis(command);
    infos++;
    const text = info("1048576", "volatile-lru");
    return `$${text.length}\r\n${text}\r\n`;
  });
  try {
    const url = `redis://127.0.0.1:${fake.port}`;
    const lines = await captureStderr(async () => {
      const redis = await connectRedis({ url, connectTimeout: 2_000 });
      try {
        assert.equal(redis.status, "ready");
        await redis.ping();
      } finally {
        await closeRedis(redis);
      }
    });
    const warnings = lines.filter((line) => line.includes("may evict keys"));
    assert.equal(warnings.length, 1, lines.join("\n"));
    assert.ok(warnings[0]!.includes(`Redis at ${url} may evict keys`));
    assert.ok(warnings[0]!.includes("maxmemory-policy volatile-lru"));
    // The ready check's INFO and, for the session's run_id, INFO server:
    // no INFO of its own that a connect could wait on, or leave unanswered.
    assert.equal(infos, 2);
    await within(fake.allClosed(), "the client to close its socket", 3_000);
  } finally {
    await fake.close();
  }
});

Deno.test("connectRedis: the eviction warning names the Redis URL with its password redacted", async () => {
  const fake = respFake((command) => {
    const name = command[0]?.toUpperCase();
    if (name === "AUTH") return "+OK\r\n";
    if (name !== "INFO") return workingRedis(command);
    const text = info("1048576", "allkeys-lru");
    return `$${text.length}\r\n${text}\r\n`;
  });
  try {
    const url = `redis://default:hunter2secret@127.0.0.1:${fake.port}`;
    const lines = await captureStderr(async () => {
      await closeRedis(await connectRedis({ url, connectTimeout: 2_000 }));
    });
    const warnings = lines.filter((line) => line.includes("may evict keys"));
    assert.equal(warnings.length, 1, lines.join("\n"));
    assert.ok(!warnings[0]!.includes("hunter2secret"), warnings[0]);
    assert.ok(warnings[0]!.includes(`127.0.0.1:${fake.port}`), warnings[0]);
  } finally {
    await fake.close();
  }
});

Deno.test({
  name:
    "connectRedis: the test Redis (noeviction, as CI runs it) says nothing of eviction",
  ignore: server.ignore,
  fn: async () => {
    const lines = await captureStderr(async () => {
      const redis = await connectRedis({ url: server.url });
      try {
        assert.equal(redis.status, "ready");
        await redis.ping();
      } finally {
        await closeRedis(redis);
      }
    });
    assert.deepEqual(lines, []);
  },
});
