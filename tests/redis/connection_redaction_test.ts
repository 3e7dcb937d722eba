// What a connection's errors may show: ioredis puts the failed command's
// arguments on its errors (`command: { name, args }`), and the log
// formatter prints them. A password change mid-run logged the password
// (`HELLO 3 AUTH default <password>`), connectRedis's error carried a wrong
// one in its cause, and a save Redis refused (OOM) logged every shard's
// session ID and resume URL with the whole Lua script. Each test checks
// String(error), Deno.inspect(error) (what the log formatter prints) and
// what reached stderr, against a redis-server of its own (a password, a
// maxmemory: the shared test server must keep neither).
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  RedisConnectError,
  RedisSessionStore,
} from "../../redis/mod.ts";
import { redactCommandError } from "../../redis/_redacted_error.ts";
import type { SavedSession } from "../../gateway/mod.ts";
import { getVisibleLogger } from "../../base/visible_logger.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { within } from "../_fakes/watchdog.ts";

// redis-server is there wherever the test server is.
const server = testRedis();

/** Everything of `error` a log line or a crash may print. */
function shown(error: unknown): string {
  return `${String(error)}\n${Deno.inspect(error, { depth: 10 })}`;
}

/** Assert that none of `secrets` is in `text`. */
function assertHidden(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `'${secret}' shown in:\n${text}`);
  }
}

/** Log `error` as the shard manager logs a failed save, on stderr. */
function logged(error: unknown): Promise<string[]> {
  return captureStderr(() => {
    getVisibleLogger(["disruption", "test", "redaction"]).error(
      "Saving sessions failed: {error}",
      { error },
    );
  });
}

const session = (shardId: number, shardCount: number): SavedSession => ({
  shardId,
  shardCount,
  sessionId: `secret-session-${shardId}-0123456789abcdef`,
  sequence: 100,
  resumeUrl: `wss://secret-resume-${shardId}.example`,
  savedAt: 1_764_650_000_123,
});

Deno.test("redactCommandError: AUTH's and HELLO's password becomes ***, any other command's arguments a count; the command's own arguments are untouched", () => {
  const args = ["EVALSHA", "sha", "1", "key", "secret-session"];
  const cases: [name: string, args: unknown[], shown: unknown][] = [
    ["auth", ["pw1"], ["***"]],
    ["auth", ["bot", "pw2"], ["bot", "***"]],
    // A name in capitals (as a caller may send it) is the same command.
    ["AUTH", ["bot", "pw5"], ["bot", "***"]],
    ["hello", ["3", "AUTH", "default", "pw3"], ["3", "AUTH", "default", "***"]],
    ["hello", ["3", "auth", "bot", "pw4", "SETNAME", "x"], [
      "3",
      "auth",
      "bot",
      "***",
      "SETNAME",
      "x",
    ]],
    ["hello", ["3"], ["3"]],
    ["evalsha", args, "(5 arguments, not shown)"],
    ["get", ["k"], "(1 argument, not shown)"],
  ];
  for (const [name, given, expected] of cases) {
    const error = Object.assign(new Error("ERR"), {
      command: { name, args: given },
    });
    assert.equal(redactCommandError(error), error);
    assert.deepEqual(error.command, { name, args: expected });
  }
  assert.deepEqual(args, ["EVALSHA", "sha", "1", "key", "secret-session"]);
  // Anything else passes as it is.
  for (const other of [undefined, "text", new Error("plain")]) {
    assert.equal(redactCommandError(other), other);
  }
});

Deno.test({
  name:
    "connectRedis: a wrong password is in neither the error (its cause's command), its inspection nor stderr",
  ignore: server.ignore,
}, async () => {
  const redis = new PrivateRedis({ password: "right-pw-7c1e" });
  await redis.start();
  try {
    let error: unknown;
    const lines = await captureStderr(async () => {
      error = await connectRedis({
        url: `redis://:wrong-pw-9f3a@127.0.0.1:${redis.port}`,
      }).catch((rejected) => rejected);
    });
    assert.ok(error instanceof RedisConnectError, String(error));
    assert.match(error.message, /WRONGPASS/);
    assertHidden(shown(error), ["wrong-pw-9f3a"]);
    assertHidden([...lines, ...await logged(error)].join("\n"), [
      "wrong-pw-9f3a",
    ]);
    // What failed is still said.
    assert.match(Deno.inspect(error, { depth: 10 }), /name: "hello"/);
  } finally {
    await redis.stop();
  }
});

Deno.test({
  name:
    "RedisSessionStore: after the password changes mid-run, a save's rejection and the connection's error events show neither password",
  ignore: server.ignore,
}, async () => {
  const redis = new PrivateRedis({ password: "old-pw-41d2" });
  await redis.start();
  const admin = await connectRedis({
    url: `redis://:old-pw-41d2@127.0.0.1:${redis.port}`,
  });
  const connection = await connectRedis({
    url: `redis://:old-pw-41d2@127.0.0.1:${redis.port}`,
  });
  try {
    const store = new RedisSessionStore(connection, { key: "test:sessions" });
    await store.save([session(0, 1)]);
    const events: unknown[] = [];
    let rejection: unknown;
    const lines = await captureStderr(async () => {
      // The setup of the reconnect is refused: its error is an event.
      const refused = new Promise<void>((resolve) =>
        connection.on("error", (error: unknown) => {
          events.push(error);
          if (/WRONGPASS/.test(String(error))) resolve();
        })
      );
      await admin.config("SET", "requirepass", "new-pw-83b5");
      const id = String(await connection.client("ID"));
      await admin.client("KILL", "ID", id);
      await within(refused, "the reconnect's AUTH to be refused");
      // Queued now, rejected with the next reconnect's refusal.
      rejection = await within(
        store.save([session(0, 1)]).then(() => undefined, (e) => e),
        "the save to be rejected",
      );
      await closeRedis(connection);
    });
    assert.match(String(rejection), /WRONGPASS/);
    const secrets = ["old-pw-41d2", "new-pw-83b5"];
    assertHidden(shown(rejection), secrets);
    for (const event of events) assertHidden(shown(event), secrets);
    assertHidden([...lines, ...await logged(rejection)].join("\n"), secrets);
  } finally {
    await closeRedis(connection);
    await closeRedis(admin);
    await redis.stop();
  }
});

Deno.test({
  name:
    "RedisSessionStore: a save refused for memory (OOM) shows no session ID or resume URL, and its log line stays short",
  ignore: server.ignore,
}, async () => {
  const redis = new PrivateRedis();
  await redis.start();
  const connection = await connectRedis({ url: redis.url });
  try {
    const store = new RedisSessionStore(connection, { key: "test:sessions" });
    await connection.config("SET", "maxmemory-policy", "noeviction");
    await connection.config("SET", "maxmemory", "1");
    const count = 200;
    const error = await store.save(
      Array.from({ length: count }, (_, shard) => session(shard, count)),
    ).then(() => undefined, (e) => e);
    assert.match(String(error), /OOM/);
    const lines = await logged(error);
    const secrets = ["secret-session-", "secret-resume-"];
    assertHidden(shown(error), secrets);
    assertHidden(lines.join("\n"), secrets);
    // The script and the sessions are not in it: a few lines, not 34 kB.
    const length = lines.join("\n").length;
    assert.ok(length < 2_000, `${length} characters logged`);
    await connection.config("SET", "maxmemory", "0");
  } finally {
    await closeRedis(connection);
    await redis.stop();
  }
});
