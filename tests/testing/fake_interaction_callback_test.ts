/**
 * The interaction callback route's answers beyond the response rules:
 * 404 `10062 Unknown interaction` for an interaction FakeDiscord never
 * dispatched, and the interaction callback response of
 * `?with_response=true`.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import type { RestMessage } from "../../rest/payloads.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

const BASE = "https://discord.com/api/v10";

/** POST a callback (no bot token, as a client sends it) and read the answer. */
async function callback(
  fake: FakeRest,
  id: string,
  token: string,
  body: unknown,
  withResponse = false,
): Promise<{ status: number; json: unknown }> {
  const response = await fake.fetch(
    `${BASE}/interactions/${id}/${token}/callback${
      withResponse ? "?with_response=true" : ""
    }`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

Deno.test("FakeDiscord answers a callback for an interaction it never dispatched 404 10062 Unknown interaction, as Discord does", async () => {
  await using discord = await FakeDiscord.start();
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  const refused = await rest.createInteractionResponse(
    "123456789012345678",
    "sometoken",
    { type: 4, data: { content: "hi" } },
  ).catch((error) => error);
  assert.ok(refused instanceof DiscordApiError, String(refused));
  assert.equal(refused.status, 404);
  assert.equal(refused.code, 10062);
  assert.equal(discord.rest.interactionResponses.length, 0);
  assert.equal(discord.rest.messages().length, 0);

  // One it dispatched is answered as before.
  await using client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  client.on("INTERACTION_CREATE", async (interaction) => {
    await rest.createInteractionResponse(interaction.id, interaction.token, {
      type: 4,
      data: { content: "pong" },
    });
  });
  await client.start();
  const answer = await discord.runCommand({ name: "ping" }, {
    unregistered: true,
  });
  assert.deepEqual(answer.body, { type: 4, data: { content: "pong" } });
});

Deno.test('a standalone FakeRest still answers a callback for an unregistered interaction (interactions: "any", the default); "known" refuses it', async () => {
  const lenient = new FakeRest();
  const accepted = await callback(lenient, "5", "t5", {
    type: 4,
    data: { content: "x" },
  });
  assert.equal(accepted.status, 204);
  assert.equal(lenient.messages("0").length, 1);

  const strict = new FakeRest({ interactions: "known" });
  const refused = await callback(strict, "5", "t5", {
    type: 4,
    data: { content: "x" },
  });
  assert.deepEqual(refused, {
    status: 404,
    json: { code: 10062, message: "Unknown interaction" },
  });
  strict.addInteraction({ id: "6", token: "t6", type: 2 });
  const registered = await callback(strict, "6", "t6", { type: 5 });
  assert.equal(registered.status, 204);
});

Deno.test("a callback with ?with_response=true gets 200 and the interaction callback response", async () => {
  const fake = new FakeRest();
  const app = fake.applicationId;
  fake.addInteraction({ id: "10", token: "t10", channelId: "7", type: 2 });
  const answered = await callback(fake, "10", "t10", {
    type: 4,
    data: { content: "pong", flags: 64 },
  }, true);
  assert.equal(answered.status, 200);
  const body = answered.json as {
    interaction: Record<string, unknown>;
    resource: { type: number; message: RestMessage };
  };
  const original = await fake.fetch(
    `${BASE}/webhooks/${app}/t10/messages/@original`,
  );
  const stored = await original.json() as RestMessage;
  assert.deepEqual(body, {
    interaction: {
      id: "10",
      type: 2,
      response_message_id: stored.id,
      response_message_loading: false,
      response_message_ephemeral: true,
    },
    resource: { type: 4, message: stored },
  });
  assert.equal(body.resource.message.content, "pong");

  // A deferral: the loading message, and no message in the resource (the
  // docs: only for CHANNEL_MESSAGE_WITH_SOURCE and UPDATE_MESSAGE).
  fake.addInteraction({ id: "11", token: "t11", channelId: "7", type: 2 });
  const deferred = await callback(fake, "11", "t11", { type: 5 }, true);
  assert.equal(deferred.status, 200);
  const loading = fake.messages("7").at(-1)!;
  assert.deepEqual(deferred.json, {
    interaction: {
      id: "11",
      type: 2,
      response_message_id: loading.id,
      response_message_loading: true,
      response_message_ephemeral: false,
    },
    resource: { type: 5 },
  });

  // UPDATE_MESSAGE on a component's message: the updated message.
  const target = await new RestClient({
    token: "fake-bot-token",
    fetch: fake.fetch,
  }).createMessage("7", { content: "before" }) as RestMessage;
  fake.addInteraction({
    id: "12",
    token: "t12",
    channelId: "7",
    messageId: target.id,
    type: 3,
  });
  const updated = await callback(fake, "12", "t12", {
    type: 7,
    data: { content: "after" },
  }, true);
  const update = updated.json as {
    interaction: Record<string, unknown>;
    resource: { type: number; message: RestMessage };
  };
  assert.equal(updated.status, 200);
  assert.deepEqual(update.interaction, { id: "12", type: 3 });
  assert.equal(update.resource.type, 7);
  assert.equal(update.resource.message.id, target.id);
  assert.equal(update.resource.message.content, "after");

  // Autocomplete: no message at all.
  fake.addInteraction({ id: "13", token: "t13", type: 4 });
  const choices = await callback(fake, "13", "t13", {
    type: 8,
    data: { choices: [] },
  }, true);
  assert.deepEqual(choices, {
    status: 200,
    json: { interaction: { id: "13", type: 4 }, resource: { type: 8 } },
  });

  // Without the query (or with_response=false) the answer stays 204.
  fake.addInteraction({ id: "14", token: "t14", type: 2 });
  const plain = await callback(fake, "14", "t14", { type: 5 });
  assert.deepEqual(plain, { status: 204, json: null });
});
