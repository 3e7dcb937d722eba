// Test files run in parallel against one Redis server, and the tests that
// need a clean database empty theirs (FLUSHDB) before and after: two files
// on one database number empty each other's data mid-test, a failure that
// shows only now and then. This reads every test file's database selections
// (`redisStoreTest(name, N, …)`, `url.pathname = "/N"` or `` `/${N}` ``,
// `` `${…url…}/${N}` ``, `REDIS_DB = N`, `.select(N)`, `db: N`) and checks
// that each number belongs to one file. N may be a number or a name: a
// constant of the file, or one imported from a helper (the helper's number:
// the files sharing it share it through that helper, as the service tests
// do under their names lock). A name it cannot resolve fails the check: a
// helper taking the number as an argument (`/${database}`) went unseen, and
// its file shared database 11 with the service tests.
import assert from "node:assert/strict";
import { tsFiles } from "./_ts_files.ts";

const ROOT = new URL("../../", import.meta.url);

/** This file: its examples below are not database selections. */
const SELF = "tests/ci/redis_databases_test.ts";

/**
 * The helpers whose call sites are read (`redisStoreTest(name, N, …)`):
 * their own use of that parameter is checked there, not in the helper.
 */
const CHECKED_HELPERS = ["redisStoreTest"];

/** Each way to pick a database; group 1 is its number, a name, or more. */
const DATABASE_USES = [
  /redisStoreTest\(\s*(?:"(?:[^"\\]|\\.)*"|`[^`]*`|'[^']*'),\s*([^,\s]+)\s*,/g,
  /pathname\s*=(?!=)\s*([^;\n]+)/g,
  /`\$\{[^}]*(?:redis|url)[^}]*\}\/\$\{([^}]+)\}`/gi,
  /REDIS_DB\s*=\s*(\d+)/g,
  /\.select\(\s*([^,()]+?)\s*\)/g,
  /\bdb\s*:\s*([^,}\n]+?)\s*[,}\n]/g,
];

/** What the selections of `files` (path → text) say. */
interface DatabaseOwners {
  /** Each database number, with the files picking it. */
  owners: Map<string, Set<string>>;
  /** Selections whose number is not known: `name in file`. */
  unknown: string[];
}

/** The selections of every file of `files` (path → text). */
function databaseOwners(files: ReadonlyMap<string, string>): DatabaseOwners {
  const owners = new Map<string, Set<string>>();
  const unknown: string[] = [];
  const own = (database: string, file: string) => {
    // Database 0 is everyone's (random key prefixes, never emptied).
    if (database === "0") return;
    const owning = owners.get(database) ?? new Set<string>();
    owning.add(file);
    owners.set(database, owning);
  };
  for (const [file, text] of files) {
    if (file === SELF) continue;
    for (const pattern of DATABASE_USES) {
      for (const match of text.matchAll(pattern)) {
        const name = pathOf(match[1]!.trim());
        const picked = resolve(files, file, text, name);
        if (picked === "checked") continue;
        if (picked === undefined) unknown.push(`${name} in ${file}`);
        else own(picked.database, picked.file);
      }
    }
  }
  return { owners, unknown };
}

/**
 * A pathname's database, as a number or a name (`"/4"`: 4, `` `/${n}` ``:
 * n, `""`: 0); anything else as it is (a name, or unknown).
 */
function pathOf(value: string): string {
  const literal = /^(["'`])\/?(\d*)\1$/.exec(value);
  if (literal !== null) return literal[2] === "" ? "0" : literal[2]!;
  return /^`\/\$\{\s*(\w+)\s*\}`$/.exec(value)?.[1] ?? value;
}

/**
 * The number `name` stands for in `file`, and the file owning it: a number,
 * a constant of the file, one imported from a relative module; `"checked"`
 * for a checked helper's parameter; undefined when unknown.
 */
function resolve(
  files: ReadonlyMap<string, string>,
  file: string,
  text: string,
  name: string,
): { database: string; file: string } | "checked" | undefined {
  if (/^\d+$/.test(name)) return { database: name, file };
  if (!/^\w+$/.test(name)) return undefined;
  const constant = new RegExp(
    `const\\s+${name}\\s*(?::\\s*\\w+\\s*)?=\\s*(\\d+)`,
  );
  const own = text.match(constant)?.[1];
  if (own !== undefined) return { database: own, file };
  const imported = new RegExp(
    `import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*"(\\.[^"]+)"`,
  ).exec(text)?.[1];
  if (imported !== undefined) {
    const from = new URL(imported, `file:///${file}`).pathname.slice(1);
    const database = files.get(from)?.match(constant)?.[1];
    return database === undefined ? undefined : { database, file: from };
  }
  const parameter = CHECKED_HELPERS.some((helper) =>
    new RegExp(`function\\s+${helper}\\s*\\([^)]*?\\b${name}\\s*:`).test(text)
  );
  return parameter ? "checked" : undefined;
}

Deno.test("Each Redis database number is used by one test file only", async () => {
  const files = new Map<string, string>();
  for (const file of await tsFiles(new URL("tests/", ROOT), "tests/")) {
    files.set(file, await Deno.readTextFile(new URL(file, ROOT)));
  }
  const { owners, unknown } = databaseOwners(files);
  // The check finds what it looks for (a pattern gone stale would pass).
  assert.ok(owners.size >= 10, `found ${owners.size} database numbers`);
  const shared = [...owners]
    .filter(([, owning]) => owning.size > 1)
    .map(([database, owning]) => `${database}: ${[...owning].join(", ")}`);
  assert.deepEqual(shared, []);
  assert.deepEqual(unknown, [], "database numbers this check cannot read");
});

Deno.test("The database check reads a number passed through a helper, a template, select() or db:, and fails on one it cannot resolve", () => {
  const { owners, unknown } = databaseOwners(
    new Map([
      // The helper of redisStoreTest: its parameter is read at call sites.
      [
        "tests/cache/_redis_database.ts",
        "export function redisStoreTest(\n  name: string,\n  database: number,\n" +
        ") {\n  url.pathname = `/${database}`;\n}",
      ],
      ["tests/cache/a_test.ts", 'redisStoreTest("a", 3, async () => {});'],
      // A helper of the file's own (database 11 went unseen this way).
      [
        "tests/cache/b_test.ts",
        "function twoWriters(name: string, database: number) {\n" +
        '  url.pathname = `/${database}`;\n}\ntwoWriters("b", 11);',
      ],
      [
        "tests/dispatch/_harness.ts",
        "export const REDIS_DB = 11;\nexport const OTHER = 12;",
      ],
      [
        "tests/dispatch/c_test.ts",
        'import { OTHER, REDIS_DB } from "./_harness.ts";\n' +
        "url.pathname = `/${REDIS_DB}`;\nnew Redis(`${redisUrl}/${OTHER}`);",
      ],
      [
        "tests/redis/d_test.ts",
        "await redis.select(3);\nawait redis.select(n);\n" +
        "connect({ db: 14 });\nconnect({ db: pick() });\nu.pathname = path;",
      ],
    ]),
  );
  assert.deepEqual(
    Object.fromEntries([...owners].map(([n, owning]) => [n, [...owning]])),
    {
      3: ["tests/cache/a_test.ts", "tests/redis/d_test.ts"],
      11: ["tests/dispatch/_harness.ts"],
      12: ["tests/dispatch/_harness.ts"],
      14: ["tests/redis/d_test.ts"],
    },
  );
  assert.deepEqual(unknown, [
    "database in tests/cache/b_test.ts",
    "path in tests/redis/d_test.ts",
    "n in tests/redis/d_test.ts",
    "pick() in tests/redis/d_test.ts",
  ]);
});
