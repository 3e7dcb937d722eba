// README.md and ARCHITECTURE.md against the code they describe.
import assert from "node:assert/strict";
import { folderFiles } from "./_ts_files.ts";
import { ABOVE_THE_LIBRARY, ALLOWED_IMPORTS } from "../../.ci/check_layers.ts";

const ROOT = new URL("../../", import.meta.url);

/** The text of `heading`'s section of README.md, up to the next `## `. */
async function readmeSection(heading: string): Promise<string> {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README.md has no "## ${heading}"`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

Deno.test("README's Logging table lists every category the library logs under", async () => {
  const folders = [
    ...Object.keys(ALLOWED_IMPORTS).filter((folder) => folder !== "."),
    ...ABOVE_THE_LIBRARY.filter((folder) => folder === "testing"),
  ];
  const used = new Set<string>();
  for (const file of await folderFiles(ROOT, folders)) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    for (
      const [, list] of text.matchAll(/get(?:Visible)?Logger\(\[([^\]]*)\]/g)
    ) {
      const parts = [...list!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
      // The JSDoc example of the visible logger is no category of the library.
      if (parts[0] === "disruption" && parts[1] !== "example") {
        used.add(parts.join("."));
      }
    }
  }
  assert.ok(used.has("disruption.rest"), "the scan found the categories");
  const table = (await readmeSection("Logging")).split("\nLevels:")[0]!;
  const listed = new Set(
    [...table.matchAll(/^\| `(disruption[a-z_.]*)`/gm)].map((m) => m[1]!),
  );
  assert.deepEqual([...used].filter((c) => !listed.has(c)).sort(), []);
  assert.deepEqual([...listed].filter((c) => !used.has(c)).sort(), []);
});

Deno.test("README's sharding example shares one identify queue and whole buckets", async () => {
  const section = await readmeSection("Sharding and restarts");
  const block = /```ts[^\n]*\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  assert.match(block, /shardsForProcess\(/);
  // Two processes, each on its own default queue, meet op 9 (their
  // IDENTIFYs collide); one queue for both paces them together.
  assert.match(block, /identifyQueue: new RedisIdentifyQueue\(/);
  // max_concurrency is known only after GET /gateway/bot: the function form.
  assert.match(
    block,
    /shardIds: \(count, maxConcurrency\) =>\s+shardsForProcess\(count, 0, 2, \{ maxConcurrency \}\)/,
  );
});

Deno.test("ARCHITECTURE.md cites no missing file and calls no existing folder planned", async () => {
  const text = await Deno.readTextFile(new URL("ARCHITECTURE.md", ROOT));
  const missing: string[] = [];
  for (const [name] of text.matchAll(/\b[A-Z][A-Z_]*\.md\b/g)) {
    try {
      await Deno.stat(new URL(name, ROOT));
    } catch {
      missing.push(name);
    }
  }
  assert.deepEqual(missing, []);
  const stale: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    if (!/\bplanned\b/i.test(paragraph)) continue;
    for (const [, folder] of paragraph.matchAll(/`([a-z]+)\/`/g)) {
      try {
        await Deno.stat(new URL(`${folder}/`, ROOT));
        stale.push(`${folder}/`);
      } catch {
        // Not there yet: planned indeed.
      }
    }
  }
  assert.deepEqual(stale, []);
});
