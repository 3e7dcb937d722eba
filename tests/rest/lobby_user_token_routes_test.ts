// The lobby routes sent with a player's OAuth2 access token (the
// sdk.social_layer scope), built to Discord's lobby.mdx: Create or Join
// Lobby (PUT /lobbies), Leave Lobby, Link and Unlink a channel, Send and Get
// Lobby Messages, and the linked channel invite for oneself. Each carries
// `Authorization: Bearer <token>` and never the bot token; what the tables
// refuse is refused first, nothing sent; the access token (and a lobby's
// secret) shows in no error; a 401 is the user's, not the bot token's.
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import type { Lobby, LobbyMessage } from "../../types/mod.ts";
import { DiscordApiError, RestError } from "../../rest/errors.ts";
import { TokenRejectedError } from "../../rest/invalid_requests.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { recordedClient } from "./_discord_recorder.ts";

const BOT = "bot-token-for-lobbies";
const USER_TOKEN = "6qrZcUqja7812RVdnEKjpzOL4CvHBFG";
const BASE = "https://discord.com/api/v10";
const LOBBY = "96008815106887111";
const CHANNEL = "1234567890123456789";

const LOBBY_ANSWER: Lobby = {
  id: LOBBY,
  application_id: "41771983429993937",
  metadata: null,
  members: [{ id: "41771983429993000" }],
};

/** A lobby message as Send Lobby Message's table gives it. */
const MESSAGE: LobbyMessage = {
  id: "1400000000000000000",
  type: 0,
  content: "gg",
  lobby_id: LOBBY,
  channel_id: LOBBY,
  author: {
    id: "41771983429993000",
    username: "ada",
    discriminator: "0",
    global_name: null,
    avatar: null,
  },
  lobby_member: { additional_name: "Twindly Shimmerleaf" },
  metadata: { emote: "wave" },
  moderation_metadata: null,
  flags: 0,
  application_id: "41771983429993937",
};

function setup(
  answer: unknown = LOBBY_ANSWER,
): ReturnType<typeof recordedClient> {
  return recordedClient(BOT, answer);
}

Deno.test("createOrJoinLobby: PUT /lobbies with the user's Bearer token alone, the body as given, the lobby typed", async () => {
  const { rest, discord } = setup();
  const body: api.CreateOrJoinLobbyBody = {
    secret: "😀".repeat(250),
    idle_timeout_seconds: 300,
    lobby_metadata: { map: "nether" },
    member_metadata: null,
  };
  const lobby = await api.createOrJoinLobby(rest, `Bearer ${USER_TOKEN}`, body);
  assert.deepEqual(lobby, LOBBY_ANSWER);
  assert.deepEqual(discord.sent, [{
    method: "PUT",
    url: `${BASE}/lobbies`,
    // One credential: a Bot one beside it would show here joined by ", ".
    authorization: `Bearer ${USER_TOKEN}`,
    contentType: "application/json",
    body,
  }]);
});

Deno.test("leaveLobby: DELETE /lobbies/{id}/members/@me with the Bearer token, Discord's 204", async () => {
  const { rest, discord } = setup();
  discord.answer(204);
  const left: void = await api.leaveLobby(rest, LOBBY, USER_TOKEN);
  assert.equal(left, undefined);
  assert.deepEqual(discord.sent, [{
    method: "DELETE",
    url: `${BASE}/lobbies/${LOBBY}/members/@me`,
    authorization: `Bearer ${USER_TOKEN}`,
    contentType: null,
    body: undefined,
  }]);
});

Deno.test("linkChannelToLobby sends { channel_id }, unlinkChannelFromLobby an empty object, both PATCH .../channel-linking", async () => {
  const linked = {
    ...LOBBY_ANSWER,
    linked_channel: { id: CHANNEL, type: 0, guild_id: "1", name: "lfg" },
  } as Lobby;
  const { rest, discord } = setup(linked);
  const lobby = await api.linkChannelToLobby(
    rest,
    LOBBY,
    USER_TOKEN,
    CHANNEL,
  );
  assert.equal(lobby.linked_channel?.id, CHANNEL);
  discord.answer(200, LOBBY_ANSWER);
  const unlinked = await api.unlinkChannelFromLobby(rest, LOBBY, USER_TOKEN);
  assert.equal(unlinked.linked_channel, undefined);
  const url = `${BASE}/lobbies/${LOBBY}/channel-linking`;
  assert.deepEqual(discord.sent, [
    {
      method: "PATCH",
      url,
      authorization: `Bearer ${USER_TOKEN}`,
      contentType: "application/json",
      body: { channel_id: CHANNEL },
    },
    {
      method: "PATCH",
      url,
      authorization: `Bearer ${USER_TOKEN}`,
      contentType: "application/json",
      body: {},
    },
  ]);
});

Deno.test("sendLobbyMessage: POST /lobbies/{id}/messages, the message typed with its lobby member", async () => {
  const { rest, discord } = setup(MESSAGE);
  const body: api.SendLobbyMessageBody = {
    content: "gg",
    metadata: { emote: "wave" },
    flags: 0,
  };
  const message = await api.sendLobbyMessage(rest, LOBBY, USER_TOKEN, body);
  assert.deepEqual(message, MESSAGE);
  assert.equal(message.lobby_member?.additional_name, "Twindly Shimmerleaf");
  assert.deepEqual(discord.sent, [{
    method: "POST",
    url: `${BASE}/lobbies/${LOBBY}/messages`,
    authorization: `Bearer ${USER_TOKEN}`,
    contentType: "application/json",
    body,
  }]);
  // A message of one character, nothing else, is taken.
  await api.sendLobbyMessage(rest, LOBBY, USER_TOKEN, { content: " " });
  assert.deepEqual(discord.sent[1]!.body, { content: " " });
});

Deno.test("getLobbyMessages: GET /lobbies/{id}/messages with limit only when given, the messages typed", async () => {
  const { rest, discord } = setup([MESSAGE]);
  const messages = await api.getLobbyMessages(rest, LOBBY, USER_TOKEN);
  assert.deepEqual(messages, [MESSAGE]);
  await api.getLobbyMessages(rest, LOBBY, USER_TOKEN, { limit: 200 });
  await api.getLobbyMessages(rest, LOBBY, USER_TOKEN, { limit: 1 });
  assert.deepEqual(
    discord.sent.map((s) => [s.method, s.url, s.authorization]),
    [
      ["GET", `${BASE}/lobbies/${LOBBY}/messages`, `Bearer ${USER_TOKEN}`],
      [
        "GET",
        `${BASE}/lobbies/${LOBBY}/messages?limit=200`,
        `Bearer ${USER_TOKEN}`,
      ],
      [
        "GET",
        `${BASE}/lobbies/${LOBBY}/messages?limit=1`,
        `Bearer ${USER_TOKEN}`,
      ],
    ],
  );
});

Deno.test("createLobbyChannelInviteForSelf: POST .../members/@me/invites with the Bearer token, the code checked", async () => {
  const { rest, discord } = setup({ code: "qdTXb5Dk" });
  const invite = await api.createLobbyChannelInviteForSelf(
    rest,
    LOBBY,
    USER_TOKEN,
  );
  assert.deepEqual(invite, { code: "qdTXb5Dk" });
  assert.deepEqual(discord.sent, [{
    method: "POST",
    url: `${BASE}/lobbies/${LOBBY}/members/@me/invites`,
    authorization: `Bearer ${USER_TOKEN}`,
    contentType: null,
    body: undefined,
  }]);
  discord.answer(200, { code: null });
  const path = `/lobbies/${LOBBY}/members/@me/invites`;
  await assert.rejects(
    api.createLobbyChannelInviteForSelf(rest, LOBBY, USER_TOKEN),
    (error: unknown) => {
      assert.ok(error instanceof RestError);
      assert.equal(
        error.message,
        `POST ${path} answered with no lobby invite: its 'code' is not a non-empty string`,
      );
      return true;
    },
  );
});

/** Each user-token route, called with `token`. */
const ROUTES: [
  string,
  (rest: RestClient, token: string) => Promise<unknown>,
][] = [
  [
    "createOrJoinLobby",
    (rest, token) => api.createOrJoinLobby(rest, token, { secret: "s" }),
  ],
  ["leaveLobby", (rest, token) => api.leaveLobby(rest, LOBBY, token)],
  [
    "linkChannelToLobby",
    (rest, token) => api.linkChannelToLobby(rest, LOBBY, token, CHANNEL),
  ],
  [
    "unlinkChannelFromLobby",
    (rest, token) => api.unlinkChannelFromLobby(rest, LOBBY, token),
  ],
  [
    "sendLobbyMessage",
    (rest, token) =>
      api.sendLobbyMessage(rest, LOBBY, token, { content: "gg" }),
  ],
  [
    "getLobbyMessages",
    (rest, token) => api.getLobbyMessages(rest, LOBBY, token),
  ],
  [
    "createLobbyChannelInviteForSelf",
    (rest, token) => api.createLobbyChannelInviteForSelf(rest, LOBBY, token),
  ],
];

Deno.test("each user-token lobby route refuses what is no access token, naming the scope and never showing it; nothing is sent", async () => {
  const { rest, discord } = setup();
  for (const [route, call] of ROUTES) {
    for (
      const [token, fault] of [
        [undefined, "current type 'undefined'"],
        ["", "it is blank"],
        ["Bearer ", "it is blank"],
        [
          "secret token",
          "it holds whitespace at character 7 (the token is not shown)",
        ],
      ] as const
    ) {
      await assert.rejects(call(rest, token as string), (error: unknown) => {
        assert.ok(error instanceof TypeError, route);
        assert.equal(
          error.message,
          `Cannot build route as 'accessToken' must be a user's OAuth2 access token with the sdk.social_layer scope, visible ASCII characters without spaces: ${fault}`,
        );
        return true;
      });
    }
  }
  assert.equal(discord.sent.length, 0);
});

for (const status of [401, 403]) {
  Deno.test(`Discord's ${status} on a user-token lobby route is the user's: the token shows in no error and the bot token stays in use`, async () => {
    for (const [route, call] of ROUTES) {
      const sent: (string | null)[] = [];
      const rest = new RestClient({
        token: BOT,
        maxRetries: 0,
        scheduler: new VirtualScheduler(),
        fetch: (input, init) => {
          const auth = new Headers(init?.headers).get("authorization");
          sent.push(auth);
          if (new URL(String(input)).pathname === "/api/v10/users/@me") {
            return Promise.resolve(Response.json({ id: "1" }));
          }
          return Promise.resolve(Response.json({
            message: `${status}: Unauthorized, token ${auth}`,
            code: status === 401 ? 0 : 50001,
          }, { status }));
        },
      });
      const error = await call(rest, USER_TOKEN).catch((e) => e);
      assert.ok(error instanceof DiscordApiError, `${route}: ${error}`);
      assert.ok(!(error instanceof TokenRejectedError), route);
      assert.equal(error.status, status);
      for (
        const text of [
          error.message,
          String(error.stack),
          JSON.stringify(error),
        ]
      ) {
        assert.ok(!text.includes(USER_TOKEN), text);
      }
      assert.match(error.message, /Bearer \[REDACTED\]/);
      // The next bot request goes out with the bot token.
      assert.deepEqual(await rest.request("GET", "/users/@me"), { id: "1" });
      assert.deepEqual(sent, [`Bearer ${USER_TOKEN}`, `Bot ${BOT}`], route);
    }
  });
}

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
    assert.ok(!thrown.message.includes(USER_TOKEN));
    return true;
  });
  assert.equal(discord.sent.length, 0, "a refused call sent a request");
}

Deno.test("createOrJoinLobby refuses a secret not of 1-250 characters without showing it, and checks the timeout and both metadata", async () => {
  const action = "Cannot create or join lobby as";
  const secret = "hunter2-".repeat(32); // 256 characters
  await refused((rest) => api.createOrJoinLobby(rest, USER_TOKEN, { secret }), {
    name: "RangeError",
    message:
      `${action} 'secret' must be a string of 1 to 250 characters: current length '256'`,
  });
  await refused(
    (rest) => api.createOrJoinLobby(rest, USER_TOKEN, { secret: "" }),
    {
      name: "RangeError",
      message:
        `${action} 'secret' must be a string of 1 to 250 characters: current length '0'`,
    },
  );
  await refused(
    (rest) => api.createOrJoinLobby(rest, USER_TOKEN, {} as never),
    {
      name: "TypeError",
      message:
        `${action} 'secret' must be a string of 1 to 250 characters: current value 'secret=undefined'`,
    },
  );
  await refused(
    (rest) =>
      api.createOrJoinLobby(rest, USER_TOKEN, {
        secret: "s",
        idle_timeout_seconds: 604801,
      }),
    {
      name: "RangeError",
      message:
        `${action} 'idle_timeout_seconds' must be an integer from 5 to 604800: current value 'idle_timeout_seconds=604801'`,
    },
  );
  await refused(
    (rest) =>
      api.createOrJoinLobby(rest, USER_TOKEN, {
        secret: "s",
        member_metadata: new Map() as never,
      }),
    {
      name: "TypeError",
      message:
        `${action} 'member_metadata' must be an object of string keys to string values, or null: current value 'member_metadata=Map'`,
    },
  );
  await refused(
    (rest) =>
      api.createOrJoinLobby(rest, USER_TOKEN, {
        secret: "s",
        lobby_metadata: { a: "x".repeat(1001) },
      }),
    {
      name: "RangeError",
      message:
        `${action} 'lobby_metadata' must hold at most 1000 characters in its values: current length '1001'`,
    },
  );
});

Deno.test("sendLobbyMessage refuses empty or missing content, bad metadata and flags", async () => {
  const action = "Cannot send lobby message as";
  await refused(
    (rest) => api.sendLobbyMessage(rest, LOBBY, USER_TOKEN, { content: "" }),
    {
      name: "RangeError",
      message:
        `${action} 'content' must be a non-empty string: current value 'content=""'`,
    },
  );
  await refused(
    (rest) => api.sendLobbyMessage(rest, LOBBY, USER_TOKEN, {} as never),
    {
      name: "TypeError",
      message:
        `${action} 'content' must be a non-empty string: current value 'content=undefined'`,
    },
  );
  await refused(
    (rest) =>
      api.sendLobbyMessage(rest, LOBBY, USER_TOKEN, {
        content: "gg",
        flags: -4,
      }),
    {
      name: "RangeError",
      message:
        `${action} 'flags' must be an integer >= 0: current value 'flags=-4'`,
    },
  );
  await refused(
    (rest) =>
      api.sendLobbyMessage(rest, LOBBY, USER_TOKEN, {
        content: "gg",
        metadata: [] as never,
      }),
    {
      name: "TypeError",
      message:
        `${action} 'metadata' must be an object of string keys to string values, or null: current value 'metadata=array'`,
    },
  );
});

Deno.test("getLobbyMessages refuses a limit that is no integer from 1 to 200, and a query that is no object", async () => {
  const action = "Cannot get lobby messages as";
  for (
    const [limit, name, shown] of [
      [0, "RangeError", "0"],
      [201, "RangeError", "201"],
      [1.5, "RangeError", "1.5"],
      ["50", "TypeError", '"50"'],
      [null, "TypeError", "null"],
    ] as const
  ) {
    await refused(
      (rest) =>
        api.getLobbyMessages(rest, LOBBY, USER_TOKEN, { limit } as never),
      {
        name,
        message:
          `${action} 'limit' must be an integer from 1 to 200: current value 'limit=${shown}'`,
      },
    );
  }
  await refused(
    (rest) => api.getLobbyMessages(rest, LOBBY, USER_TOKEN, 50 as never),
    {
      name: "TypeError",
      message: `${action} 'query' must be an object: current value 'query=50'`,
    },
  );
});

Deno.test("the user-token lobby routes refuse IDs that are no snowflakes; a token given in an ID's or the body's place is not shown", async () => {
  await refused(
    (rest) => api.linkChannelToLobby(rest, LOBBY, USER_TOKEN, "general"),
    {
      name: "TypeError",
      message:
        "Cannot link channel to lobby as 'channelId' must be a snowflake string: current value 'channelId=general'",
    },
  );
  await refused((rest) => api.leaveLobby(rest, "@me", USER_TOKEN), {
    name: "TypeError",
    message:
      "Cannot build route as 'lobbyId' must be a snowflake string: current value 'lobbyId=@me'",
  });
  // Swapped from JavaScript: the token where an ID or the body goes.
  const { rest, discord } = setup();
  const swapped = [
    (api.leaveLobby as (...args: unknown[]) => Promise<unknown>)(
      rest,
      USER_TOKEN,
      LOBBY,
    ),
    (api.linkChannelToLobby as (...args: unknown[]) => Promise<unknown>)(
      rest,
      LOBBY,
      CHANNEL,
      USER_TOKEN,
    ),
    (api.createOrJoinLobby as (...args: unknown[]) => Promise<unknown>)(
      rest,
      { secret: "s" },
      USER_TOKEN,
    ),
    (api.sendLobbyMessage as (...args: unknown[]) => Promise<unknown>)(
      rest,
      LOBBY,
      { content: "gg" },
      USER_TOKEN,
    ),
  ];
  for (const call of swapped) {
    const error = await call.catch((e) => e);
    assert.ok(error instanceof TypeError, String(error));
    assert.ok(!error.message.includes(USER_TOKEN), error.message);
    assert.ok(!String(error.stack).includes(USER_TOKEN), error.stack);
  }
  assert.equal(discord.sent.length, 0);
});
