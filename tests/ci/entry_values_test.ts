// What an entry's page on JSR shows as a class, a function, a const or an
// enum must import as a value from that entry. `export type { X }` of a
// class still lists X as a class in `deno doc`, but `import { X }` and
// `instanceof X` then fail: TS1362 under check, "does not provide an export
// named" at run. The interactions entry documented `@throws
// {ClientStoppedError}` and the REST errors while exporting them type-only.
import assert from "node:assert/strict";
import { entryFiles } from "../../.ci/doc_lint_entries.ts";
import { docNodes } from "../_fakes/deno_doc.ts";

const ROOT = new URL("../../", import.meta.url);

/** The `deno doc` declaration kinds that are values at run time. */
const VALUE_KINDS = new Set(["class", "function", "variable", "enum"]);

/** One exported symbol of `deno doc --json`, as far as this reads it. */
interface DocSymbol {
  name: string;
  declarations: { kind: string }[];
}

/** The names `deno doc` lists for `entry` with a value declaration. */
async function documentedValues(entry: string): Promise<string[]> {
  const nodes = await docNodes<DocSymbol>(entry);
  return Object.values(nodes).flatMap((node) =>
    node.symbols
      .filter((symbol) =>
        symbol.declarations.some((d) => VALUE_KINDS.has(d.kind))
      )
      .map((symbol) => symbol.name)
  );
}

Deno.test("Every class, function, const and enum an entry documents imports from it as a value", async () => {
  const entries = await entryFiles();
  assert.ok(entries.length >= 6);
  const typeOnly: string[] = [];
  let checked = 0;
  for (const entry of entries) {
    const names = await documentedValues(entry);
    checked += names.length;
    const module = await import(new URL(entry, ROOT).href) as Record<
      string,
      unknown
    >;
    for (const name of names) {
      if (!Object.hasOwn(module, name)) typeOnly.push(`${entry}: ${name}`);
    }
  }
  assert.ok(checked > 100, `read ${checked} values from deno doc`);
  assert.deepEqual(
    typeOnly,
    [],
    "export these as values (`export { X }`, not `export type { X }`)",
  );
});
