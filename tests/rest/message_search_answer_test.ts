// searchGuildMessages' answer. Results pass through typed; a guild not yet
// indexed is answered 202 "Index not yet available" (code 110000), which
// the client, taking any 2xx as a success, handed back as if it were
// results: the route rejects with SearchIndexNotReadyError, its wait in ms
// (at least 1 s, at most the longest timer wait), whatever retry_after the
// answer held. A 2xx body of any other shape is a RestError, never results.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import {
  DiscordApiError,
  type GuildMessageSearchResults,
  RestError,
  searchGuildMessages,
  SearchIndexNotReadyError,
} from "../../rest/mod.ts";
import { MAX_TIMER_DELAY } from "../../base/scheduler.ts";

const GUILD = "100000000000000001";
const PATH = `/guilds/${GUILD}/messages/search`;
const TOKEN = "bot-token-that-must-not-show-0123456789";

/** A client whose fetch answers each search with `answer()`. */
function answering(
  answer: () => Response,
): { rest: RestClient; sent: () => number } {
  let sent = 0;
  const rest = new RestClient({
    token: TOKEN,
    maxRetries: 0,
    fetch: () => {
      sent++;
      return Promise.resolve(answer());
    },
  });
  return { rest, sent: () => sent };
}

/** A JSON text answer (any status, any text: `1e400` stays as sent). */
function raw(text: string, status = 202): Response {
  return new Response(text, {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The not-ready answer, with `fields` over Discord's example. */
function notReady(fields: Record<string, unknown> = {}): Response {
  return Response.json({
    message: "Index not yet available. Try again later",
    code: 110000,
    documents_indexed: 0,
    retry_after: 2,
    ...fields,
  }, { status: 202 });
}

/** What the search rejected with (it must reject). */
async function failure(rest: RestClient): Promise<unknown> {
  try {
    await searchGuildMessages(rest, GUILD, { content: "hello" });
  } catch (error) {
    return error;
  }
  throw new Error("the search did not reject");
}

Deno.test("searchGuildMessages passes the documented answer through as typed results", async () => {
  const results: GuildMessageSearchResults = {
    doing_deep_historical_index: true,
    documents_indexed: 1200,
    total_results: 31,
    messages: [[
      {
        id: "900000000000000001",
        channel_id: "900000000000000002",
        author: {
          id: "900000000000000003",
          username: "a",
          discriminator: "0",
          global_name: null,
          avatar: null,
        },
        content: "hello",
        timestamp: "2026-03-19T00:00:00.000000+00:00",
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: [],
        pinned: false,
        type: 0,
      } as GuildMessageSearchResults["messages"][number][number],
    ]],
    threads: [{ id: "900000000000000002", type: 11 }],
    members: [{
      id: "900000000000000002",
      join_timestamp: "2026-03-19T00:00:00Z",
      flags: 0,
    }],
  };
  const { rest, sent } = answering(() => Response.json(results));
  const found = await searchGuildMessages(rest, GUILD, { content: "hello" });
  assert.deepEqual(found, results);
  assert.equal(found.messages[0]![0]!.content, "hello");
  assert.equal(sent(), 1);
  // The fewest fields the docs require, and no messages at all.
  const bare = {
    doing_deep_historical_index: false,
    total_results: 0,
    messages: [],
  };
  const empty = answering(() => Response.json(bare));
  assert.deepEqual(await searchGuildMessages(empty.rest, GUILD), bare);
});

Deno.test("a 202 'index not yet available' rejects with SearchIndexNotReadyError, its wait in ms, and is not retried", async () => {
  const { rest, sent } = answering(() => notReady({ documents_indexed: 4520 }));
  const error = await failure(rest);
  assert.ok(error instanceof SearchIndexNotReadyError);
  assert.ok(error instanceof RestError);
  assert.equal(error.name, "SearchIndexNotReadyError");
  assert.equal(error.code, 110000);
  assert.equal(error.retryAfter, 2000);
  assert.equal(error.documentsIndexed, 4520);
  assert.equal(error.method, "GET");
  assert.equal(error.path, PATH);
  assert.equal(
    error.message,
    `GET ${PATH} was answered that the guild's search index is not yet available (code 110000, 4520 documents indexed so far): search again in 2000 ms`,
  );
  // The caller decides whether to search again.
  assert.equal(sent(), 1);
});

Deno.test("the not-ready wait: retry_after rounded up to ms, at least 1 s (0 is 'a short delay'), at most the longest timer wait", async () => {
  const cases: [retryAfter: string, ms: number, note: string | undefined][] = [
    ["2", 2000, undefined],
    ["2.5", 2500, undefined],
    ["1.0001", 1001, undefined],
    [
      "0",
      1000,
      `the answer's retry_after is 0, "after a short delay": waiting 1000 ms`,
    ],
    [
      "0.2",
      1000,
      "the answer's retry_after is 0.2 s: waiting at least 1000 ms",
    ],
    ["-5", 1000, "the answer's retry_after is -5 s: waiting at least 1000 ms"],
    ["2147483.647", MAX_TIMER_DELAY, undefined],
    [
      "1e9",
      MAX_TIMER_DELAY,
      "the answer's retry_after is 1000000000 s: cut to the longest a timer waits",
    ],
    // JSON's 1e400 parses to Infinity.
    [
      "1e400",
      MAX_TIMER_DELAY,
      "the answer's retry_after is Infinity s: cut to the longest a timer waits",
    ],
    [
      "-1e400",
      1000,
      "the answer's retry_after is -Infinity s: waiting at least 1000 ms",
    ],
    [
      `"2"`,
      1000,
      "the answer's retry_after is missing or not a number: waiting 1000 ms",
    ],
    [
      "null",
      1000,
      "the answer's retry_after is missing or not a number: waiting 1000 ms",
    ],
    [
      "[2]",
      1000,
      "the answer's retry_after is missing or not a number: waiting 1000 ms",
    ],
  ];
  for (const [given, ms, note] of cases) {
    const { rest } = answering(() =>
      raw(
        `{"message":"Index not yet available. Try again later","code":110000,"retry_after":${given}}`,
      )
    );
    const error = await failure(rest);
    assert.ok(error instanceof SearchIndexNotReadyError, given);
    assert.equal(error.retryAfter, ms, given);
    assert.ok(Number.isSafeInteger(error.retryAfter), given);
    assert.equal(error.documentsIndexed, undefined, given);
    assert.equal(
      error.message,
      `GET ${PATH} was answered that the guild's search index is not yet available (code 110000): search again in ${ms} ms${
        note === undefined ? "" : ` (${note})`
      }`,
      given,
    );
  }
  // No retry_after at all.
  const { rest } = answering(() => raw(`{"code":110000}`));
  const error = await failure(rest);
  assert.ok(error instanceof SearchIndexNotReadyError);
  assert.equal(error.retryAfter, 1000);
  assert.match(error.message, /retry_after is missing or not a number/);
});

Deno.test("the not-ready documents_indexed is kept only as a count", async () => {
  const cases: [given: unknown, kept: number | undefined][] = [
    [0, 0],
    [987654, 987654],
    [-1, undefined],
    [1.5, undefined],
    ["12", undefined],
    [null, undefined],
    [{}, undefined],
  ];
  for (const [given, kept] of cases) {
    const { rest } = answering(() => notReady({ documents_indexed: given }));
    const error = await failure(rest);
    assert.ok(error instanceof SearchIndexNotReadyError);
    assert.equal(error.documentsIndexed, kept, String(given));
  }
});

Deno.test("a 2xx body that is neither results nor the not-ready answer is a RestError naming what is wrong, never results", async () => {
  const neither =
    'answered with a body that is neither search results nor Discord\'s "index not yet available" (code 110000)';
  const cases: [answer: () => Response, fault: string][] = [
    [() => new Response(null, { status: 204 }), "it is empty"],
    [() => raw("", 200), "it is empty"],
    [() => raw("[]", 200), "it is not a JSON object"],
    [() => raw(`"results"`, 200), "it is not a JSON object"],
    [() => raw("{}", 200), "its 'messages' is not an array"],
    // Flat, not an array of arrays.
    [
      () =>
        raw(
          `{"doing_deep_historical_index":false,"total_results":1,"messages":[{"id":"1"}]}`,
          200,
        ),
      "its 'messages[0]' is not an array of messages",
    ],
    [
      () =>
        raw(
          `{"doing_deep_historical_index":false,"total_results":2,"messages":[[{"id":"1"}],[1]]}`,
          200,
        ),
      "its 'messages[1]' is not an array of messages",
    ],
    [
      () =>
        raw(
          `{"doing_deep_historical_index":false,"total_results":"3","messages":[]}`,
          200,
        ),
      "its 'total_results' is not a count",
    ],
    [
      () =>
        raw(
          `{"doing_deep_historical_index":false,"total_results":-1,"messages":[]}`,
          200,
        ),
      "its 'total_results' is not a count",
    ],
    [
      () => raw(`{"total_results":0,"messages":[]}`, 200),
      "its 'doing_deep_historical_index' is not a boolean",
    ],
    [
      () =>
        raw(
          `{"doing_deep_historical_index":false,"total_results":0,"messages":[],"threads":{}}`,
          200,
        ),
      "its 'threads' is not an array of objects",
    ],
    [
      () =>
        raw(
          `{"doing_deep_historical_index":false,"total_results":0,"messages":[],"threads":[null]}`,
          200,
        ),
      "its 'threads' is not an array of objects",
    ],
    [
      () =>
        raw(
          `{"doing_deep_historical_index":false,"total_results":0,"messages":[],"members":"x"}`,
          200,
        ),
      "its 'members' is not an array of objects",
    ],
    [
      () =>
        raw(
          `{"doing_deep_historical_index":false,"total_results":0,"messages":[],"members":[{},7]}`,
          200,
        ),
      "its 'members' is not an array of objects",
    ],
    [
      () =>
        raw(
          `{"doing_deep_historical_index":false,"total_results":0,"messages":[],"documents_indexed":"5"}`,
          200,
        ),
      "its 'documents_indexed' is not a count",
    ],
    // Another code than 110000, in a 2xx: no results, and not the not-ready answer.
    [
      () =>
        raw(
          `{"message":"Application not yet available. Try again later","code":110001,"retry_after":2}`,
        ),
      "it carries an error code 110001 and no results",
    ],
    [
      () =>
        raw(
          `{"message":"Index not yet available. Try again later","code":"110000","retry_after":2}`,
        ),
      "it carries an error code and no results",
    ],
    // The not-ready message without its code: not taken for it.
    [
      () =>
        raw(
          `{"message":"Index not yet available. Try again later","retry_after":2}`,
        ),
      "its 'messages' is not an array",
    ],
  ];
  for (const [answer, fault] of cases) {
    const { rest } = answering(answer);
    const error = await failure(rest);
    assert.ok(error instanceof RestError, fault);
    assert.equal((error as Error).constructor, RestError, fault);
    assert.equal(error.method, "GET");
    assert.equal(error.path, PATH);
    assert.equal(error.message, `GET ${PATH} ${neither}: ${fault}`);
  }
});

Deno.test("an odd 2xx body's text (a peer echoing the token back) stays out of the error", async () => {
  const { rest } = answering(() =>
    raw(JSON.stringify({ code: 0, message: `Bot ${TOKEN}`, [TOKEN]: [] }), 200)
  );
  const error = await failure(rest);
  assert.ok(error instanceof RestError);
  assert.ok(!error.message.includes(TOKEN), error.message);
  assert.ok(!JSON.stringify(error).includes(TOKEN));
  assert.equal(error.cause, undefined);
});

Deno.test("Discord's refusal of a search (403 without the permission or the intent) stays a DiscordApiError", async () => {
  const { rest } = answering(() =>
    Response.json({ message: "Missing Access", code: 50001 }, { status: 403 })
  );
  const error = await failure(rest);
  assert.ok(error instanceof DiscordApiError);
  assert.ok(!(error instanceof SearchIndexNotReadyError));
  assert.equal(error.status, 403);
  assert.equal(error.code, 50001);
});
