// A webhook or interaction token passed in an id's place (arguments
// swapped: a Snowflake is a plain string, so TypeScript lets it through)
// was shown: its first 40 characters in the snowflake refusal, and all of
// it in the error and debug line of a hand-built `/webhooks/{token}/{id}`.
// Webhook tokens never expire: none of it may be shown.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { parseRoute, redactPath } from "../../rest/routes.ts";
import {
  executeWebhook,
  getWebhookWithToken,
} from "../../rest/api/webhooks.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

// The shape of a Discord webhook token: 68 URL-safe base64 characters.
const HOOK =
  "hK9x2LmQpR7vT3wYzA1bC4dE6fG8hJ0kN5oP2qS7uV9wX3yZ_aB-cD4eF6gH8iJ0kL2m";
const ID = "1234567890123456789";

/** Whether `text` holds any 12-character run of the token. */
function showsToken(text: string): boolean {
  for (let i = 0; i + 12 <= HOOK.length; i++) {
    if (text.includes(HOOK.slice(i, i + 12))) return true;
  }
  return false;
}

/** A client whose every request is answered 404 Unknown Webhook. */
function unknownWebhooks(sent: string[]): RestClient {
  return new RestClient({
    token: "bot.token.x",
    scheduler: new VirtualScheduler(),
    maxRetries: 0,
    fetch: (input) => {
      sent.push(String(input));
      return Promise.resolve(
        Response.json({ message: "Unknown Webhook", code: 10015 }, {
          status: 404,
        }),
      );
    },
  });
}

Deno.test("a token passed as a typed route's id is refused without showing it", async () => {
  const sent: string[] = [];
  const rest = unknownWebhooks(sent);
  const calls: [string, () => Promise<unknown>][] = [
    ["webhookId", () => executeWebhook(rest, HOOK, ID, { content: "x" })],
    ["webhookId", () => getWebhookWithToken(rest, HOOK, ID)],
    [
      "interactionId",
      () => rest.createInteractionResponse(HOOK, ID, { type: 1 }),
    ],
  ];
  for (const [name, call] of calls) {
    await assert.rejects(call, (error: Error) => {
      assert.ok(error instanceof TypeError, String(error));
      assert.equal(
        error.message,
        `Cannot build route as '${name}' must be a snowflake string: current value is a 68-character string (not shown: it may be a token)`,
      );
      assert.ok(!showsToken(error.message), error.message);
      return true;
    });
  }
  assert.deepEqual(sent, []);
});

Deno.test("a short non-snowflake id is still shown, to find the typo", async () => {
  const rest = unknownWebhooks([]);
  await assert.rejects(() => getWebhookWithToken(rest, "12a", "tok"), {
    name: "TypeError",
    message:
      "Cannot build route as 'webhookId' must be a snowflake string: current value 'webhookId=12a'",
  });
});

Deno.test("a hand-built path with the token in the id's place hides it in the error and the debug line", async () => {
  await withLogRecords(async (records) => {
    const rest = unknownWebhooks([]);
    for (
      const path of [
        `/webhooks/${HOOK}/${ID}`,
        `/webhooks/${HOOK}`,
        `/interactions/${HOOK}/${ID}/callback`,
      ]
    ) {
      const error = await rest.request("POST", path, { body: {} }).then(
        () => undefined,
        (e) => e,
      );
      assert.ok(error instanceof Error, String(error));
      assert.ok(!showsToken(error.message), error.message);
      assert.match(error.message, /^POST \/(webhooks|interactions)\/:token/);
    }
    const lines = records.map((r) =>
      r.message.join("") + JSON.stringify(r.properties)
    );
    assert.ok(lines.length > 0, "no debug line");
    for (const line of lines) assert.ok(!showsToken(line), line);
  }, "debug");
});

Deno.test("redactPath hides a first segment after webhooks/ or interactions/ that is no id", () => {
  for (
    const [path, redacted] of [
      [`/webhooks/${HOOK}/${ID}`, "/webhooks/:token/:token"],
      [`/webhooks/${HOOK}`, "/webhooks/:token"],
      [`/webhooks/${HOOK}?wait=true`, "/webhooks/:token?wait=true"],
      [
        `/Interactions/${HOOK}/1/callback`,
        "/Interactions/:token/:token/callback",
      ],
      [`/webhooks/${ID}/${HOOK}`, `/webhooks/${ID}/:token`],
      [`/webhooks/${ID}`, `/webhooks/${ID}`],
      ["/channels/1/webhooks", "/channels/1/webhooks"],
    ]
  ) {
    assert.equal(redactPath(path!), redacted, path);
  }
  // Route keys keep their placeholders.
  assert.equal(
    parseRoute("POST", "/interactions/5/tok/callback").key,
    "POST /interactions/:id/:token/callback",
  );
  assert.equal(
    parseRoute("POST", `/webhooks/${HOOK}/${ID}`).key,
    "POST /webhooks/:token/:token",
  );
});

Deno.test("redactPath hides a token in the id's place that starts with digits or follows a double slash", () => {
  // Base64 tokens may start with digits: only an id that is all digits is
  // one. A path built with an empty segment (`/webhooks/` + "" + `/…`) still
  // carries the token to errors and logs.
  const digitsFirst = `9${HOOK.slice(1)}`;
  for (
    const [path, redacted] of [
      [`/webhooks/${digitsFirst}/${ID}`, "/webhooks/:token/:token"],
      [
        `/interactions/${digitsFirst}/1/callback`,
        "/interactions/:token/:token/callback",
      ],
      [`/webhooks//${HOOK}/${ID}`, "/webhooks//:token/:token"],
    ]
  ) {
    assert.equal(redactPath(path!), redacted, path);
    assert.ok(!showsToken(parseRoute("POST", path!).redactedPath), path);
  }
});

Deno.test("parseRoute's template shows no token passed in the id's place", () => {
  const route = parseRoute("PATCH", `/webhooks/${HOOK}/${ID}`);
  assert.equal(route.template, "PATCH /webhooks/:token/:token");
  assert.ok(!showsToken(route.key), route.key);
});
