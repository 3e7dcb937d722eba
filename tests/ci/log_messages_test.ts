import assert from "node:assert/strict";
import { folderFiles } from "./_ts_files.ts";
import { ABOVE_THE_LIBRARY, ALLOWED_IMPORTS } from "../../.ci/check_layers.ts";

const ROOT = new URL("../../", import.meta.url);

/** A log call's message given as a literal (the first argument). */
const CALL =
  /\b(?:logger|visible|log)\.(?:trace|debug|info|warn|warning|error|fatal)\(\s*("(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)/g;

/**
 * The message's braces that LogTape would read as a placeholder but that
 * name none: `{}`, `{ id: 1 }`, `{"a"` (a literal brace is written `{{`).
 */
function strayBraces(message: string): string[] {
  const unescaped = message.replaceAll("{{", "").replaceAll("}}", "");
  return [...unescaped.matchAll(/\{(?![A-Za-z_][\w.]*\})[^}]*\}?/g)]
    .map((match) => match[0]);
}

Deno.test("strayBraces finds what LogTape would print as undefined, and only that", () => {
  assert.deepEqual(strayBraces("give it `cache: {}` ({method})"), ["{}"]);
  assert.deepEqual(strayBraces("`cache: {{}}` and {shardId}"), []);
  assert.deepEqual(strayBraces("{ id: 1 } and {a.b}"), ["{ id: 1 }"]);
});

Deno.test("No log message of the library has a brace LogTape would print as undefined", async () => {
  const folders = [
    ...Object.keys(ALLOWED_IMPORTS).filter((folder) => folder !== "."),
    ...ABOVE_THE_LIBRARY,
  ];
  const found: string[] = [];
  let messages = 0;
  for (const file of await folderFiles(ROOT, folders)) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    for (const match of text.matchAll(CALL)) {
      messages++;
      for (const stray of strayBraces(match[1]!)) {
        found.push(`${file}: ${stray}`);
      }
    }
  }
  assert.ok(messages > 100, `only ${messages} log messages found`);
  assert.deepEqual(found, []);
});
