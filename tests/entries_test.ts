import assert from "node:assert/strict";
import { entryFiles } from "../.ci/doc_lint_entries.ts";

const ROOT = new URL("../", import.meta.url);

/** Library internals that no entry point may export. */
const INTERNALS = [
  "peekFrame",
  "createInflater",
  "SendRateLimiter",
  "OrderedRunner",
  "ShardContext",
  "RateLimiter",
  "parseRoute",
  "delay",
  "backoffDelay",
  "closeAction",
  "closePolicy",
  "redactPath",
  "decideAnswer",
  "flattenErrors",
  "handlerMethodName",
  "getVisibleLogger",
  "closestName",
  "TOKEN_HELP",
];

async function exportedNames(entry: string): Promise<Set<string>> {
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: ["doc", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const doc = JSON.parse(new TextDecoder().decode(stdout)) as {
    nodes: Record<string, { symbols: { name: string }[] }>;
  };
  return new Set(
    Object.values(doc.nodes).flatMap((node) =>
      node.symbols.map((symbol) => symbol.name)
    ),
  );
}

Deno.test("Every entry point names what it exports: no export * and no internals", async () => {
  const entries = await entryFiles();
  assert.ok(entries.length >= 6);
  for (const entry of entries) {
    const text = await Deno.readTextFile(new URL(entry, ROOT));
    assert.doesNotMatch(text, /^export (type )?\*/m, `${entry} uses export *`);
    const names = await exportedNames(entry);
    const leaked = INTERNALS.filter((name) => names.has(name));
    assert.deepEqual(leaked, [], `${entry} exports internals`);
  }
});

Deno.test("The root entry is the library's face: Client, Handler, intents, the gateway and REST, not the test kit", async () => {
  const names = await exportedNames("mod.ts");
  for (
    const name of [
      "Client",
      "ClientStoppedError",
      "Handler",
      "HandlerError",
      "GatewayIntent",
      "MessageCreateDispatch",
      "Shard",
      "ShardManager",
      "GatewayError",
      "RestClient",
      "DiscordApiError",
      "KvSessionStore",
      "shardsForProcess",
      "PermissionFlags",
    ]
  ) {
    assert.ok(names.has(name), `mod.ts should export ${name}`);
  }
  assert.ok(!names.has("FakeDiscord"));
});

Deno.test("Each entry point passes deno doc --lint on its own", async () => {
  for (const entry of await entryFiles()) {
    const { code, stderr } = await new Deno.Command("deno", {
      args: ["doc", "--lint", entry],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    assert.equal(code, 0, `${entry}:\n${new TextDecoder().decode(stderr)}`);
  }
});
