// A user's OAuth2 access token sent in a JSON body (Add Guild Member's and
// Group DM Add Recipient's `access_token`) is a secret of its request, as
// the bot token is: Discord's error body quoting it (as given, escaped by
// JSON, URL-encoded), a fetch failure naming it, a bucket hash echoing it
// and the log lines written on the way show `[REDACTED]`. Before, only the
// bot token, a route's path token and an `Authorization` credential were
// redacted, and the body's token reached the error whole.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import {
  DiscordApiError,
  NetworkError,
  RateLimitError,
} from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { addGuildMember } from "../../rest/api/members.ts";
import { groupDmAddRecipient } from "../../rest/api/channels.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

const BOT = "bot.T0KEN-secret_value-0123456789";
/** Visible ASCII, as an access token is: `/`, `+`, `=` change when URL-encoded. */
const TOKEN = "user/acc+ess=token-0123456789abcdef";
/** One whose `"` and `\` JSON writes escaped. */
const QUOTED_TOKEN = 'user"acc\\ess-token-0123456789abcdef';

/** How an answer quotes the token: the token sent, and its text in the raw JSON. */
const FORMS = {
  plain: { token: TOKEN, raw: (t: string): string => t },
  "URL-encoded": { token: TOKEN, raw: encodeURIComponent },
  "JSON-escaped": {
    token: QUOTED_TOKEN,
    raw: (t: string): string => JSON.stringify(t).slice(1, -1),
  },
  "unicode-escaped": {
    token: TOKEN,
    raw: (t: string): string => "\\u0075" + t.slice(1),
  },
} as const;
type Form = keyof typeof FORMS;

/** Every form of the tokens, and the parts a cut may leave (their halves). */
const LEAKS = [TOKEN, QUOTED_TOKEN].flatMap((token) => [
  token,
  JSON.stringify(token).slice(1, -1),
  encodeURIComponent(token),
  token.slice(0, 18),
  token.slice(18),
]);

/** Every text an error shows: message, JSON, field errors, cause and its stack. */
function shownText(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return [
    String(error),
    (error as Error).message,
    (error as Error).stack,
    JSON.stringify(error),
    JSON.stringify((error as { errors?: unknown }).errors),
    JSON.stringify((error as { fieldErrors?: unknown }).fieldErrors),
    (error as { apiMessage?: unknown }).apiMessage,
    String(cause),
    (cause as Error | undefined)?.stack,
  ].join("\n");
}

function assertNoLeak(text: string): void {
  for (const leak of LEAKS) {
    assert.ok(!text.includes(leak), `'${leak}' shown in:\n${text}`);
  }
}

/** The access token of a request's JSON body. */
function bodyToken(init: RequestInit | undefined): string {
  return JSON.parse(String(init?.body)).access_token;
}

type Call = (rest: RestClient, token: string) => Promise<unknown>;

/** The two routes whose body carries a user's access token. */
const ROUTES: [string, Call][] = [
  [
    "addGuildMember",
    (rest, token) =>
      addGuildMember(rest, "100", "200", { access_token: token, nick: "Ada" }),
  ],
  [
    "groupDmAddRecipient",
    (rest, token) =>
      groupDmAddRecipient(rest, "300", "200", {
        access_token: `Bearer ${token}`,
      }),
  ],
];

/**
 * Discord answering `status`, quoting the body's token in `form` in its
 * message, a field error's message and a field's name: the JSON text is
 * written by hand, so the token stands in it as the form has it.
 */
function echoing(status: number, form: Form): RestClient {
  return new RestClient({
    token: BOT,
    maxRetries: 0,
    scheduler: new VirtualScheduler(),
    fetch: (_input, init) => {
      const quoted = FORMS[form].raw(bodyToken(init));
      return Promise.resolve(
        new Response(
          `{"message":"Invalid OAuth2 access token: ${quoted}","code":50025,"errors":{"access_token":{"_errors":[{"code":"TOKEN_INVALID","message":"not ${quoted}"}]},"${quoted}":{"_errors":[{"code":"X","message":"field named so"}]}}}`,
          { status, headers: { "content-type": "application/json" } },
        ),
      );
    },
  });
}

for (const [name, call] of ROUTES) {
  for (const form of Object.keys(FORMS) as Form[]) {
    for (const status of [400, 401, 403]) {
      Deno.test(`${name}: a ${status} quoting the body's access token (${form}) shows it redacted in the message, the field errors and the JSON`, async () => {
        const error = await call(echoing(status, form), FORMS[form].token)
          .catch((e) => e);
        assert.ok(error instanceof DiscordApiError, String(error));
        assert.equal(error.status, status);
        assertNoLeak(shownText(error));
        assert.equal(
          error.apiMessage,
          "Invalid OAuth2 access token: [REDACTED]",
        );
        assert.deepEqual(error.fieldErrors, [
          {
            path: "access_token",
            code: "TOKEN_INVALID",
            message: "not [REDACTED]",
          },
          { path: "[REDACTED]", code: "X", message: "field named so" },
        ]);
      });
    }
  }

  Deno.test(`${name}: an HTML error page quoting the body's access token shows it redacted`, async () => {
    const rest = new RestClient({
      token: BOT,
      maxRetries: 0,
      fetch: (_input, init) =>
        Promise.resolve(
          new Response(
            `<html><title>denied ${bodyToken(init)}</title></html>`,
            { status: 403, headers: { "content-type": "text/html" } },
          ),
        ),
    });
    const error = await call(rest, QUOTED_TOKEN).catch((e) => e);
    assert.ok(error instanceof DiscordApiError, String(error));
    assertNoLeak(shownText(error));
    assert.match(error.message, /denied \[REDACTED\]/);
  });

  Deno.test(`${name}: a fetch failure naming the body, retried and logged, shows its access token redacted`, async () => {
    await withLogRecords(async (records: LogRecord[]) => {
      let attempts = 0;
      const rest = new RestClient({
        token: BOT,
        maxRetries: 1,
        serverErrorBackoff: 0,
        fetch: (_input, init) => {
          attempts++;
          return Promise.reject(
            new TypeError(`connection reset while sending ${init?.body}`),
          );
        },
      });
      const error = await call(rest, QUOTED_TOKEN).catch((e) => e);
      assert.equal(attempts, 2);
      assert.ok(error instanceof NetworkError, String(error));
      assertNoLeak(shownText(error));
      assert.match(shownText(error), /"access_token":"\[REDACTED\]"/);
      const logged = records.map((record) =>
        JSON.stringify([record.message, record.properties])
      ).join("\n");
      // The retry was logged, with the failure's text.
      assert.match(logged, /got no answer/);
      assertNoLeak(logged);
    }, "debug");
  });

  Deno.test(`${name}: a bucket hash echoing the body's access token is redacted from the log and the RateLimitError`, async () => {
    await withLogRecords(async (records: LogRecord[]) => {
      const rest = new RestClient({
        token: BOT,
        maxRetries: 0,
        maxRateLimitWait: 0,
        fetch: (_input, init) =>
          Promise.resolve(
            Response.json({
              message: `You are being rate limited, ${bodyToken(init)}.`,
              retry_after: 5,
              global: false,
            }, {
              status: 429,
              headers: {
                "retry-after": "5",
                "x-ratelimit-bucket": bodyToken(init),
                "x-ratelimit-limit": "5",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset-after": "5",
                "x-ratelimit-scope": "user",
              },
            }),
          ),
      });
      const error = await call(rest, QUOTED_TOKEN).catch((e) => e);
      assert.ok(error instanceof RateLimitError, String(error));
      assertNoLeak(shownText(error));
      assert.equal(error.bucket, "[REDACTED]");
      const logged = records.map((record) =>
        JSON.stringify([record.message, record.properties])
      ).join("\n");
      assert.match(logged, /uses bucket/);
      assertNoLeak(logged);
    }, "debug");
  });
}

Deno.test("the body's token is a secret of its own request only: another request's error is not redacted of it, and the bot token still is", async () => {
  const rest = new RestClient({
    token: BOT,
    maxRetries: 0,
    fetch: (_input, init) =>
      Promise.resolve(Response.json({
        message: `echo ${TOKEN} ${
          new Headers(init?.headers).get("authorization")
        }`,
        code: 0,
      }, { status: 400 })),
  });
  const mine = await addGuildMember(rest, "100", "200", {
    access_token: TOKEN,
  }).catch((e) => e);
  assert.ok(mine instanceof DiscordApiError);
  assert.equal(mine.apiMessage, "echo [REDACTED] Bot [REDACTED]");
  // A request that carries no such body: its error is its own text.
  const other = await rest.request("GET", "/users/@me").catch((e) => e);
  assert.ok(other instanceof DiscordApiError);
  assert.equal(other.apiMessage, `echo ${TOKEN} Bot [REDACTED]`);
});

Deno.test("no log line writes a request's body: the REST logger's calls name method, path, status and the redacted failure only", async () => {
  const sources = await Promise.all(
    [
      "_request_io.ts",
      "_outcome.ts",
      "_client_limiter.ts",
      "invalid_requests.ts",
    ]
      .map((file) =>
        Deno.readTextFile(new URL(`../../rest/${file}`, import.meta.url))
      ),
  );
  for (const source of sources) {
    for (const call of source.matchAll(/logger\.\w+\(([^;]*?)\);/gs)) {
      assert.doesNotMatch(call[1]!, /\bbody\b|\binit\b|payload/, call[0]);
    }
  }
});

Deno.test("a raw request's body carrying access_token or access_tokens (Create Group DM, which no route offers) has them redacted too", async () => {
  const other = "second-user-token-0123456789abcdef";
  const rest = new RestClient({
    token: BOT,
    maxRetries: 0,
    fetch: (_input, init) =>
      Promise.resolve(
        new Response(
          `{"message":"bad ${
            String(init?.body).replaceAll('"', "'")
          }","code":50035}`,
          { status: 400, headers: { "content-type": "application/json" } },
        ),
      ),
  });
  const group = await rest.request("POST", "/users/@me/channels", {
    body: { access_tokens: [TOKEN, other], nicks: { "200": "Ada" } },
  }).catch((e) => e);
  assert.ok(group instanceof DiscordApiError, String(group));
  assertNoLeak(shownText(group));
  assert.ok(!shownText(group).includes(other), shownText(group));
  assert.equal(
    group.apiMessage,
    "bad {'access_tokens':['[REDACTED]','[REDACTED]'],'nicks':{'200':'Ada'}}",
  );
  const member = await rest.request("PUT", "/guilds/100/members/200", {
    body: { access_token: TOKEN },
  }).catch((e) => e);
  assert.ok(member instanceof DiscordApiError, String(member));
  assertNoLeak(shownText(member));
  assert.equal(member.apiMessage, "bad {'access_token':'[REDACTED]'}");
});

Deno.test("a raw request's body carrying access_token sent with files (as payload_json) has it redacted too", async () => {
  const rest = new RestClient({
    token: BOT,
    maxRetries: 0,
    fetch: (_input, init) => {
      const form = init?.body as FormData;
      const json = JSON.parse(String(form.get("payload_json")));
      return Promise.resolve(
        new Response(
          `{"message":"bad ${json.access_token}","code":50035}`,
          { status: 400, headers: { "content-type": "application/json" } },
        ),
      );
    },
  });
  const error = await rest.request("PUT", "/guilds/100/members/200", {
    body: { access_token: TOKEN },
    files: [{ name: "a.txt", data: "a" }],
  }).catch((e) => e);
  assert.ok(error instanceof DiscordApiError, String(error));
  assertNoLeak(shownText(error));
  assert.equal(error.apiMessage, "bad [REDACTED]");
});

Deno.test("a raw request's body sending access_token through toJSON (a class written out as JSON) has it redacted too", async () => {
  const rest = new RestClient({
    token: BOT,
    maxRetries: 0,
    fetch: (_input, init) =>
      Promise.resolve(
        new Response(
          `{"message":"bad ${bodyToken(init)}","code":50025}`,
          { status: 403, headers: { "content-type": "application/json" } },
        ),
      ),
  });
  class Grant {
    readonly #token: string;
    constructor(token: string) {
      this.#token = token;
    }
    toJSON(): { access_token: string } {
      return { access_token: this.#token };
    }
  }
  const error = await rest.request("PUT", "/guilds/100/members/200", {
    body: new Grant(TOKEN),
  }).catch((e) => e);
  assert.ok(error instanceof DiscordApiError, String(error));
  assertNoLeak(shownText(error));
  assert.equal(error.apiMessage, "bad [REDACTED]");
});
