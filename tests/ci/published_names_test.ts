// What a user copies must work outside this repository: the examples the
// README points to import the library by its published names (a `../fleet/
// mod.ts` checks here and fails in a copy, and a path to a file that is no
// entry, `../types/intents.ts`, cannot be imported from JSR at all), and
// the User-Agent sent to Discord names the version deno.json publishes.
import assert from "node:assert/strict";
import { tsFiles } from "./_ts_files.ts";
import { DEFAULT_USER_AGENT } from "../../base/user_agent.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test("the examples import the library by its published names, never by a path into the repository", async () => {
  const files = await tsFiles(new URL("examples/", ROOT), "examples/");
  assert.ok(files.includes("examples/fleet_bot.ts"), "the scan found them");
  const intoRepo: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    for (const [, specifier] of text.matchAll(/\bfrom\s+"([^"]+)"/g)) {
      if (specifier!.startsWith("../")) intoRepo.push(`${file}: ${specifier}`);
    }
  }
  assert.deepEqual(intoRepo, []);
});

Deno.test("the User-Agent names the version deno.json publishes", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  ) as { version: string };
  assert.match(config.version, /^\d+\.\d+\.\d+/);
  assert.ok(
    DEFAULT_USER_AGENT.endsWith(`, ${config.version})`),
    `${DEFAULT_USER_AGENT} does not name ${config.version}`,
  );
});
