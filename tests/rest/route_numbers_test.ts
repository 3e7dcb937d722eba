/**
 * The numbers and counts of the older routes' bodies and queries, checked
 * before sending against the limits Discord's docs state for each field:
 * every rule refuses the first value out of range on both sides (and a
 * fraction, NaN, Infinity, a numeric string, `null` where the field is not
 * nullable) with nothing sent, and takes its edge values, sent exactly as
 * given. One table row a field; the rows are the docs' words.
 */
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import type { RestClient } from "../../rest/mod.ts";
import { answering, API } from "./_answering_discord.ts";

const C = "100000000000000001";
const G = "100000000000000002";
const M = "100000000000000003";
const ID = "100000000000000004";
/** `n` different snowflakes. */
const ids = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => String(100000000000000100n + BigInt(i)));

/** How a field is checked, as in rest/api/_numbers.ts. */
type Rule =
  | { min: number; max?: number; nullable?: true; fraction?: true }
  | { values: number[]; nullable?: true }
  | { items: [number, number] };

/** One checked field of one route. */
interface Row {
  /** The route function, for the test's name. */
  route: string;
  /** The field checked. */
  field: string;
  /** The docs' limit. */
  rule: Rule;
  /** The method and path it is sent to. */
  method: string;
  path: string;
  /** Where the field goes: the query string, or the JSON body. */
  in: "query" | "body";
  /** Other fields the body needs. */
  base?: Record<string, unknown>;
  /** Call the route with `fields` as its query or body. */
  call: (rest: RestClient, fields: Record<string, unknown>) => Promise<unknown>;
}

// Casts: the rows send what JavaScript (or a cast) could, not only what the
// types allow.
// deno-lint-ignore no-explicit-any
type Any = any;
const slowmode: Rule = { min: 0, max: 21600, nullable: true };
const archive: Rule = { values: [60, 1440, 4320, 10080] };

const ROWS: Row[] = [
  // channel.mdx
  ...(["max_age", "max_uses"] as const).map((field): Row => ({
    route: "createChannelInvite",
    field,
    rule: { min: 0, max: field === "max_age" ? 604800 : 100 },
    method: "POST",
    path: `/channels/${C}/invites`,
    in: "body",
    call: (rest, f) => api.createChannelInvite(rest, C, f as Any),
  })),
  ...([
    ["rate_limit_per_user", slowmode],
    ["bitrate", { min: 8000, nullable: true }],
    ["user_limit", { min: 0, max: 10000, nullable: true }],
    ["default_auto_archive_duration", {
      values: [60, 1440, 4320, 10080],
      nullable: true,
    }],
    ["auto_archive_duration", archive],
    ["available_tags", { items: [0, 20] }],
    ["applied_tags", { items: [0, 5] }],
  ] as [string, Rule][]).map(([field, rule]): Row => ({
    route: "modifyChannel",
    field,
    rule,
    method: "PATCH",
    path: `/channels/${C}`,
    in: "body",
    call: (rest, f) => api.modifyChannel(rest, C, f as Any),
  })),
  {
    route: "getChannelPins",
    field: "limit",
    rule: { min: 1, max: 50 },
    method: "GET",
    path: `/channels/${C}/messages/pins`,
    in: "query",
    call: (rest, f) => api.getChannelPins(rest, C, f as Any),
  },
  ...([
    ["startThreadFromMessage", `/channels/${C}/messages/${M}/threads`],
    ["startThreadWithoutMessage", `/channels/${C}/threads`],
    ["startThreadInForum", `/channels/${C}/threads`],
  ] as const).flatMap(([route, path]) =>
    ([["auto_archive_duration", archive], [
      "rate_limit_per_user",
      slowmode,
    ]] as [string, Rule][]).map(([field, rule]): Row => ({
      route,
      field,
      rule,
      method: "POST",
      path,
      in: "body",
      base: { name: "t" },
      call: (rest, f) =>
        route === "startThreadFromMessage"
          ? api.startThreadFromMessage(rest, C, M, f as Any)
          : route === "startThreadWithoutMessage"
          ? api.startThreadWithoutMessage(rest, C, f as Any)
          : api.startThreadInForum(rest, C, f as Any),
    }))
  ),
  {
    route: "listThreadMembers",
    field: "limit",
    rule: { min: 1, max: 100 },
    method: "GET",
    path: `/channels/${C}/thread-members`,
    in: "query",
    call: (rest, f) => api.listThreadMembers(rest, C, f as Any),
  },
  ...([
    ["listPublicArchivedThreads", "/threads/archived/public"],
    ["listPrivateArchivedThreads", "/threads/archived/private"],
    ["listJoinedPrivateArchivedThreads", "/users/@me/threads/archived/private"],
  ] as const).map(([route, tail]): Row => ({
    route,
    field: "limit",
    rule: { min: 0 },
    method: "GET",
    path: `/channels/${C}${tail}`,
    in: "query",
    call: (rest, f) => (api[route] as Any)(rest, C, f),
  })),
  // guild.mdx
  ...([
    ["bitrate", { min: 8000, nullable: true }],
    ["rate_limit_per_user", slowmode],
    ["default_auto_archive_duration", {
      values: [60, 1440, 4320, 10080],
      nullable: true,
    }],
  ] as [string, Rule][]).map(([field, rule]): Row => ({
    route: "createGuildChannel",
    field,
    rule,
    method: "POST",
    path: `/guilds/${G}/channels`,
    in: "body",
    base: { name: "c" },
    call: (rest, f) => api.createGuildChannel(rest, G, f as Any),
  })),
  ...([
    ["listGuildMembers", "/members", 1, 1000, {}],
    ["searchGuildMembers", "/members/search", 1, 1000, { query: "a" }],
    ["getGuildBans", "/bans", 0, 1000, {}],
  ] as const).map(([route, tail, min, max, base]): Row => ({
    route,
    field: "limit",
    rule: { min, max },
    method: "GET",
    path: `/guilds/${G}${tail}`,
    in: "query",
    base,
    call: (rest, f) => (api[route] as Any)(rest, G, f),
  })),
  {
    route: "modifyGuild",
    field: "afk_timeout",
    rule: { values: [60, 300, 900, 1800, 3600] },
    method: "PATCH",
    path: `/guilds/${G}`,
    in: "body",
    call: (rest, f) => api.modifyGuild(rest, G, f as Any),
  },
  ...([
    ["exempt_roles", { items: [0, 20] }],
    ["exempt_channels", { items: [0, 50] }],
  ] as [string, Rule][]).map(([field, rule]): Row => ({
    route: "modifyAutoModerationRule",
    field,
    rule,
    method: "PATCH",
    path: `/guilds/${G}/auto-moderation/rules/${ID}`,
    in: "body",
    call: (rest, f) => api.modifyAutoModerationRule(rest, G, ID, f as Any),
  })),
  // soundboard.mdx
  ...(["createGuildSoundboardSound", "modifyGuildSoundboardSound"] as const)
    .map((route): Row => ({
      route,
      field: "volume",
      rule: { min: 0, max: 1, fraction: true, nullable: true },
      method: route === "createGuildSoundboardSound" ? "POST" : "PATCH",
      path: route === "createGuildSoundboardSound"
        ? `/guilds/${G}/soundboard-sounds`
        : `/guilds/${G}/soundboard-sounds/${ID}`,
      in: "body",
      call: (rest, f) =>
        route === "createGuildSoundboardSound"
          ? api.createGuildSoundboardSound(rest, G, f as Any)
          : api.modifyGuildSoundboardSound(rest, G, ID, f as Any),
    })),
  {
    route: "createGuildBan",
    field: "delete_message_seconds",
    rule: { min: 0, max: 604800 },
    method: "PUT",
    path: `/guilds/${G}/bans/${ID}`,
    in: "body",
    call: (rest, f) => api.createGuildBan(rest, G, ID, f as Any),
  },
  ...([
    ["user_ids", { items: [0, 200] }],
    ["delete_message_seconds", { min: 0, max: 604800 }],
  ] as [string, Rule][]).map(([field, rule]): Row => ({
    route: "bulkGuildBan",
    field,
    rule,
    method: "POST",
    path: `/guilds/${G}/bulk-ban`,
    in: "body",
    base: { user_ids: [ID] },
    call: (rest, f) => api.bulkGuildBan(rest, G, f as Any),
  })),
  {
    route: "getGuildPruneCount",
    field: "days",
    rule: { min: 1, max: 30 },
    method: "GET",
    path: `/guilds/${G}/prune`,
    in: "query",
    call: (rest, f) => api.getGuildPruneCount(rest, G, f as Any),
  },
  {
    route: "beginGuildPrune",
    field: "days",
    rule: { min: 1, max: 30 },
    method: "POST",
    path: `/guilds/${G}/prune`,
    in: "body",
    call: (rest, f) => api.beginGuildPrune(rest, G, f as Any),
  },
  // message.mdx, audit-log.mdx, user.mdx, guild-scheduled-event.mdx,
  // entitlement.mdx, subscription.mdx, poll.mdx
  {
    route: "getChannelMessages",
    field: "limit",
    rule: { min: 1, max: 100 },
    method: "GET",
    path: `/channels/${C}/messages`,
    in: "query",
    call: (rest, f) => api.getChannelMessages(rest, C, f as Any),
  },
  {
    route: "bulkDeleteMessages",
    field: "messages",
    rule: { items: [2, 100] },
    method: "POST",
    path: `/channels/${C}/messages/bulk-delete`,
    in: "body",
    call: (rest, f) => api.bulkDeleteMessages(rest, C, f as Any),
  },
  {
    route: "getReactions",
    field: "limit",
    rule: { min: 1, max: 100 },
    method: "GET",
    path: `/channels/${C}/messages/${M}/reactions/%F0%9F%91%8D`,
    in: "query",
    call: (rest, f) => api.getReactions(rest, C, M, "👍", f as Any),
  },
  ...([
    ["getGuildAuditLog", `/guilds/${G}/audit-logs`, 1, 100],
    ["getCurrentUserGuilds", "/users/@me/guilds", 1, 200],
    [
      "getScheduledEventUsers",
      `/guilds/${G}/scheduled-events/${ID}/users`,
      0,
      100,
    ],
    ["listEntitlements", `/applications/${ID}/entitlements`, 1, 100],
    ["listSkuSubscriptions", `/skus/${ID}/subscriptions`, 1, 100],
    ["getAnswerVoters", `/channels/${C}/polls/${M}/answers/1`, 1, 100],
  ] as const).map(([route, path, min, max]): Row => ({
    route,
    field: "limit",
    rule: { min, max },
    method: "GET",
    path,
    in: "query",
    call: (rest, f) =>
      route === "getGuildAuditLog"
        ? api.getGuildAuditLog(rest, G, f as Any)
        : route === "getCurrentUserGuilds"
        ? api.getCurrentUserGuilds(rest, f as Any)
        : route === "getScheduledEventUsers"
        ? api.getScheduledEventUsers(rest, G, ID, f as Any)
        : route === "getAnswerVoters"
        ? api.getAnswerVoters(rest, C, M, 1, f as Any)
        : (api[route] as Any)(rest, ID, f),
  })),
];

/** The values a rule takes: its edges (and `null` where nullable). */
function accepted(rule: Rule): unknown[] {
  if ("items" in rule) return [ids(rule.items[0]), ids(rule.items[1])];
  const edges = "values" in rule
    ? rule.values
    : rule.max === undefined
    ? [rule.min, Number.MAX_SAFE_INTEGER]
    : [rule.min, rule.max];
  const all = "fraction" in rule ? [...edges, rule.min + 0.5] : edges;
  return rule.nullable ? [...all, null] : all;
}

/** A value refused, and the error it gets. */
type Refusal = readonly [unknown, "RangeError" | "TypeError"];

/** The values a rule refuses, with the error each gets. */
function refused(rule: Rule): Refusal[] {
  if ("items" in rule) {
    const [min, max] = rule.items;
    return [
      ...(min > 0 ? [[ids(min - 1), "RangeError"] as const] : []),
      [ids(max + 1), "RangeError"],
      [ID, "TypeError"],
      [null, "TypeError"],
    ];
  }
  const values = "values" in rule ? rule.values : [rule.min];
  const first = values[0]!;
  const last = "values" in rule ? values.at(-1)! : rule.max;
  return [
    [first - 1, "RangeError"],
    ...(last === undefined ? [] : [[last + 1, "RangeError"] as const]),
    ...("fraction" in rule ? [] : [[first + 0.5, "RangeError"] as const]),
    [NaN, "RangeError"],
    [Infinity, "RangeError"],
    [String(first), "TypeError"],
    [true, "TypeError"],
    ...(rule.nullable ? [] : [[null, "TypeError"] as const]),
  ];
}

/** A client answering every request 200 `{}`. */
function discord(): ReturnType<typeof answering> {
  return answering(() => Response.json({}));
}

for (const row of ROWS) {
  Deno.test(`${row.route}: '${row.field}' sends its edge values as given`, async () => {
    for (const value of accepted(row.rule)) {
      const { rest, sent } = discord();
      await row.call(rest, { ...row.base, [row.field]: value });
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.method, row.method);
      if (row.in === "body") {
        assert.equal(sent[0]!.url, `${API}${row.path}`);
        assert.deepEqual(sent[0]!.body, { ...row.base, [row.field]: value });
      } else {
        const query = new URLSearchParams(
          { ...row.base, [row.field]: String(value) } as Record<string, string>,
        );
        assert.equal(sent[0]!.url, `${API}${row.path}?${query}`);
      }
    }
  });

  Deno.test(`${row.route}: '${row.field}' out of the docs' range is refused, nothing sent`, async () => {
    const { rest, sent } = discord();
    for (const [value, name] of refused(row.rule)) {
      await assert.rejects(
        row.call(rest, { ...row.base, [row.field]: value }),
        (error: Error) => {
          assert.equal(error.name, name, `${row.field}=${String(value)}`);
          assert.match(
            error.message,
            new RegExp(`^Cannot [A-Za-z ]+ as '${row.field}' must be `),
          );
          return true;
        },
      );
    }
    assert.equal(sent.length, 0);
  });
}

Deno.test("the refusals say what the docs allow and show the value (a list's length, not its IDs)", async () => {
  const { rest, sent } = discord();
  const cases: [Promise<unknown>, string, string][] = [
    [
      api.createChannelInvite(rest, C, { max_age: 604801 }),
      "RangeError",
      "Cannot create channel invite as 'max_age' must be an integer from 0 to 604800: current value 'max_age=604801'",
    ],
    [
      api.getChannelMessages(rest, C, { limit: "50" as Any }),
      "TypeError",
      `Cannot get channel messages as 'limit' must be an integer from 1 to 100: current value 'limit="50"'`,
    ],
    [
      api.modifyChannel(rest, C, { rate_limit_per_user: -1 }),
      "RangeError",
      "Cannot modify channel as 'rate_limit_per_user' must be an integer from 0 to 21600 or null: current value 'rate_limit_per_user=-1'",
    ],
    [
      api.modifyChannel(rest, C, { bitrate: 7999 }),
      "RangeError",
      "Cannot modify channel as 'bitrate' must be an integer >= 8000 or null: current value 'bitrate=7999'",
    ],
    [
      api.startThreadWithoutMessage(rest, C, {
        name: "t",
        auto_archive_duration: 120,
      }),
      "RangeError",
      "Cannot start thread without message as 'auto_archive_duration' must be one of 60, 1440, 4320, 10080: current value 'auto_archive_duration=120'",
    ],
    [
      api.bulkDeleteMessages(rest, C, { messages: ids(101) }),
      "RangeError",
      "Cannot bulk delete messages as 'messages' must be an array of 2 to 100 message IDs: current length '101'",
    ],
    [
      api.bulkGuildBan(rest, G, { user_ids: ID as Any }),
      "TypeError",
      `Cannot bulk guild ban as 'user_ids' must be an array of at most 200 user IDs: current value 'user_ids=${ID}'`,
    ],
  ];
  for (const [call, name, message] of cases) {
    await assert.rejects(call, { name, message });
  }
  assert.equal(sent.length, 0);
});

Deno.test("a field left undefined is neither checked nor sent, and the other fields still are", async () => {
  const { rest, sent } = discord();
  await api.createChannelInvite(
    rest,
    C,
    { max_age: undefined, max_uses: 5 } as Any,
  );
  await api.getChannelMessages(rest, C, { limit: undefined, before: M } as Any);
  assert.deepEqual(sent[0]!.body, { max_uses: 5 });
  assert.equal(sent[1]!.url, `${API}/channels/${C}/messages?before=${M}`);
});

Deno.test("createChannelInvite checks its numbers before writing the target users' file", async () => {
  const { rest, sent } = discord();
  await assert.rejects(
    api.createChannelInvite(rest, C, {
      max_uses: 101,
      target_users_file: [ID],
    }),
    { name: "RangeError" },
  );
  assert.equal(sent.length, 0);
});

Deno.test("auto moderation rules: the trigger metadata's and actions' limits are checked where they are, named by their path", async () => {
  const { rest, sent } = discord();
  const rule = (extra: Record<string, unknown>): Any => ({
    name: "r",
    event_type: 1,
    trigger_type: 1,
    actions: [{ type: 1 }],
    ...extra,
  });
  const taken = [
    { trigger_metadata: { mention_total_limit: 50 } },
    {
      trigger_metadata: { keyword_filter: ids(1000), regex_patterns: ids(10) },
    },
    { trigger_metadata: { allow_list: ids(1000) } },
    {
      actions: [{ type: 1 }, {
        type: 3,
        metadata: { duration_seconds: 2419200 },
      }],
    },
  ];
  for (const extra of taken) {
    await api.createAutoModerationRule(rest, G, rule(extra));
    assert.deepEqual(sent.at(-1)!.body, rule(extra));
  }
  const refused: [Record<string, unknown>, string][] = [
    [
      { trigger_metadata: { mention_total_limit: 51 } },
      "trigger_metadata.mention_total_limit",
    ],
    [
      { trigger_metadata: { keyword_filter: ids(1001) } },
      "trigger_metadata.keyword_filter",
    ],
    [
      { trigger_metadata: { regex_patterns: ids(11) } },
      "trigger_metadata.regex_patterns",
    ],
    [
      { trigger_metadata: { allow_list: ids(1001) } },
      "trigger_metadata.allow_list",
    ],
    [
      {
        actions: [{ type: 1 }, {
          type: 3,
          metadata: { duration_seconds: 2419201 },
        }],
      },
      "actions[1].metadata.duration_seconds",
    ],
  ];
  const before = sent.length;
  for (const [extra, name] of refused) {
    await assert.rejects(api.createAutoModerationRule(rest, G, rule(extra)), {
      name: "RangeError",
      message: new RegExp(
        `^Cannot create auto moderation rule as '${
          name.replace(/[[\].]/g, "\\$&")
        }' must be `,
      ),
    });
    await assert.rejects(
      api.modifyAutoModerationRule(rest, G, ID, extra),
      RangeError,
    );
  }
  assert.equal(sent.length, before);
});
