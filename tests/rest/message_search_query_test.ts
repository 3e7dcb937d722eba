// searchGuildMessages' query: every documented parameter reaches the URL
// as Discord reads it (arrays as repeated keys in the caller's order,
// booleans as true/false, keys in the docs' order), and what Discord would
// refuse with a 400 (out-of-range numbers, too many items, too-long text,
// values it does not know) is refused before anything is sent.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import {
  searchGuildMessages,
  type SearchGuildMessagesQuery,
} from "../../rest/mod.ts";

const GUILD = "100000000000000001";
const BASE = "https://discord.com/api/v10";
const RESULTS = {
  doing_deep_historical_index: false,
  total_results: 0,
  messages: [],
};

interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

/** A client whose fetch answers empty results and records each request. */
function setup(): { sent: Sent[]; rest: RestClient } {
  const sent: Sent[] = [];
  const rest = new RestClient({
    token: "bot-token",
    maxRetries: 0,
    fetch: (input, init) => {
      sent.push({
        method: init?.method ?? "GET",
        url: String(input),
        headers: new Headers(init?.headers),
        body: init?.body,
      });
      return Promise.resolve(Response.json(RESULTS));
    },
  });
  return { sent, rest };
}

/** `n` distinct snowflakes. */
function ids(n: number, from = 200000000000000000n): string[] {
  return Array.from({ length: n }, (_, i) => String(from + BigInt(i)));
}

Deno.test("searchGuildMessages sends every documented parameter: docs' key order, arrays repeated in the caller's order, booleans as true/false", async () => {
  const { sent, rest } = setup();
  // Written in another order than the docs' table: the URL follows the docs.
  const query: Required<SearchGuildMessagesQuery> = {
    include_nsfw: true,
    sort_order: "asc",
    sort_by: "relevance",
    attachment_extension: ["txt", "log"],
    attachment_filename: ["notes v2.txt"],
    link_hostname: ["discordapp.com"],
    embed_provider: ["Tenor", "YouTube"],
    embed_type: ["gif", "article"],
    has: ["-link", "image", "snapshot"],
    pinned: false,
    replied_to_message_id: ["300000000000000002"],
    replied_to_user_id: ["300000000000000001"],
    mention_everyone: false,
    mentions_role_id: ["400000000000000001"],
    mentions: ["500000000000000002", "500000000000000001"],
    author_id: ["600000000000000003", "600000000000000001"],
    author_type: ["user", "-bot", "-webhook"],
    channel_id: ["700000000000000002", "700000000000000001"],
    content: "deploy & roll back?",
    slop: 0,
    min_id: "800000000000000001",
    max_id: "800000000000000009",
    offset: 25,
    limit: 25,
  };
  const results = await searchGuildMessages(rest, GUILD, query);
  assert.deepEqual(results, RESULTS);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.method, "GET");
  assert.equal(sent[0]!.body, undefined);
  assert.equal(sent[0]!.headers.get("authorization"), "Bot bot-token");
  assert.equal(sent[0]!.headers.get("x-audit-log-reason"), null);
  assert.equal(
    sent[0]!.url,
    `${BASE}/guilds/${GUILD}/messages/search?` + [
      "limit=25",
      "offset=25",
      "max_id=800000000000000009",
      "min_id=800000000000000001",
      "slop=0",
      "content=deploy+%26+roll+back%3F",
      "channel_id=700000000000000002",
      "channel_id=700000000000000001",
      "author_type=user",
      "author_type=-bot",
      "author_type=-webhook",
      "author_id=600000000000000003",
      "author_id=600000000000000001",
      "mentions=500000000000000002",
      "mentions=500000000000000001",
      "mentions_role_id=400000000000000001",
      "mention_everyone=false",
      "replied_to_user_id=300000000000000001",
      "replied_to_message_id=300000000000000002",
      "pinned=false",
      "has=-link",
      "has=image",
      "has=snapshot",
      "embed_type=gif",
      "embed_type=article",
      "embed_provider=Tenor",
      "embed_provider=YouTube",
      "link_hostname=discordapp.com",
      "attachment_filename=notes+v2.txt",
      "attachment_extension=txt",
      "attachment_extension=log",
      "sort_by=relevance",
      "sort_order=asc",
      "include_nsfw=true",
    ].join("&"),
  );
});

Deno.test("searchGuildMessages leaves out empty arrays, an empty content and undefined keys; no query sends none", async () => {
  const { sent, rest } = setup();
  await searchGuildMessages(rest, GUILD);
  await searchGuildMessages(rest, GUILD, {
    content: "",
    channel_id: [],
    has: [],
    author_id: undefined,
    pinned: true,
    include_nsfw: false,
  } as never);
  assert.deepEqual(sent.map((s) => s.url), [
    `${BASE}/guilds/${GUILD}/messages/search`,
    `${BASE}/guilds/${GUILD}/messages/search?pinned=true&include_nsfw=false`,
  ]);
});

Deno.test("searchGuildMessages takes each documented limit at its edge", async () => {
  const { sent, rest } = setup();
  const edges: SearchGuildMessagesQuery[] = [
    { limit: 1, offset: 0, slop: 0 },
    { limit: 25, offset: 9975, slop: 100 },
    // Characters are code points, as Discord counts: 1024 emoji are 2048
    // UTF-16 units.
    { content: "😀".repeat(1024) },
    { channel_id: ids(500) },
    { author_id: ids(100), mentions: ids(100), mentions_role_id: ids(100) },
    { replied_to_user_id: ids(100), replied_to_message_id: ids(100) },
    { has: Array.from({ length: 100 }, () => "-poll" as const) },
    { author_type: Array.from({ length: 100 }, () => "bot" as const) },
    { embed_type: Array.from({ length: 100 }, () => "video" as const) },
    {
      embed_provider: ["p".repeat(256)],
      link_hostname: ["h".repeat(256)],
      attachment_filename: ["f".repeat(1024)],
      attachment_extension: ["e".repeat(256)],
    },
    { attachment_extension: Array.from({ length: 100 }, () => "txt") },
  ];
  for (const query of edges) await searchGuildMessages(rest, GUILD, query);
  assert.equal(sent.length, edges.length);
  const last = new URL(sent[3]!.url).searchParams.getAll("channel_id");
  assert.deepEqual(last, ids(500));
});

/** A refusal: its class and its exact message. */
type Refusal = [query: unknown, name: string, message: string];

const C = "Cannot search guild messages as";

Deno.test("searchGuildMessages refuses each value Discord would refuse, naming it, and sends nothing", async () => {
  const { sent, rest } = setup();
  const refusals: Refusal[] = [
    [
      { limit: 0 },
      "RangeError",
      `${C} 'limit' must be an integer from 1 to 25: current value 'limit=0'`,
    ],
    [
      { limit: 26 },
      "RangeError",
      `${C} 'limit' must be an integer from 1 to 25: current value 'limit=26'`,
    ],
    [
      { limit: 2.5 },
      "RangeError",
      `${C} 'limit' must be an integer from 1 to 25: current value 'limit=2.5'`,
    ],
    [
      { limit: NaN },
      "RangeError",
      `${C} 'limit' must be an integer from 1 to 25: current value 'limit=NaN'`,
    ],
    [
      { limit: "5" },
      "TypeError",
      `${C} 'limit' must be an integer from 1 to 25: current value 'limit="5"'`,
    ],
    [
      { offset: -1 },
      "RangeError",
      `${C} 'offset' must be an integer from 0 to 9975: current value 'offset=-1'`,
    ],
    [
      { offset: 9976 },
      "RangeError",
      `${C} 'offset' must be an integer from 0 to 9975: current value 'offset=9976'`,
    ],
    [
      { slop: 101 },
      "RangeError",
      `${C} 'slop' must be an integer from 0 to 100: current value 'slop=101'`,
    ],
    [
      { slop: -1 },
      "RangeError",
      `${C} 'slop' must be an integer from 0 to 100: current value 'slop=-1'`,
    ],
    [
      { content: "x".repeat(1025) },
      "RangeError",
      `${C} 'content' must be a string of at most 1024 characters: current length '1025'`,
    ],
    [
      { content: 5 },
      "TypeError",
      `${C} 'content' must be a string of at most 1024 characters: current value 'content=5'`,
    ],
    [
      { content: "half \ud83d" },
      "TypeError",
      `${C} 'content' must be well-formed text (it holds a lone surrogate, half of an emoji): current value 'content="half \\ud83d"'`,
    ],
    [
      { channel_id: ids(501) },
      "RangeError",
      `${C} 'channel_id' must have at most 500 items: current length '501'`,
    ],
    [
      { author_id: ids(101) },
      "RangeError",
      `${C} 'author_id' must have at most 100 items: current length '101'`,
    ],
    [
      { mentions: ids(101) },
      "RangeError",
      `${C} 'mentions' must have at most 100 items: current length '101'`,
    ],
    [
      { mentions_role_id: ids(101) },
      "RangeError",
      `${C} 'mentions_role_id' must have at most 100 items: current length '101'`,
    ],
    [
      { replied_to_user_id: ids(101) },
      "RangeError",
      `${C} 'replied_to_user_id' must have at most 100 items: current length '101'`,
    ],
    [
      { replied_to_message_id: ids(101) },
      "RangeError",
      `${C} 'replied_to_message_id' must have at most 100 items: current length '101'`,
    ],
    [
      { author_type: Array(101).fill("bot") },
      "RangeError",
      `${C} 'author_type' must have at most 100 items: current length '101'`,
    ],
    [
      { has: Array(101).fill("link") },
      "RangeError",
      `${C} 'has' must have at most 100 items: current length '101'`,
    ],
    [
      { embed_type: Array(101).fill("gif") },
      "RangeError",
      `${C} 'embed_type' must have at most 100 items: current length '101'`,
    ],
    [
      { embed_provider: Array(101).fill("Tenor") },
      "RangeError",
      `${C} 'embed_provider' must have at most 100 items: current length '101'`,
    ],
    [
      { link_hostname: Array(101).fill("a.com") },
      "RangeError",
      `${C} 'link_hostname' must have at most 100 items: current length '101'`,
    ],
    [
      { attachment_filename: Array(101).fill("a") },
      "RangeError",
      `${C} 'attachment_filename' must have at most 100 items: current length '101'`,
    ],
    [
      { attachment_extension: Array(101).fill("a") },
      "RangeError",
      `${C} 'attachment_extension' must have at most 100 items: current length '101'`,
    ],
    [
      { embed_provider: ["Tenor", "p".repeat(257)] },
      "RangeError",
      `${C} 'embed_provider[1]' must be a string of 1 to 256 characters: current length '257'`,
    ],
    [
      { link_hostname: ["h".repeat(257)] },
      "RangeError",
      `${C} 'link_hostname[0]' must be a string of 1 to 256 characters: current length '257'`,
    ],
    [
      { attachment_filename: ["f".repeat(1025)] },
      "RangeError",
      `${C} 'attachment_filename[0]' must be a string of 1 to 1024 characters: current length '1025'`,
    ],
    [
      { attachment_extension: ["e".repeat(257)] },
      "RangeError",
      `${C} 'attachment_extension[0]' must be a string of 1 to 256 characters: current length '257'`,
    ],
    [
      { attachment_extension: [""] },
      "RangeError",
      `${C} 'attachment_extension[0]' must be a string of 1 to 256 characters: current length '0'`,
    ],
    [
      { link_hostname: [7] },
      "TypeError",
      `${C} 'link_hostname[0]' must be a string of 1 to 256 characters: current value 'link_hostname[0]=7'`,
    ],
    [
      { channel_id: "700000000000000001" },
      "TypeError",
      `${C} 'channel_id' must be an array of snowflakes (each sent as its own 'channel_id='): current value 'channel_id="700000000000000001"'`,
    ],
    [
      { has: "image" },
      "TypeError",
      `${C} 'has' must be an array of strings (each sent as its own 'has='): current value 'has="image"'`,
    ],
    [
      { max_id: "12a" },
      "TypeError",
      `${C} 'max_id' must be a snowflake string: current value 'max_id=12a'`,
    ],
    [
      { min_id: 1 },
      "TypeError",
      `${C} 'min_id' must be a snowflake string: current value 'min_id=number'`,
    ],
    [
      { channel_id: ["1", "x"] },
      "TypeError",
      `${C} 'channel_id[1]' must be a snowflake string: current value 'channel_id[1]=x'`,
    ],
    [
      { author_id: ["1".repeat(21)] },
      "TypeError",
      `${C} 'author_id[0]' must be a snowflake string: current value 'author_id[0]=${
        "1".repeat(21)
      }'`,
    ],
    [
      { author_type: ["bots"] },
      "TypeError",
      `${C} 'author_type[0]' must be one of user, bot, webhook, each may be negated with a leading '-': current value 'author_type[0]="bots"'`,
    ],
    [
      { author_type: ["--bot"] },
      "TypeError",
      `${C} 'author_type[0]' must be one of user, bot, webhook, each may be negated with a leading '-': current value 'author_type[0]="--bot"'`,
    ],
    [
      { has: ["image", "pictures"] },
      "TypeError",
      `${C} 'has[1]' must be one of image, sound, video, file, sticker, embed, link, poll, snapshot, each may be negated with a leading '-': current value 'has[1]="pictures"'`,
    ],
    [
      { has: ["Image"] },
      "TypeError",
      `${C} 'has[0]' must be one of image, sound, video, file, sticker, embed, link, poll, snapshot, each may be negated with a leading '-': current value 'has[0]="Image"'`,
    ],
    // Only author types and has types are documented as negatable.
    [
      { embed_type: ["-gif"] },
      "TypeError",
      `${C} 'embed_type[0]' must be one of image, video, gif, sound, article: current value 'embed_type[0]="-gif"'`,
    ],
    [
      { embed_type: ["gifv"] },
      "TypeError",
      `${C} 'embed_type[0]' must be one of image, video, gif, sound, article: current value 'embed_type[0]="gifv"'`,
    ],
    [
      { sort_by: "date" },
      "TypeError",
      `${C} 'sort_by' must be one of timestamp, relevance: current value 'sort_by="date"'`,
    ],
    [
      { sort_order: "ASC" },
      "TypeError",
      `${C} 'sort_order' must be one of asc, desc: current value 'sort_order="ASC"'`,
    ],
    [
      { sort_order: "-asc" },
      "TypeError",
      `${C} 'sort_order' must be one of asc, desc: current value 'sort_order="-asc"'`,
    ],
    [
      { pinned: "false" },
      "TypeError",
      `${C} 'pinned' must be a boolean: current value 'pinned="false"'`,
    ],
    [
      { mention_everyone: 1 },
      "TypeError",
      `${C} 'mention_everyone' must be a boolean: current value 'mention_everyone=1'`,
    ],
    [
      { include_nsfw: null },
      "TypeError",
      `${C} 'include_nsfw' must be a boolean: current value 'include_nsfw=null'`,
    ],
    [
      { author_ids: ["1"] },
      "TypeError",
      `${C} 'author_ids' is not one of its options (did you mean 'author_id'?)`,
    ],
    [
      null,
      "TypeError",
      `${C} 'query' must be an object: current value 'query=null'`,
    ],
    [
      ["limit"],
      "TypeError",
      `${C} 'query' must be an object: current value 'query=array'`,
    ],
  ];
  for (const [query, name, message] of refusals) {
    let call: Promise<unknown> | undefined;
    // Rejected, not thrown at the call.
    assert.doesNotThrow(() => {
      call = searchGuildMessages(rest, GUILD, query as never);
    });
    await assert.rejects(
      call!,
      { name, message },
      JSON.stringify(query)?.slice(0, 80),
    );
  }
  assert.equal(sent.length, 0, "a refused search was sent");
});

Deno.test("searchGuildMessages refuses a bad guild id or option, and sends nothing", async () => {
  const { sent, rest } = setup();
  await assert.rejects(searchGuildMessages(rest, "guild", {}), {
    name: "TypeError",
    message:
      "Cannot build route as 'guildId' must be a snowflake string: current value 'guildId=guild'",
  });
  await assert.rejects(
    searchGuildMessages(rest, GUILD, {}, { reason: "x" } as never),
    {
      name: "TypeError",
      message: /^Cannot build route as 'reason' is not one of its options/,
    },
  );
  await assert.rejects(
    searchGuildMessages(rest, GUILD, {}, { signl: undefined } as never),
    {
      name: "TypeError",
      message:
        "Cannot build route as 'signl' is not one of its options (did you mean 'signal'?)",
    },
  );
  assert.equal(sent.length, 0);
  // An aborted signal: nothing is sent, the call rejects with its reason.
  const aborted = AbortSignal.abort(new Error("stopped"));
  await assert.rejects(
    searchGuildMessages(rest, GUILD, { content: "x" }, { signal: aborted }),
    { message: "stopped" },
  );
  assert.equal(sent.length, 0);
});

Deno.test("searchGuildMessages refuses an array with holes, naming the hole, and sends nothing: a hole is no value, not 'undefined'", async () => {
  const { sent, rest } = setup();
  const holes: [key: string, given: unknown[], message: string][] = [
    [
      "channel_id",
      // deno-lint-ignore no-sparse-arrays
      [, "700000000000000001"],
      `${C} 'channel_id[0]' must be a snowflake string: current value 'channel_id[0]=undefined'`,
    ],
    [
      "embed_provider",
      new Array(2),
      `${C} 'embed_provider[0]' must be a string of 1 to 256 characters: current value 'embed_provider[0]=undefined'`,
    ],
    [
      "has",
      // deno-lint-ignore no-sparse-arrays
      ["image", , "link"],
      `${C} 'has[1]' must be one of image, sound, video, file, sticker, embed, link, poll, snapshot, each may be negated with a leading '-': current value 'has[1]=undefined'`,
    ],
  ];
  for (const [key, given, message] of holes) {
    await assert.rejects(
      searchGuildMessages(rest, GUILD, { [key]: given }),
      TypeError,
      message,
    );
  }
  assert.deepEqual(sent.map((request) => request.url), []);
});
