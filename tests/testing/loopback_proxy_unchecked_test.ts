// A loopback FakeDiscord in a process that may not read the proxy
// variables (the kit needs only --allow-net=127.0.0.1) says, once, that it
// could not check them, rather than nothing: the runtime's fetch obeys
// them all the same.
import assert from "node:assert/strict";
import {
  loopbackProxyNotice,
  PROXY_UNCHECKED,
} from "../../testing/_loopback_proxy_unchecked.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("The loopback proxy notice: the warning for a proxy seen, the note once for unreadable variables, nothing when all were read", () => {
  const once = { said: false };
  const refused = () => true;
  assert.equal(loopbackProxyNotice(env({}), refused, once), PROXY_UNCHECKED);
  assert.equal(loopbackProxyNotice(env({}), refused, once), undefined);
  assert.equal(
    loopbackProxyNotice(env({}), () => false, { said: false }),
    undefined,
  );
  assert.match(
    loopbackProxyNotice(env({ HTTP_PROXY: "http://p:1" }), refused, once)!,
    /^A proxy is set/,
  );
  // Only a variable it could not read counts.
  assert.equal(
    loopbackProxyNotice(env({}), (name) => name === "NO_PROXY", {
      said: false,
    }),
    undefined,
  );
});

Deno.test("FakeDiscord on loopback without --allow-env says once on stderr that the proxy variables went unchecked", async () => {
  const fakeDiscord = new URL("../../testing/fake_discord.ts", import.meta.url);
  const child = new Deno.Command("deno", {
    args: ["run", "--allow-net=127.0.0.1", "--ext=ts", "-"],
    cwd: new URL("../../", import.meta.url),
    env: { NO_COLOR: "1", FORCE_COLOR: "" },
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(
      `import { FakeDiscord } from "${fakeDiscord.href}";
       for (let i = 0; i < 2; i++) {
         await (await FakeDiscord.start({ loopback: true })).close();
       }`,
    ),
  );
  await writer.close();
  const { code, stderr } = await child.output();
  const printed = new TextDecoder().decode(stderr);
  assert.equal(code, 0, printed);
  assert.equal(printed.split("could not check the proxy").length, 2, printed);
  assert.match(printed, /without --allow-env.*NO_PROXY=127\.0\.0\.1/);
});
