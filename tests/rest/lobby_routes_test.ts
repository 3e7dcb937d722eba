// The lobby routes sent with the bot token, built to Discord's lobby.mdx:
// Create, Get, Modify and Delete Lobby, Add, Bulk Update and Remove
// members, a message's moderation metadata and the linked channel invite
// for a user. Each request's method, URL, credential and body; the answers
// typed as Discord's examples give them (an invite's checked); what the
// tables refuse refused first, nothing sent; and the rate-limit route keys
// a lobby's requests get.
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import type { Lobby, LobbyMember } from "../../types/mod.ts";
import { LobbyMemberFlags } from "../../types/mod.ts";
import { DiscordApiError, RestError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { recordedClient } from "./_discord_recorder.ts";

const BOT = "bot-token-for-lobbies";
const BASE = "https://discord.com/api/v10";
const LOBBY = "96008815106887111";
const USER = "41771983429993000";
const MESSAGE = "1234567890123456789";

/** Discord's "Example Lobby Object". */
const EXAMPLE: Lobby = {
  id: "96008815106887111",
  application_id: "41771983429993937",
  metadata: { topic: "we need more redstone" },
  members: [{
    id: "41771983429993000",
    metadata: null,
    flags: 1,
    additional_name: "Twindly Shimmerleaf",
  }],
};

function setup(answer: unknown = EXAMPLE): ReturnType<typeof recordedClient> {
  return recordedClient(BOT, answer);
}

Deno.test("createLobby: POST /lobbies with the bot token and the body as given, Discord's lobby typed", async () => {
  const { rest, discord } = setup();
  const body: api.CreateLobbyBody = {
    metadata: { topic: "we need more redstone" },
    members: [{
      id: USER,
      metadata: { team: "red" },
      flags: LobbyMemberFlags.CanLinkLobby,
    }, { id: "41771983429993001", metadata: null }],
    idle_timeout_seconds: 604800,
  };
  const lobby = await api.createLobby(rest, body);
  assert.deepEqual(lobby, EXAMPLE);
  const name: string | undefined = lobby.members[0]!.additional_name;
  assert.equal(name, "Twindly Shimmerleaf");
  assert.deepEqual(discord.sent, [{
    method: "POST",
    url: `${BASE}/lobbies`,
    authorization: `Bot ${BOT}`,
    contentType: "application/json",
    body,
  }]);
  // No body: an empty object, every field being optional.
  await api.createLobby(rest);
  assert.deepEqual(discord.sent[1]!.body, {});
  // The smallest timeout and null metadata are sent.
  await api.createLobby(rest, { idle_timeout_seconds: 5, metadata: null });
  assert.deepEqual(discord.sent[2]!.body, {
    idle_timeout_seconds: 5,
    metadata: null,
  });
});

Deno.test("getLobby, modifyLobby and deleteLobby: GET, PATCH and DELETE /lobbies/{id}", async () => {
  const { rest, discord } = setup();
  assert.deepEqual(await api.getLobby(rest, LOBBY), EXAMPLE);
  // An empty members list is sent: it removes every member.
  await api.modifyLobby(rest, LOBBY, { metadata: {}, members: [] });
  discord.answer(204);
  const deleted: void = await api.deleteLobby(rest, LOBBY);
  assert.equal(deleted, undefined);
  assert.deepEqual(discord.sent, [
    {
      method: "GET",
      url: `${BASE}/lobbies/${LOBBY}`,
      authorization: `Bot ${BOT}`,
      contentType: null,
      body: undefined,
    },
    {
      method: "PATCH",
      url: `${BASE}/lobbies/${LOBBY}`,
      authorization: `Bot ${BOT}`,
      contentType: "application/json",
      body: { metadata: {}, members: [] },
    },
    {
      method: "DELETE",
      url: `${BASE}/lobbies/${LOBBY}`,
      authorization: `Bot ${BOT}`,
      contentType: null,
      body: undefined,
    },
  ]);
});

Deno.test("addLobbyMember and removeLobbyMember: PUT and DELETE /lobbies/{id}/members/{user}, the member typed", async () => {
  const member: LobbyMember = EXAMPLE.members[0]!;
  const { rest, discord } = setup(member);
  const added = await api.addLobbyMember(rest, LOBBY, USER, {
    metadata: { role: "healer" },
    flags: 1,
    additional_name: "é".repeat(80),
  });
  assert.deepEqual(added, member);
  // No body: {}; null clears the additional name.
  await api.addLobbyMember(rest, LOBBY, USER);
  await api.addLobbyMember(rest, LOBBY, USER, { additional_name: null });
  discord.answer(204);
  await api.removeLobbyMember(rest, LOBBY, USER);
  const url = `${BASE}/lobbies/${LOBBY}/members/${USER}`;
  assert.deepEqual(
    discord.sent.map(({ method, url, authorization, body }) => ({
      method,
      url,
      authorization,
      body,
    })),
    [
      {
        method: "PUT",
        url,
        authorization: `Bot ${BOT}`,
        body: {
          metadata: { role: "healer" },
          flags: 1,
          additional_name: "é".repeat(80),
        },
      },
      { method: "PUT", url, authorization: `Bot ${BOT}`, body: {} },
      {
        method: "PUT",
        url,
        authorization: `Bot ${BOT}`,
        body: { additional_name: null },
      },
      { method: "DELETE", url, authorization: `Bot ${BOT}`, body: undefined },
    ],
  );
});

Deno.test("bulkUpdateLobbyMembers: POST /lobbies/{id}/members/bulk with the array as the body, the upserted members typed", async () => {
  const upserted: LobbyMember[] = [{ id: USER, flags: 0 }];
  const { rest, discord } = setup(upserted);
  const members: api.BulkLobbyMemberUpdate[] = [
    { id: USER, metadata: { muted: "41771983429993001" }, flags: 0 },
    { id: "41771983429993001", remove_member: true },
    { id: "41771983429993002", additional_name: null, remove_member: false },
  ];
  const answer = await api.bulkUpdateLobbyMembers(rest, LOBBY, members);
  assert.deepEqual(answer, upserted);
  assert.deepEqual(discord.sent, [{
    method: "POST",
    url: `${BASE}/lobbies/${LOBBY}/members/bulk`,
    authorization: `Bot ${BOT}`,
    contentType: "application/json",
    body: members,
  }]);
  // 25, the most.
  await api.bulkUpdateLobbyMembers(
    rest,
    LOBBY,
    Array.from({ length: 25 }, (_, i) => ({ id: String(1000 + i) })),
  );
  assert.equal((discord.sent[1]!.body as unknown[]).length, 25);
});

Deno.test("updateLobbyMessageModerationMetadata: PUT .../messages/{id}/moderation-metadata, the dictionary as the body, Discord's 204", async () => {
  const { rest, discord } = setup();
  discord.answer(204);
  const metadata = JSON.parse(
    '{"__proto__": "kept", "action": "hide", "reason": "toxicity"}',
  );
  const result: void = await api.updateLobbyMessageModerationMetadata(
    rest,
    LOBBY,
    MESSAGE,
    metadata,
  );
  assert.equal(result, undefined);
  assert.equal(discord.sent.length, 1);
  assert.equal(discord.sent[0]!.method, "PUT");
  assert.equal(
    discord.sent[0]!.url,
    `${BASE}/lobbies/${LOBBY}/messages/${MESSAGE}/moderation-metadata`,
  );
  assert.equal(discord.sent[0]!.authorization, `Bot ${BOT}`);
  assert.equal(discord.sent[0]!.contentType, "application/json");
  // `__proto__` is sent as its own key.
  assert.deepEqual(Object.entries(discord.sent[0]!.body as object), [
    ["__proto__", "kept"],
    ["action", "hide"],
    ["reason", "toxicity"],
  ]);
  // The limits' edges are taken; an empty one is sent (it clears).
  await api.updateLobbyMessageModerationMetadata(rest, LOBBY, MESSAGE, {
    ["k".repeat(1024)]: "😀".repeat(2000),
    b: "",
    c: "3",
    d: "4",
    e: "5",
  });
  await api.updateLobbyMessageModerationMetadata(rest, LOBBY, MESSAGE, {});
  assert.deepEqual(discord.sent[2]!.body, {});
});

Deno.test("createLobbyChannelInviteForUser: POST .../members/{user}/invites, the invite's code", async () => {
  const { rest, discord } = setup({ code: "qdTXb5Dk" });
  const invite = await api.createLobbyChannelInviteForUser(rest, LOBBY, USER);
  assert.deepEqual(invite, { code: "qdTXb5Dk" });
  assert.deepEqual(discord.sent, [{
    method: "POST",
    url: `${BASE}/lobbies/${LOBBY}/members/${USER}/invites`,
    authorization: `Bot ${BOT}`,
    contentType: null,
    body: undefined,
  }]);
});

/** A client whose Discord answers every request 200 with `body` as is. */
function answeringWith(body: BodyInit | null): RestClient {
  return new RestClient({
    token: BOT,
    maxRetries: 0,
    scheduler: new VirtualScheduler(),
    fetch: () =>
      Promise.resolve(
        new Response(body, {
          status: 200,
          headers: { "content-type": "application/json" },
        }),
      ),
  });
}

Deno.test("an invite answer without a code (empty, no object, a code not a non-empty string) is a RestError, not an invite", async () => {
  const path = `/lobbies/${LOBBY}/members/${USER}/invites`;
  for (
    const [body, fault] of [
      [null, "the body is empty"],
      ["", "the body is empty"],
      ['"qdTXb5Dk"', "the body is not a JSON object"],
      ['["qdTXb5Dk"]', "the body is not a JSON object"],
      ["{}", "its 'code' is not a non-empty string"],
      ['{"code": 5}', "its 'code' is not a non-empty string"],
      ['{"code": ""}', "its 'code' is not a non-empty string"],
      ['{"code": {"code": "x"}}', "its 'code' is not a non-empty string"],
    ] as const
  ) {
    const error = await api.createLobbyChannelInviteForUser(
      answeringWith(body),
      LOBBY,
      USER,
    ).catch((e) => e);
    assert.ok(error instanceof RestError, `${body}: ${error}`);
    assert.ok(!(error instanceof DiscordApiError));
    assert.equal(
      error.message,
      `POST ${path} answered with no lobby invite: ${fault}`,
    );
    assert.equal(error.method, "POST");
    assert.equal(error.path, path);
  }
  // A body that is not JSON is the client's RestError, as on any route.
  await assert.rejects(
    api.createLobbyChannelInviteForUser(answeringWith("not json"), LOBBY, USER),
    {
      name: "RestError",
      message: `POST ${path} answered 200 with a body that is not JSON`,
    },
  );
});

Deno.test("Discord's 404 Unknown Lobby (10031) is a DiscordApiError with its code", async () => {
  const { rest, discord } = setup();
  discord.answer(404, { message: "Unknown Lobby", code: 10031 });
  for (
    const call of [
      () => api.getLobby(rest, LOBBY),
      () => api.removeLobbyMember(rest, LOBBY, USER),
      () => api.createLobbyChannelInviteForUser(rest, LOBBY, USER),
    ]
  ) {
    const error = await call().catch((e) => e);
    assert.ok(error instanceof DiscordApiError, String(error));
    assert.equal(error.status, 404);
    assert.equal(error.code, 10031);
  }
});

/** A call refused with `error` (class and message), nothing sent. */
async function refused(
  call: (rest: RestClient) => Promise<unknown>,
  error: { name: "TypeError" | "RangeError"; message: string },
): Promise<void> {
  const { rest, discord } = setup();
  await assert.rejects(call(rest), (thrown: unknown) => {
    assert.ok(thrown instanceof Error);
    assert.equal(thrown.name, error.name, thrown.message);
    assert.equal(thrown.message, error.message);
    return true;
  });
  assert.equal(discord.sent.length, 0, "a refused call sent a request");
}

const CREATE = "Cannot create lobby as";

Deno.test("a metadata dictionary that is no plain object of strings is refused: a Map or an array would be sent as {} or [], clearing it", async () => {
  for (
    const [metadata, shown] of [
      [new Map([["topic", "x"]]), "Map"],
      [[["topic", "x"]], "array"],
      ["topic=x", "topic=x"],
      [5, "5"],
      [new (class Settings {})(), "Settings"],
    ] as const
  ) {
    await refused((rest) => api.createLobby(rest, { metadata } as never), {
      name: "TypeError",
      message:
        `${CREATE} 'metadata' must be an object of string keys to string values, or null: current value 'metadata=${shown}'`,
    });
  }
  for (
    const [value, shown] of [[5, "5"], [null, "null"], [true, "true"], [
      {},
      "object",
    ]] as const
  ) {
    await refused(
      (rest) => api.createLobby(rest, { metadata: { level: value } } as never),
      {
        name: "TypeError",
        message:
          `${CREATE} 'metadata' must map each key to a string: current value 'metadata.level=${shown}'`,
      },
    );
  }
  // A long key is cut in the message.
  await refused(
    (rest) =>
      api.modifyLobby(rest, LOBBY, {
        metadata: { ["k".repeat(5000)]: 1 },
      } as never),
    {
      name: "TypeError",
      message:
        `Cannot modify lobby as 'metadata' must map each key to a string: current value 'metadata.${
          "k".repeat(50)
        }…=1'`,
    },
  );
});

Deno.test("metadata holding more than 1000 characters in its values is refused; the keys are not counted, an emoji is one character", async () => {
  await refused(
    (rest) =>
      api.createLobby(rest, {
        metadata: { a: "x".repeat(500), b: "y".repeat(501) },
      }),
    {
      name: "RangeError",
      message:
        `${CREATE} 'metadata' must hold at most 1000 characters in its values: current length '1001'`,
    },
  );
  await refused(
    (rest) =>
      api.addLobbyMember(rest, LOBBY, USER, {
        metadata: { a: "😀".repeat(1001) },
      }),
    {
      name: "RangeError",
      message:
        `Cannot add lobby member as 'metadata' must hold at most 1000 characters in its values: current length '1001'`,
    },
  );
  await refused(
    (rest) =>
      api.createLobby(rest, {
        members: [{ id: USER }, {
          id: USER,
          metadata: { a: "x".repeat(1001) },
        }],
      }),
    {
      name: "RangeError",
      message:
        `${CREATE} 'members[1].metadata' must hold at most 1000 characters in its values: current length '1001'`,
    },
  );
  // 1000 characters of values (2000 UTF-16 units of emoji), long keys and
  // an undefined value (left out, as JSON leaves it) are sent.
  const { rest, discord } = setup();
  const metadata = {
    a: "😀".repeat(600),
    b: "x".repeat(400),
    ["k".repeat(900)]: "",
    c: undefined as unknown as string,
  };
  await api.createLobby(rest, { metadata });
  const { c: _, ...sent } = metadata;
  assert.deepEqual(discord.sent[0]!.body, { metadata: sent });
});

Deno.test("members: more than 25, or one that is no object, has no snowflake ID or is a hole, is refused", async () => {
  const many = Array.from({ length: 26 }, (_, i) => ({ id: String(1000 + i) }));
  await refused((rest) => api.createLobby(rest, { members: many }), {
    name: "RangeError",
    message:
      `${CREATE} 'members' must hold at most 25 members: current count '26'`,
  });
  await refused((rest) => api.modifyLobby(rest, LOBBY, { members: many }), {
    name: "RangeError",
    message:
      `Cannot modify lobby as 'members' must hold at most 25 members: current count '26'`,
  });
  await refused(
    (rest) =>
      api.createLobby(rest, { members: new Set([{ id: USER }]) } as never),
    {
      name: "TypeError",
      message:
        `${CREATE} 'members' must be an array of lobby members: current value 'members=Set'`,
    },
  );
  // deno-lint-ignore no-sparse-arrays
  const holed = [{ id: USER }, , { id: USER }];
  await refused((rest) => api.createLobby(rest, { members: holed } as never), {
    name: "TypeError",
    message:
      `${CREATE} 'members[1]' must be an object: current value 'members[1]=undefined'`,
  });
  await refused(
    (rest) => api.createLobby(rest, { members: [USER] } as never),
    {
      name: "TypeError",
      message:
        `${CREATE} 'members[0]' must be an object: current value 'members[0]=${USER}'`,
    },
  );
  await refused(
    (rest) =>
      api.createLobby(rest, { members: [{ id: 41771983429993000 }] } as never),
    {
      name: "TypeError",
      message:
        `${CREATE} 'members[0].id' must be a snowflake string: current value 'members[0].id=number'`,
    },
  );
});

Deno.test("additional_name is refused in Create and Modify Lobby (Discord sets it only through Add a Member and Bulk Update), and outside 1-80 characters", async () => {
  await refused(
    (rest) =>
      api.createLobby(rest, {
        members: [{ id: USER, additional_name: "Twindly" }],
      } as never),
    {
      name: "TypeError",
      message:
        `${CREATE} 'members[0].additional_name' is set only by addLobbyMember or bulkUpdateLobbyMembers (Discord takes it through no other route): current value 'members[0].additional_name="Twindly"'`,
    },
  );
  for (const [name, length] of [["", 0], ["😀".repeat(81), 81]] as const) {
    await refused(
      (rest) =>
        api.addLobbyMember(rest, LOBBY, USER, { additional_name: name }),
      {
        name: "RangeError",
        message:
          `Cannot add lobby member as 'additional_name' must be a string of 1 to 80 characters or null: current length '${length}'`,
      },
    );
  }
  await refused(
    (rest) =>
      api.bulkUpdateLobbyMembers(rest, LOBBY, [
        { id: USER },
        { id: USER, additional_name: 7 as never },
      ]),
    {
      name: "TypeError",
      message:
        `Cannot update lobby members as 'members[1].additional_name' must be a string of 1 to 80 characters or null: current value 'members[1].additional_name=7'`,
    },
  );
});

Deno.test("flags must be an integer >= 0, idle_timeout_seconds an integer from 5 to 604800", async () => {
  for (
    const [flags, name, shown] of [
      [-1, "RangeError", "-1"],
      [1.5, "RangeError", "1.5"],
      [NaN, "RangeError", "NaN"],
      [2 ** 53, "RangeError", "9007199254740992"],
      ["1", "TypeError", '"1"'],
      [1n, "TypeError", "1n"],
    ] as const
  ) {
    await refused(
      (rest) => api.addLobbyMember(rest, LOBBY, USER, { flags } as never),
      {
        name,
        message:
          `Cannot add lobby member as 'flags' must be an integer >= 0: current value 'flags=${shown}'`,
      },
    );
  }
  await refused(
    (rest) => api.createLobby(rest, { members: [{ id: USER, flags: -1 }] }),
    {
      name: "RangeError",
      message:
        `${CREATE} 'members[0].flags' must be an integer >= 0: current value 'members[0].flags=-1'`,
    },
  );
  for (
    const [value, name, shown] of [
      [4, "RangeError", "4"],
      [604801, "RangeError", "604801"],
      [60.5, "RangeError", "60.5"],
      ["60", "TypeError", '"60"'],
      [null, "TypeError", "null"],
    ] as const
  ) {
    await refused(
      (rest) =>
        api.modifyLobby(rest, LOBBY, { idle_timeout_seconds: value } as never),
      {
        name,
        message:
          `Cannot modify lobby as 'idle_timeout_seconds' must be an integer from 5 to 604800: current value 'idle_timeout_seconds=${shown}'`,
      },
    );
  }
});

Deno.test("bulkUpdateLobbyMembers takes 1 to 25 members and remove_member as a boolean", async () => {
  const many = Array.from({ length: 26 }, (_, i) => ({ id: String(1000 + i) }));
  for (const [members, count] of [[[], 0], [many, 26]] as const) {
    await refused((rest) => api.bulkUpdateLobbyMembers(rest, LOBBY, members), {
      name: "RangeError",
      message:
        `Cannot update lobby members as 'members' must hold 1 to 25 members: current count '${count}'`,
    });
  }
  await refused(
    (rest) =>
      api.bulkUpdateLobbyMembers(rest, LOBBY, [
        { id: USER, remove_member: "true" as never },
      ]),
    {
      name: "TypeError",
      message:
        `Cannot update lobby members as 'members[0].remove_member' must be a boolean: current value 'members[0].remove_member="true"'`,
    },
  );
  await refused(
    (rest) => api.bulkUpdateLobbyMembers(rest, LOBBY, { id: USER } as never),
    {
      name: "TypeError",
      message:
        `Cannot update lobby members as 'members' must be an array of lobby members: current value 'members=object'`,
    },
  );
});

Deno.test("moderation metadata: at most 5 keys, keys of at most 1024 characters, string values of at most 2000, a plain object", async () => {
  const action = "Cannot update lobby message moderation metadata as";
  const call = (metadata: unknown) => (rest: RestClient) =>
    api.updateLobbyMessageModerationMetadata(
      rest,
      LOBBY,
      MESSAGE,
      metadata as never,
    );
  await refused(call({ a: "", b: "", c: "", d: "", e: "", f: "" }), {
    name: "RangeError",
    message: `${action} 'metadata' must hold at most 5 keys: current count '6'`,
  });
  await refused(call({ ["k".repeat(1025)]: "x" }), {
    name: "RangeError",
    message:
      `${action} each key of 'metadata' must be a string of at most 1024 characters: current length '1025'`,
  });
  await refused(call({ reason: "x".repeat(2001) }), {
    name: "RangeError",
    message:
      `${action} 'metadata.reason' must be a string of at most 2000 characters: current length '2001'`,
  });
  await refused(call({ hidden: true }), {
    name: "TypeError",
    message:
      `${action} 'metadata.hidden' must be a string of at most 2000 characters: current value 'metadata.hidden=true'`,
  });
  for (
    const [metadata, shown] of [[new Map([["a", "b"]]), "Map"], [[], "array"], [
      null,
      "null",
    ], [undefined, "undefined"]] as const
  ) {
    await refused(call(metadata), {
      name: "TypeError",
      message:
        `${action} 'metadata' must be an object of string keys to string values: current value 'metadata=${shown}'`,
    });
  }
});

Deno.test("the bot-token lobby routes refuse IDs that are no snowflakes, a body that is no object and a misspelt option, sending nothing", async () => {
  for (
    const call of [
      (rest: RestClient) => api.getLobby(rest, "1/../2"),
      (rest: RestClient) => api.deleteLobby(rest, "@me"),
      (rest: RestClient) => api.modifyLobby(rest, "x", {}),
      (rest: RestClient) => api.addLobbyMember(rest, LOBBY, "@me"),
      (rest: RestClient) => api.removeLobbyMember(rest, LOBBY, "@me"),
      (rest: RestClient) =>
        api.bulkUpdateLobbyMembers(rest, "", [{ id: USER }]),
      (rest: RestClient) =>
        api.updateLobbyMessageModerationMetadata(rest, LOBBY, "m", {}),
      (rest: RestClient) =>
        api.createLobbyChannelInviteForUser(rest, LOBBY, "bulk"),
    ]
  ) {
    const { rest, discord } = setup();
    await assert.rejects(call(rest), {
      name: "TypeError",
      message:
        /^Cannot build route as '(lobbyId|userId|messageId)' must be a snowflake string/,
    });
    assert.equal(discord.sent.length, 0);
  }
  await refused((rest) => api.createLobby(rest, null as never), {
    name: "TypeError",
    message: `${CREATE} 'body' must be an object: current value 'body=null'`,
  });
  await refused((rest) => api.addLobbyMember(rest, LOBBY, USER, [] as never), {
    name: "TypeError",
    message:
      `Cannot add lobby member as 'body' must be an object: current value 'body=array'`,
  });
  await refused(
    (rest) => api.getLobby(rest, LOBBY, { signl: undefined } as never),
    {
      name: "TypeError",
      message:
        "Cannot build route as 'signl' is not one of its options (did you mean 'signal'?)",
    },
  );
  // No lobby route takes X-Audit-Log-Reason: a reason is refused, not
  // sent to record nothing.
  const { rest, discord } = setup();
  await assert.rejects(
    api.deleteLobby(rest, LOBBY, { reason: "cleanup" } as never),
    { name: "TypeError", message: /'reason'/ },
  );
  assert.equal(discord.sent.length, 0);
});

Deno.test("route keys: every lobby shares each route's key (a lobby ID is no major parameter), @me and bulk stay literal", () => {
  const key = (method: string, path: string): string =>
    parseRoute(method, path).key;
  for (
    const [method, tail, expected] of [
      ["GET", "", "GET /lobbies/:id"],
      ["PATCH", "", "PATCH /lobbies/:id"],
      ["DELETE", "", "DELETE /lobbies/:id"],
      ["PUT", `/members/${USER}`, "PUT /lobbies/:id/members/:id"],
      ["DELETE", `/members/${USER}`, "DELETE /lobbies/:id/members/:id"],
      ["DELETE", "/members/@me", "DELETE /lobbies/:id/members/@me"],
      ["POST", "/members/bulk", "POST /lobbies/:id/members/bulk"],
      ["POST", "/members/@me/invites", "POST /lobbies/:id/members/@me/invites"],
      [
        "POST",
        `/members/${USER}/invites`,
        "POST /lobbies/:id/members/:id/invites",
      ],
      ["PATCH", "/channel-linking", "PATCH /lobbies/:id/channel-linking"],
      ["POST", "/messages", "POST /lobbies/:id/messages"],
      ["GET", "/messages?limit=5", "GET /lobbies/:id/messages"],
      [
        "PUT",
        `/messages/${MESSAGE}/moderation-metadata`,
        "PUT /lobbies/:id/messages/:id/moderation-metadata",
      ],
    ] as const
  ) {
    assert.equal(key(method, `/lobbies/${LOBBY}${tail}`), expected);
    assert.equal(key(method, `/lobbies/1${tail}`), expected);
    assert.equal(
      parseRoute(method, `/lobbies/${LOBBY}${tail}`).majorParameter,
      "global",
    );
  }
  assert.equal(key("POST", "/lobbies"), "POST /lobbies");
  assert.equal(key("PUT", "/lobbies"), "PUT /lobbies");
  // The user's own and another user's are different routes.
  assert.notEqual(
    key("DELETE", `/lobbies/${LOBBY}/members/@me`),
    key("DELETE", `/lobbies/${LOBBY}/members/${USER}`),
  );
});
