import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The first `ts` block under "## Quick start", exactly as written. */
async function quickStart(): Promise<string> {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const section = readme.slice(readme.indexOf("\n## Quick start\n"));
  const match = section.match(/\n```ts\n([\s\S]*?)\n```\n/);
  assert.ok(match, "no ts block in the Quick start");
  return match[1]!;
}

Deno.test("README Quick start runs as pasted: without a token it answers !ping from the fake and exits", async () => {
  const code = await quickStart();
  assert.match(code, /if \(import\.meta\.main\)/);
  assert.doesNotMatch(code, /intents: \d/, "intents by GatewayIntent name");
  // Run from stdin in the package folder, so `@disruption/disruption`
  // resolves as it does for a user of the published package.
  const child = new Deno.Command("deno", {
    args: [
      "run",
      "--no-check",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      "-",
    ],
    cwd: ROOT.pathname,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { DISCORD_TOKEN: "", NO_COLOR: "1", FORCE_COLOR: "" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(code));
  await writer.close();
  const { code: exitCode, stdout, stderr } = await child.output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(exitCode, 0, err);
  assert.equal(new TextDecoder().decode(stdout), "!ping was answered: pong\n");
  assert.equal(err, "");
});

Deno.test("README and the other docs stand alone: no links into ../shared", async () => {
  const files = ["mod.ts"];
  for await (const entry of Deno.readDir(ROOT)) {
    if (entry.isFile && entry.name.endsWith(".md")) files.push(entry.name);
  }
  assert.ok(files.includes("README.md"));
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    assert.doesNotMatch(text, /\.\.\/shared\//, file);
  }
});
