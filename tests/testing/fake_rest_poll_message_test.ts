// FakeRest keeps the poll of a message created with one, as Discord answers
// it: the question and answers numbered from 1, the expiry `duration` hours
// after the message (24 by default), multiselect and layout as asked, no
// votes yet; and message search's `has: poll` finds it.
import assert from "node:assert/strict";
import type { Poll } from "../../types/objects/poll.ts";
import { found, searchScene, TEXT } from "./_search_guild.ts";

const HOUR = 3_600_000;

Deno.test("FakeRest: a message created with a poll carries it as Discord answers it, numbered, ending `duration` hours after the message, unvoted", async () => {
  const { fake, rest } = searchScene();
  const plain = await rest.createMessage(TEXT, { content: "no poll" });
  assert.equal(plain.poll, undefined);
  const created = await rest.createMessage(TEXT, {
    poll: {
      question: { text: "Lunch?" },
      answers: [
        { poll_media: { text: "Pizza", emoji: { name: "🍕" } } },
        { poll_media: { text: "Ramen", emoji: { id: "400000000000000001" } } },
      ],
    },
  });
  const poll: Poll = created.poll!;
  assert.deepEqual(
    { ...poll, expiry: undefined },
    {
      question: { text: "Lunch?" },
      answers: [
        {
          answer_id: 1,
          poll_media: { text: "Pizza", emoji: { id: null, name: "🍕" } },
        },
        {
          answer_id: 2,
          poll_media: {
            text: "Ramen",
            emoji: { id: "400000000000000001", name: null },
          },
        },
      ],
      expiry: undefined,
      allow_multiselect: false,
      layout_type: 1,
      results: { is_finalized: false, answer_counts: [] },
    },
  );
  assert.equal(
    Date.parse(poll.expiry!) - Date.parse(created.timestamp),
    24 * HOUR,
  );
  const hourly = await rest.createMessage(TEXT, {
    poll: {
      question: { text: "Again?" },
      answers: [{ poll_media: { text: "Yes" } }, {
        poll_media: { text: "No" },
      }],
      duration: 1,
      allow_multiselect: true,
    },
  });
  assert.equal(
    Date.parse(hourly.poll!.expiry!) - Date.parse(hourly.timestamp),
    HOUR,
  );
  assert.equal(hourly.poll!.allow_multiselect, true);
  // Stored as answered: the channel's list and search see the poll.
  const stored = fake.messages(TEXT).find((m) => m.id === created.id)!;
  assert.deepEqual(stored.poll, poll);
  assert.deepEqual(await found(rest, { has: ["poll"] }), [
    hourly.id,
    created.id,
  ]);
  assert.deepEqual(await found(rest, { has: ["-poll"] }), [plain.id]);
});

Deno.test("FakeRest: a poll Discord would refuse is answered 400 and no message keeps it", async () => {
  const { fake, rest } = searchScene();
  const refused = await rest.createMessage(TEXT, {
    poll: { question: { text: "Empty?" }, answers: [] },
  }).then(() => undefined, (error: unknown) => error);
  assert.ok(
    refused instanceof Error && /50035|Invalid Form Body/.test(refused.message),
  );
  assert.equal(fake.messages(TEXT).length, 0);
});
