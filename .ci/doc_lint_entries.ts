/**
 * `deno doc --lint` on each entry point of deno.json's `exports`, one at a
 * time: JSR scores every entry on its own, and a type an entry's signatures
 * use but only another entry exports passes a combined run while failing
 * alone. Reads the entries from deno.json, so a new entry is checked as
 * soon as it is added there.
 *
 * Run with `deno task lint` (also a step of `.ci/run` and `deno task ok`).
 *
 * @module
 */

/** The entry files of deno.json's `exports`, in order. */
export async function entryFiles(
  configPath: string | URL = new URL("../deno.json", import.meta.url),
): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(configPath)) as {
    exports?: string | Record<string, string>;
  };
  const exports = config.exports ?? {};
  return typeof exports === "string" ? [exports] : Object.values(exports);
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const failed: string[] = [];
  for (const entry of await entryFiles()) {
    const { code } = await new Deno.Command("deno", {
      args: ["doc", "--lint", entry],
      cwd: root,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) failed.push(entry);
  }
  if (failed.length > 0) {
    // deno-lint-ignore no-console -- the CI step's verdict
    console.error(`deno doc --lint failed for: ${failed.join(", ")}`);
    Deno.exit(1);
  }
}
