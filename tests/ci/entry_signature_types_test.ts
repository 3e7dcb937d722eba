// Each entry point of deno.json documents itself on its own (JSR shows
// each entry's page apart): every type its public signatures name (a
// parameter, a return, a property, a base class, a `@throws {X}`) is
// exported by that entry, or listed below as another entry's. The handler
// entry re-exported RestClient and said `@throws {RestError}` without
// exporting RestError, RateLimitError or RestClientOptions, and the cache
// entry's RedisCache took a RedisConnection it did not export; `deno doc
// --lint` passes those (it flags only types no module exports).
import assert from "node:assert/strict";
import { entryFiles } from "../../.ci/doc_lint_entries.ts";
import { docNodes } from "../_fakes/deno_doc.ts";

/**
 * TypeScript's type-only names from its own libraries (`Record`, ...): not
 * values, so not on `globalThis` as `RangeError` or `URLSearchParams` are.
 */
const LIB_TYPES = new Set([
  "ArrayBufferLike",
  "ArrayLike",
  "AsyncDisposable",
  "AsyncGenerator",
  "AsyncIterable",
  "AsyncIterableIterator",
  "Awaited",
  "BodyInit",
  "BufferSource",
  "Capitalize",
  "ConstructorParameters",
  "Disposable",
  "ErrorOptions",
  "Exclude",
  "Extract",
  "Generator",
  "HeadersInit",
  "InstanceType",
  "Iterable",
  "IterableIterator",
  "Lowercase",
  "MapIterator",
  "NoInfer",
  "NonNullable",
  "Omit",
  "Parameters",
  "Partial",
  "Pick",
  "PromiseLike",
  "PropertyKey",
  "Readonly",
  "ReadonlyArray",
  "ReadonlyMap",
  "ReadonlySet",
  "ReadableStreamDefaultReader",
  "Record",
  "RegExpExecArray",
  "RequestInit",
  "Required",
  "ReturnType",
  "SetIterator",
  "ThisType",
  "Uncapitalize",
  "Uppercase",
]);

/**
 * Names an entry's signatures use that it leaves to another entry (by its
 * file in deno.json) or to a dependency (`npm:...`), and so documents as
 * coming from there. An entry listed here must still use the name and not
 * export it, and the other entry must export it.
 */
const FROM_ELSEWHERE: Record<string, Record<string, string>> = {
  // The fakes answer with Discord's wire types; a test names them from
  // ./types, as the bot under test does.
  "./testing/mod.ts": {
    Message: "./types/mod.ts",
    MessageCreateDispatch: "./types/mod.ts",
    MessageDeleteDispatch: "./types/mod.ts",
    User: "./types/mod.ts",
  },
  // A RedisConnection is ioredis's client: its own documentation is ioredis's.
  "./cache/mod.ts": { Redis: "npm:ioredis" },
  // ReshardingShards.start() rejects with the gateway's own error.
  "./fleet/mod.ts": { Redis: "npm:ioredis", GatewayError: "./gateway/mod.ts" },
  "./redis/mod.ts": { Redis: "npm:ioredis" },
};

/** One exported symbol of `deno doc --json`, as far as this reads it. */
interface DocSymbol {
  name: string;
  declarations: unknown[];
}

/** What `deno doc --json` lists for one entry file. */
async function docSymbols(entry: string): Promise<DocSymbol[]> {
  const nodes = await docNodes<DocSymbol>(entry);
  return Object.values(nodes).flatMap((node) => node.symbols);
}

/**
 * The type names `node` refers to (qualified ones, `A.B`, whole), and the
 * type parameters it declares (`<T>`, a mapped type's `K`, an
 * `infer U`), which are no reference.
 */
function walk(
  node: unknown,
  refs: Set<string>,
  params: Set<string>,
): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, refs, params);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  const value = record.value as { typeName?: unknown } | undefined;
  if (record.kind === "typeRef" && typeof value?.typeName === "string") {
    refs.add(value.typeName);
  }
  // A class's base is a plain name in `deno doc`'s JSON.
  if (typeof record.extends === "string") refs.add(record.extends);
  const typeParam = record.typeParam as { name?: unknown } | undefined;
  if (typeof typeParam?.name === "string") params.add(typeParam.name);
  if (Array.isArray(record.typeParams)) {
    for (const param of record.typeParams as { name?: unknown }[]) {
      if (typeof param?.name === "string" && !("kind" in param)) {
        params.add(param.name);
      }
    }
  }
  for (const child of Object.values(record)) walk(child, refs, params);
}

/** Whether `name` is the runtime's or TypeScript's own. */
function isGlobal(name: string): boolean {
  return name in globalThis || LIB_TYPES.has(name);
}

/**
 * The name a reference needs exported: `A.B` is `A`'s when `A` is global
 * (`Deno.HttpServer`) or exported, else `B` (`P.ReadyDispatch` through a
 * module's `import type * as P`).
 */
function needed(name: string, own: ReadonlySet<string>): string {
  const parts = name.split(".");
  return isGlobal(parts[0]!) || own.has(parts[0]!) ? parts[0]! : parts.at(-1)!;
}

Deno.test("Every type an entry's public signatures name is exported by that entry, or listed as another entry's", async () => {
  const entries = (await entryFiles()).map((entry) =>
    entry.startsWith("./") ? entry : `./${entry}`
  );
  const symbols = await Promise.all(entries.map(docSymbols));
  const exported = new Map(
    entries.map((entry, i) => [entry, new Set(symbols[i]!.map((s) => s.name))]),
  );
  const missing: string[] = [];
  const stale: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const own = exported.get(entry)!;
    const elsewhere = FROM_ELSEWHERE[entry] ?? {};
    const used = new Map<string, Set<string>>();
    for (const symbol of symbols[i]!) {
      const refs = new Set<string>();
      const params = new Set<string>();
      walk(symbol.declarations, refs, params);
      for (const ref of refs) {
        const name = needed(ref, own);
        if (own.has(name) || params.has(name) || isGlobal(name)) continue;
        used.set(name, (used.get(name) ?? new Set()).add(symbol.name));
      }
    }
    for (const [name, users] of used) {
      const from = elsewhere[name];
      if (from === undefined) {
        missing.push(`${entry}: ${name} (in ${[...users].sort().join(", ")})`);
      } else if (!from.startsWith("npm:") && !exported.get(from)?.has(name)) {
        missing.push(`${entry}: ${name} (listed as ${from}'s, which lacks it)`);
      }
    }
    for (const name of Object.keys(elsewhere)) {
      if (!used.has(name)) stale.push(`${entry}: ${name}`);
    }
  }
  assert.deepEqual(
    missing,
    [],
    "export these from the entry (type-only for types), or list them in FROM_ELSEWHERE with where they come from",
  );
  assert.deepEqual(stale, [], "FROM_ELSEWHERE lists names no longer needed");
});

Deno.test("The signature check finds a type an entry leaves out", () => {
  // RestClient's JSDoc as `deno doc` gives it: a `@throws {RestError}`.
  const refs = new Set<string>();
  const params = new Set<string>();
  walk(
    {
      kind: "class",
      def: {
        extends: "Error",
        typeParams: [{ name: "T" }],
        methods: [{
          functionDef: {
            returnType: {
              kind: "typeRef",
              value: { typeName: "Promise", typeParams: [] },
            },
            params: [{
              tsType: { kind: "typeRef", value: { typeName: "T" } },
            }],
          },
        }],
      },
      jsDoc: {
        tags: [{
          kind: "throws",
          tsType: { kind: "typeRef", value: { typeName: "RestError" } },
        }],
      },
    },
    refs,
    params,
  );
  assert.deepEqual([...refs].sort(), ["Error", "Promise", "RestError", "T"]);
  assert.deepEqual([...params], ["T"]);
  assert.ok(
    isGlobal("Promise") && isGlobal("Record") && !isGlobal("RestError"),
  );
  assert.equal(needed("P.ReadyDispatch", new Set()), "ReadyDispatch");
  assert.equal(needed("Deno.HttpServer", new Set()), "Deno");
});
