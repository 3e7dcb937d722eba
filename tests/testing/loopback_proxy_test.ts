import assert from "node:assert/strict";
import { loopbackProxyWarning } from "../../testing/_loopback_proxy.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("The loopback fake names a proxy that NO_PROXY does not bypass for 127.0.0.1", () => {
  assert.equal(loopbackProxyWarning(env({})), undefined);
  assert.match(
    loopbackProxyWarning(env({ HTTPS_PROXY: "http://proxy.test:3128" }))!,
    /NO_PROXY=127\.0\.0\.1/,
  );
  assert.ok(
    loopbackProxyWarning(
      env({ http_proxy: "http://p:1", NO_PROXY: "localhost" }),
    ),
  );
  assert.equal(
    loopbackProxyWarning(
      env({ HTTP_PROXY: "http://p:1", NO_PROXY: "localhost, 127.0.0.1" }),
    ),
    undefined,
  );
  assert.equal(
    loopbackProxyWarning(env({ ALL_PROXY: "http://p:1", no_proxy: "*" })),
    undefined,
  );
});

Deno.test("FakeDiscord on loopback says so on stderr when a proxy would take its connections", async () => {
  // A subprocess: the proxy is its environment, not this process's.
  const fakeDiscord = new URL("../../testing/fake_discord.ts", import.meta.url);
  const { code, stderr } = await new Deno.Command("deno", {
    args: [
      "eval",
      `import { FakeDiscord } from "${fakeDiscord.href}";
       await using discord = await FakeDiscord.start({ loopback: true });`,
    ],
    env: { HTTP_PROXY: "http://127.0.0.1:9", NO_PROXY: "", no_proxy: "" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const printed = new TextDecoder().decode(stderr);
  assert.equal(code, 0, printed);
  assert.match(printed, /A proxy is set .* NO_PROXY=127\.0\.0\.1,localhost/);
});
