/**
 * Message rules the fake holds to as Discord does: `enforce_nonce` returns
 * the earlier message, only the author edits a message's content, only
 * the documented flags are set on create, and autocomplete choices have
 * Discord's lengths.
 */
import assert from "node:assert/strict";
import type { RestMessage } from "../../rest/payloads.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { CHANNEL, GUILD, jsonCall } from "./_one_channel.ts";

/** A FakeRest on a virtual clock with `CHANNEL`, counting MESSAGE_CREATEs. */
function scene(): {
  fake: FakeRest;
  clock: VirtualScheduler;
  created: RestMessage[];
} {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ scheduler: clock });
  fake.resources.addGuild({ id: GUILD, name: "Guild" });
  fake.resources.addChannel({ id: CHANNEL, type: 0, guild_id: GUILD });
  const created: RestMessage[] = [];
  fake.onMessageCreate = (message) => created.push(message);
  return { fake, clock, created };
}

const messages = `/channels/${CHANNEL}/messages`;

Deno.test("FakeRest: enforce_nonce returns the earlier message instead of a second one", async () => {
  const { fake, clock, created } = scene();
  const body = { content: "once", nonce: "abc", enforce_nonce: true };
  const first = await jsonCall(fake, "POST", messages, body);
  const again = await jsonCall(fake, "POST", messages, body);
  assert.equal(first.status, 200);
  assert.equal(again.status, 200);
  assert.equal(again.json.id, first.json.id);
  assert.equal(fake.messages(CHANNEL).length, 1);
  assert.equal(created.length, 1);

  // Without enforce_nonce the nonce is only echoed: a second message.
  const plain = await jsonCall(fake, "POST", messages, {
    content: "once",
    nonce: "abc",
  });
  assert.notEqual(plain.json.id, first.json.id);
  assert.equal(fake.messages(CHANNEL).length, 2);

  // The check covers "the past few minutes" only.
  await clock.advance(10 * 60_000);
  const later = await jsonCall(fake, "POST", messages, body);
  assert.notEqual(later.json.id, first.json.id);
  assert.equal(fake.messages(CHANNEL).length, 3);
});

Deno.test("FakeRest: the bot cannot edit another user's message content (50005)", async () => {
  const { fake } = scene();
  fake.addMessage({
    id: "777",
    channel_id: CHANNEL,
    author: {
      id: "42",
      username: "someone",
      discriminator: "0",
      global_name: null,
      avatar: null,
    },
    content: "user text",
    timestamp: "2025-01-01T00:00:00.000Z",
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: 0,
    components: [],
  });
  const path = `${messages}/777`;
  const refused = await jsonCall(fake, "PATCH", path, { content: "rewritten" });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.code, 50005);
  assert.equal(
    refused.json.message,
    "Cannot edit a message authored by another user",
  );
  const embeds = await jsonCall(fake, "PATCH", path, {
    flags: 4,
    embeds: [],
  });
  assert.equal(embeds.status, 403);
  assert.equal(fake.messages(CHANNEL)[0]!.content, "user text");

  // Flags alone (SUPPRESS_EMBEDS) are what others may edit.
  const suppressed = await jsonCall(fake, "PATCH", path, { flags: 4 });
  assert.equal(suppressed.status, 200);
  assert.equal(suppressed.json.flags, 4);

  // The bot's own message stays editable.
  const own = await jsonCall(fake, "POST", messages, { content: "mine" });
  const edited = await jsonCall(fake, "PATCH", `${messages}/${own.json.id}`, {
    content: "still mine",
  });
  assert.equal(edited.status, 200);
  assert.equal(edited.json.content, "still mine");
});

Deno.test("FakeRest: Create Message keeps only the flags Discord lets it set", async () => {
  const { fake, created } = scene();
  // EPHEMERAL (64) and SOURCE_MESSAGE_DELETED (8) cannot be set on a
  // channel message; SUPPRESS_EMBEDS (4) and SUPPRESS_NOTIFICATIONS
  // (4096) can.
  const sent = await jsonCall(fake, "POST", messages, {
    content: "public",
    flags: 64 | 8 | 4 | 4096,
  });
  assert.equal(sent.status, 200);
  assert.equal(sent.json.flags, 4 | 4096);
  assert.equal(created.length, 1);
  assert.equal(created[0]!.flags, 4 | 4096);
});

Deno.test("FakeRest: interaction replies and followups keep EPHEMERAL but not other flags", async () => {
  const { fake } = scene();
  fake.addInteraction({ id: "1", token: "tok", channelId: CHANNEL, type: 2 });
  const reply = await jsonCall(
    fake,
    "POST",
    "/interactions/1/tok/callback?with_response=true",
    { type: 4, data: { content: "hi", flags: 64 | 2 | 4 } },
  );
  assert.equal(reply.status, 200);
  assert.equal(reply.json.resource.message.flags, 64 | 4);

  const followup = await jsonCall(
    fake,
    "POST",
    `/webhooks/${fake.applicationId}/tok`,
    { content: "more", flags: 64 | 32 },
  );
  assert.equal(followup.status, 200);
  assert.equal(followup.json.flags, 64);
});

Deno.test("FakeRest: autocomplete choices need a 1-100 character name and a value of at most 100", async () => {
  const { fake } = scene();
  const answer = (id: string, choices: unknown[]) => {
    fake.addInteraction({ id, token: `t${id}`, type: 4 });
    // with_response: a JSON answer when accepted, not a bare 204.
    return jsonCall(
      fake,
      "POST",
      `/interactions/${id}/t${id}/callback?with_response=true`,
      { type: 8, data: { choices } },
    );
  };
  const refused = await answer("1", [
    { name: "ok", value: "ok" },
    { name: "", value: "v" },
    { name: "n".repeat(101), value: "v".repeat(101) },
  ]);
  assert.equal(refused.status, 400);
  assert.equal(refused.json.code, 50035);
  const bad = {
    _errors: [{
      code: "BASE_TYPE_BAD_LENGTH",
      message: "Must be between 1 and 100 in length.",
    }],
  };
  assert.deepEqual(refused.json.errors, {
    data: {
      choices: {
        1: { name: bad },
        2: {
          name: bad,
          value: {
            _errors: [{
              code: "BASE_TYPE_MAX_LENGTH",
              message: "Must be 100 or fewer in length.",
            }],
          },
        },
      },
    },
  });

  // Code points count, as Discord counts them; numbers have no length.
  const accepted = await answer("2", [
    { name: "😀".repeat(100), value: "😀".repeat(100) },
    { name: "n", value: 12345 },
  ]);
  assert.equal(accepted.status, 200);
});

Deno.test("FakeRest: Execute Webhook keeps only its documented flags, so a flags:64 message is public and dispatched", async () => {
  const { fake, created } = scene();
  const hook = await jsonCall(fake, "POST", `/channels/${CHANNEL}/webhooks`, {
    name: "hook",
  });
  const sent = await jsonCall(
    fake,
    "POST",
    `/webhooks/${hook.json.id}/${hook.json.token}?wait=true`,
    { content: "hello", flags: 64 | 4 },
  );
  assert.equal(sent.status, 200);
  assert.equal(sent.json.flags, 4);
  assert.equal(created.length, 1);
});

Deno.test("FakeRest: an edit changes SUPPRESS_EMBEDS only, keeping the other flags the message was created with", async () => {
  const { fake } = scene();
  const posted = await jsonCall(fake, "POST", messages, {
    content: "quiet",
    flags: 4096,
  });
  const edited = await jsonCall(
    fake,
    "PATCH",
    `${messages}/${posted.json.id}`,
    { flags: 4 | 32 | 1 },
  );
  assert.equal(edited.status, 200);
  assert.equal(edited.json.flags, 4096 | 4);
});

Deno.test("FakeRest: an Entry Point command keeps its description (Discord's own example)", async () => {
  const { fake } = scene();
  const put = await jsonCall(
    fake,
    "PUT",
    `/applications/${fake.applicationId}/commands`,
    [{
      name: "launch",
      description: "Launch Racing with Friends",
      type: 4,
      handler: 2,
    }],
  );
  assert.equal(put.status, 200, JSON.stringify(put.json));
});

Deno.test("FakeRest: a forum post's first message is checked as kept, its flags past what a post may set dropped first (v2 components without the flag are refused)", async () => {
  const { fake } = scene();
  const forum = "100000000000000005";
  fake.resources.addChannel({ id: forum, type: 15, guild_id: GUILD });
  const post = await jsonCall(fake, "POST", `/channels/${forum}/threads`, {
    name: "t",
    message: { flags: 32768, components: [{ type: 10, content: "hello" }] },
  });
  assert.equal(post.status, 400, JSON.stringify(post.json));
  const plain = await jsonCall(fake, "POST", `/channels/${forum}/threads`, {
    name: "t",
    message: { content: "hello", flags: 4 | 64 },
  });
  assert.equal(plain.status, 201, JSON.stringify(plain.json));
  assert.equal(plain.json.message.flags, 4);
});
