import assert from "node:assert/strict";

/**
 * A loopback port nothing listens on: port 1 (tcpmux), which no test
 * binds. A port the OS handed out and took back was, in the parallel
 * suite, handed to another test's server meanwhile: the proxy then
 * answered ("unsuccessful tunnel") instead of refusing.
 */
function closedPort(): number {
  return 1;
}

/**
 * Run `example` with a token but no way to Discord: every proxy variable
 * names a closed loopback port, so the connection is refused at once,
 * with or without a network.
 */
async function runUnreachable(
  example: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proxy = `http://127.0.0.1:${closedPort()}`;
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: [
      "run",
      "--no-check",
      "--unstable-kv",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      new URL(`../../examples/${example}`, import.meta.url).pathname,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: {
      DISCORD_TOKEN: "MTIz.not-a-real-token",
      HTTPS_PROXY: proxy,
      https_proxy: proxy,
      HTTP_PROXY: proxy,
      http_proxy: proxy,
      ALL_PROXY: proxy,
      all_proxy: proxy,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      NO_COLOR: "1",
      FORCE_COLOR: "", // Deno lets FORCE_COLOR (set on some CI boxes) beat NO_COLOR
      ...env,
    },
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

const WITH_FAKE =
  "Check the network, or unset DISCORD_TOKEN to run against the embedded fake Discord.";
const WITHOUT_FAKE = "Check the network, and that Discord is up.";

const EXAMPLES: [string, Record<string, string>, RegExp, string][] = [
  ["ping_bot.ts", {}, /GET \/gateway\/bot/, WITH_FAKE],
  ["demo.ts", {}, /GET \/gateway\/bot/, WITH_FAKE],
  ["slash_command_bot.ts", {}, /GET \/gateway\/bot/, WITH_FAKE],
  ["dice_bot.ts", {}, /GET \/applications\/@me/, WITH_FAKE],
  [
    "sharded_bot.ts",
    { SESSION_DB: ":memory:" },
    /GET \/gateway\/bot/,
    WITH_FAKE,
  ],
  [
    "fleet_bot.ts",
    { REDIS_URL: `redis://127.0.0.1:${closedPort()}` },
    /GET \/gateway\/bot/,
    WITHOUT_FAKE,
  ],
  [
    "dice_bot_http.ts",
    { DISCORD_PUBLIC_KEY: "ab".repeat(32), PORT: "0" },
    /GET \/applications\/@me/,
    WITHOUT_FAKE,
  ],
];

Deno.test("examples say in one line that Discord cannot be reached, and exit 1", async (t) => {
  // All at once: each waits out its REST retries (a few seconds).
  const runs = EXAMPLES.map(([example, env]) => runUnreachable(example, env));
  for (const [i, [example, , request, advice]] of EXAMPLES.entries()) {
    await t.step(example, async () => {
      const { code, stderr } = await runs[i]!;
      assert.equal(code, 1, stderr);
      // Past 10 s of retries (a loaded machine, seven runs at once) the
      // Client also says it is still waiting: a line about time, not a
      // second error.
      const lines = stderr.trimEnd().split("\n").filter((line) =>
        !line.includes("start() is waiting for Discord's REST API")
      );
      assert.equal(lines.length, 1, stderr);
      const [line] = lines as [string];
      assert.ok(line.startsWith("Could not reach Discord: "), line);
      assert.match(line, request);
      // The runtime's own reason, not only "fetch failed".
      assert.match(line, /Connection refused/);
      assert.ok(line.endsWith(`. ${advice}`), line);
      assert.ok(!line.includes("not-a-real-token"), line);
    });
  }
});

Deno.test("examples still show in full an error that is not the network's", async () => {
  const { code, stderr } = await runUnreachable("sharded_bot.ts", {
    SESSION_DB: ":memory:",
    PROCESS_COUNT: "two",
  });
  assert.equal(code, 1, stderr);
  assert.ok(!stderr.includes("Could not reach Discord"), stderr);
  assert.match(
    stderr,
    /Uncaught.*RangeError: Cannot run the sharded bot as 'PROCESS_COUNT' must be an integer/,
  );
});
