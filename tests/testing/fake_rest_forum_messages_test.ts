// A forum (15) or media (16) channel takes posts (threads), not messages:
// Discord answers a message sent straight to one with 400 and code 40058
// "Cannot send a message in a forum channel" (opcodes-and-status-codes).
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { startThreadInForum } from "../../rest/mod.ts";
import { CHANNEL, GUILD, oneChannel } from "./_one_channel.ts";

const FORUM = "100000000000000004";
const MEDIA = "100000000000000005";

Deno.test("FakeRest refuses a message sent straight to a forum or media channel with 400 40058", async () => {
  const { fake, rest } = oneChannel();
  fake.resources.addChannel({ id: FORUM, type: 15, guild_id: GUILD });
  fake.resources.addChannel({ id: MEDIA, type: 16, guild_id: GUILD });
  for (const id of [FORUM, MEDIA]) {
    const error = await rest.createMessage(id, { content: "hello" })
      .catch((e) => e);
    assert.ok(error instanceof DiscordApiError, `${id}: ${error}`);
    assert.deepEqual(
      [error.status, error.code, error.apiMessage],
      [400, 40058, "Cannot send a message in a forum channel"],
    );
    assert.deepEqual(fake.messages(id), []);
  }
  // A post in the forum still carries its first message, and a text
  // channel still takes messages.
  const post = await startThreadInForum(rest, FORUM, {
    name: "post",
    message: { content: "first" },
  });
  assert.deepEqual(fake.messages(post.id).map((m) => m.content), ["first"]);
  const sent = await rest.createMessage(CHANNEL, { content: "text" });
  assert.equal(sent.content, "text");
});
