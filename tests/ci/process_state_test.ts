import assert from "node:assert/strict";

const TESTS = new URL("../", import.meta.url);

/** Every `.ts` file under tests/, as a path relative to tests/. */
async function testFiles(dir = TESTS, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = prefix + entry.name;
    if (entry.isDirectory) {
      files.push(
        ...await testFiles(new URL(`${entry.name}/`, dir), `${path}/`),
      );
    } else if (path.endsWith(".ts")) files.push(path);
  }
  return files;
}

Deno.test("No test changes the process environment or working directory (test files run in parallel and share them)", async () => {
  // ARCHITECTURE.md promises this; a test that needs another environment
  // passes it to a subprocess (`new Deno.Command(..., { env })`) or takes it
  // as a parameter of the code under test.
  const changes = /\bDeno\.(env\.(set|delete)|chdir)\s*\(/;
  const offenders: string[] = [];
  for (const file of await testFiles()) {
    const text = await Deno.readTextFile(new URL(file, TESTS));
    text.split("\n").forEach((line, index) => {
      if (changes.test(line)) offenders.push(`tests/${file}:${index + 1}`);
    });
  }
  assert.deepEqual(offenders, []);
});
