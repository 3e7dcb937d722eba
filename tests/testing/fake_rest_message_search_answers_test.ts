// FakeRest's other Search Guild Messages answers: 404 Unknown Guild as its
// other guild routes give it, 400 Invalid Form Body for a query outside the
// docs' limits (the largest values searchGuildMessages sends are taken),
// and the 202 "Index not yet available" a test scripts with
// scriptSearchIndexPending, which searchGuildMessages rejects with
// SearchIndexNotReadyError: for its `times` searches of its guild, then
// results, so a bot's retry loop runs end to end.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import {
  DiscordApiError,
  getGuild,
  type GuildMessageSearchResults,
  searchGuildMessages,
  SearchIndexNotReadyError,
} from "../../rest/mod.ts";
import { delay } from "../../base/scheduler.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  ELSEWHERE,
  GUILD,
  message,
  searchScene,
  seed,
  TEXT,
} from "./_search_guild.ts";

/** What `call` rejected with (it must reject). */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("the call did not reject");
}

/** The DiscordApiError a raw search with `query` gets. */
async function refused(
  rest: RestClient,
  query: string,
): Promise<DiscordApiError> {
  const error = await failure(
    rest.request("GET", `/guilds/${GUILD}/messages/search?${query}`),
  );
  assert.ok(error instanceof DiscordApiError, String(error));
  return error;
}

Deno.test("FakeRest search: an unknown guild is 404 10004, the body the guild routes give", async () => {
  const { fake, rest } = searchScene();
  const unknown = "100000000000000077";
  const error = await failure(searchGuildMessages(rest, unknown));
  const theirs = await failure(getGuild(rest, unknown));
  assert.ok(error instanceof DiscordApiError);
  assert.ok(theirs instanceof DiscordApiError);
  assert.deepEqual(
    [error.status, error.code, error.apiMessage],
    [404, 10004, "Unknown Guild"],
  );
  assert.deepEqual(
    [theirs.status, theirs.code, theirs.apiMessage],
    [error.status, error.code, error.apiMessage],
  );
  // A known guild with nothing in it is no error.
  const empty = await searchGuildMessages(rest, ELSEWHERE);
  assert.deepEqual([empty.total_results, empty.messages], [0, []]);
  assert.equal(fake.requests.length, 3);
});

Deno.test("FakeRest search: a query past the docs' limits is 400 50035 with Discord's errors tree", async () => {
  const { rest } = searchScene();
  const ids = Array.from({ length: 501 }, (_, i) => `channel_id=${i + 1}`);
  const error = await refused(
    rest,
    [
      "limit=26",
      "offset=9976",
      "slop=-1",
      `content=${"a".repeat(1025)}`,
      "max_id=latest",
      "author_id=1&author_id=x",
      "author_type=-robot",
      "has=image&has=gif",
      "pinned=yes",
      "sort_by=date",
      ...ids,
    ].join("&"),
  );
  assert.deepEqual([error.status, error.code], [400, 50035]);
  assert.equal(error.apiMessage, "Invalid Form Body");
  const leaf = (code: string, message: string): unknown => ({
    _errors: [{ code, message }],
  });
  assert.deepEqual(error.errors, {
    limit: leaf(
      "NUMBER_TYPE_MAX",
      "int value should be less than or equal to 25.",
    ),
    offset: leaf(
      "NUMBER_TYPE_MAX",
      "int value should be less than or equal to 9975.",
    ),
    max_id: leaf("NUMBER_TYPE_COERCE", 'Value "latest" is not snowflake.'),
    slop: leaf(
      "NUMBER_TYPE_MIN",
      "int value should be greater than or equal to 0.",
    ),
    content: leaf("BASE_TYPE_MAX_LENGTH", "Must be 1024 or fewer in length."),
    channel_id: leaf("BASE_TYPE_MAX_LENGTH", "Must be 500 or fewer in length."),
    author_type: {
      0: leaf("ENUM_TYPE_COERCE", 'Value "-robot" is not a valid enum value.'),
    },
    author_id: {
      1: leaf("NUMBER_TYPE_COERCE", 'Value "x" is not snowflake.'),
    },
    pinned: leaf("BASE_TYPE_BOOLEAN", "Must be either true or false."),
    has: {
      1: leaf("ENUM_TYPE_COERCE", 'Value "gif" is not a valid enum value.'),
    },
    sort_by: leaf(
      "ENUM_TYPE_COERCE",
      'Value "date" is not a valid enum value.',
    ),
  });
  const one = await refused(rest, "limit=0");
  assert.deepEqual(one.errors, {
    limit: leaf(
      "NUMBER_TYPE_MIN",
      "int value should be greater than or equal to 1.",
    ),
  });
  const item = await refused(rest, `embed_provider=${"p".repeat(257)}`);
  assert.deepEqual(item.errors, {
    embed_provider: {
      0: leaf("BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length."),
    },
  });
});

Deno.test("FakeRest search: a boolean spelt as a name Object.prototype holds (constructor, toString, __proto__) is 400, not read as a filter", async () => {
  const { rest } = searchScene();
  for (const spelling of ["constructor", "toString", "__proto__"]) {
    const error = await refused(rest, `pinned=${spelling}&include_nsfw=1`);
    assert.deepEqual([error.status, error.errors], [400, {
      pinned: {
        _errors: [{
          code: "BASE_TYPE_BOOLEAN",
          message: "Must be either true or false.",
        }],
      },
    }]);
  }
});

Deno.test("FakeRest search: the largest values searchGuildMessages sends are taken, Discord's boolean spellings too", async () => {
  const { fake, rest } = searchScene();
  const [id] = seed(fake, message(TEXT, { content: "x".repeat(1024) }));
  const results = await searchGuildMessages(rest, GUILD, {
    limit: 25,
    offset: 0,
    slop: 100,
    content: "x".repeat(1024),
    channel_id: Array.from({ length: 499 }, (_, i) => String(i + 1))
      .concat(TEXT),
  });
  assert.deepEqual(results.messages.map(([m]) => m!.id), [id]);
  const far = await searchGuildMessages(rest, GUILD, { offset: 9975 });
  assert.deepEqual([far.total_results, far.messages], [1, []]);
  for (const spelling of ["True", "1"]) {
    const found = await rest.request<GuildMessageSearchResults>(
      "GET",
      `/guilds/${GUILD}/messages/search?pinned=${spelling}`,
    );
    assert.equal(found.total_results, 0);
  }
  const unpinned = await rest.request<GuildMessageSearchResults>(
    "GET",
    `/guilds/${GUILD}/messages/search?pinned=0`,
  );
  assert.equal(unpinned.total_results, 1);
});

Deno.test("FakeRest search: a scripted pending index answers 202 as Discord's docs show it, once by default", async () => {
  const { fake, rest } = searchScene();
  seed(fake, message(TEXT, { content: "hello" }));
  fake.scriptSearchIndexPending();
  const answer = await fake.fetch(
    `https://discord.com/api/v10/guilds/${GUILD}/messages/search`,
    { headers: { authorization: "Bot fake-bot-token" } },
  );
  assert.equal(answer.status, 202);
  assert.deepEqual(await answer.json(), {
    message: "Index not yet available. Try again later",
    code: 110000,
    documents_indexed: 0,
    retry_after: 2,
  });
  const results = await searchGuildMessages(rest, GUILD);
  assert.equal(results.total_results, 1);
});

Deno.test("FakeRest search: a pending index is its guild's, for its `times` valid searches, then results", async () => {
  const { fake, rest } = searchScene();
  seed(fake, message(TEXT, { content: "hello" }));
  fake.scriptSearchIndexPending({
    guildId: GUILD,
    retryAfter: 3,
    documentsIndexed: 120,
    times: 2,
  });
  // Another guild's search, a refused query and an unknown guild take none.
  assert.equal((await searchGuildMessages(rest, ELSEWHERE)).total_results, 0);
  await refused(rest, "limit=26");
  await failure(searchGuildMessages(rest, "100000000000000077"));
  for (let i = 0; i < 2; i++) {
    const error = await failure(searchGuildMessages(rest, GUILD));
    assert.ok(error instanceof SearchIndexNotReadyError, String(error));
    assert.equal(error.retryAfter, 3000);
    assert.equal(error.documentsIndexed, 120);
  }
  const results = await searchGuildMessages(rest, GUILD);
  assert.equal(results.total_results, 1);
  assert.equal((await searchGuildMessages(rest, GUILD)).total_results, 1);
});

Deno.test("FakeRest search: a bot's retry loop waits out the pending index on a virtual clock", async () => {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ scheduler: clock });
  fake.resources.addGuild({ id: GUILD });
  fake.resources.addChannel({ id: TEXT, type: 0, guild_id: GUILD });
  const rest = new RestClient({
    token: "fake-bot-token",
    fetch: fake.fetch,
    scheduler: clock,
  });
  const sent = await rest.createMessage(TEXT, { content: "deploy done" });
  fake.scriptSearchIndexPending({ guildId: GUILD, retryAfter: 5, times: 2 });

  // The bot's loop: search, and on a pending index wait as told.
  async function searchWhenIndexed(): Promise<GuildMessageSearchResults> {
    for (;;) {
      try {
        return await searchGuildMessages(rest, GUILD, { content: "deploy" });
      } catch (error) {
        if (!(error instanceof SearchIndexNotReadyError)) throw error;
        await delay(clock, error.retryAfter);
      }
    }
  }
  let settled = false;
  const searching = searchWhenIndexed().finally(() => settled = true);
  await clock.advance(4999);
  assert.equal(settled, false);
  await clock.advance(5001);
  const results = await searching;
  assert.deepEqual(results.messages.map(([m]) => m!.id), [sent.id]);
  const searches = fake.requests.filter((r) => r.method === "GET");
  assert.deepEqual(searches.map((r) => r.at), [0, 5000, 10000]);
});
