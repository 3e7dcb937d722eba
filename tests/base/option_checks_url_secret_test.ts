// A URL option refused for its protocol or shape was echoed with the
// password of its user info (a proxy's credentials), into logs.
import assert from "node:assert/strict";
import {
  assertUrlOption,
  redactUrlPassword,
} from "../../base/option_checks.ts";
import { RestClient } from "../../rest/rest_client.ts";

Deno.test("assertUrlOption: a refused URL's password is not shown; the option and the rest of the URL are", () => {
  assert.throws(
    () =>
      assertUrlOption("REST client", "baseUrl", "ftp://user:pw-S3CRET@h/api", [
        "http:",
        "https:",
      ]),
    {
      name: "TypeError",
      message:
        "Cannot create REST client as 'baseUrl' must be an http: or https: URL: current value 'baseUrl=ftp://user:***@h/api'",
    },
  );
  assert.throws(
    () => new RestClient({ token: "t", baseUrl: "ftp://u:pw-S3CRET@h/api" }),
    (error: unknown) =>
      error instanceof TypeError && /'baseUrl=ftp:\/\/u:\*\*\*@h\/api'/.test(
        error.message,
      ) && !error.message.includes("S3CRET"),
  );
});

Deno.test("redactUrlPassword: user info is masked however the scheme is written, or without one", () => {
  for (
    const [url, redacted] of [
      ["https://user:pw@h:99999/api", "https://user:***@h:99999/api"],
      ["htps://user:pw@h/api", "htps://user:***@h/api"],
      ["user:pw@h:6428", "user:***@h:6428"],
      [":pw@h/0", "***@h/0"],
      ["pw@h", "***@h"],
      ["redis:/user:pw@h", "redis:/***@h"],
      ["redis:user:pw@h", "redis:***@h"],
      ["redis//user:pw@h", "***@h"],
      ["https:\\\\user:pw@h", "https:\\\\***@h"],
      // Nothing to hide: kept.
      ["https://discord.com/api/v10", "https://discord.com/api/v10"],
      ["redis://bot@h:1", "redis://bot@h:1"],
      ["not a url", "not a url"],
    ]
  ) {
    assert.equal(redactUrlPassword(url!), redacted, url);
  }
});

Deno.test("redactUrlPassword hides a password holding an '@' or a newline, behind a tab in '://' or an upper-case scheme", () => {
  assert.equal(redactUrlPassword("redis://u:p@ss@h:1"), "redis://u:***@h:1");
  assert.ok(!redactUrlPassword("redis://u:pa\nss@h").includes("ss"));
  assert.ok(!redactUrlPassword("u:pa\nss@h").includes("ss"));
  assert.ok(!redactUrlPassword("redis:\t//u:pw@h").includes("pw"));
  assert.equal(redactUrlPassword("REDIS://u:pw@h"), "REDIS://u:***@h");
});

Deno.test("assertUrlOption refuses a URL object: the option takes the URL's text", () => {
  assert.throws(
    () =>
      assertUrlOption("REST client", "baseUrl", new URL("https://h/api"), [
        "https:",
      ]),
    {
      name: "TypeError",
      message:
        "Cannot create REST client as 'baseUrl' must be an https: URL: current value 'baseUrl=URL'",
    },
  );
});
