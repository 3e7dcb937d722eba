/**
 * A deferred reply (callback type 5) keeps only EPHEMERAL of its flags:
 * "the only valid message flag you may use is EPHEMERAL" (the docs'
 * footnote to type 5), and Discord drops the others rather than refusing
 * them (discord-api-docs PR #7386, issue #7910).
 */
import assert from "node:assert/strict";
import { FakeRest } from "../../testing/fake_rest.ts";
import type { RestMessage } from "../../rest/payloads.ts";

const BASE = "https://discord.com/api/v10";
const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
const SUPPRESS_NOTIFICATIONS = 1 << 12;
const IS_COMPONENTS_V2 = 1 << 15;
const TEXT_DISPLAY = { type: 10, content: "done" };

async function editOriginal(
  fake: FakeRest,
  token: string,
  body: unknown,
): Promise<{ status: number; json: RestMessage }> {
  const response = await fake.fetch(
    `${BASE}/webhooks/${fake.applicationId}/${token}/messages/@original`,
    {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  return { status: response.status, json: await response.json() };
}

Deno.test("FakeRest: a defer keeps EPHEMERAL and drops every other flag, as Discord does", async () => {
  const fake = new FakeRest();
  fake.addInteraction({ id: "1", token: "t1", channelId: "7", type: 2 });
  const answered = fake.respondToInteraction("1", "t1", {
    type: 5,
    data: { flags: EPHEMERAL | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2 },
  });
  assert.equal(answered.status, 204);
  assert.equal(fake.messages("7").at(-1)?.flags, EPHEMERAL | LOADING);

  // Components v2 were not switched on by the defer: the edit must ask.
  const refused = await editOriginal(fake, "t1", {
    components: [TEXT_DISPLAY],
  });
  assert.equal(refused.status, 400);
  const edited = await editOriginal(fake, "t1", {
    components: [TEXT_DISPLAY],
    flags: IS_COMPONENTS_V2,
  });
  assert.equal(edited.status, 200);
  assert.equal(edited.json.components?.length, 1);
});

Deno.test("FakeRest: a public defer asking for other flags stays a plain loading message", () => {
  const fake = new FakeRest();
  fake.addInteraction({ id: "2", token: "t2", channelId: "7", type: 2 });
  fake.respondToInteraction("2", "t2", {
    type: 5,
    data: { flags: SUPPRESS_NOTIFICATIONS },
  });
  assert.equal(fake.messages("7").at(-1)?.flags, LOADING);
});
