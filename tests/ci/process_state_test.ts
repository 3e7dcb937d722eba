import assert from "node:assert/strict";
import { tsFiles } from "./_ts_files.ts";

const TESTS = new URL("../", import.meta.url);

Deno.test("No test changes the process environment or working directory (test files run in parallel and share them)", async () => {
  // ARCHITECTURE.md promises this; a test that needs another environment
  // passes it to a subprocess (`new Deno.Command(..., { env })`) or takes it
  // as a parameter of the code under test.
  const changes = /\bDeno\.(env\.(set|delete)|chdir)\s*\(/;
  const offenders: string[] = [];
  for (const file of await tsFiles(TESTS, "")) {
    const text = await Deno.readTextFile(new URL(file, TESTS));
    text.split("\n").forEach((line, index) => {
      if (changes.test(line)) offenders.push(`tests/${file}:${index + 1}`);
    });
  }
  assert.deepEqual(offenders, []);
});
