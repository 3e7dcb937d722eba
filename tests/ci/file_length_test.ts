import assert from "node:assert/strict";
import { folderFiles } from "./_ts_files.ts";
import { ABOVE_THE_LIBRARY, ALLOWED_IMPORTS } from "../../.ci/check_layers.ts";

const ROOT = new URL("../../", import.meta.url);
const LIMIT = 800;
const REASON = /Why one file of over 800 lines/;

Deno.test(`No published module is over ${LIMIT} lines without saying why at its top`, async () => {
  // The library folders the layer check knows, and the published fakes.
  const folders = [
    ...Object.keys(ALLOWED_IMPORTS).filter((folder) => folder !== "."),
    ...ABOVE_THE_LIBRARY.filter((folder) => folder === "testing"),
  ];
  const unexplained: string[] = [];
  for (const file of await folderFiles(ROOT, folders)) {
    const lines = (await Deno.readTextFile(new URL(file, ROOT))).split("\n");
    if (lines.length <= LIMIT) continue;
    const header = lines.slice(0, 40).join("\n");
    if (!REASON.test(header)) unexplained.push(`${file} (${lines.length})`);
  }
  assert.deepEqual(unexplained, []);
});
