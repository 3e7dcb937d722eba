// What `deno doc --json` says of the project's modules, for the tests that
// read the published API (entries_test.ts, ci/entry_signature_types_test.ts).
import assert from "node:assert/strict";

/** The project's root, where deno.json is. */
const ROOT = new URL("../../", import.meta.url);

/**
 * The doc nodes of `modules` (paths from the project's root), each with its
 * exported symbols as `deno doc --json` lists them.
 */
export async function docNodes<Sym = { name: string }>(
  ...modules: string[]
): Promise<Record<string, { symbols: Sym[] }>> {
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: ["doc", "--json", ...modules],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", FORCE_COLOR: "" },
  }).output();
  assert.equal(
    code,
    0,
    `${modules.join(" ")}:\n${new TextDecoder().decode(stderr)}`,
  );
  const doc = JSON.parse(new TextDecoder().decode(stdout)) as {
    nodes: Record<string, { symbols: Sym[] }>;
  };
  return doc.nodes;
}
