/**
 * Edits of a Components V2 message in the fake, as on Discord: the flag
 * "can only be set" (message resource, Edit Message), so an edit is checked
 * with the stored flags as well as its own, and a V2 message "can only
 * contain components" whatever the edit sends or leaves in place. The same
 * for every edit path: PATCH of a channel message, PATCH of a webhook
 * message (`@original`) and callback type 7.
 */
import assert from "node:assert/strict";
import { FakeRest } from "../../testing/fake_rest.ts";
import type { RestMessage } from "../../rest/payloads.ts";

import { type JsonAnswer, jsonCall } from "./_one_channel.ts";
const EPHEMERAL = 1 << 6;
const V2 = 1 << 15;
const text = (content: string): Record<string, unknown> => ({
  type: 10,
  content,
});
const rows = (n: number): Record<string, unknown>[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 1,
    components: [{ type: 2, style: 1, custom_id: `b${i}`, label: "b" }],
  }));

function call(
  fake: FakeRest,
  method: string,
  path: string,
  body: unknown,
): Promise<JsonAnswer> {
  return jsonCall(fake, method, path, body);
}

async function v2Message(fake: FakeRest): Promise<RestMessage> {
  const created = await call(fake, "POST", "/channels/1/messages", {
    flags: V2,
    components: [text("hello")],
  });
  assert.equal(created.status, 200);
  return created.json as unknown as RestMessage;
}

Deno.test("FakeRest: editing a V2 message checks the stored flag too, and keeps it", async () => {
  const fake = new FakeRest();
  const message = await v2Message(fake);
  const path = `/channels/1/messages/${message.id}`;

  const noFlags = await call(fake, "PATCH", path, {
    components: [text("edited")],
  });
  assert.equal(noFlags.status, 200, JSON.stringify(noFlags.json));

  const dropFlag = await call(fake, "PATCH", path, {
    flags: 0,
    components: [text("still v2")],
  });
  assert.equal(dropFlag.status, 200, JSON.stringify(dropFlag.json));
  assert.equal(fake.messages("1").at(-1)!.flags! & V2, V2);

  const sixRows = await call(fake, "PATCH", path, { components: rows(6) });
  assert.equal(sixRows.status, 200, JSON.stringify(sixRows.json));
});

Deno.test("FakeRest: a V2 message can only contain components, whatever the edit sends", async () => {
  const fake = new FakeRest();
  const message = await v2Message(fake);
  const path = `/channels/1/messages/${message.id}`;
  for (const field of ["content", "embeds"] as const) {
    const body = field === "content"
      ? { content: "legacy" }
      : { embeds: [{ title: "e" }] };
    const refused = await call(fake, "PATCH", path, body);
    assert.equal(refused.status, 400, field);
    const errors = refused.json.errors as Record<string, unknown>;
    assert.match(
      JSON.stringify(errors[field]),
      /MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2/,
    );
  }
  // Resetting them to empty is what Discord asks for, and passes.
  const reset = await call(fake, "PATCH", path, { content: null, embeds: [] });
  assert.equal(reset.status, 200, JSON.stringify(reset.json));
});

Deno.test("FakeRest: turning a message with content into V2 needs the content reset", async () => {
  const fake = new FakeRest();
  const created = await call(fake, "POST", "/channels/1/messages", {
    content: "legacy text",
  });
  const path = `/channels/1/messages/${created.json.id}`;
  const kept = await call(fake, "PATCH", path, {
    flags: V2,
    components: [text("now v2")],
  });
  assert.equal(kept.status, 400);
  const reset = await call(fake, "PATCH", path, {
    flags: V2,
    content: null,
    components: [text("now v2")],
  });
  assert.equal(reset.status, 200, JSON.stringify(reset.json));
});

Deno.test("FakeRest: editing the original of a V2 response allows V2's 40 components", async () => {
  const fake = new FakeRest();
  fake.addInteraction({ id: "1", token: "t1", channelId: "7", type: 2 });
  const answered = fake.respondToInteraction("1", "t1", {
    type: 4,
    data: { flags: V2, components: [text("hi")] },
  });
  assert.equal(answered.status, 204);
  const original = `/webhooks/${fake.applicationId}/t1/messages/@original`;
  const edited = await call(fake, "PATCH", original, { components: rows(6) });
  assert.equal(edited.status, 200, JSON.stringify(edited.json));
  const content = await call(fake, "PATCH", original, { content: "text" });
  assert.equal(content.status, 400);
});

Deno.test("FakeRest: callback type 7 on a V2 message is checked as V2 from the start", async () => {
  const fake = new FakeRest();
  const message = await v2Message(fake);
  const click = (id: string): void =>
    fake.addInteraction({
      id,
      token: `t${id}`,
      channelId: "1",
      type: 3,
      messageId: message.id,
    });
  click("1");
  const content = fake.respondToInteraction("1", "t1", {
    type: 7,
    data: { content: "legacy" },
  });
  assert.equal(content.status, 400);
  assert.match(
    JSON.stringify(content.body),
    /"data":\{"content":\{"_errors":\[\{"code":"MESSAGE_CANNOT_USE_LEGACY/,
  );
  click("2");
  const noFlags = fake.respondToInteraction("2", "t2", {
    type: 7,
    data: { components: [text("updated")] },
  });
  assert.equal(noFlags.status, 204, JSON.stringify(noFlags.body));
});

Deno.test("FakeRest: an edit's flags cannot make an ephemeral reply public", async () => {
  const fake = new FakeRest();
  const updates: RestMessage[] = [];
  fake.onMessageUpdate = (message) => updates.push(message);
  fake.addInteraction({ id: "1", token: "t1", channelId: "7", type: 2 });
  fake.respondToInteraction("1", "t1", {
    type: 5,
    data: { flags: EPHEMERAL },
  });
  const original = `/webhooks/${fake.applicationId}/t1/messages/@original`;
  const edited = await call(fake, "PATCH", original, {
    flags: V2,
    components: [text("done")],
  });
  assert.equal(edited.status, 200);
  assert.equal(edited.json.flags, EPHEMERAL | V2);
  assert.deepEqual(updates, []);
});

Deno.test("FakeRest: an edit through a webhook's own token is checked as the other edits are", async () => {
  const fake = new FakeRest();
  fake.resources.addChannel({ id: "1", type: 0, guild_id: "10" });
  const hook = await call(fake, "POST", "/channels/1/webhooks", { name: "h" });
  assert.equal(hook.status, 200, JSON.stringify(hook.json));
  const base = `/webhooks/${hook.json.id}/${hook.json.token}`;
  const sent = await call(fake, "POST", `${base}?wait=true`, {
    flags: V2,
    components: [text("hello")],
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.json));
  const path = `${base}/messages/${sent.json.id}`;
  const refused = await call(fake, "PATCH", path, { content: "legacy" });
  assert.equal(refused.status, 400, JSON.stringify(refused.json));
  const edited = await call(fake, "PATCH", path, {
    components: [text("edited")],
  });
  assert.equal(edited.status, 200, JSON.stringify(edited.json));
});
