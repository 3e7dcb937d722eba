// The routes sent with a user's OAuth2 access token: the user's role
// connection (`GET`/`PUT`/`DELETE /users/@me/applications/{id}/
// role-connection`, scope role_connections.write) and connections (`GET
// /users/@me/connections`, scope connections). Each carries `Authorization:
// Bearer <token>` and never the bot token; the body is what Discord's table
// takes (values as strings); what it would refuse is refused first, nothing
// sent; and the access token shows in no error, even when Discord quotes it.
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import type { ApplicationRoleConnection, Connection } from "../../types/mod.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { TokenRejectedError } from "../../rest/invalid_requests.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { recordedClient } from "./_discord_recorder.ts";

const BOT = "bot-token-for-role-connections";
const USER = "6qrZcUqja7812RVdnEKjpzOL4CvHBFG";
const APP = "1006577651003457676";
const BASE = "https://discord.com/api/v10";
const ROLE_CONNECTION = `${BASE}/users/@me/applications/${APP}/role-connection`;

const CONNECTION: ApplicationRoleConnection = {
  platform_name: "Cookie Clicker",
  platform_username: "ada",
  metadata: { cookies_eaten: "1483", allergic_to_nuts: "0" },
};

function setup(
  answer: unknown = CONNECTION,
): ReturnType<typeof recordedClient> {
  return recordedClient(BOT, answer);
}

Deno.test("getCurrentUserApplicationRoleConnection: GET with the user's Bearer token alone, the role connection typed", async () => {
  const { rest, discord } = setup();
  const connection = await api.getCurrentUserApplicationRoleConnection(
    rest,
    APP,
    USER,
  );
  assert.deepEqual(discord.sent, [{
    method: "GET",
    url: ROLE_CONNECTION,
    // One credential: a Bot one beside it would show here joined by ", ".
    authorization: `Bearer ${USER}`,
    contentType: null,
    body: undefined,
  }]);
  assert.deepEqual(connection, CONNECTION);
  const values: Record<string, string> = connection.metadata;
  assert.equal(values.cookies_eaten, "1483");
});

Deno.test("updateCurrentUserApplicationRoleConnection: PUT with the Bearer token, the values written as the strings Discord keeps", async () => {
  const { rest, discord } = setup();
  const answer = await api.updateCurrentUserApplicationRoleConnection(
    rest,
    APP,
    USER,
    {
      platform_name: "Cookie Clicker",
      platform_username: "ada",
      metadata: {
        cookies_eaten: 1483,
        negative: -12,
        allergic_to_nuts: false,
        has_oven: true,
        first_cookie_baked: new Date("2003-12-20T00:00:00Z"),
      },
    },
  );
  assert.deepEqual(answer, CONNECTION);
  assert.deepEqual(discord.sent, [{
    method: "PUT",
    url: ROLE_CONNECTION,
    authorization: `Bearer ${USER}`,
    contentType: "application/json",
    body: {
      platform_name: "Cookie Clicker",
      platform_username: "ada",
      metadata: {
        cookies_eaten: "1483",
        negative: "-12",
        allergic_to_nuts: "0",
        has_oven: "1",
        first_cookie_baked: "2003-12-20T00:00:00.000Z",
      },
    },
  }]);
});

Deno.test("updateCurrentUserApplicationRoleConnection sends strings as given, leaves out what is undefined, and keeps the limits' edges", async () => {
  const { rest, discord } = setup();
  const body = {
    platform_name: "😀".repeat(50),
    platform_username: "u".repeat(100),
    metadata: {
      a: "é".repeat(100),
      b: "",
      c: "2024-01-01",
      d: undefined as unknown as string,
      e: "1",
      ["k".repeat(50)]: "x",
    },
  };
  await api.updateCurrentUserApplicationRoleConnection(rest, APP, USER, body);
  const { d: _, ...sent } = body.metadata;
  assert.deepEqual(discord.sent[0]!.body, { ...body, metadata: sent });
  // Only the fields given; an empty body is sent empty.
  await api.updateCurrentUserApplicationRoleConnection(rest, APP, USER, {});
  assert.deepEqual(discord.sent[1]!.body, {});
  // null platform texts (the docs list none; Discord answers null for an
  // unset one) are sent as given.
  await api.updateCurrentUserApplicationRoleConnection(rest, APP, USER, {
    platform_name: null,
    platform_username: null,
  } as never);
  assert.deepEqual(discord.sent[2]!.body, {
    platform_name: null,
    platform_username: null,
  });
  // The caller's body is not changed.
  assert.equal(body.metadata.d, undefined);
  assert.ok("d" in body.metadata);
});

Deno.test("updateCurrentUserApplicationRoleConnection sends a metadata key __proto__ (of valid characters) as its own key", async () => {
  const { rest, discord } = setup();
  const metadata = JSON.parse('{"__proto__": 5, "level": 2}');
  await api.updateCurrentUserApplicationRoleConnection(rest, APP, USER, {
    metadata,
  });
  assert.deepEqual(
    Object.entries(
      (discord.sent[0]!.body as { metadata: Record<string, string> }).metadata,
    ),
    [["__proto__", "5"], ["level", "2"]],
  );
});

Deno.test("deleteCurrentUserApplicationRoleConnection: DELETE with the Bearer token, Discord's 204 resolves", async () => {
  const { rest, discord } = setup();
  discord.answer(204);
  const result: void = await api.deleteCurrentUserApplicationRoleConnection(
    rest,
    APP,
    `Bearer ${USER}\n`,
  );
  assert.equal(result, undefined);
  assert.deepEqual(discord.sent, [{
    method: "DELETE",
    url: ROLE_CONNECTION,
    authorization: `Bearer ${USER}`,
    contentType: null,
    body: undefined,
  }]);
});

Deno.test("getCurrentUserConnections: GET /users/@me/connections with the Bearer token alone, the connections typed", async () => {
  const github: Connection = {
    id: "1234",
    name: "ada",
    type: "github",
    verified: true,
    friend_sync: false,
    show_activity: true,
    two_way_link: false,
    visibility: 1,
    integrations: [{ id: "5", name: "ada's server", type: "discord" }],
  };
  const { rest, discord } = setup([github]);
  const connections = await api.getCurrentUserConnections(rest, USER);
  assert.deepEqual(connections, [github]);
  assert.deepEqual(discord.sent, [{
    method: "GET",
    url: `${BASE}/users/@me/connections`,
    authorization: `Bearer ${USER}`,
    contentType: null,
    body: undefined,
  }]);
  // @ts-expect-error the docs' services only
  const _unknown: Connection["type"] = "myspace";
  // @ts-expect-error visibility is 0 (only the user) or 1 (everyone)
  const _visibility: Connection["visibility"] = 2;
});

/** The four user-token routes, called with `token`. */
const ROUTES: [
  string,
  (rest: RestClient, token: string) => Promise<unknown>,
][] = [
  [
    "role_connections.write",
    (rest, token) =>
      api.getCurrentUserApplicationRoleConnection(rest, APP, token),
  ],
  [
    "role_connections.write",
    (rest, token) =>
      api.updateCurrentUserApplicationRoleConnection(rest, APP, token, {}),
  ],
  [
    "role_connections.write",
    (rest, token) =>
      api.deleteCurrentUserApplicationRoleConnection(rest, APP, token),
  ],
  ["connections", (rest, token) => api.getCurrentUserConnections(rest, token)],
];

Deno.test("each user-token route refuses what is no access token, naming the scope and never showing it; nothing is sent", async () => {
  const { rest, discord } = setup();
  for (const [scope, call] of ROUTES) {
    for (
      const [token, fault] of [
        [undefined, "current type 'undefined'"],
        [{}, "current type 'object'"],
        ["", "it is blank"],
        ["Bearer   ", "it is blank"],
        [
          "secret token",
          "it holds whitespace at character 7 (the token is not shown)",
        ],
        ['"secret-token"', /wrapped in quotes/],
      ] as const
    ) {
      await assert.rejects(
        call(rest, token as string),
        (error: unknown) => {
          assert.ok(error instanceof TypeError);
          const prefix =
            `Cannot build route as 'accessToken' must be a user's OAuth2 access token with the ${scope} scope, visible ASCII characters without spaces: `;
          assert.ok(error.message.startsWith(prefix), error.message);
          const rest = error.message.slice(prefix.length);
          if (typeof fault === "string") assert.equal(rest, fault);
          else assert.match(rest, fault);
          assert.ok(!error.message.includes("secret"), error.message);
          return true;
        },
      );
    }
  }
  assert.equal(discord.sent.length, 0);
});

/** A call refused with `error` (class and message), nothing sent. */
async function refused(
  body: unknown,
  error: { name: "TypeError" | "RangeError"; message: string },
): Promise<void> {
  const { rest, discord } = setup();
  await assert.rejects(
    api.updateCurrentUserApplicationRoleConnection(
      rest,
      APP,
      USER,
      body as api.UpdateApplicationRoleConnectionBody,
    ),
    (thrown: unknown) => {
      assert.ok(thrown instanceof Error);
      assert.equal(thrown.name, error.name, thrown.message);
      assert.equal(thrown.message, error.message);
      assert.ok(!thrown.message.includes(USER));
      return true;
    },
  );
  assert.equal(discord.sent.length, 0, "a refused call sent a request");
}

const ACTION = "Cannot update role connection as";

Deno.test("updateCurrentUserApplicationRoleConnection refuses a body that is no object and platform texts too long or no string", async () => {
  for (
    const [body, shown] of [[null, "null"], [undefined, "undefined"], [
      "x",
      "x",
    ], [[], "array"]] as const
  ) {
    await refused(body, {
      name: "TypeError",
      message:
        `${ACTION} 'body' must be an object: current value 'body=${shown}'`,
    });
  }
  await refused({ platform_name: "😀".repeat(51) }, {
    name: "RangeError",
    message:
      `${ACTION} 'platform_name' must be a string of at most 50 characters: current length '51'`,
  });
  await refused({ platform_username: "u".repeat(101) }, {
    name: "RangeError",
    message:
      `${ACTION} 'platform_username' must be a string of at most 100 characters: current length '101'`,
  });
  await refused({ platform_name: 5 }, {
    name: "TypeError",
    message:
      `${ACTION} 'platform_name' must be a string of at most 50 characters: current value 'platform_name=5'`,
  });
});

Deno.test("updateCurrentUserApplicationRoleConnection refuses metadata that is no plain object, or holds more than 5 values", async () => {
  for (
    const [metadata, shown] of [[null, "null"], [[], "array"], [
      new Map([["a", "1"]]),
      "Map",
    ], ["a=1", "a=1"]] as const
  ) {
    await refused({ metadata }, {
      name: "TypeError",
      message:
        `${ACTION} 'metadata' must be an object of metadata keys to values: current value 'metadata=${shown}'`,
    });
  }
  await refused({ metadata: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 } }, {
    name: "RangeError",
    message:
      `${ACTION} 'metadata' must hold at most 5 values (one per metadata record, an application's most): current count '6'`,
  });
  // Undefined values are left out, so not counted.
  const { rest, discord } = setup();
  await api.updateCurrentUserApplicationRoleConnection(rest, APP, USER, {
    metadata: { a: 1, b: 2, c: 3, d: 4, e: 5, f: undefined as never },
  });
  assert.equal(discord.sent.length, 1);
});

Deno.test("updateCurrentUserApplicationRoleConnection refuses a metadata key that could name no record", async () => {
  const rule = "must be 1-50 characters of a-z, 0-9 and _";
  for (const key of ["cookiesEaten", "cookies-eaten", "é"]) {
    await refused({ metadata: { [key]: "1" } }, {
      name: "TypeError",
      message:
        `${ACTION} each key of 'metadata' ${rule}: current value 'metadata key=${
          JSON.stringify(key)
        }'`,
    });
  }
  await refused({ metadata: { "": "1" } }, {
    name: "RangeError",
    message: `${ACTION} each key of 'metadata' ${rule}: current length '0'`,
  });
  await refused({ metadata: { ["k".repeat(51)]: "1" } }, {
    name: "RangeError",
    message: `${ACTION} each key of 'metadata' ${rule}: current length '51'`,
  });
});

Deno.test("updateCurrentUserApplicationRoleConnection refuses a value Discord could not keep or compare", async () => {
  await refused({ metadata: { a: "😀".repeat(101) } }, {
    name: "RangeError",
    message:
      `${ACTION} 'metadata.a' must be a string of at most 100 characters: current length '101'`,
  });
  for (
    const [value, shown] of [
      [1.5, "1.5"],
      [NaN, "NaN"],
      [Infinity, "Infinity"],
      [2 ** 53, "9007199254740992"],
    ] as const
  ) {
    await refused({ metadata: { level: value } }, {
      name: "RangeError",
      message:
        `${ACTION} 'metadata.level' must be an integer (Discord compares integers, dates and booleans): current value 'metadata.level=${shown}'`,
    });
  }
  await refused({ metadata: { since: new Date("not a date") } }, {
    name: "RangeError",
    message:
      `${ACTION} 'metadata.since' must be a valid date: current value 'metadata.since=Invalid Date'`,
  });
  for (
    const [value, shown] of [[null, "null"], [{}, "object"], [5n, "5n"], [
      ["1"],
      "array",
    ]] as const
  ) {
    await refused({ metadata: { a: value } }, {
      name: "TypeError",
      message:
        `${ACTION} 'metadata.a' must be a string, an integer, a boolean or a Date: current value 'metadata.a=${shown}'`,
    });
  }
});

Deno.test("the user-token routes refuse an application id that is no snowflake and a misspelt option, and send nothing", async () => {
  const { rest, discord } = setup();
  await assert.rejects(
    api.getCurrentUserApplicationRoleConnection(rest, "@me", USER),
    { name: "TypeError", message: /^Cannot build route as 'applicationId'/ },
  );
  await assert.rejects(
    api.updateCurrentUserApplicationRoleConnection(rest, "1/../2", USER, {}),
    { name: "TypeError", message: /^Cannot build route as 'applicationId'/ },
  );
  await assert.rejects(
    api.getCurrentUserConnections(rest, USER, { signl: undefined } as never),
    {
      name: "TypeError",
      message:
        "Cannot build route as 'signl' is not one of its options (did you mean 'signal'?)",
    },
  );
  assert.equal(discord.sent.length, 0);
});

for (const status of [401, 400]) {
  Deno.test(`Discord's ${status} quoting the access token shows it in no error, and the bot token stays in use`, async () => {
    for (const [, call] of ROUTES) {
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
            code: status === 401 ? 0 : 50035,
            errors: {
              token: {
                _errors: [{ code: "INVALID", message: `${USER} is expired` }],
              },
            },
          }, { status }));
        },
      });
      const error = await call(rest, USER).catch((e) => e);
      assert.ok(error instanceof DiscordApiError, String(error));
      assert.ok(!(error instanceof TokenRejectedError));
      assert.equal(error.status, status);
      for (
        const text of [
          error.message,
          String(error.stack),
          JSON.stringify(error),
        ]
      ) {
        assert.ok(!text.includes(USER), text);
      }
      assert.match(error.message, /Bearer \[REDACTED\]/);
      // The user's 401 is not the bot token's: the next bot request goes out
      // with it.
      assert.deepEqual(await rest.request("GET", "/users/@me"), { id: "1" });
      assert.deepEqual(sent, [`Bearer ${USER}`, `Bot ${BOT}`]);
    }
  });
}

Deno.test("updateCurrentUserApplicationRoleConnection: the token and the body swapped (from JavaScript) are refused without quoting the token", async () => {
  const { rest, discord } = setup();
  const update = api.updateCurrentUserApplicationRoleConnection as (
    ...args: unknown[]
  ) => Promise<unknown>;
  const error = await update(
    rest,
    APP,
    { platform_name: "Cookie Clicker" },
    USER,
  )
    .catch((e) => e);
  assert.ok(error instanceof TypeError, String(error));
  assert.ok(!String(error.message).includes(USER), error.message);
  assert.ok(!String(error.stack).includes(USER), error.stack);
  assert.equal(discord.sent.length, 0);
});
