// A webhook token in a hand-built path that was not the canonical
// `/webhooks/{id}/{token}` (an empty segment, `Webhooks`, an id that is
// no decimal) was shown in the request's error and the debug bucket line.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { pathToken, redactPath } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

const HOOK = "hookSECRET-hookSECRET_hookSECRET";

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
          headers: {
            "x-ratelimit-bucket": "abc",
            "x-ratelimit-limit": "5",
            "x-ratelimit-remaining": "4",
            "x-ratelimit-reset-after": "1",
          },
        }),
      );
    },
  });
}

Deno.test("a path with an empty segment is refused as not literal, its token not shown", async () => {
  const sent: string[] = [];
  const rest = unknownWebhooks(sent);
  for (
    const path of [
      `//webhooks/3/${HOOK}`,
      `/webhooks//3/${HOOK}`,
      `/webhooks/3//${HOOK}`,
    ]
  ) {
    const error = await rest.request("POST", path, { body: {} }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof TypeError, `${path}: ${error}`);
    assert.match(error.message, /^Cannot send request as 'path'/);
    assert.match(error.message, /no empty segment/);
    assert.ok(!error.message.includes(HOOK), error.message);
  }
  assert.deepEqual(sent, []);
});

Deno.test("a token after any webhooks/<id>/ or interactions/<id>/ is redacted, in any case, and is a secret of the request", async () => {
  for (
    const [path, redacted] of [
      [`/Webhooks/3/${HOOK}`, "/Webhooks/3/:token"],
      [`/webhooks/%33/${HOOK}?wait=true`, "/webhooks/:token/:token?wait=true"],
      [
        `/webhooks/abc/${HOOK}/messages/1`,
        "/webhooks/:token/:token/messages/1",
      ],
      [
        `/INTERACTIONS/x/${HOOK}/callback`,
        "/INTERACTIONS/:token/:token/callback",
      ],
      [`/webhooks/3/${HOOK}`, "/webhooks/3/:token"],
      ["/webhooks/3", "/webhooks/3"],
    ]
  ) {
    assert.equal(redactPath(path!), redacted);
    assert.equal(
      pathToken(path!),
      redacted!.includes(":token") ? HOOK : undefined,
      path,
    );
  }
  await withLogRecords(async (records) => {
    const rest = unknownWebhooks([]);
    for (
      const path of [
        `/Webhooks/3/${HOOK}`,
        `/webhooks/%33/${HOOK}`,
        `/webhooks/abc/${HOOK}`,
      ]
    ) {
      const error = await rest.request("POST", path, { body: {} }).then(
        () => undefined,
        (e) => e,
      );
      assert.ok(error instanceof Error, String(error));
      assert.ok(!error.message.includes(HOOK), error.message);
      assert.match(error.message, /\/:token failed with 404/);
    }
    const lines = records.map((r) =>
      r.message.join("") + JSON.stringify(r.properties)
    );
    assert.ok(
      lines.some((line) => line.includes("uses bucket")),
      "no bucket line",
    );
    for (const line of lines) assert.ok(!line.includes(HOOK), line);
  }, "debug");
});

Deno.test("redactPath hides a token after an empty id, without a leading slash, and every one of several", () => {
  assert.equal(redactPath("/webhooks//tok"), "/webhooks//:token");
  assert.equal(redactPath("webhooks/1/tok"), "webhooks/1/:token");
  assert.equal(
    redactPath("/webhooks/1/a?x=/interactions/2/b"),
    "/webhooks/1/:token?x=/interactions/2/:token",
  );
});
