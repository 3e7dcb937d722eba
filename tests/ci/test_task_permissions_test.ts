// The tests write only under Deno.makeTempDir, which follows TMPDIR: the
// test task's permissions must allow that directory wherever it points
// (macOS's is under /var/folders, never /tmp).
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

/** The `--allow-*` flags of deno.json's `test` task. */
async function testTaskPermissions(): Promise<string[]> {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  ) as { tasks: { test: { command: string } } };
  return config.tasks.test.command.split(/\s+/).filter((word) =>
    word.startsWith("--allow-")
  );
}

Deno.test("deno task test lets a test write a temp dir when TMPDIR is not under /tmp", async () => {
  const permissions = await testTaskPermissions();
  assert.ok(permissions.length > 0, "the test task grants permissions");
  // /var/tmp: a temp directory outside /tmp on Linux and macOS alike.
  const tmpdir = await Deno.makeTempDir({
    dir: "/var/tmp",
    prefix: "disruption_tmpdir_",
  });
  try {
    const child = new Deno.Command("deno", {
      args: ["run", ...permissions, "-"],
      env: { TMPDIR: tmpdir, NO_COLOR: "1", FORCE_COLOR: "" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(
      new TextEncoder().encode(
        'const dir = Deno.makeTempDirSync();\nDeno.writeTextFileSync(`${dir}/file`, "x");\nconsole.log(dir);\n',
      ),
    );
    await writer.close();
    const output = await child.output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    const made = new TextDecoder().decode(output.stdout).trim();
    assert.ok(made.startsWith(`${tmpdir}/`), made);
  } finally {
    await Deno.remove(tmpdir, { recursive: true });
  }
});
