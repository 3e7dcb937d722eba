// A DISCORD_API_URL refused at load was echoed with its user info's
// password (a proxy's), into the service's start-up error.
import assert from "node:assert/strict";
import { ConfigError, loadDispatchConfig } from "../../dispatch/config.ts";

Deno.test("dispatch config: a refused DISCORD_API_URL does not show its password", () => {
  for (
    const [url, shown] of [
      [
        "https://user:pw-S3CRET@proxy.local:99999/api/v10",
        "https://user:***@proxy.local:99999/api/v10",
      ],
      [
        "htps://user:pw-S3CRET@proxy.local/api/v10",
        "htps://user:***@proxy.local/api/v10",
      ],
    ]
  ) {
    assert.throws(
      () =>
        loadDispatchConfig({
          BOT_TOKEN: "MTIz.GaBcDe.abc",
          INTENTS: "513",
          DISCORD_API_URL: url!,
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.variable === "DISCORD_API_URL" &&
        error.message.includes(`current value '${shown}'`) &&
        !error.message.includes("S3CRET"),
      url,
    );
  }
});

Deno.test("dispatch config: a DISCORD_API_URL with user info, a query or a fragment is refused naming the variable, not the REST client's 'baseUrl'", () => {
  for (
    const url of [
      "https://user:pw-S3CRET@proxy.local/api/v10",
      "https://proxy.local/api/v10?v=10",
      "https://proxy.local/api/v10#x",
    ]
  ) {
    assert.throws(
      () =>
        loadDispatchConfig({
          BOT_TOKEN: "MTIz.GaBcDe.abc",
          INTENTS: "513",
          DISCORD_API_URL: url,
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.variable === "DISCORD_API_URL" &&
        /no user info, query or fragment/.test(error.message) &&
        !error.message.includes("S3CRET"),
      url,
    );
  }
});
