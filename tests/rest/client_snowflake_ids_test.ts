// RestClient's own methods take ids into their paths as the typed routes
// (rest/api/) do: through base/snowflake.ts. Its own check once took any
// run of digits, so a 30-digit channel id went out in a DELETE that the
// typed getChannelMessage refused.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { getChannelMessage } from "../../rest/api/messages.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

const LONG = "1".repeat(30);

/** The refusal a typed route gives for `name` set to `value`. */
function refusal(name: string, value: string): {
  name: string;
  message: string;
} {
  return {
    name: "TypeError",
    message:
      `Cannot build route as '${name}' must be a snowflake string: current value '${name}=${value}'`,
  };
}

Deno.test("RestClient refuses an id of over 20 digits in every method, as the typed routes do", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  await assert.rejects(
    async () => await getChannelMessage(rest, LONG, "1"),
    refusal("channelId", LONG),
  );
  const calls: [string, () => Promise<unknown>][] = [
    ["channelId", () => rest.createMessage(LONG, { content: "x" })],
    ["messageId", () => rest.editMessage("1", LONG, { content: "x" })],
    ["channelId", () => rest.deleteMessage(LONG, "1")],
    ["messageId", () => rest.deleteMessage("1", LONG)],
    [
      "interactionId",
      () => rest.createInteractionResponse(LONG, "tok", { type: 1 }),
    ],
    ["applicationId", () => rest.getOriginalInteractionResponse(LONG, "tok")],
    [
      "applicationId",
      () => rest.createFollowupMessage(LONG, "tok", { content: "x" }),
    ],
    [
      "messageId",
      () => rest.editFollowupMessage("1", "tok", LONG, { content: "x" }),
    ],
    ["messageId", () => rest.deleteFollowupMessage("1", "tok", LONG)],
    [
      "applicationId",
      () => rest.bulkOverwriteGlobalApplicationCommands(LONG, []),
    ],
    [
      "guildId",
      () => rest.bulkOverwriteGuildApplicationCommands("1", LONG, []),
    ],
  ];
  for (const [name, call] of calls) {
    await assert.rejects(async () => await call(), refusal(name, LONG));
  }
  assert.deepEqual(fake.requests, [], "nothing was sent");
});

Deno.test("RestClient still takes a 20-digit id (the longest snowflake)", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const channel = "9".repeat(20);
  await rest.createMessage(channel, { content: "x" });
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.requests[0]!.path, `/channels/${channel}/messages`);
});
