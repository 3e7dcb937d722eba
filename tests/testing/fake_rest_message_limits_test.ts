/**
 * Create Message field limits Discord enforces: `nonce` up to 25
 * characters, up to 3 `sticker_ids`, embed fields' required name and
 * value, the poll's question, answers and duration, and the allowed
 * mention types `parse` may name.
 */
import assert from "node:assert/strict";
import {
  CHANNEL,
  type JsonAnswer,
  jsonCall,
  oneChannel,
} from "./_one_channel.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function post(body: unknown): Promise<JsonAnswer> {
  const { fake } = oneChannel();
  return jsonCall(fake, "POST", `/channels/${CHANNEL}/messages`, body);
}

const answers = (count: number, length = 3) =>
  Array.from({ length: count }, (_, i) => ({
    poll_media: { text: `${i}`.padEnd(length, "a") },
  }));

const poll = (extra: Record<string, unknown>) => ({
  poll: { question: { text: "q" }, answers: answers(2), ...extra },
});

Deno.test("FakeRest refuses message fields over Discord's limits, under the field", async (t) => {
  const cases: [string, unknown, (errors: Json) => Json][] = [
    ["nonce of 26", { content: "x", nonce: "n".repeat(26) }, (e) => e.nonce],
    [
      "4 sticker_ids",
      { sticker_ids: ["1", "2", "3", "4"] },
      (e) => e.sticker_ids,
    ],
    [
      "embed field without value",
      { embeds: [{ fields: [{ name: "n" }] }] },
      (e) => e.embeds[0].fields[0].value,
    ],
    ["embed field with empty name", {
      embeds: [{ fields: [{ name: "", value: "v" }] }],
    }, (e) => e.embeds[0].fields[0].name],
    ["11 poll answers", poll({ answers: answers(11) }), (e) => e.poll.answers],
    ["no poll answers", poll({ answers: [] }), (e) => e.poll.answers],
    [
      "poll question of 301",
      poll({ question: { text: "q".repeat(301) } }),
      (e) => e.poll.question.text,
    ],
    [
      "poll answer of 56",
      poll({ answers: answers(2, 56) }),
      (e) => e.poll.answers[1].poll_media.text,
    ],
    ["poll of 769 hours", poll({ duration: 769 }), (e) => e.poll.duration],
    ["poll of 0 hours", poll({ duration: 0 }), (e) => e.poll.duration],
    ["poll: {}", { poll: {} }, (e) => e.poll.question],
    ["parse naming an unknown type", {
      content: "x",
      allowed_mentions: { parse: ["channels"] },
    }, (e) => e.allowed_mentions.parse[0]],
  ];
  for (const [label, body, at] of cases) {
    await t.step(label, async () => {
      const answer = await post(body);
      assert.equal(answer.status, 400);
      assert.equal(answer.json.code, 50035);
      assert.equal(typeof at(answer.json.errors)._errors[0].code, "string");
    });
  }
});

Deno.test("FakeRest takes message fields at Discord's limits", async () => {
  const bodies = [
    { content: "x", nonce: "n".repeat(25) },
    { content: "x", nonce: 1234567890 },
    { sticker_ids: ["1", "2", "3"] },
    { embeds: [{ fields: [{ name: "n", value: "v" }] }] },
    poll({
      answers: answers(10, 55),
      question: { text: "q".repeat(300) },
      duration: 768,
    }),
    poll({ duration: 1 }),
    {
      content: "x",
      allowed_mentions: { parse: ["roles", "users", "everyone"] },
    },
  ];
  for (const body of bodies) {
    const answer = await post(body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  }
});
