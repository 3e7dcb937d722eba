// FakeRest checks Get Reactions and Delete All Reactions for Emoji as
// Discord's docs say and as it checks Create Reaction: an emoji that is
// neither Unicode nor name:id answers 400 10014 Unknown Emoji, and Get
// Reactions pages by user id with `after` and a `limit` of 1-100.
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import type { FakeRest } from "../../testing/fake_rest.ts";
import { BASE, CHANNEL, oneChannel } from "./_one_channel.ts";

/** The fake's answer to one call with the bot token. */
async function call(
  fake: FakeRest,
  method: string,
  path: string,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; json: any }> {
  const response = await fake.fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: "Bot fake-bot-token" },
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text === "" ? null : JSON.parse(text),
  };
}

const unknownEmoji = {
  status: 400,
  json: { code: 10014, message: "Unknown Emoji" },
};

Deno.test("FakeRest answers 400 10014 to an emoji that is neither Unicode nor name:id on Get Reactions and Delete All Reactions for Emoji", async () => {
  const { fake, rest } = oneChannel();
  const message = await rest.createMessage(CHANNEL, { content: "react" });
  await api.createReaction(rest, CHANNEL, message.id, "👍");
  const path = `/channels/${CHANNEL}/messages/${message.id}/reactions`;
  for (const name of ["thumbsup", "%3Athumbsup%3A", "1", "bad%3Aemoji"]) {
    for (const method of ["GET", "DELETE"]) {
      assert.deepEqual(
        await call(fake, method, `${path}/${name}`),
        unknownEmoji,
        `${method} ${name}`,
      );
    }
  }
  // The valid ones are still answered.
  assert.equal((await call(fake, "GET", `${path}/party%3A123456`)).status, 200);
  assert.deepEqual(
    (await api.getReactions(rest, CHANNEL, message.id, "👍")).map((u) => u.id),
    [fake.botUser.id],
  );
  await api.deleteAllReactionsForEmoji(rest, CHANNEL, message.id, "👍");
  assert.deepEqual(fake.resources.reactions(message.id), {});
});

Deno.test("FakeRest's Get Reactions takes a limit of 1-100 and pages by user id with after", async () => {
  const { fake, rest } = oneChannel();
  const message = await rest.createMessage(CHANNEL, { content: "react" });
  await api.createReaction(rest, CHANNEL, message.id, "👍");
  const path = `/channels/${CHANNEL}/messages/${message.id}/reactions/${
    encodeURIComponent("👍")
  }`;
  const tooLow = await call(fake, "GET", `${path}?limit=0`);
  assert.equal(tooLow.status, 400);
  assert.equal(tooLow.json.code, 50035);
  assert.equal(
    tooLow.json.errors.limit._errors[0].code,
    "NUMBER_TYPE_MIN",
  );
  const tooHigh = await call(fake, "GET", `${path}?limit=101`);
  assert.equal(tooHigh.status, 400);
  assert.equal(
    tooHigh.json.errors.limit._errors[0].code,
    "NUMBER_TYPE_MAX",
  );
  const ids = async (query: string): Promise<string[]> => {
    const answer = await call(fake, "GET", `${path}${query}`);
    assert.equal(answer.status, 200, query);
    return answer.json.map((u: { id: string }) => u.id);
  };
  const bot = fake.botUser.id;
  assert.deepEqual(await ids("?limit=100"), [bot]);
  assert.deepEqual(await ids("?limit=1&after=0"), [bot]);
  assert.deepEqual(await ids(`?after=${bot}`), []);
  assert.deepEqual(await ids(`?after=${BigInt(bot) - 1n}`), [bot]);
  const badAfter = await call(fake, "GET", `${path}?after=latest`);
  assert.equal(
    badAfter.json.errors.after._errors[0].code,
    "NUMBER_TYPE_COERCE",
  );
});
