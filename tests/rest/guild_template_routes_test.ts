/**
 * The guild template routes, built to Discord's guild-template.mdx: each
 * one's method, URL, body and headers; the name and description limits of
 * its JSON Params tables refused before sending; the template object typed
 * as the docs give it (placeholder integer IDs in its guild snapshot); no
 * audit-log reason, which the docs do not list for these routes.
 */
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import type { GuildTemplate } from "../../rest/mod.ts";
import { answering, API, type SentRequest } from "./_answering_discord.ts";

const GUILD = "678070694164299796";
const CODE = "hgM48av5Q69A";

/**
 * Discord's "Example Guild Template Object", whole, but for the creator's
 * `global_name`, which the example (from 2020) predates.
 */
const EXAMPLE = {
  code: "hgM48av5Q69A",
  name: "Friends & Family",
  description: "",
  usage_count: 49605,
  creator_id: "132837293881950208",
  creator: {
    id: "132837293881950208",
    username: "hoges",
    avatar: "79b0d9f8c340f2d43e1f78b09f175b62",
    discriminator: "0001",
    public_flags: 129,
    global_name: null,
  },
  created_at: "2020-04-02T21:10:38+00:00",
  updated_at: "2020-05-01T17:57:38+00:00",
  source_guild_id: "678070694164299796",
  serialized_source_guild: {
    name: "Friends & Family",
    description: null,
    region: "us-west",
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    preferred_locale: "en-US",
    afk_timeout: 300,
    roles: [
      {
        id: 0,
        name: "@everyone",
        permissions: 104324689,
        color: 0,
        hoist: false,
        mentionable: false,
      },
    ],
    channels: [
      {
        name: "Text Channels",
        position: 1,
        topic: null,
        bitrate: 64000,
        user_limit: 0,
        nsfw: false,
        rate_limit_per_user: 0,
        parent_id: null,
        permission_overwrites: [],
        id: 1,
        type: 4,
      },
      {
        name: "general",
        position: 1,
        topic: null,
        bitrate: 64000,
        user_limit: 0,
        nsfw: false,
        rate_limit_per_user: 0,
        parent_id: 1,
        permission_overwrites: [],
        id: 2,
        type: 0,
      },
    ],
    afk_channel_id: null,
    system_channel_id: 2,
    system_channel_flags: 0,
    icon_hash: null,
  },
  is_dirty: null,
} satisfies GuildTemplate;

/** A client answering every request with the docs' example template. */
function discord(): ReturnType<typeof answering> {
  return answering((request) =>
    Response.json(
      request.method === "GET" && request.url.endsWith("/templates")
        ? [EXAMPLE]
        : EXAMPLE,
    )
  );
}

/** The one request sent, with no audit-log reason. */
function only(sent: SentRequest[]): SentRequest {
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.headers.get("x-audit-log-reason"), null);
  return sent[0]!;
}

Deno.test("getGuildTemplate: GET /guilds/templates/{code}, the docs' template typed with its placeholder ids", async () => {
  const { rest, sent } = discord();
  const template = await api.getGuildTemplate(rest, CODE);
  const request = only(sent);
  assert.equal(request.method, "GET");
  assert.equal(request.url, `${API}/guilds/templates/${CODE}`);
  assert.equal(request.body, undefined);
  assert.deepEqual(template, EXAMPLE);
  // The snapshot's ids are placeholder integers, typed so.
  const guild = template.serialized_source_guild;
  const everyone: number = guild.roles![0]!.id;
  const parent: number | null | undefined = guild.channels![1]!.parent_id;
  const system: number | null | undefined = guild.system_channel_id;
  assert.deepEqual([everyone, parent, system], [0, 1, 2]);
  const creator: string = template.creator.username;
  assert.equal(creator, "hoges");
});

Deno.test("a template code is one encoded path segment; an empty, dot or half-emoji code is refused, nothing sent", async () => {
  const { rest, sent } = discord();
  await api.getGuildTemplate(rest, "a b/c?d");
  assert.equal(sent[0]!.url, `${API}/guilds/templates/a%20b%2Fc%3Fd`);
  for (const code of ["", ".", "..", "\ud83d"]) {
    await assert.rejects(api.getGuildTemplate(rest, code), TypeError);
    await assert.rejects(api.syncGuildTemplate(rest, GUILD, code), TypeError);
    await assert.rejects(api.deleteGuildTemplate(rest, GUILD, code), TypeError);
    await assert.rejects(
      api.modifyGuildTemplate(rest, GUILD, code, { name: "x" }),
      TypeError,
    );
  }
  await assert.rejects(api.getGuildTemplate(rest, ".."), {
    name: "TypeError",
    message:
      "Cannot build route as 'code' must not be '.' or '..' (the URL would name another endpoint): current value 'code=..'",
  });
  assert.equal(sent.length, 1);
});

Deno.test("getGuildTemplates: GET /guilds/{guild.id}/templates, an array of templates", async () => {
  const { rest, sent } = discord();
  const templates = await api.getGuildTemplates(rest, GUILD);
  const request = only(sent);
  assert.equal(request.method, "GET");
  assert.equal(request.url, `${API}/guilds/${GUILD}/templates`);
  assert.deepEqual(templates, [EXAMPLE]);
  await assert.rejects(api.getGuildTemplates(rest, "guild"), TypeError);
  assert.equal(sent.length, 1);
});

Deno.test("createGuildTemplate: POST /guilds/{guild.id}/templates with the name and description as JSON", async () => {
  const { rest, sent } = discord();
  const template = await api.createGuildTemplate(rest, GUILD, {
    name: "Friends & Family",
    description: "for the family",
  });
  const request = only(sent);
  assert.equal(request.method, "POST");
  assert.equal(request.url, `${API}/guilds/${GUILD}/templates`);
  assert.equal(request.headers.get("content-type"), "application/json");
  assert.deepEqual(request.body, {
    name: "Friends & Family",
    description: "for the family",
  });
  assert.equal(template.code, CODE);
  // The limits' edges pass: 100 and 120 characters counted in code points
  // (200 and 240 UTF-16 units of emoji), an empty or null description.
  const name = "😀".repeat(100);
  const description = "😀".repeat(120);
  await api.createGuildTemplate(rest, GUILD, { name, description });
  assert.deepEqual(sent[1]!.body, { name, description });
  await api.createGuildTemplate(rest, GUILD, { name: "x", description: "" });
  await api.createGuildTemplate(rest, GUILD, { name: "x", description: null });
  assert.deepEqual(sent[3]!.body, { name: "x", description: null });
  await api.createGuildTemplate(rest, GUILD, { name: "x" });
  assert.deepEqual(sent[4]!.body, { name: "x" });
});

Deno.test("createGuildTemplate refuses a name or description out of the docs' limits, and sends nothing", async () => {
  const { rest, sent } = discord();
  const refusals: [
    unknown,
    ErrorConstructor | RangeErrorConstructor,
    string,
  ][] = [
    [
      { name: "" },
      RangeError,
      "Cannot create guild template as 'name' must be a string of 1 to 100 characters: current length '0'",
    ],
    [
      { name: "😀".repeat(101) },
      RangeError,
      "current length '101'",
    ],
    [
      { name: "x", description: "d".repeat(121) },
      RangeError,
      "Cannot create guild template as 'description' must be a string of at most 120 characters or null: current length '121'",
    ],
    [
      {},
      TypeError,
      "Cannot create guild template as 'name' must be a string of 1 to 100 characters: current value 'name=undefined'",
    ],
    [
      { name: 7 },
      TypeError,
      "current value 'name=7'",
    ],
    [
      { name: null },
      TypeError,
      "current value 'name=null'",
    ],
    [
      { name: "x", description: 5 },
      TypeError,
      "Cannot create guild template as 'description' must be a string of at most 120 characters or null: current value 'description=5'",
    ],
    [
      null,
      TypeError,
      "Cannot create guild template as 'body' must be an object: current value 'body=null'",
    ],
    [
      ["name"],
      TypeError,
      "'body' must be an object",
    ],
  ];
  for (const [body, type, message] of refusals) {
    const error = await api.createGuildTemplate(rest, GUILD, body as never)
      .then(() => undefined, (e: unknown) => e);
    assert.ok(
      error instanceof type && error.constructor === type,
      `${JSON.stringify(body)}: ${error}`,
    );
    assert.ok(
      (error as Error).message.includes(message),
      (error as Error).message,
    );
  }
  assert.equal(sent.length, 0);
});

Deno.test("syncGuildTemplate: PUT /guilds/{guild.id}/templates/{code} without a body", async () => {
  const { rest, sent } = discord();
  const template = await api.syncGuildTemplate(rest, GUILD, CODE);
  const request = only(sent);
  assert.equal(request.method, "PUT");
  assert.equal(request.url, `${API}/guilds/${GUILD}/templates/${CODE}`);
  assert.equal(request.body, undefined);
  assert.equal(template.is_dirty, null);
});

Deno.test("modifyGuildTemplate: PATCH /guilds/{guild.id}/templates/{code} with only the fields given", async () => {
  const { rest, sent } = discord();
  await api.modifyGuildTemplate(rest, GUILD, CODE, { description: null });
  const request = only(sent);
  assert.equal(request.method, "PATCH");
  assert.equal(request.url, `${API}/guilds/${GUILD}/templates/${CODE}`);
  assert.equal(request.headers.get("content-type"), "application/json");
  assert.deepEqual(request.body, { description: null });
  await api.modifyGuildTemplate(rest, GUILD, CODE, { name: "Renamed" });
  assert.deepEqual(sent[1]!.body, { name: "Renamed" });
  await api.modifyGuildTemplate(rest, GUILD, CODE, {});
  assert.deepEqual(sent[2]!.body, {});

  // The same limits as creation; the name is not nullable.
  for (
    const [body, type] of [
      [{ name: "" }, RangeError],
      [{ name: "n".repeat(101) }, RangeError],
      [{ description: "d".repeat(121) }, RangeError],
      [{ name: null }, TypeError],
      [{ description: 1 }, TypeError],
      [undefined, TypeError],
    ] as const
  ) {
    await assert.rejects(
      api.modifyGuildTemplate(rest, GUILD, CODE, body as never),
      (error: unknown) =>
        error instanceof type && error.constructor === type &&
        error.message.startsWith("Cannot modify guild template as "),
    );
  }
  assert.equal(sent.length, 3);
});

Deno.test("deleteGuildTemplate: DELETE /guilds/{guild.id}/templates/{code}, answered with the deleted template", async () => {
  const { rest, sent } = discord();
  const deleted = await api.deleteGuildTemplate(rest, GUILD, CODE);
  const request = only(sent);
  assert.equal(request.method, "DELETE");
  assert.equal(request.url, `${API}/guilds/${GUILD}/templates/${CODE}`);
  assert.equal(request.body, undefined);
  assert.equal(deleted.code, CODE);
});

Deno.test("the template routes take no audit-log reason (the docs list none): refused, nothing sent", async () => {
  const { rest, sent } = discord();
  const reason = { reason: "tidy" } as never;
  for (
    const call of [
      () => api.getGuildTemplate(rest, CODE, reason),
      () => api.getGuildTemplates(rest, GUILD, reason),
      () => api.createGuildTemplate(rest, GUILD, { name: "x" }, reason),
      () => api.syncGuildTemplate(rest, GUILD, CODE, reason),
      () => api.modifyGuildTemplate(rest, GUILD, CODE, {}, reason),
      () => api.deleteGuildTemplate(rest, GUILD, CODE, reason),
    ]
  ) {
    await assert.rejects(call(), TypeError);
  }
  await assert.rejects(
    api.syncGuildTemplate(rest, GUILD, CODE, { signl: null } as never),
    {
      message:
        "Cannot build route as 'signl' is not one of its options (did you mean 'signal'?)",
    },
  );
  assert.equal(sent.length, 0);
});

Deno.test("Discord's Unknown Guild Template and 'already has a template' answers are DiscordApiErrors with their codes", async () => {
  const { rest } = answering((request) =>
    request.method === "POST"
      ? Response.json({
        message: "Guild already has a template",
        code: 30031,
      }, { status: 400 })
      : Response.json({ message: "Unknown Guild Template", code: 10057 }, {
        status: 404,
      })
  );
  const unknown = await api.getGuildTemplate(rest, "nope").catch((e) => e);
  assert.ok(unknown instanceof DiscordApiError);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.code, 10057);
  const twice = await api.createGuildTemplate(rest, GUILD, { name: "x" })
    .catch((e) => e);
  assert.ok(twice instanceof DiscordApiError);
  assert.equal(twice.code, 30031);
});

Deno.test("Create Guild from Template is left out: apps can no longer create guilds", () => {
  // Removed from Discord's docs with Create Guild (change log, July 28,
  // 2025): no route function may send POST /guilds/templates/{code}.
  const names = Object.keys(api);
  assert.ok(
    !names.some((name) => /guildFromTemplate/i.test(name)),
    names.join(),
  );
  assert.ok(names.includes("getGuildTemplate"));
});
