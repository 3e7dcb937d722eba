// Test files run in parallel against one Redis server, and the tests that
// need a clean database empty theirs (FLUSHDB) before and after: two files
// on one database number empty each other's data mid-test, a failure that
// shows only now and then. This reads every test file's database number
// (`redisStoreTest(name, N, …)`, N a number or a constant of the file, `url.pathname = "/N"`, `REDIS_DB = N`) and
// checks that each number belongs to one file.
import assert from "node:assert/strict";
import { tsFiles } from "./_ts_files.ts";

const ROOT = new URL("../../", import.meta.url);

const DATABASE_USES = [
  /redisStoreTest\(\s*(?:"(?:[^"\\]|\\.)*"|`[^`]*`|'[^']*'),\s*(\w+)\s*,/g,
  /pathname\s*=\s*["'`]\/(\d+)["'`]/g,
  /REDIS_DB\s*=\s*(\d+)/g,
];

Deno.test("Each Redis database number is used by one test file only", async () => {
  const owners = new Map<string, Set<string>>();
  for (const file of await tsFiles(new URL("tests/", ROOT), "tests/")) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    for (const pattern of DATABASE_USES) {
      for (const match of text.matchAll(pattern)) {
        // A number given by name (`const DATABASE = 4`) is that number: a
        // file naming its own went unseen, and shared one with another.
        const named = new RegExp(`const\\s+${match[1]}\\s*=\\s*(\\d+)`);
        const database = /^\d+$/.test(match[1]!)
          ? match[1]!
          : text.match(named)?.[1] ?? `unknown (${match[1]} in ${file})`;
        const files = owners.get(database) ?? new Set<string>();
        files.add(file);
        owners.set(database, files);
      }
    }
  }
  // The check finds what it looks for (a pattern gone stale would pass).
  assert.ok(owners.size >= 10, `found ${owners.size} database numbers`);
  const shared = [...owners]
    .filter(([, files]) => files.size > 1)
    .map(([database, files]) => `${database}: ${[...files].join(", ")}`);
  assert.deepEqual(shared, []);
  const unknown = [...owners.keys()].filter((d) => d.startsWith("unknown"));
  assert.deepEqual(unknown, []);
});
