import assert from "node:assert/strict";
import { entryFiles } from "../.ci/doc_lint_entries.ts";
import { docNodes } from "./_fakes/deno_doc.ts";

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
  // How RestClient turns `files` into a request: callers pass `files`.
  "prepareUploads",
  "multipartBody",
  "PreparedUpload",
  "UploadLimits",
  // The REST client's own invalid-request cap: nothing takes a guard, and
  // callers set `invalidRequestLimit`.
  "InvalidRequestGuard",
  "InvalidRequestGuardOptions",
  // The cache stores' plumbing: callers pass options and events to a store.
  // (`cacheReads` stays public: `reduceDispatch`'s contract for a store that
  // reads asynchronously is stated in its terms.)
  "resolveCacheOptions",
  "KIND_RESOURCE",
];

/** The names `deno doc` lists for the given modules, by module URL. */
async function exportedNames(entry: string): Promise<Set<string>> {
  return new Set(
    Object.values(await docNodes(entry)).flatMap((node) =>
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

Deno.test("Discord's interaction deadlines have one name each, in ./interactions only", async () => {
  const interactions = await exportedNames("interactions/mod.ts");
  assert.ok(interactions.has("ANSWER_DEADLINE"));
  assert.ok(interactions.has("INTERACTION_TOKEN_LIFETIME"));
  const testing = await exportedNames("testing/mod.ts");
  for (
    const name of [
      "ANSWER_DEADLINE",
      "INTERACTION_RESPONSE_DEADLINE",
      "INTERACTION_TOKEN_LIFETIME",
    ]
  ) {
    assert.ok(!testing.has(name), `testing/mod.ts exports ${name}`);
  }
});

Deno.test("Each entry point passes deno doc --lint on its own", async () => {
  for (const entry of await entryFiles()) {
    const { code, stderr } = await new Deno.Command("deno", {
      args: ["doc", "--lint", entry],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", FORCE_COLOR: "" },
    }).output();
    assert.equal(code, 0, `${entry}:\n${new TextDecoder().decode(stderr)}`);
  }
});

/** What the typed REST route modules (`rest/api/*.ts`) export. */
async function routeNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const item of Deno.readDir(new URL("rest/api", ROOT))) {
    // `_route.ts` holds no route: the option types every call shares.
    if (!item.isFile || !item.name.endsWith(".ts")) continue;
    if (item.name.startsWith("_")) continue;
    for (const name of await exportedNames(`rest/api/${item.name}`)) {
      names.add(name);
    }
  }
  return names;
}

Deno.test("The root entry exports everything the gateway, types, rest and handler entries export, except the REST routes", async () => {
  const root = await exportedNames("mod.ts");
  const routes = await routeNames();
  for (
    const entry of [
      "gateway/mod.ts",
      "types/mod.ts",
      "rest/mod.ts",
      "handler/mod.ts",
    ]
  ) {
    const missing = [...await exportedNames(entry)].filter((name) =>
      !root.has(name) && !routes.has(name)
    );
    assert.deepEqual(missing, [], `mod.ts lacks what ${entry} exports`);
  }
});

Deno.test("The typed REST routes (about 170 functions) are imported from ./rest, not crowded into the root", async () => {
  const root = await exportedNames("mod.ts");
  const routes = await routeNames();
  assert.ok(routes.size > 100);
  const inRoot = [...routes].filter((name) => root.has(name));
  assert.deepEqual(inRoot, []);
});

Deno.test("The types entry exports every wire type declared under types/", async () => {
  /** Helpers of the event registry, for the library's own use. */
  const internal = new Set([
    "SnakeToPascalCase",
    "HandlerMethodName",
    "HandlerMethodNames",
    "handlerMethodName",
    "HANDLER_METHOD_NAMES",
    "EVENT_INTENTS",
    "eventDeliverable",
  ]);
  const exported = await exportedNames("types/mod.ts");
  const files: string[] = [];
  for (const folder of ["types", "types/objects"]) {
    for await (const item of Deno.readDir(new URL(folder, ROOT))) {
      if (item.isFile && item.name.endsWith(".ts") && item.name !== "mod.ts") {
        files.push(`${folder}/${item.name}`);
      }
    }
  }
  const missing: string[] = [];
  const nodes = await docNodes(...files.sort());
  for (const [url, node] of Object.entries(nodes)) {
    for (const { name } of node.symbols) {
      if (!internal.has(name) && !exported.has(name)) {
        missing.push(`${name} (${url.slice(ROOT.href.length)})`);
      }
    }
  }
  assert.deepEqual(missing, [], "add them to types/mod.ts");
});

Deno.test("No entry's documentation links a symbol no entry point exports (a dead link on JSR)", async () => {
  const nodes = await docNodes(...await entryFiles());
  const exported = new Set(
    Object.values(nodes).flatMap((node) => node.symbols.map((s) => s.name)),
  );
  const dead = new Set<string>();
  // RestClient's JSDoc once pointed at RateLimiter, RouteInfo's at
  // parseRoute, realScheduler's at clampTimerDelay.
  const links = JSON.stringify(nodes).matchAll(
    /\{@link(?:code|plain)?\s+([A-Za-z_$][\w$]*)/g,
  );
  for (const [, name] of links) {
    if (!exported.has(name!) && !(name! in globalThis)) dead.add(name!);
  }
  assert.deepEqual([...dead], []);
});
