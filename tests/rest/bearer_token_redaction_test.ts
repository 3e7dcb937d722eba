// A user's OAuth2 access token, sent as `Authorization: Bearer <token>`
// with `auth: false`, is as secret as the bot token: the client redacts it
// from Discord's error bodies (a 401's message, a 400's field errors) and
// from what a failed `fetch` rejects with, as it does the bot token. Before,
// only the bot token and a route's path token were redacted, and an answer
// quoting the header reached the error's message and the logs whole.
import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import {
  DiscordApiError,
  NetworkError,
  RateLimitError,
} from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { getCurrentUserGuildMember } from "../../rest/api/users.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const BOT = "bot.T0KEN-secret_value-0123456789";
const USER = "user-access-token-0123456789abcdef";

/** Every text an error shows: message, JSON, cause and its stack. */
function shownText(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return [
    String(error),
    (error as Error).stack,
    JSON.stringify(error),
    String(cause),
    (cause as Error | undefined)?.stack,
  ].join("\n");
}

/** Discord, echoing the request's Authorization header in its answer. */
function echoing(status: number): RestClient {
  return new RestClient({
    token: BOT,
    maxRetries: 0,
    scheduler: new VirtualScheduler(),
    fetch: (_input, init) => {
      const auth = new Headers(init?.headers).get("authorization");
      return Promise.resolve(Response.json({
        message: `${status}: Unauthorized (${auth})`,
        code: status === 401 ? 0 : 50035,
        errors: {
          token: {
            _errors: [{ code: "BASE_TYPE_INVALID", message: `${auth}` }],
          },
        },
      }, { status }));
    },
  });
}

for (const status of [401, 400]) {
  Deno.test(`a ${status} quoting the user's Bearer token shows it redacted, in the message, the field errors and the JSON`, async () => {
    const error = await getCurrentUserGuildMember(
      echoing(status),
      "5",
      USER,
    ).catch((e) => e);
    assert.ok(error instanceof DiscordApiError, String(error));
    assert.equal(error.status, status);
    const text = shownText(error);
    assert.ok(!text.includes(USER), text);
    assert.match(error.message, /Bearer \[REDACTED\]/);
    assert.equal(
      error.apiMessage,
      `${status}: Unauthorized (Bearer [REDACTED])`,
    );
    assert.deepEqual(error.errors, {
      token: {
        _errors: [{ code: "BASE_TYPE_INVALID", message: "Bearer [REDACTED]" }],
      },
    });
  });
}

Deno.test("a raw request with auth: false has its own credential redacted, whatever its scheme, and the bot token still is", async () => {
  const error = await echoing(401).request("GET", "/users/@me", {
    auth: false,
    headers: { authorization: `Basic ${USER}` },
  }).catch((e) => e);
  assert.ok(error instanceof DiscordApiError);
  assert.ok(!shownText(error).includes(USER));
  assert.match(error.message, /Basic \[REDACTED\]/);
  // The bot token, on a request that carries it, as before.
  const bot = await echoing(401).request("GET", "/users/@me").catch((e) => e);
  assert.ok(bot instanceof DiscordApiError);
  assert.ok(!shownText(bot).includes(BOT));
  assert.match(bot.message, /Bot \[REDACTED\]/);
});

Deno.test("a fetch rejecting with the request's Bearer header reaches the caller redacted", async () => {
  const rest = new RestClient({
    token: BOT,
    maxRetries: 0,
    fetch: (_input, init) =>
      Promise.reject(
        new TypeError(
          `connection reset (sent ${
            new Headers(init?.headers).get("authorization")
          })`,
        ),
      ),
  });
  const error = await getCurrentUserGuildMember(rest, "5", `Bearer ${USER}`)
    .catch((e) => e);
  assert.ok(error instanceof NetworkError, String(error));
  assert.ok(!shownText(error).includes(USER), shownText(error));
  assert.match(error.message, /connection reset \(sent Bearer \[REDACTED\]\)/);
});

Deno.test("a short access token (a test's) is redacted where it stands whole, not inside other words", async () => {
  const error = await getCurrentUserGuildMember(echoing(401), "5", "abc")
    .catch((e) => e);
  assert.ok(error instanceof DiscordApiError);
  assert.equal(error.apiMessage, "401: Unauthorized (Bearer [REDACTED])");
});

// A token is visible ASCII, which holds `"` and `\`: Discord's JSON writes
// them escaped (`\"`, `\\`), a form neither the raw text nor the body
// written back out showed as the token, and the whole token reached the
// error's message.
for (
  const [what, token] of [
    ["a quote", 'user"access-token-0123456789abcdef'],
    ["a backslash", "user\\access-token-0123456789abcdef"],
  ] as const
) {
  Deno.test(`a token holding ${what}, quoted in Discord's JSON, is redacted`, async () => {
    const error = await getCurrentUserGuildMember(echoing(401), "5", token)
      .catch((e) => e);
    assert.ok(error instanceof DiscordApiError, String(error));
    assert.ok(!shownText(error).includes(token), shownText(error));
    assert.ok(
      !shownText(error).includes(JSON.stringify(token).slice(1, -1)),
      shownText(error),
    );
    assert.equal(error.apiMessage, "401: Unauthorized (Bearer [REDACTED])");
  });
}

Deno.test("a bot token holding a backslash, quoted in Discord's JSON, is redacted", async () => {
  const token = "bot\\T0KEN-secret_value-0123456789";
  const rest = new RestClient({
    token,
    maxRetries: 0,
    fetch: (_input, init) =>
      Promise.resolve(Response.json({
        message: `401: Unauthorized (${
          new Headers(init?.headers).get("authorization")
        })`,
        code: 0,
      }, { status: 401 })),
  });
  const error = await rest.request("GET", "/users/@me").catch((e) => e);
  assert.ok(error instanceof DiscordApiError, String(error));
  assert.ok(!shownText(error).includes(token), shownText(error));
  assert.equal(error.apiMessage, "401: Unauthorized (Bot [REDACTED])");
});

// A credential read from storage with a NUL or a CR LF in it: the runtime's
// Headers refuses the value and its TypeError quoted it whole, before the
// client knew which secret to redact.
for (
  const [what, header] of [
    ["a NUL", `Bearer ${USER}\u0000`],
    ["a CR LF", `Bearer ${USER}\r\nX-Other: 1`],
  ] as const
) {
  Deno.test(`a raw request's Authorization value holding ${what} is refused without showing it`, async () => {
    let sent = 0;
    const rest = new RestClient({
      token: BOT,
      maxRetries: 0,
      fetch: () => {
        sent++;
        return Promise.resolve(Response.json({}));
      },
    });
    const error = await rest.request("GET", "/users/@me", {
      auth: false,
      headers: { authorization: header },
    }).catch((e) => e);
    assert.ok(error instanceof TypeError, String(error));
    assert.ok(!shownText(error).includes(USER), shownText(error));
    assert.equal(sent, 0);
  });
}

// A peer echoing the token in X-RateLimit-Bucket: the hash is logged when
// learned and kept on a RateLimitError (its `bucket`, its JSON).
Deno.test("a bucket hash echoing the user's Bearer token is redacted from the log and the RateLimitError", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record: LogRecord) => records.push(record) },
    loggers: [
      { category: ["disruption"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  try {
    const rest = new RestClient({
      token: BOT,
      maxRetries: 0,
      maxRateLimitWait: 0,
      fetch: (_input, init) =>
        Promise.resolve(
          Response.json({ message: "You are being rate limited." }, {
            status: 429,
            headers: {
              "retry-after": "5",
              "x-ratelimit-bucket": new Headers(init?.headers)
                .get("authorization")!.slice("Bearer ".length),
              "x-ratelimit-limit": "5",
              "x-ratelimit-remaining": "0",
              "x-ratelimit-reset-after": "5",
              "x-ratelimit-scope": "user",
            },
          }),
        ),
    });
    const error = await getCurrentUserGuildMember(rest, "5", USER)
      .catch((e) => e);
    assert.ok(error instanceof RateLimitError, String(error));
    assert.ok(!shownText(error).includes(USER), shownText(error));
    assert.notEqual(error.bucket, USER);
    const logged = records.map((record) =>
      JSON.stringify([record.message, record.properties])
    ).join("\n");
    assert.ok(!logged.includes(USER), logged);
  } finally {
    await reset();
  }
});

// A non-JSON error's media type is cut at its `;` and its title at the
// next `<`: a token holding one was cut before it was redacted, and the
// part before the cut (no longer the whole token) was shown.
for (
  const [what, token, answer] of [
    [
      "a ';' in the Content-Type",
      "user;access-token-0123456789abcdef",
      (auth: string): Response =>
        new Response("x", {
          status: 500,
          headers: { "content-type": `text/${auth}` },
        }),
    ],
    [
      "a '<' in the page's title",
      "user<access-token-0123456789abcdef",
      (auth: string): Response =>
        new Response(`<html><title>${auth}</title></html>`, {
          status: 500,
          headers: { "content-type": "text/html" },
        }),
    ],
  ] as const
) {
  Deno.test(`a token cut by ${what} of a non-JSON answer shows no part of it`, async () => {
    const rest = new RestClient({
      token: BOT,
      maxRetries: 0,
      fetch: (_input, init) =>
        Promise.resolve(
          answer(new Headers(init?.headers).get("authorization")!),
        ),
    });
    const error = await getCurrentUserGuildMember(rest, "5", token)
      .catch((e) => e);
    assert.ok(error instanceof DiscordApiError, String(error));
    const part = token.slice(0, 4);
    assert.ok(!shownText(error).includes(`Bearer ${part}`), shownText(error));
    assert.match(error.message, /Bearer \[REDACTED\]/);
  });
}
