import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import {
  DiscordApiError,
  NetworkError,
  RateLimitError,
  ResponseTooLargeError,
  RestError,
} from "../../rest/errors.ts";
import {
  DEFAULT_USER_AGENT,
  RestClient,
  type RestClientOptions,
} from "../../rest/rest_client.ts";
import { MAX_HELD_RESET } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { createReaction } from "../../rest/api/reactions.ts";
import { FakeRest, type FakeRestOptions } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "bot.T0KEN-secret_value";

interface Setup {
  clock: VirtualScheduler;
  fake: FakeRest;
  rest: RestClient;
}

function setup(
  fakeOptions: FakeRestOptions = {},
  clientOptions: Partial<RestClientOptions> = {},
): Setup {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ token: TOKEN, scheduler: clock, ...fakeOptions });
  const rest = new RestClient({
    token: TOKEN,
    fetch: fake.fetch,
    scheduler: clock,
    // No jitter on 5xx/network retries: their times are asserted.
    random: () => 0.5,
    ...clientOptions,
  });
  return { clock, fake, rest };
}

Deno.test("RestClient sends Discord's headers and a JSON body", async () => {
  const { fake, rest } = setup();
  const message = await rest.createMessage("1", {
    content: "hi",
    allowed_mentions: { parse: [] },
  });
  await rest.deleteMessage("1", message.id, { reason: "tidy up: ünïcode" });
  await rest.getGatewayBot();

  const [create, del, gatewayBot] = fake.requests;
  assert.equal(create!.method, "POST");
  assert.equal(create!.path, "/channels/1/messages");
  assert.equal(create!.headers["authorization"], `Bot ${TOKEN}`);
  assert.equal(create!.headers["user-agent"], DEFAULT_USER_AGENT);
  assert.equal(
    DEFAULT_USER_AGENT,
    "DiscordBot (https://jsr.io/@disruption/disruption, 0.1.0)",
  );
  assert.equal(create!.headers["content-type"], "application/json");
  assert.deepEqual(create!.body, {
    content: "hi",
    allowed_mentions: { parse: [] },
  });
  assert.equal(create!.headers["x-audit-log-reason"], undefined);

  assert.equal(del!.method, "DELETE");
  assert.equal(
    del!.headers["x-audit-log-reason"],
    encodeURIComponent("tidy up: ünïcode"),
  );
  assert.equal(del!.headers["content-type"], undefined);
  assert.equal(del!.body, undefined);

  assert.equal(gatewayBot!.path, "/gateway/bot");
  assert.equal(gatewayBot!.headers["authorization"], `Bot ${TOKEN}`);
});

Deno.test("RestClient methods hit the documented routes and return parsed JSON", async () => {
  const { fake, rest } = setup();
  const created = await rest.createMessage("10", { content: "one" });
  assert.equal(created.channel_id, "10");
  assert.equal(created.author.id, fake.botUser.id);
  const edited = await rest.editMessage("10", created.id, { content: "two" });
  assert.equal(edited.content, "two");
  assert.notEqual(edited.edited_timestamp, null);
  assert.deepEqual(fake.messages("10").map((m) => m.content), ["two"]);
  assert.equal(await rest.deleteMessage("10", created.id), undefined);
  assert.deepEqual(fake.messages("10"), []);

  const app = fake.applicationId;
  await rest.createInteractionResponse("20", "itoken", {
    type: 4,
    data: { content: "answer" },
  });
  const original = await rest.getOriginalInteractionResponse(app, "itoken");
  assert.equal(original.content, "answer");
  const editedOriginal = await rest.editOriginalInteractionResponse(
    app,
    "itoken",
    { content: "better answer" },
  );
  assert.equal(editedOriginal.content, "better answer");
  const followup = await rest.createFollowupMessage(app, "itoken", {
    content: "and another thing",
  });
  const editedFollowup = await rest.editFollowupMessage(
    app,
    "itoken",
    followup.id,
    { content: "and one more" },
  );
  assert.equal(editedFollowup.content, "and one more");
  await rest.deleteFollowupMessage(app, "itoken", followup.id);
  await rest.deleteOriginalInteractionResponse(app, "itoken");

  const commands = await rest.bulkOverwriteGlobalApplicationCommands(app, [
    { name: "ping", description: "Ping!" },
  ]);
  assert.equal(commands[0]!.name, "ping");
  assert.equal(commands[0]!.application_id, app);
  const guild = await rest.bulkOverwriteGuildApplicationCommands(app, "30", [
    { name: "echo", description: "Echo" },
  ]);
  assert.equal(guild[0]!.guild_id, "30");

  const gateway = await rest.getGateway();
  assert.deepEqual(gateway, { url: "wss://gateway.discord.gg" });
  const bot = await rest.getGatewayBot();
  assert.deepEqual(bot, {
    url: "wss://gateway.discord.gg",
    shards: 1,
    session_start_limit: {
      total: 1000,
      remaining: 1000,
      reset_after: 86_400_000,
      max_concurrency: 1,
    },
  });

  assert.deepEqual(
    fake.requests.map((r) => `${r.method} ${r.path}`),
    [
      "POST /channels/10/messages",
      `PATCH /channels/10/messages/${created.id}`,
      `DELETE /channels/10/messages/${created.id}`,
      "POST /interactions/20/itoken/callback",
      `GET /webhooks/${app}/itoken/messages/@original`,
      `PATCH /webhooks/${app}/itoken/messages/@original`,
      `POST /webhooks/${app}/itoken`,
      `PATCH /webhooks/${app}/itoken/messages/${followup.id}`,
      `DELETE /webhooks/${app}/itoken/messages/${followup.id}`,
      `DELETE /webhooks/${app}/itoken/messages/@original`,
      `PUT /applications/${app}/commands`,
      `PUT /applications/${app}/guilds/30/commands`,
      "GET /gateway",
      "GET /gateway/bot",
    ],
  );
});

Deno.test("RestClient sends interaction and webhook routes without the bot token", async () => {
  const { fake, rest } = setup();
  const app = fake.applicationId;
  await rest.createInteractionResponse("20", "itoken", { type: 5 });
  await rest.editOriginalInteractionResponse(app, "itoken", { content: "x" });
  await rest.getOriginalInteractionResponse(app, "itoken");
  const followup = await rest.createFollowupMessage(app, "itoken", {
    content: "y",
  });
  await rest.editFollowupMessage(app, "itoken", followup.id, { content: "z" });
  await rest.deleteFollowupMessage(app, "itoken", followup.id);
  await rest.deleteOriginalInteractionResponse(app, "itoken");
  await rest.getGateway();
  for (const request of fake.requests) {
    assert.equal(
      request.headers["authorization"],
      undefined,
      `${request.method} ${request.path}`,
    );
    assert.equal(request.headers["user-agent"], DEFAULT_USER_AGENT);
  }
  // auth can be forced either way
  await rest.request("GET", "/gateway", { auth: true });
  assert.equal(fake.requests.at(-1)!.headers["authorization"], `Bot ${TOKEN}`);
});

Deno.test("RestClient keeps interaction routes out of the global limit", async () => {
  const { clock, fake, rest } = setup({}, { globalLimit: 1 });
  const done = Promise.all([
    rest.createMessage("1", { content: "a" }),
    rest.createMessage("2", { content: "b" }),
    rest.createInteractionResponse("7", "tok7", { type: 1 }),
    rest.createInteractionResponse("8", "tok8", { type: 1 }),
  ]);
  await clock.advance(1000);
  await done;
  assert.deepEqual(
    fake.requests.map((r) => [r.at, r.route]),
    [
      [0, "POST /channels/1/messages"],
      [0, "POST /interactions/:id/:token/callback"],
      [0, "POST /interactions/:id/:token/callback"],
      [1000, "POST /channels/2/messages"],
    ],
  );
});

Deno.test("RestClient learns bucket hashes from the headers", async () => {
  const { fake, rest } = setup();
  fake.scriptRateLimit({
    route: "POST /channels/1/messages",
    remaining: 5,
    resetAfter: 1,
    bucket: "cafe0001",
  });
  await rest.createMessage("1", { content: "a" });
  assert.equal(
    rest.rateLimiter.bucketHash("POST /channels/1/messages"),
    "cafe0001",
  );
  // The hash holds for every channel; the major parameter splits its buckets.
  assert.equal(
    rest.rateLimiter.bucketHash("POST /channels/2/messages"),
    "cafe0001",
  );
  assert.equal(
    rest.rateLimiter.bucketState(parseRoute("POST", "/channels/2/messages")),
    undefined,
  );
  const state = rest.rateLimiter.bucketState(
    parseRoute("POST", "/channels/1/messages"),
  );
  assert.equal(state?.id, "cafe0001:channels/1");
  assert.equal(state?.limit, 5);
  assert.equal(state?.remaining, 4);
  assert.equal(state?.resetAt, 1000);
});

Deno.test("RestClient sends same-bucket requests in order, one at a time when remaining is unknown or 0", async () => {
  const { clock, fake, rest } = setup({ latency: 50 });
  fake.scriptRateLimit({
    route: "POST /channels/1/messages",
    limit: 2,
    remaining: 2,
    resetAfter: 1,
  });
  const contents = ["1", "2", "3", "4", "5"];
  const done = Promise.all(
    contents.map((content) => rest.createMessage("1", { content })),
  );
  await clock.advance(3000);
  const messages = await done;
  assert.deepEqual(messages.map((m) => m.content), contents);
  assert.deepEqual(
    fake.requests.map((r) => [r.at, (r.body as { content: string }).content]),
    [
      [0, "1"], // remaining unknown: alone
      [50, "2"], // the answer said 1 left
      [1000, "3"], // 0 left: wait for the reset the headers gave
      [1000, "4"],
      [2050, "5"], // the new window began at 1050 on the server
    ],
  );
  assert.deepEqual(fake.messages("1").map((m) => m.content), contents);
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient waits for reset-after when a bucket is empty", async () => {
  const { clock, fake, rest } = setup();
  fake.scriptRateLimit({
    route: "PATCH /channels/1/messages/1",
    remaining: 1,
    resetAfter: 2.5,
  });
  const first = await rest.createMessage("1", { content: "a" });
  const edits = Promise.all([
    rest.editMessage("1", first.id, { content: "b" }),
    rest.editMessage("1", first.id, { content: "c" }),
  ]);
  await clock.advance(2499);
  assert.equal(fake.requests.length, 2);
  await clock.advance(1);
  await edits;
  assert.deepEqual(fake.requests.map((r) => r.at), [0, 0, 2500]);
  assert.equal(fake.messages("1")[0]!.content, "c");
});

Deno.test("RestClient lets two routes sharing a bucket hash share its limit", async () => {
  const { clock, fake, rest } = setup();
  for (
    const route of ["POST /channels/1/messages", "PATCH /channels/1/messages/1"]
  ) {
    fake.scriptRateLimit({
      route,
      bucket: "shared01",
      limit: 2,
      remaining: 2,
      resetAfter: 1,
    });
  }
  const first = await rest.createMessage("1", { content: "a" });
  await rest.editMessage("1", first.id, { content: "b" });
  assert.equal(
    rest.rateLimiter.bucketHash("POST /channels/1/messages"),
    "shared01",
  );
  assert.equal(
    rest.rateLimiter.bucketHash("PATCH /channels/1/messages/:id"),
    "shared01",
  );
  // Both requests above used the shared window of 2: the next two wait.
  const done = Promise.all([
    rest.editMessage("1", first.id, { content: "c" }),
    rest.createMessage("1", { content: "d" }),
  ]);
  await clock.advance(1000);
  await done;
  assert.deepEqual(fake.requests.map((r) => [r.at, r.method]), [
    [0, "POST"],
    [0, "PATCH"],
    [1000, "PATCH"],
    [1000, "POST"],
  ]);
});

Deno.test("RestClient honours a 429's retry_after exactly, over the Retry-After header", async () => {
  const { clock, fake, rest } = setup();
  fake.script429({ route: "POST /channels/1/messages", retryAfter: 1.234 });
  const sent = rest.createMessage("1", { content: "a" });
  await clock.advance(1233);
  assert.equal(fake.requests.length, 1);
  await clock.advance(1);
  assert.equal((await sent).content, "a");
  assert.deepEqual(fake.requests.map((r) => r.at), [0, 1234]);
});

Deno.test("RestClient falls back to Retry-After, then to reset-after, when a 429 with Discord's headers has no retry_after", async (t) => {
  // Without retry_after and every X-RateLimit-* header it is Cloudflare's
  // (see invalid_requests_test.ts).
  const scope = { "x-ratelimit-scope": "user" };
  const rows: [string, Record<string, string>, number][] = [
    ["Retry-After", { "retry-after": "3", ...scope }, 3000],
    ["reset-after", { "x-ratelimit-reset-after": "0.75" }, 750],
    ["nothing", scope, 1000],
  ];
  for (const [name, headers, wait] of rows) {
    await t.step(name, async () => {
      const clock = new VirtualScheduler();
      const at: number[] = [];
      const fetch = (): Promise<Response> => {
        at.push(clock.now());
        return Promise.resolve(
          at.length === 1
            ? new Response("not json", { status: 429, headers })
            : Response.json({ url: "wss://x" }),
        );
      };
      const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
      const done = rest.getGateway();
      await clock.advance(wait);
      await done;
      assert.deepEqual(at, [0, wait]);
    });
  }
});

Deno.test("RestClient pauses every bucket after a global 429", async () => {
  const { clock, fake, rest } = setup();
  fake.script429({
    route: "POST /channels/1/messages",
    retryAfter: 2,
    global: true,
  });
  const a = rest.createMessage("1", { content: "a" });
  await clock.advance(500);
  const b = rest.createMessage("2", { content: "b" });
  const callback = rest.createInteractionResponse("9", "tok", { type: 1 });
  await clock.advance(1499);
  assert.deepEqual(fake.requests.map((r) => r.at), [0, 500]); // a, callback
  await clock.advance(1);
  await Promise.all([a, b, callback]);
  assert.deepEqual(fake.requests.map((r) => [r.at, r.route]), [
    [0, "POST /channels/1/messages"],
    [500, "POST /interactions/:id/:token/callback"],
    [2000, "POST /channels/1/messages"],
    [2000, "POST /channels/2/messages"],
  ]);
  assert.equal(rest.rateLimiter.globalPausedUntil, 2000);
});

Deno.test("RestClient waits out a shared-scope 429 and retries; the next request of its route waits behind it", async () => {
  const { clock, fake, rest } = setup();
  fake.script429({
    route: "POST /channels/1/messages",
    retryAfter: 1.5,
    scope: "shared",
  });
  const done = Promise.all([
    rest.createMessage("1", { content: "a" }),
    rest.createMessage("1", { content: "b" }),
  ]);
  await clock.advance(1500);
  const [a, b] = await done;
  assert.equal(a.content, "a");
  assert.equal(b.content, "b");
  assert.deepEqual(
    fake.requests.map((r) => [r.at, (r.body as { content: string }).content]),
    // b, on a's lane (its route and channel), waits behind a's retry:
    // not sent into the limit for a 429 of its own, nor before a.
    [[0, "a"], [1500, "a"], [1500, "b"]],
  );
});

Deno.test("RestClient throws RateLimitError when the retries run out", async () => {
  const { clock, fake, rest } = setup({}, { maxRetries: 2 });
  fake.script429({
    route: "POST /channels/1/messages",
    retryAfter: 1,
    times: 3,
  });
  const failed = assert.rejects(
    rest.createMessage("1", { content: "a" }),
    (error: unknown) => {
      assert.ok(error instanceof RateLimitError);
      assert.ok(error instanceof RestError);
      assert.equal(error.retryAfter, 1000);
      assert.equal(error.scope, "user");
      assert.equal(error.global, false);
      assert.equal(error.method, "POST");
      assert.equal(error.path, "/channels/1/messages");
      assert.equal(typeof error.bucket, "string");
      return true;
    },
  );
  await clock.advance(2000);
  await failed;
  assert.deepEqual(fake.requests.map((r) => r.at), [0, 1000, 2000]);
  assert.equal(fake.messages().length, 0);
});

Deno.test("RestClient retries 5xx with backoff for idempotent methods", async () => {
  const { clock, fake, rest } = setup();
  fake.scriptError(502, 0, "Bad Gateway", {
    route: "GET /gateway/bot",
    times: 2,
  });
  const done = rest.getGatewayBot();
  await clock.advance(3000);
  assert.equal((await done).shards, 1);
  assert.deepEqual(fake.requests.map((r) => r.at), [0, 1000, 3000]);
});

Deno.test("RestClient does not repeat a POST after a 5xx unless told to", async () => {
  const { fake, rest } = setup();
  fake.scriptError(500, 0, "Internal Server Error", {
    route: "POST /channels/1/messages",
  });
  await assert.rejects(
    rest.createMessage("1", { content: "a" }),
    (error: unknown) =>
      error instanceof DiscordApiError && error.status === 500,
  );
  assert.equal(fake.requests.length, 1);

  const all = setup({}, { retryServerErrors: "all", serverErrorBackoff: 10 });
  all.fake.scriptError(503, 0, "Service Unavailable", {
    route: "POST /channels/1/messages",
  });
  const sent = all.rest.createMessage("1", { content: "a" });
  await all.clock.advance(10);
  assert.equal((await sent).content, "a");
  assert.deepEqual(all.fake.requests.map((r) => r.at), [0, 10]);
});

Deno.test("RestClient gives up on 5xx after maxRetries", async () => {
  const { clock, fake, rest } = setup({}, { maxRetries: 1 });
  fake.scriptError(502, 0, "Bad Gateway", { times: 5 });
  const failed = assert.rejects(rest.getGateway(), {
    name: "DiscordApiError",
    status: 502,
  });
  await clock.advance(1000);
  await failed;
  assert.equal(fake.requests.length, 2);
});

Deno.test("RestClient raises DiscordApiError with Discord's status, code and message", async (t) => {
  await t.step("400 Cannot send an empty message", async () => {
    const { rest } = setup();
    await assert.rejects(rest.createMessage("1", {}), {
      name: "DiscordApiError",
      status: 400,
      code: 50006,
      apiMessage: "Cannot send an empty message",
      method: "POST",
      path: "/channels/1/messages",
      message:
        "POST /channels/1/messages failed with 400: Cannot send an empty message (code 50006)",
    });
  });
  await t.step("400 Invalid Form Body with its errors tree", async () => {
    const { rest } = setup();
    // A raw request: createMessage refuses 2001 characters before sending.
    const error = await rest.request("POST", "/channels/1/messages", {
      body: { content: "x".repeat(2001) },
    }).catch((e) => e);
    assert.ok(error instanceof DiscordApiError);
    assert.equal(error.code, 50035);
    assert.deepEqual(error.errors, {
      content: {
        _errors: [{
          code: "BASE_TYPE_MAX_LENGTH",
          message: "Must be 2000 or fewer in length.",
        }],
      },
    });
    assert.deepEqual(error.fieldErrors.map((f) => f.path), ["content"]);
  });
  await t.step("403 Missing Permissions", async () => {
    const { fake, rest } = setup();
    fake.scriptError(403, 50013, "Missing Permissions");
    await assert.rejects(rest.createMessage("1", { content: "a" }), {
      name: "DiscordApiError",
      status: 403,
      code: 50013,
      apiMessage: "Missing Permissions",
    });
  });
  await t.step("404 Unknown Message", async () => {
    const { rest } = setup();
    await assert.rejects(rest.deleteMessage("1", "2"), {
      name: "DiscordApiError",
      status: 404,
      code: 10008,
      apiMessage: "Unknown Message",
      method: "DELETE",
      path: "/channels/1/messages/2",
    });
  });
  await t.step("401 for a wrong token", async () => {
    const { fake } = setup();
    const rest = new RestClient({ token: "wrong", fetch: fake.fetch });
    await assert.rejects(rest.getGatewayBot(), {
      name: "DiscordApiError",
      status: 401,
      code: 0,
      apiMessage: "401: Unauthorized",
    });
  });
});

Deno.test("RestClient raises NetworkError when fetch fails, retrying idempotent methods", async () => {
  const { clock, fake, rest } = setup();
  fake.scriptNetworkError({ route: "POST /channels/1/messages" });
  await assert.rejects(
    rest.createMessage("1", { content: "a" }),
    (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.ok(!(error instanceof DiscordApiError));
      assert.ok(error.cause instanceof TypeError);
      assert.match(error.message, /^POST \/channels\/1\/messages failed: /);
      return true;
    },
  );
  fake.scriptNetworkError({ route: "GET /gateway" });
  const retried = rest.getGateway();
  await clock.advance(1000);
  assert.equal((await retried).url, "wss://gateway.discord.gg");
  assert.deepEqual(fake.requests.map((r) => r.at), [0, 0, 1000]);
});

Deno.test("RestClient never lets a token into errors or logs", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record: LogRecord) => records.push(record) },
    loggers: [
      { category: ["disruption"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  try {
    const interactionToken = "aW50ZXJhY3Rpb246SECRET.interaction-token";
    const { clock, fake, rest } = setup({}, { maxRetries: 1 });
    const app = fake.applicationId;
    const errors: unknown[] = [];
    const collect = (promise: Promise<unknown>) =>
      promise.then(
        () => assert.fail("expected a failure"),
        (error) => errors.push(error),
      );

    // Network failure on a webhook route: the runtime's message names the URL.
    fake.scriptNetworkError({ times: 2 });
    const network = collect(
      rest.getOriginalInteractionResponse(app, interactionToken),
    );
    await clock.advance(1000);
    await network;
    // Discord error on a webhook route (follow-up before the callback).
    await collect(
      rest.createFollowupMessage(app, interactionToken, { content: "x" }),
    );
    // Discord errors echoing the request's tokens back in their bodies.
    fake.scriptError(400, 50035, `bad token ${TOKEN}`, {
      errors: { token: { _errors: [{ code: "X", message: TOKEN }] } },
    });
    await collect(rest.createMessage("1", { content: "x" }));
    fake.scriptError(400, 50035, `bad ${TOKEN} ${interactionToken}`, {
      errors: {
        token: { _errors: [{ code: "X", message: interactionToken }] },
      },
    });
    await collect(
      rest.editOriginalInteractionResponse(app, interactionToken, {
        content: "x",
      }),
    );
    // Rate limited until the retries ran out, on the callback route.
    fake.script429({ retryAfter: 1, times: 2 });
    const limited = collect(
      rest.createInteractionResponse("5", interactionToken, { type: 1 }),
    );
    await clock.advance(1000);
    await limited;
    // A non-JSON success body.
    const broken = new RestClient({
      token: TOKEN,
      fetch: () => Promise.resolve(new Response(`{${TOKEN}`)),
    });
    await collect(broken.request("GET", `/webhooks/1/${interactionToken}`));

    assert.deepEqual(
      errors.map((e) => (e as Error).name),
      [
        "NetworkError",
        "DiscordApiError",
        "DiscordApiError",
        "DiscordApiError",
        "RateLimitError",
        "RestError",
      ],
    );
    const texts: string[] = [];
    for (const error of errors) {
      let current: unknown = error;
      for (let depth = 0; current !== undefined && depth < 5; depth++) {
        const e = current as Error;
        texts.push(String(e), e.message, e.stack ?? "", JSON.stringify(e));
        texts.push(Deno.inspect(e, { depth: 10 }));
        current = e.cause;
      }
    }
    for (const record of records) {
      texts.push(
        record.message.map(String).join(""),
        JSON.stringify(record.properties),
      );
    }
    assert.ok(records.length > 5);
    for (const text of texts) {
      assert.ok(!text.includes(TOKEN), `bot token leaked: ${text}`);
      assert.ok(
        !text.includes(interactionToken),
        `interaction token leaked: ${text}`,
      );
    }
    // The redacted forms are what shows.
    assert.equal(
      (errors[0] as NetworkError).path,
      `/webhooks/${app}/:token/messages/@original`,
    );
    assert.match((errors[0] as NetworkError).message, /\[REDACTED\]/);
    assert.equal(
      (errors[4] as RateLimitError).path,
      "/interactions/5/:token/callback",
    );
  } finally {
    await reset();
  }
});

/** The `cause` a NetworkError got when `fetch` rejected with `thrown`. */
async function failedWith(
  token: string,
  path: string,
  thrown: Error,
): Promise<Error> {
  const rest = new RestClient({
    token,
    maxRetries: 0,
    fetch: () => Promise.reject(thrown),
  });
  const error = await rest.request("POST", path).then(
    () => assert.fail("expected a failure"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof NetworkError);
  return error.cause as Error;
}

Deno.test("RestClient redacts a short token only where it stands whole", async () => {
  const text = "POST https://x/abc/messages (Bot abc): abcdef fabc abc.d " +
    "x-abc 'abc' /abc?t=abc&a=1 %2Fabc abc%20";
  const thrown = new TypeError(text);
  thrown.stack = `TypeError: ${text}\n    at fabc (file:///tmp/abcd.ts:1:1)`;
  const cause = await failedWith("abc", "/channels/1/messages", thrown);
  const want = "POST https://x/[REDACTED]/messages (Bot [REDACTED]): " +
    "abcdef fabc abc.d x-abc '[REDACTED]' /[REDACTED]?t=[REDACTED]&a=1 " +
    "%2F[REDACTED] [REDACTED]%20";
  assert.equal(cause.message, want);
  assert.equal(
    cause.stack,
    `TypeError: ${want}\n    at fabc (file:///tmp/abcd.ts:1:1)`,
  );
  // A one-letter webhook token leaves "exceeded" and "box" alone.
  const hook = await failedWith(
    "bot-token",
    "/webhooks/1/x",
    new TypeError("https://d.test/webhooks/1/x: box exceeded (x)"),
  );
  assert.equal(
    hook.message,
    "https://d.test/webhooks/1/[REDACTED]: box exceeded ([REDACTED])",
  );
});

Deno.test("RestClient redacts a real token wherever it occurs, encoded or escaped", async () => {
  const token =
    "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456-789AB";
  const hook = "aW50ZXJhY3Rpb24+SECRET/token=";
  const encoded = encodeURIComponent(hook);
  const places = (secret: string) => [
    `https://discord.com/api/v10/webhooks/1/${secret}/messages/@original`,
    `?token=${secret}&wait=true`,
    `url=https%3A%2F%2Fdiscord.com%2Fwebhooks%2F1%2F${secret}%3Fwait`,
    `%252F${secret}`,
    `authorization: Bot ${secret}\r\n`,
    JSON.stringify({ token: secret, list: [secret], text: `a\n${secret}` }),
    `"a\\t${secret}\\u00e9${secret}\\x41${secret}"`,
  ];
  const text = [...places(token), ...places(hook), ...places(encoded)]
    .join(" ");
  const cause = await failedWith(
    token,
    `/webhooks/1/${encoded}`,
    new TypeError(text),
  );
  for (const secret of [token, hook, encoded, hook.slice(0, 20)]) {
    assert.ok(!cause.message.includes(secret), cause.message);
    assert.ok(!cause.stack!.includes(secret), cause.stack);
  }
  assert.equal(cause.message.split("[REDACTED]").length - 1, 3 * 11);
  // Against a word too: a token at a sentence's end, or inside a name.
  const glued = await failedWith(
    token,
    "/channels/1/messages",
    new TypeError(`token ${token}. file_${token}_old x${token}-`),
  );
  assert.equal(
    glued.message,
    "token [REDACTED]. file_[REDACTED]_old x[REDACTED]-",
  );
  // Discord's JSON error body, echoing the tokens after escapes.
  const body = JSON.stringify({ code: 50035, message: `x\n${token}` })
    .replace("}", `,"errors":"\\u0041${hook}\\/${encoded}"}`);
  const rest = new RestClient({
    token,
    maxRetries: 0,
    fetch: () => Promise.resolve(new Response(body, { status: 400 })),
  });
  const error = await rest.request("POST", `/webhooks/1/${encoded}`).then(
    () => assert.fail("expected a failure"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof DiscordApiError);
  assert.deepEqual(
    [error.code, error.apiMessage, error.errors],
    [50035, "x\n[REDACTED]", "A[REDACTED]/[REDACTED]"],
  );
});

Deno.test("RestClient stops a waiting request when its signal aborts", async () => {
  const { clock, fake, rest } = setup();
  fake.scriptRateLimit({
    route: "POST /channels/1/messages",
    remaining: 1,
    resetAfter: 5,
  });
  await rest.createMessage("1", { content: "a" });
  const controller = new AbortController();
  const waiting = rest.createMessage("1", { content: "b" }, {
    signal: controller.signal,
  });
  const rejected = assert.rejects(waiting, { name: "AbortError" });
  await clock.advance(1000);
  controller.abort(new DOMException("gave up", "AbortError"));
  await rejected;
  await clock.advance(10_000);
  assert.equal(fake.requests.length, 1);
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient checks its options and arguments", async (t) => {
  await t.step("token", () => {
    assert.throws(() => new RestClient({ token: "" }), {
      name: "TypeError",
      message:
        `Cannot create REST client as 'token' must be a non-empty string (not blank): current value 'token=""'`,
    });
    // An unset environment variable, said as the Client says it.
    assert.throws(() => new RestClient({ token: undefined as never }), {
      name: "TypeError",
      message:
        "Cannot create REST client as 'token' must be a non-empty string (not blank) (is the environment variable read for it set?): current value 'token=undefined'",
    });
  });
  await t.step("a number option given as a string: a quoted TypeError", () => {
    for (
      const name of [
        "maxRetries",
        "serverErrorBackoff",
        "maxRateLimitWait",
        "maxResponseBytes",
        "maxBufferedResponseBytes",
        "timeout",
      ]
    ) {
      assert.throws(() => new RestClient({ token: "t", [name]: "3" }), {
        name: "TypeError",
        message:
          `Cannot create REST client as '${name}' must be a number: current value '${name}="3"'`,
      });
    }
  });
  await t.step("maxRetries", () => {
    assert.throws(() => new RestClient({ token: "t", maxRetries: -1 }), {
      name: "RangeError",
      message:
        "Cannot create REST client as 'maxRetries' must be a non-negative integer: current value 'maxRetries=-1'",
    });
  });
  await t.step(
    "maxRateLimitWait must be a number, not a numeric string",
    () => {
      assert.throws(
        () =>
          new RestClient({ token: "t", maxRateLimitWait: "60000" as never }),
        { name: "TypeError", message: /'maxRateLimitWait="60000"'/ },
      );
    },
  );
  await t.step("a 'Bot ' prefix on the token is dropped", async () => {
    const fake = new FakeRest({ token: "abc" });
    const rest = new RestClient({ token: "Bot abc", fetch: fake.fetch });
    await rest.getGatewayBot();
    assert.equal(fake.requests[0]!.headers["authorization"], "Bot abc");
  });
  await t.step("ids must be snowflakes", async () => {
    const rest = new RestClient({ token: "t" });
    await assert.rejects(() => rest.createMessage("1/../2", { content: "x" }), {
      name: "TypeError",
      message:
        "Cannot build route as 'channelId' must be a snowflake string: current value 'channelId=1/../2'",
    });
  });
  await t.step(
    "tokens are not '.' or '..' (the URL would name another endpoint)",
    async () => {
      const fake = new FakeRest({ token: "t" });
      const rest = new RestClient({ token: "t", fetch: fake.fetch });
      for (const dots of [".", ".."]) {
        for (
          const call of [
            () => rest.createInteractionResponse("1", dots, { type: 1 }),
            () => rest.createFollowupMessage("1", dots, { content: "x" }),
            () => rest.deleteOriginalInteractionResponse("1", dots),
            () => rest.editFollowupMessage("1", dots, "2", { content: "x" }),
          ]
        ) {
          await assert.rejects(async () => await call(), {
            name: "TypeError",
            message: /'interactionToken' must be .*not '\.' or '\.\.'/,
          });
        }
      }
      assert.equal(fake.requests.length, 0);
    },
  );
  await t.step("tokens are never echoed", async () => {
    const rest = new RestClient({ token: "t" });
    await assert.rejects(
      () => rest.createFollowupMessage("1", "secret/value", { content: "x" }),
      (error: Error) =>
        error instanceof TypeError && !error.message.includes("secret"),
    );
  });
});

Deno.test("RestClient passes query parameters and returns undefined for 204", async () => {
  const { fake, rest } = setup();
  const result = await rest.request("POST", "/interactions/1/t/callback", {
    body: { type: 1 },
    query: { with_response: false, skip: undefined },
  });
  assert.equal(result, undefined);
  assert.equal(
    fake.requests[0]!.path,
    "/interactions/1/t/callback?with_response=false",
  );
});

Deno.test("RestClient fails at once, saying how long, when a 429 asks for more than maxRateLimitWait", async (t) => {
  const huge = 2 ** 32; // seconds: far past what a runtime timer holds
  const rows: [string, BodyInit, Record<string, string>][] = [
    ["retry_after", JSON.stringify({ retry_after: huge }), {}],
    ["Retry-After", "not json", {
      "retry-after": String(huge),
      "x-ratelimit-scope": "user",
    }],
    ["X-RateLimit-Reset-After", "not json", {
      "x-ratelimit-reset-after": String(huge),
    }],
  ];
  for (const [name, body, headers] of rows) {
    await t.step(name, async () => {
      const clock = new VirtualScheduler();
      let calls = 0;
      const fetch = (): Promise<Response> => {
        calls++;
        return Promise.resolve(new Response(body, { status: 429, headers }));
      };
      const rest = new RestClient({
        token: TOKEN,
        fetch,
        scheduler: clock,
        maxRateLimitWait: 120_000,
      });
      let settled: unknown;
      rest.getGateway().then(
        () => settled = "resolved",
        (error) => settled = error,
      );
      await clock.flushMicrotasks();
      // Settled without the clock moving: no waiting, no re-arming loop.
      assert.ok(settled instanceof RateLimitError, String(settled));
      assert.equal(settled.retryAfter, huge * 1000);
      assert.equal(settled.maxWait, 120_000);
      assert.match(
        settled.message,
        /asked to wait 4294967296000 ms, longer than the 120000 ms the client waits \(maxRateLimitWait\)/,
      );
      assert.equal(calls, 1);
      // The bucket is closed for all Discord asked (held an hour at most):
      // the next request on it fails at once, unsent, rather than walk
      // into another 429 once the cap has passed.
      await clock.advance(120_000);
      const next = await rest.getGateway().catch((error) => error);
      assert.ok(next instanceof RateLimitError, String(next));
      assert.equal(next.retryAfter, MAX_HELD_RESET - 120_000);
      assert.equal(next.maxWait, 120_000);
      assert.match(next.message, /refused unsent/);
      assert.equal(calls, 1);
    });
  }
});

Deno.test("RestClient fails at once, unsent, a request whose bucket is used up for longer than maxRateLimitWait after a success", async () => {
  const clock = new VirtualScheduler();
  const at: number[] = [];
  const fetch = (): Promise<Response> => {
    at.push(clock.now());
    return Promise.resolve(
      Response.json({ url: "wss://x" }, {
        headers: {
          "x-ratelimit-bucket": "b",
          "x-ratelimit-limit": "1",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset-after": "1e12",
        },
      }),
    );
  };
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  await rest.getGateway();
  // Held only 60 s, it was sent into the window still closed: a 429.
  await clock.advance(60_000);
  const second = await rest.getGateway().catch((error) => error);
  assert.ok(second instanceof RateLimitError, String(second));
  assert.equal(second.retryAfter, MAX_HELD_RESET - 60_000, "held an hour");
  assert.equal(second.maxWait, 60_000);
  assert.equal(second.bucket, "b");
  assert.deepEqual(at, [0]);
});

Deno.test("RestClient stops reading a response body past maxResponseBytes", async (t) => {
  await t.step("a streamed body without a length", async () => {
    let produced = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const fetch = (): Promise<Response> => {
      // An endless body: reading it all would never finish.
      const body = new ReadableStream<Uint8Array>({
        pull(controller): void {
          produced += chunk.length;
          controller.enqueue(chunk);
        },
      });
      return Promise.resolve(new Response(body, { status: 200 }));
    };
    const rest = new RestClient({
      token: TOKEN,
      fetch,
      maxResponseBytes: 1024 * 1024,
      maxRetries: 0,
    });
    const error = await rest.getGateway().catch((error) => error);
    assert.ok(error instanceof ResponseTooLargeError, String(error));
    assert.equal(error.limit, 1024 * 1024);
    assert.equal(error.status, 200);
    assert.match(
      error.message,
      /GET \/gateway answered 200 with a body of more than 1048576 bytes.*maxResponseBytes/,
    );
    // Read up to the cap plus what the stream had queued, then stopped.
    assert.ok(produced <= 1024 * 1024 + 3 * chunk.length, `${produced}`);
  });
  await t.step("a declared Content-Length above the cap", async () => {
    let pulled = 0;
    const fetch = (): Promise<Response> => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller): void {
          pulled++;
          controller.enqueue(new Uint8Array(16));
        },
      }, { highWaterMark: 0 });
      return Promise.resolve(
        new Response(body, {
          status: 200,
          headers: { "content-length": String(100 * 1024 * 1024) },
        }),
      );
    };
    const rest = new RestClient({ token: TOKEN, fetch });
    const error = await rest.getGateway().catch((error) => error);
    assert.ok(error instanceof ResponseTooLargeError, String(error));
    assert.equal(error.limit, 8 * 1024 * 1024);
    assert.equal(error.bytes, 100 * 1024 * 1024);
    assert.equal(pulled, 0);
  });
  await t.step("a body at the cap is read", async () => {
    const text = JSON.stringify({ url: "wss://x" });
    const rest = new RestClient({
      token: TOKEN,
      fetch: () => Promise.resolve(new Response(text)),
      maxResponseBytes: text.length,
    });
    assert.deepEqual(await rest.getGateway(), { url: "wss://x" });
  });
});

Deno.test("RestClient refuses limits that cannot work", () => {
  for (const value of [NaN, -1, 2 ** 31]) {
    assert.throws(
      () => new RestClient({ token: TOKEN, maxRateLimitWait: value }),
      /'maxRateLimitWait' must be between 0 and 2147483647 ms/,
    );
  }
  for (const value of [0, 1.5, NaN]) {
    assert.throws(
      () => new RestClient({ token: TOKEN, maxResponseBytes: value }),
      /'maxResponseBytes' must be a positive integer/,
    );
  }
});

Deno.test("RestClient: a reason cut inside an emoji is sent well formed, a lone surrogate in a path segment is a TypeError, and request() rejects bad input rather than throwing", async () => {
  const { fake, rest } = setup();
  // 511 characters and half of a 🔥: what `.slice(0, 512)` leaves.
  const cut = ("x".repeat(511) + "🔥").slice(0, 512);
  await rest.deleteMessage("1", "2", { reason: cut }).catch(() => {});
  assert.equal(
    fake.requests.at(-1)?.headers["x-audit-log-reason"],
    "x".repeat(511) + "%EF%BF%BD",
  );
  const sent = fake.requests.length;
  // An emoji path segment with half a surrogate pair: refused, typed.
  await assert.rejects(
    () => createReaction(rest, "1", "2", "\ud83d"),
    {
      name: "TypeError",
      message:
        "Cannot build route as 'emoji' must be well-formed text (it holds a lone surrogate, half of an emoji): current value 'emoji=\ud83d'",
    },
  );
  await assert.rejects(
    () => rest.createInteractionResponse("5", "tok\udc00", { type: 6 }),
    TypeError,
  );
  // request() answers bad input with a rejected promise, never a throw.
  const bad: [string, () => Promise<unknown>, string][] = [
    ["a relative path", () => rest.request("GET", "nope"), "TypeError"],
    [
      "a header value with a newline",
      () => rest.request("GET", "/x", { headers: { "X-A": "a\nb" } }),
      "TypeError",
    ],
  ];
  for (const [what, call, name] of bad) {
    let result: Promise<unknown> | undefined;
    assert.doesNotThrow(() => result = call(), what);
    await assert.rejects(result!, { name }, what);
  }
  assert.equal(fake.requests.length, sent, "nothing bad was sent");
});
