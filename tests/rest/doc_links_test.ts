// The REST entry's documentation links only what a user can import: a
// `{@link}` to a symbol no entry of deno.json exports is a dead link on
// JSR (RestClient's pointed at RateLimiter, RouteInfo's at parseRoute).
import assert from "node:assert/strict";
import { entryFiles } from "../../.ci/doc_lint_entries.ts";

const ROOT = new URL("../../", import.meta.url);

/** `deno doc --json` of the given modules: their symbols, by module URL. */
async function docNodes(
  ...modules: string[]
): Promise<Record<string, { symbols: { name: string }[] }>> {
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: ["doc", "--json", ...modules],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout)).nodes;
}

Deno.test("The REST entry's JSDoc links only symbols an entry point exports", async () => {
  const exported = new Set(
    Object.values(await docNodes(...await entryFiles())).flatMap((node) =>
      node.symbols.map((symbol) => symbol.name)
    ),
  );
  const rest = JSON.stringify(await docNodes("./rest/mod.ts"));
  const dead = new Set<string>();
  for (
    const [, name] of rest.matchAll(
      /\{@link(?:code|plain)?\s+([A-Za-z_$][\w$]*)/g,
    )
  ) {
    if (!exported.has(name!) && !(name! in globalThis)) dead.add(name!);
  }
  assert.deepEqual([...dead], []);
});
