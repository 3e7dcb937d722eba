/**
 * REST's message routes (createMessage, editMessage, the interaction
 * follow-ups, executeWebhook, editWebhookMessage, startThreadInForum's first
 * message) check a message against Discord's limits before sending, as
 * interactions' answers are checked: each limit's edge is sent exactly, one
 * past it is refused with nothing sent, and each field is read once.
 */
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import { recordedClient, type SentRequest } from "./_discord_recorder.ts";

const BOT = "bot-token-for-message-limits";
const C = "100000000000000001";
const M = "100000000000000002";
const W = "100000000000000003";
const API = "https://discord.com/api/v10";

type Send = (
  rest: RestClient,
  body: Record<string, unknown>,
) => Promise<unknown>;

/** Each route, the action its refusals name, and the URL it posts to. */
const ROUTES: [string, string, string, string, Send][] = [
  [
    "createMessage",
    "create message",
    "POST",
    `${API}/channels/${C}/messages`,
    (rest, body) => rest.createMessage(C, body),
  ],
  [
    "editMessage",
    "edit message",
    "PATCH",
    `${API}/channels/${C}/messages/${M}`,
    (rest, body) => rest.editMessage(C, M, body),
  ],
  [
    "createFollowupMessage",
    "create message",
    "POST",
    `${API}/webhooks/${W}/tok`,
    (rest, body) => rest.createFollowupMessage(W, "tok", body),
  ],
  [
    "editOriginalInteractionResponse",
    "edit message",
    "PATCH",
    `${API}/webhooks/${W}/tok/messages/@original`,
    (rest, body) => rest.editOriginalInteractionResponse(W, "tok", body),
  ],
  [
    "editFollowupMessage",
    "edit message",
    "PATCH",
    `${API}/webhooks/${W}/tok/messages/${M}`,
    (rest, body) => rest.editFollowupMessage(W, "tok", M, body),
  ],
  [
    "executeWebhook",
    "execute webhook",
    "POST",
    `${API}/webhooks/${W}/tok?wait=true`,
    (rest, body) => api.executeWebhook(rest, W, "tok", body, { wait: true }),
  ],
  [
    "editWebhookMessage",
    "edit webhook message",
    "PATCH",
    `${API}/webhooks/${W}/tok/messages/${M}`,
    (rest, body) => api.editWebhookMessage(rest, W, "tok", M, body),
  ],
];

const embed = (fields: Record<string, unknown>): Record<string, unknown> => ({
  embeds: [fields],
});

/** Each limit: the body at the edge, the body one past, the refusal. */
const LIMITS: [
  string,
  Record<string, unknown>,
  Record<string, unknown>,
  string,
][] = [
  [
    "content 2000 code points",
    { content: "😀".repeat(2000) },
    { content: "a".repeat(2001) },
    "'content' must be at most 2000 characters: current length '2001'",
  ],
  [
    "10 embeds",
    { embeds: Array.from({ length: 10 }, () => ({ title: "t" })) },
    { embeds: Array.from({ length: 11 }, () => ({ title: "t" })) },
    "'embeds' must have at most 10 entries: current count '11'",
  ],
  [
    "embed title 256",
    embed({ title: "a".repeat(256) }),
    embed({ title: "a".repeat(257) }),
    "embed 0's 'title' must be at most 256 characters: current length '257'",
  ],
  [
    "embed description 4096",
    embed({ description: "a".repeat(4096) }),
    embed({ description: "a".repeat(4097) }),
    "embed 0's 'description' must be at most 4096 characters: current length '4097'",
  ],
  [
    "embed 25 fields",
    embed({
      fields: Array.from({ length: 25 }, () => ({ name: "n", value: "v" })),
    }),
    embed({
      fields: Array.from({ length: 26 }, () => ({ name: "n", value: "v" })),
    }),
    "embed 0 may have at most 25 'fields': current count '26'",
  ],
  [
    "embed field value 1024",
    embed({ fields: [{ name: "n", value: "a".repeat(1024) }] }),
    embed({ fields: [{ name: "n", value: "a".repeat(1025) }] }),
    "embed 0's 'fields[0].value' must be at most 1024 characters: current length '1025'",
  ],
  [
    "embed field name 256",
    embed({ fields: [{ name: "a".repeat(256), value: "v" }] }),
    embed({ fields: [{ name: "a".repeat(257), value: "v" }] }),
    "embed 0's 'fields[0].name' must be at most 256 characters: current length '257'",
  ],
  [
    "embed author 256",
    embed({ author: { name: "a".repeat(256) } }),
    embed({ author: { name: "a".repeat(257) } }),
    "embed 0's 'author.name' must be at most 256 characters: current length '257'",
  ],
  [
    "embed footer 2048",
    embed({ footer: { text: "a".repeat(2048) } }),
    embed({ footer: { text: "a".repeat(2049) } }),
    "embed 0's 'footer.text' must be at most 2048 characters: current length '2049'",
  ],
  [
    "embeds 6000 in all",
    {
      embeds: [
        { description: "a".repeat(4000) },
        { description: "a".repeat(2000) },
      ],
    },
    {
      embeds: [
        { description: "a".repeat(4000) },
        { description: "a".repeat(2001) },
      ],
    },
    "a message's embeds may have at most 6000 characters in all (titles, descriptions, field names and values, footer texts and author names, trimmed): embeds 0-1 have '6001'",
  ],
  [
    "3 sticker_ids",
    { sticker_ids: ["1", "2", "3"] },
    { sticker_ids: ["1", "2", "3", "4"] },
    "'sticker_ids' must have at most 3 entries: current count '4'",
  ],
  [
    "nonce 25",
    { content: "x", nonce: "n".repeat(25) },
    { content: "x", nonce: "n".repeat(26) },
    "'nonce' must be at most 25 characters: current length '26'",
  ],
  [
    "poll question 300",
    { poll: poll({ question: { text: "q".repeat(300) } }) },
    { poll: poll({ question: { text: "q".repeat(301) } }) },
    "'poll.question.text' must be at most 300 characters: current length '301'",
  ],
  [
    "poll 10 answers",
    { poll: poll({ answers: answers(10) }) },
    { poll: poll({ answers: answers(11) }) },
    "'poll.answers' must have at most 10 entries: current count '11'",
  ],
  [
    "poll answer 55",
    { poll: poll({ answers: [{ poll_media: { text: "a".repeat(55) } }] }) },
    { poll: poll({ answers: [{ poll_media: { text: "a".repeat(56) } }] }) },
    "'poll.answers[0].poll_media.text' must be at most 55 characters: current length '56'",
  ],
  [
    "poll duration 768 hours",
    { poll: poll({ duration: 768 }) },
    { poll: poll({ duration: 769 }) },
    "'poll.duration' must be an integer from 1 to 768 (hours, up to 32 days): current value 'poll.duration=769'",
  ],
];

function poll(fields: Record<string, unknown>): Record<string, unknown> {
  return { question: { text: "q" }, answers: answers(2), ...fields };
}

function answers(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    poll_media: { text: `a${i}` },
  }));
}

for (const [route, action, method, url, send] of ROUTES) {
  Deno.test(`${route}: each limit's edge is sent exactly, one past it refused with nothing sent`, async () => {
    const { rest, discord } = recordedClient(BOT, { id: M });
    for (const [limit, edge, over, rule] of LIMITS) {
      await send(rest, edge);
      const sent: SentRequest = discord.sent.at(-1)!;
      assert.equal(sent.method, method, limit);
      assert.equal(sent.url, url, limit);
      assert.deepEqual(sent.body, edge, limit);
      const count = discord.sent.length;
      await assert.rejects(() => send(rest, over), {
        name: "RangeError",
        message: `Cannot ${action} as ${rule}`,
      }, limit);
      assert.equal(discord.sent.length, count, limit);
    }
  });
}

Deno.test("an edit's null clears a field and is sent; content is counted only when given", async () => {
  const { rest, discord } = recordedClient(BOT, { id: M });
  const body = { content: null, embeds: null, poll: null, sticker_ids: [] };
  await rest.editMessage(C, M, body as unknown as api.EditMessageBody);
  assert.deepEqual(discord.sent[0]!.body, body);
  await rest.editMessage(C, M, { flags: 4 });
  assert.deepEqual(discord.sent[1]!.body, { flags: 4 });
});

Deno.test("a poll's duration and allow_multiselect of the wrong type are refused with a TypeError, nothing sent", async () => {
  const { rest, discord } = recordedClient(BOT, { id: M });
  const send = (fields: Record<string, unknown>): Promise<unknown> =>
    rest.createMessage(
      C,
      { poll: poll(fields) } as unknown as api.CreateMessageBody,
    );
  await assert.rejects(() => send({ duration: "24" }), {
    name: "TypeError",
    message:
      `Cannot create message as 'poll.duration' must be an integer from 1 to 768 (hours, up to 32 days): current value 'poll.duration="24"'`,
  });
  await assert.rejects(() => send({ duration: 0 }), RangeError);
  await assert.rejects(() => send({ duration: 1.5 }), RangeError);
  await assert.rejects(() => send({ allow_multiselect: "yes" }), {
    name: "TypeError",
    message:
      `Cannot create message as 'poll.allow_multiselect' must be a boolean: current value 'poll.allow_multiselect="yes"'`,
  });
  assert.equal(discord.sent.length, 0);
  await send({ duration: 1, allow_multiselect: true });
  assert.deepEqual(
    discord.sent[0]!.body,
    { poll: poll({ duration: 1, allow_multiselect: true }) },
  );
});

Deno.test("startThreadInForum checks its first message, its fields named under 'message.'", async () => {
  const { rest, discord } = recordedClient(BOT, { id: C, type: 11 });
  const edge = { name: "t", message: { content: "a".repeat(2000) } };
  await api.startThreadInForum(rest, C, edge);
  assert.equal(discord.sent[0]!.method, "POST");
  assert.equal(discord.sent[0]!.url, `${API}/channels/${C}/threads`);
  assert.deepEqual(discord.sent[0]!.body, edge);
  for (const [, , over, rule] of LIMITS) {
    await assert.rejects(
      () =>
        api.startThreadInForum(rest, C, {
          name: "t",
          message: over,
        } as api.StartForumThreadBody),
      {
        name: "RangeError",
        message: `Cannot start thread in forum as ${
          rule.replace(
            /'(content|embeds|sticker_ids|nonce|poll)/g,
            "'message.$1",
          )
        }`,
      },
    );
  }
  assert.equal(discord.sent.length, 1);
});

Deno.test("a message's fields are read once: a getter answering a short text to the check and a long one after is sent short", async () => {
  const { rest, discord } = recordedClient(BOT, { id: M });
  let reads = 0;
  const body = {};
  Object.defineProperty(body, "content", {
    enumerable: true,
    get: (): string => reads++ === 0 ? "short" : "a".repeat(5000),
  });
  await rest.createMessage(C, body);
  assert.equal(reads, 1);
  assert.deepEqual(discord.sent[0]!.body, { content: "short" });
  let title = 0;
  const item = {};
  Object.defineProperty(item, "title", {
    enumerable: true,
    get: (): string => title++ === 0 ? "t" : "a".repeat(300),
  });
  await api.executeWebhook(rest, W, "tok", { embeds: [item] });
  assert.equal(title, 1);
  assert.deepEqual(discord.sent[1]!.body, { embeds: [{ title: "t" }] });
});

Deno.test("a message the JSON writer cannot write (circular) is refused before anything is sent", async () => {
  const { rest, discord } = recordedClient(BOT, { id: M });
  const body: Record<string, unknown> = { content: "x" };
  body.self = body;
  await assert.rejects(() => rest.createMessage(C, body), TypeError);
  assert.equal(discord.sent.length, 0);
});
