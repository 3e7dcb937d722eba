// A refused `gatewayUrl` was shown with its user info's password (a
// proxy's), and a ws:/wss: URL with user info was taken with the
// credentials silently dropped: the connection sends only the path and the
// Host. The RestClient's `baseUrl` shows `user:***@` and refuses user info.
import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";

const P = "proxyPASSWORDsecret_55";
const base = { token: "t", intents: 0 };

Deno.test("Shard refuses a gatewayUrl that is no ws: or wss: URL without showing its password", () => {
  for (
    const [url, shown] of [
      [`https://user:${P}@gw.example.com/`, "https://user:***@gw.example.com/"],
      [`wss://user:${P}@/`, "wss://user:***@/"],
    ] as [string, string][]
  ) {
    assert.throws(() => new Shard({ ...base, gatewayUrl: url }), {
      name: "TypeError",
      message:
        `Cannot create shard as 'gatewayUrl' must be a ws: or wss: URL: current value 'gatewayUrl=${shown}'`,
    });
  }
});

Deno.test("Shard refuses a gatewayUrl with user info, its password not shown", () => {
  for (
    const [url, shown] of [
      [
        `ws://user:${P}@gw.example.com/?v=10`,
        "ws://user:***@gw.example.com/?v=10",
      ],
      [`wss://user:${P}@gw.example.com`, "wss://user:***@gw.example.com"],
      ["wss://user@gw.example.com", "wss://user@gw.example.com"],
    ] as [string, string][]
  ) {
    assert.throws(
      () => new Shard({ ...base, gatewayUrl: url }),
      (error: unknown) => {
        assert.ok(error instanceof TypeError, String(error));
        assert.ok(!error.message.includes(P), error.message);
        assert.equal(
          error.message,
          `Cannot create shard as 'gatewayUrl' must be a URL without user info (the connection sends none of it; a proxy and its credentials go in HTTPS_PROXY): current value 'gatewayUrl=${shown}'`,
        );
        return true;
      },
    );
  }
  // Without user info, a query is still taken.
  new Shard({ ...base, gatewayUrl: "wss://gw.example.com/?v=10" });
});

Deno.test("Client refuses such a gatewayUrl at construction, its password not shown", async () => {
  const { Client } = await import("../../handler/client.ts");
  for (
    const [url, why] of [
      [`https://user:${P}@gw.example.com/`, "must be a ws: or wss: URL"],
      [`wss://user:${P}@gw.example.com/`, "must be a URL without user info"],
    ] as [string, string][]
  ) {
    assert.throws(
      () => new Client({ ...base, gatewayUrl: url }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.startsWith(
          `Cannot create client as 'gatewayUrl' ${why}`,
        ) &&
        error.message.includes("user:***@") && !error.message.includes(P),
    );
  }
});
