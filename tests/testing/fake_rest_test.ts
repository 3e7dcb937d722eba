import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest, type FakeRestOptions } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { RestMessage } from "../../rest/payloads.ts";

const BASE = "https://discord.com/api/v10";

interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  json: any;
}

interface Setup {
  clock: VirtualScheduler;
  fake: FakeRest;
  call: (
    method: string,
    path: string,
    init?: { body?: unknown; auth?: string | null; raw?: string },
  ) => Promise<Answer>;
}

function setup(options: FakeRestOptions = {}): Setup {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ scheduler: clock, ...options });
  const call: Setup["call"] = async (method, path, init = {}) => {
    const headers: Record<string, string> = {};
    const auth = init.auth === undefined ? "Bot fake-bot-token" : init.auth;
    if (auth !== null) headers["Authorization"] = auth;
    let body: string | undefined = init.raw;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers["Content-Type"] = "application/json";
    }
    const response = await fake.fetch(`${BASE}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text === "" ? undefined : JSON.parse(text),
    };
  };
  return { clock, fake, call };
}

Deno.test("FakeRest checks the bot token like Discord", async () => {
  const { call, fake } = setup();
  for (const auth of [null, "Bot wrong", "fake-bot-token"]) {
    const response = await call("POST", "/channels/1/messages", {
      body: { content: "x" },
      auth,
    });
    assert.equal(response.status, 401);
    assert.deepEqual(response.json, { message: "401: Unauthorized", code: 0 });
  }
  assert.equal(fake.messages().length, 0);
  // GET /gateway and token routes need no bot token.
  assert.equal((await call("GET", "/gateway", { auth: null })).status, 200);
  const callback = await call("POST", "/interactions/1/tok/callback", {
    body: { type: 1 },
    auth: null,
  });
  assert.equal(callback.status, 204);
  assert.equal(
    (await call("GET", "/gateway/bot", { auth: null })).status,
    401,
  );
});

Deno.test("FakeRest records every request", async () => {
  const { call, clock, fake } = setup();
  await call("POST", "/channels/5/messages", { body: { content: "hello" } });
  await clock.advance(250);
  await call("GET", "/gateway/bot?x=1");
  assert.deepEqual(
    fake.requests.map((r) => ({ ...r, headers: r.headers["authorization"] })),
    [
      {
        method: "POST",
        path: "/channels/5/messages",
        route: "POST /channels/5/messages",
        body: { content: "hello" },
        headers: "Bot fake-bot-token",
        at: 0,
      },
      {
        method: "GET",
        path: "/gateway/bot?x=1",
        route: "GET /gateway/bot",
        body: undefined,
        headers: "Bot fake-bot-token",
        at: 250,
      },
    ],
  );
});

Deno.test("FakeRest stores messages with snowflake ids, authored by the bot", async () => {
  const { call, clock, fake } = setup();
  const first = (await call("POST", "/channels/5/messages", {
    body: { content: "one", tts: true, nonce: "n1" },
  })).json as RestMessage;
  await clock.advance(1000);
  const reply = (await call("POST", "/channels/5/messages", {
    body: {
      content: "two",
      message_reference: { message_id: first.id },
      embeds: [{ title: "t" }],
    },
  })).json as RestMessage;

  assert.match(first.id, /^\d{17,20}$/);
  assert.ok(BigInt(reply.id) > BigInt(first.id));
  // Virtual time 0 stands for 2025-01-01.
  assert.equal(first.timestamp, "2025-01-01T00:00:00.000Z");
  assert.equal(reply.timestamp, "2025-01-01T00:00:01.000Z");
  assert.equal(
    Number(BigInt(first.id) >> 22n) + 1_420_070_400_000,
    Date.UTC(2025, 0, 1),
  );
  assert.deepEqual(first.author, fake.botUser);
  assert.equal(first.author.bot, true);
  assert.equal(first.tts, true);
  assert.equal(first.nonce, "n1");
  assert.equal(first.type, 0);
  assert.equal(reply.type, 19);
  assert.equal(reply.referenced_message?.id, first.id);
  assert.deepEqual(reply.embeds, [{ title: "t" }]);
  assert.deepEqual(fake.messages("5").map((m) => m.id), [first.id, reply.id]);
  assert.deepEqual(fake.messages("6"), []);

  const missing = await call("POST", "/channels/5/messages", {
    body: { content: "x", message_reference: { message_id: "42" } },
  });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.code, 50035);
  assert.deepEqual(Object.keys(missing.json.errors), ["message_reference"]);
});

Deno.test("FakeRest validates message bodies", async (t) => {
  const { call } = setup();
  const rows: [string, unknown, number, number][] = [
    ["empty", {}, 400, 50006],
    ["empty content", { content: "" }, 400, 50006],
    ["too long", { content: "x".repeat(2001) }, 400, 50035],
    ["too many embeds", { embeds: Array(11).fill({ title: "t" }) }, 400, 50035],
    ["embeds only", { embeds: [{ title: "t" }] }, 200, 0],
  ];
  for (const [name, body, status, code] of rows) {
    await t.step(name, async () => {
      const response = await call("POST", "/channels/1/messages", { body });
      assert.equal(response.status, status);
      if (code) assert.equal(response.json.code, code);
    });
  }
  await t.step("invalid JSON", async () => {
    const response = await call("POST", "/channels/1/messages", {
      raw: "{nope",
    });
    assert.equal(response.status, 400);
    assert.equal(response.json.code, 50109);
  });
});

Deno.test("FakeRest enforces Discord's embed limits with 50035 errors at the field's path", async (t) => {
  const { call, fake } = setup();
  const maxLength = (max: number) => ({
    _errors: [{
      code: "BASE_TYPE_MAX_LENGTH",
      message: `Must be ${max} or fewer in length.`,
    }],
  });
  const x = (n: number) => "x".repeat(n);
  const fields = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: `f${i}`, value: "v" }));
  const rows: [string, Record<string, unknown>[], unknown][] = [
    ["title", [{ title: x(257) }], { 0: { title: maxLength(256) } }],
    ["description", [{ title: "ok" }, { description: x(4097) }], {
      1: { description: maxLength(4096) },
    }],
    ["fields", [{ fields: fields(26) }], { 0: { fields: maxLength(25) } }],
    ["field name", [{ fields: [...fields(2), { name: x(257), value: "v" }] }], {
      0: { fields: { 2: { name: maxLength(256) } } },
    }],
    ["field value", [{ fields: [{ name: "n", value: x(1025) }] }], {
      0: { fields: { 0: { value: maxLength(1024) } } },
    }],
    ["footer text", [{ footer: { text: x(2049) } }], {
      0: { footer: { text: maxLength(2048) } },
    }],
    ["author name", [{ author: { name: x(257) } }], {
      0: { author: { name: maxLength(256) } },
    }],
    [
      "6000 across all embeds",
      [{ description: x(4000) }, {
        title: x(200),
        footer: { text: x(1000) },
        author: { name: x(100) },
        fields: [{ name: x(100), value: x(601) }],
      }],
      {
        _errors: [{
          code: "MAX_EMBED_SIZE_EXCEEDED",
          message: "Embed size exceeds maximum size of 6000",
        }],
      },
    ],
  ];
  for (const [name, embeds, errors] of rows) {
    await t.step(name, async () => {
      const response = await call("POST", "/channels/1/messages", {
        body: { embeds },
      });
      assert.equal(response.status, 400);
      assert.deepEqual(response.json, {
        code: 50035,
        message: "Invalid Form Body",
        errors: { embeds: errors },
      });
    });
  }
  await t.step("at the limits", async () => {
    const response = await call("POST", "/channels/1/messages", {
      body: {
        embeds: [{ description: x(4096), fields: fields(25) }, {
          // 4096 + 90 (the fields) + 256 + 1458 + 100 = 6000 exactly.
          title: x(256),
          footer: { text: x(1458) },
          author: { name: x(100) },
        }],
      },
    });
    assert.equal(response.status, 200);
  });
  await t.step("leading and trailing whitespace is not counted", async () => {
    // Discord trims it before counting, for each limit and the total.
    const padded = `  \n${x(256)}\t `;
    const response = await call("POST", "/channels/1/messages", {
      body: {
        embeds: [{ title: padded, description: ` ${x(4096)} ` }, {
          description: `${x(1648)}   `,
        }],
      },
    });
    assert.equal(response.status, 200);
  });
  await t.step("edits, callbacks and follow-ups too", async () => {
    const sent = await call("POST", "/channels/1/messages", {
      body: { content: "hi" },
    });
    const edit = await call("PATCH", `/channels/1/messages/${sent.json.id}`, {
      body: { embeds: [{ title: x(257) }] },
    });
    assert.equal(
      edit.json.errors.embeds[0].title._errors[0].message,
      "Must be 256 or fewer in length.",
    );
    fake.addInteraction({ id: "9", token: "tok", type: 2 });
    const callback = await call("POST", "/interactions/9/tok/callback", {
      body: { type: 4, data: { embeds: [{ description: x(4097) }] } },
    });
    assert.deepEqual(Object.keys(callback.json.errors), ["data"]);
    assert.ok(callback.json.errors.data.embeds[0].description);
    await call("POST", "/interactions/9/tok/callback", { body: { type: 5 } });
    const followUp = await call("POST", `/webhooks/${fake.applicationId}/tok`, {
      body: { embeds: [{ fields: fields(26) }] },
    });
    assert.equal(followUp.json.code, 50035);
  });
});

Deno.test("FakeRest edits and deletes messages, and tells its hooks", async () => {
  const { call, fake } = setup();
  const events: string[] = [];
  fake.onMessageCreate = (m) => events.push(`create ${m.content}`);
  fake.onMessageUpdate = (m) => events.push(`update ${m.content}`);
  fake.onMessageDelete = (m) => events.push(`delete ${m.channel_id}`);
  const { json: message } = await call("POST", "/channels/3/messages", {
    body: { content: "a" },
  });
  const edited = await call("PATCH", `/channels/3/messages/${message.id}`, {
    body: { content: "b" },
  });
  assert.equal(edited.json.content, "b");
  assert.equal(edited.json.edited_timestamp, "2025-01-01T00:00:00.000Z");
  assert.equal(
    (await call("GET", `/channels/3/messages/${message.id}`)).json.content,
    "b",
  );
  // The wrong channel does not find it.
  assert.equal(
    (await call("GET", `/channels/4/messages/${message.id}`)).json.code,
    10008,
  );
  const deleted = await call("DELETE", `/channels/3/messages/${message.id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.json, undefined);
  const again = await call("DELETE", `/channels/3/messages/${message.id}`);
  assert.equal(again.status, 404);
  assert.deepEqual(again.json, { code: 10008, message: "Unknown Message" });
  assert.deepEqual(events, ["create a", "update b", "delete 3"]);
});

Deno.test("FakeRest answers X-RateLimit headers from its bucket model", async () => {
  const { call, clock } = setup({ limit: 2, resetAfter: 1.5 });
  const a = await call("POST", "/channels/1/messages", {
    body: { content: "a" },
  });
  assert.equal(a.headers.get("x-ratelimit-limit"), "2");
  assert.equal(a.headers.get("x-ratelimit-remaining"), "1");
  assert.equal(a.headers.get("x-ratelimit-reset-after"), "1.500");
  assert.equal(
    a.headers.get("x-ratelimit-reset"),
    ((Date.UTC(2025, 0, 1) + 1500) / 1000).toFixed(3),
  );
  const hash = a.headers.get("x-ratelimit-bucket");
  assert.match(hash!, /^[0-9a-f]{8}$/);

  // Another channel: same hash, its own bucket.
  const other = await call("POST", "/channels/2/messages", {
    body: { content: "x" },
  });
  assert.equal(other.headers.get("x-ratelimit-bucket"), hash);
  assert.equal(other.headers.get("x-ratelimit-remaining"), "1");
  // Another route: another hash.
  const edit = await call("PATCH", `/channels/1/messages/${a.json.id}`, {
    body: { content: "b" },
  });
  assert.notEqual(edit.headers.get("x-ratelimit-bucket"), hash);

  await clock.advance(500);
  const b = await call("POST", "/channels/1/messages", {
    body: { content: "b" },
  });
  assert.equal(b.headers.get("x-ratelimit-remaining"), "0");
  assert.equal(b.headers.get("x-ratelimit-reset-after"), "1.000");
  const over = await call("POST", "/channels/1/messages", {
    body: { content: "c" },
  });
  assert.equal(over.status, 429);
  assert.deepEqual(over.json, {
    message: "You are being rate limited.",
    retry_after: 1,
    global: false,
  });
  assert.equal(over.headers.get("x-ratelimit-scope"), "user");
  assert.equal(over.headers.get("retry-after"), "1");
  assert.equal(over.headers.get("x-ratelimit-global"), null);

  await clock.advance(1000);
  const c = await call("POST", "/channels/1/messages", {
    body: { content: "c" },
  });
  assert.equal(c.status, 200);
  assert.equal(c.headers.get("x-ratelimit-remaining"), "1");
});

Deno.test("FakeRest scriptRateLimit without a route sets the next request's bucket", async () => {
  const { call, fake } = setup();
  const before = await call("GET", "/gateway/bot");
  assert.equal(before.headers.get("x-ratelimit-remaining"), "49");
  fake.scriptRateLimit({ remaining: 1, resetAfter: 3 });
  const first = await call("GET", "/gateway/bot");
  assert.equal(first.headers.get("x-ratelimit-limit"), "1");
  assert.equal(first.headers.get("x-ratelimit-remaining"), "0");
  assert.equal(first.headers.get("x-ratelimit-reset-after"), "3.000");
  assert.equal((await call("GET", "/gateway/bot")).status, 429);
});

Deno.test("FakeRest scriptRateLimit with a route sets its limit and can share a hash", async () => {
  const { call, clock, fake } = setup();
  for (
    const route of [
      "POST /channels/1/messages",
      "DELETE /channels/1/messages/9",
    ]
  ) {
    fake.scriptRateLimit({
      route,
      bucket: "beef",
      remaining: 2,
      limit: 3,
      resetAfter: 10,
    });
  }
  const post = await call("POST", "/channels/1/messages", {
    body: { content: "a" },
  });
  assert.equal(post.headers.get("x-ratelimit-bucket"), "beef");
  assert.equal(post.headers.get("x-ratelimit-limit"), "3");
  assert.equal(post.headers.get("x-ratelimit-remaining"), "1");
  const del = await call("DELETE", `/channels/1/messages/${post.json.id}`);
  assert.equal(del.headers.get("x-ratelimit-bucket"), "beef");
  assert.equal(del.headers.get("x-ratelimit-remaining"), "0");
  const over = await call("POST", "/channels/1/messages", {
    body: { content: "b" },
  });
  assert.equal(over.status, 429);
  assert.equal(over.json.retry_after, 10);
  // Another channel: the same hash and limit, its own fresh bucket.
  const other = await call("POST", "/channels/2/messages", {
    body: { content: "c" },
  });
  assert.equal(other.headers.get("x-ratelimit-bucket"), "beef");
  assert.equal(other.headers.get("x-ratelimit-remaining"), "2");
  // After the reset, windows of 3 per 10 s.
  await clock.advance(10_000);
  const later = await call("POST", "/channels/1/messages", {
    body: { content: "d" },
  });
  assert.equal(later.headers.get("x-ratelimit-remaining"), "2");
  assert.equal(later.headers.get("x-ratelimit-reset-after"), "10.000");
});

Deno.test("FakeRest script429 answers 429s and keeps the bucket empty meanwhile", async () => {
  const { call, clock, fake } = setup();
  fake.script429({ route: "POST /channels/1/messages", retryAfter: 2.5 });
  // Other routes are not affected.
  assert.equal((await call("GET", "/gateway/bot")).status, 200);
  const limited = await call("POST", "/channels/1/messages", {
    body: { content: "a" },
  });
  assert.equal(limited.status, 429);
  assert.equal(limited.json.retry_after, 2.5);
  assert.equal(limited.json.global, false);
  assert.equal(limited.headers.get("retry-after"), "3");
  assert.equal(limited.headers.get("x-ratelimit-scope"), "user");
  assert.equal(limited.headers.get("x-ratelimit-reset-after"), "2.500");
  // As Discord's example 429: the reset as a Unix time in seconds too.
  assert.match(
    limited.headers.get("x-ratelimit-reset") ?? "",
    /^\d{10}\.\d{3}$/,
  );
  await clock.advance(2499);
  const early = await call("POST", "/channels/1/messages", {
    body: { content: "a" },
  });
  assert.equal(early.status, 429);
  await clock.advance(1);
  const ok = await call("POST", "/channels/1/messages", {
    body: { content: "a" },
  });
  assert.equal(ok.status, 200);
});

Deno.test("FakeRest script429 global pauses every bot route, not token routes", async () => {
  const { call, clock, fake } = setup();
  fake.script429({ retryAfter: 1, global: true });
  const global = await call("GET", "/gateway/bot");
  assert.equal(global.status, 429);
  assert.equal(global.json.global, true);
  assert.equal(global.headers.get("x-ratelimit-global"), "true");
  assert.equal(global.headers.get("x-ratelimit-scope"), "global");
  const other = await call("POST", "/channels/9/messages", {
    body: { content: "a" },
  });
  assert.equal(other.status, 429);
  assert.equal(other.json.global, true);
  const callback = await call("POST", "/interactions/1/t/callback", {
    body: { type: 1 },
    auth: null,
  });
  assert.equal(callback.status, 204);
  await clock.advance(1000);
  assert.equal((await call("GET", "/gateway/bot")).status, 200);
});

Deno.test("FakeRest script429 with the shared scope", async () => {
  const { call, fake } = setup();
  fake.script429({ retryAfter: 0.5, scope: "shared", times: 2 });
  for (let i = 0; i < 2; i++) {
    const response = await call("GET", "/gateway/bot");
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("x-ratelimit-scope"), "shared");
    assert.equal(response.json.global, false);
  }
});

Deno.test("FakeRest enforces the global limit on bot routes", async () => {
  const { call, clock } = setup({ globalLimit: 2 });
  assert.equal((await call("GET", "/gateway/bot")).status, 200);
  assert.equal((await call("GET", "/channels/1/messages/1")).status, 404);
  const over = await call("GET", "/gateway/bot");
  assert.equal(over.status, 429);
  assert.equal(over.json.global, true);
  await clock.advance(1000);
  assert.equal((await call("GET", "/gateway/bot")).status, 200);
});

Deno.test("FakeRest scriptError and scriptNetworkError fail matching requests", async () => {
  const { call, fake } = setup();
  fake.scriptError(403, 50013, "Missing Permissions", {
    route: "POST /channels/1/messages",
    errors: { x: 1 },
    times: 2,
  });
  assert.equal(
    (await call("POST", "/channels/2/messages", { body: { content: "a" } }))
      .status,
    200,
  );
  for (let i = 0; i < 2; i++) {
    const response = await call("POST", "/channels/1/messages", {
      body: { content: "a" },
    });
    assert.equal(response.status, 403);
    assert.deepEqual(response.json, {
      code: 50013,
      message: "Missing Permissions",
      errors: { x: 1 },
    });
    assert.ok(response.headers.get("x-ratelimit-bucket"));
  }
  assert.equal(
    (await call("POST", "/channels/1/messages", { body: { content: "a" } }))
      .status,
    200,
  );

  fake.scriptNetworkError({ route: "GET /gateway" });
  await assert.rejects(
    fake.fetch(`${BASE}/gateway`),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message.includes(`${BASE}/gateway`),
  );
  assert.equal((await fake.fetch(`${BASE}/gateway`)).status, 200);
});

Deno.test("FakeRest answers unknown routes and methods like Discord", async () => {
  const { call } = setup();
  const unknown = await call("GET", "/users/@me/nothing");
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.json, { message: "404: Not Found", code: 0 });
  const method = await call("PUT", "/channels/1/messages", { body: {} });
  assert.equal(method.status, 405);
  assert.deepEqual(method.json, {
    message: "405: Method Not Allowed",
    code: 0,
  });
});

Deno.test("FakeRest handles an interaction's callback, original response and follow-ups", async () => {
  const { call, fake } = setup();
  const created: RestMessage[] = [];
  fake.onMessageCreate = (message) => created.push(message);
  fake.addInteraction({ id: "100", token: "tok", channelId: "7" });
  const app = fake.applicationId;

  // A follow-up before the callback is an unknown webhook.
  const early = await call("POST", `/webhooks/${app}/tok`, {
    body: { content: "x" },
    auth: null,
  });
  assert.deepEqual(early.json, { code: 10015, message: "Unknown Webhook" });
  // A wrong token is an unknown interaction.
  const wrong = await call("POST", "/interactions/100/nope/callback", {
    body: { type: 4, data: { content: "x" } },
    auth: null,
  });
  assert.equal(wrong.status, 404);
  assert.equal(wrong.json.code, 10062);
  // A bad callback type.
  const badType = await call("POST", "/interactions/100/tok/callback", {
    body: { type: 3 },
    auth: null,
  });
  assert.equal(badType.json.code, 50035);

  const deferred = await call("POST", "/interactions/100/tok/callback", {
    body: { type: 5 },
    auth: null,
  });
  assert.equal(deferred.status, 204);
  const twice = await call("POST", "/interactions/100/tok/callback", {
    body: { type: 4, data: { content: "x" } },
    auth: null,
  });
  assert.equal(twice.status, 400);
  assert.deepEqual(twice.json, {
    code: 40060,
    message: "Interaction has already been acknowledged.",
  });
  assert.deepEqual(fake.interactionResponses.map((r) => r.body), [{ type: 5 }]);
  assert.equal(fake.interactionResponses[0]!.interactionId, "100");
  assert.equal(fake.interactionResponses[0]!.token, "tok");

  const loading = await call("GET", `/webhooks/${app}/tok/messages/@original`, {
    auth: null,
  });
  assert.equal(loading.json.flags, 128);
  assert.equal(loading.json.channel_id, "7");
  const done = await call("PATCH", `/webhooks/${app}/tok/messages/@original`, {
    body: { content: "done" },
    auth: null,
  });
  assert.equal(done.json.content, "done");
  assert.equal(done.json.flags, 0);

  const followup = await call("POST", `/webhooks/${app}/tok`, {
    body: { content: "more" },
    auth: null,
  });
  assert.equal(followup.json.webhook_id, app);
  const secret = await call("POST", `/webhooks/${app}/tok`, {
    body: { content: "psst", flags: 64 },
    auth: null,
  });
  assert.equal(secret.json.flags, 64);
  // Another application's webhook is unknown.
  assert.equal(
    (await call("POST", "/webhooks/1/tok", {
      body: { content: "x" },
      auth: null,
    }))
      .json.code,
    10015,
  );
  // Messages not of this interaction are unknown.
  const { json: plain } = await call("POST", "/channels/7/messages", {
    body: { content: "plain" },
  });
  assert.equal(
    (await call("PATCH", `/webhooks/${app}/tok/messages/${plain.id}`, {
      body: { content: "x" },
      auth: null,
    })).json.code,
    10008,
  );
  assert.equal(
    (await call("DELETE", `/webhooks/${app}/tok/messages/${followup.json.id}`, {
      auth: null,
    })).status,
    204,
  );
  assert.equal(
    (await call("DELETE", `/webhooks/${app}/tok/messages/@original`, {
      auth: null,
    })).status,
    204,
  );
  assert.equal(
    (await call("GET", `/webhooks/${app}/tok/messages/@original`, {
      auth: null,
    })).json.code,
    10008,
  );
  // Ephemeral messages are not dispatched.
  assert.deepEqual(created.map((m) => m.content), ["", "more", "plain"]);
  assert.equal(created[0]!.interaction_metadata !== undefined, true);
});

Deno.test("FakeRest's interaction responses carry full interaction metadata", async () => {
  const { call, fake } = setup();
  const created: RestMessage[] = [];
  fake.onMessageCreate = (message) => created.push(message);
  const user = {
    id: "42",
    username: "ada",
    discriminator: "0",
    global_name: "Ada",
    avatar: null,
  };
  fake.addInteraction({ id: "200", token: "cmd", channelId: "7", user });
  fake.addInteraction({
    id: "201",
    token: "button",
    channelId: "7",
    messageId: "900",
  });
  for (const [id, token] of [["200", "cmd"], ["201", "button"]]) {
    const response = await call(
      "POST",
      `/interactions/${id}/${token}/callback`,
      {
        body: { type: 4, data: { content: `re ${id}` } },
        auth: null,
      },
    );
    assert.equal(response.status, 204);
  }
  const [command, component] = created.map((m) => m.interaction_metadata);
  // A command response: type 2, the registered user.
  assert.deepEqual(command, {
    id: "200",
    type: 2,
    user,
    // Channel "7" is no stored guild channel: installed to the guild, run
    // in a DM, as Discord says it ("0" maps to "0").
    authorizing_integration_owners: { "0": "0" },
  });
  // A component response (the interaction has a message): type 3, the
  // message it came from, and a default user.
  assert.equal(component?.type, 3);
  assert.equal(
    component?.type === 3 ? component.interacted_message_id : undefined,
    "900",
  );
  assert.equal(component?.user.id, "0");
});

Deno.test("FakeRest updates the component's message for an UPDATE_MESSAGE callback", async () => {
  const { call, fake } = setup();
  const { json: message } = await call("POST", "/channels/7/messages", {
    body: {
      content: "press me",
      components: [{
        type: 1,
        components: [{ type: 2, style: 1, custom_id: "press", label: "Press" }],
      }],
    },
  });
  fake.addInteraction({
    id: "5",
    token: "t5",
    channelId: "7",
    messageId: message.id,
  });
  await call("POST", "/interactions/5/t5/callback", {
    body: { type: 7, data: { content: "pressed", components: [] } },
    auth: null,
  });
  const [stored] = fake.messages("7");
  assert.equal(stored!.content, "pressed");
  assert.deepEqual(stored!.components, []);
  const original = await call(
    "GET",
    `/webhooks/${fake.applicationId}/t5/messages/@original`,
    { auth: null },
  );
  assert.equal(original.json.id, message.id);
});

Deno.test("FakeRest overwrites application commands, keeping ids by name and type", async () => {
  const { call, fake } = setup();
  const app = fake.applicationId;
  const first = await call("PUT", `/applications/${app}/commands`, {
    body: [
      { name: "ping", description: "Ping" },
      { name: "User Info", type: 2 },
    ],
  });
  assert.equal(first.status, 200);
  assert.equal(first.json.length, 2);
  assert.equal(first.json[0].type, 1);
  assert.equal(first.json[1].description, "");
  const second = await call("PUT", `/applications/${app}/commands`, {
    body: [{ name: "ping", description: "Ping again" }, {
      name: "echo",
      description: "Echo",
    }],
  });
  assert.equal(second.json[0].id, first.json[0].id);
  assert.notEqual(second.json[0].version, first.json[0].version);
  assert.notEqual(second.json[1].id, first.json[1].id);
  assert.deepEqual(fake.commands().map((c) => c.name), ["ping", "echo"]);
  assert.equal(
    (await call("GET", `/applications/${app}/commands`)).json.length,
    2,
  );

  const guild = await call("PUT", `/applications/${app}/guilds/9/commands`, {
    body: [{ name: "local", description: "Local" }],
  });
  assert.equal(guild.json[0].guild_id, "9");
  assert.deepEqual(fake.commands("9").map((c) => c.name), ["local"]);

  const invalid = await call("PUT", `/applications/${app}/commands`, {
    body: [{ name: "ok", description: "fine" }, { name: "", description: "" }],
  });
  assert.equal(invalid.status, 400);
  assert.deepEqual(Object.keys(invalid.json.errors["1"]), [
    "name",
    "description",
  ]);
  assert.equal(
    (await call("PUT", "/applications/1/commands", { body: [] })).status,
    403,
  );
});

Deno.test("FakeRest answers the gateway routes", async () => {
  const { call } = setup({
    gatewayUrl: "wss://fake",
    shards: 4,
    sessionStartLimit: {
      total: 10,
      remaining: 9,
      reset_after: 5,
      max_concurrency: 2,
    },
  });
  assert.deepEqual((await call("GET", "/gateway")).json, { url: "wss://fake" });
  assert.deepEqual((await call("GET", "/gateway/bot")).json, {
    url: "wss://fake",
    shards: 4,
    session_start_limit: {
      total: 10,
      remaining: 9,
      reset_after: 5,
      max_concurrency: 2,
    },
  });
});

Deno.test("FakeRest asks a sessionStartLimit function on every GET /gateway/bot", async () => {
  let remaining = 3;
  const { call } = setup({
    sessionStartLimit: () => ({
      total: 3,
      remaining,
      reset_after: 1_000 * remaining,
      max_concurrency: 1,
    }),
  });
  const limit = async () =>
    (await call("GET", "/gateway/bot")).json.session_start_limit;
  assert.deepEqual(await limit(), {
    total: 3,
    remaining: 3,
    reset_after: 3_000,
    max_concurrency: 1,
  });
  remaining = 1;
  assert.equal((await limit()).remaining, 1);
  assert.equal((await limit()).reset_after, 1_000);
});

Deno.test('FakeRest with channels: "known" answers the message routes 404 Unknown Channel for other ids', async () => {
  const { call, fake } = setup({ channels: "known" });
  const unknownChannel = { code: 10003, message: "Unknown Channel" };
  fake.resources.addGuild({ id: "10", name: "Guild" });
  fake.resources.addChannel({ id: "11", type: 0, guild_id: "10" });
  const sent = await call("POST", "/channels/11/messages", {
    body: { content: "hi" },
  });
  assert.equal(sent.status, 200);
  // A guild's id, the bot's user id and a random id are not channels.
  for (const id of ["10", fake.botUser.id, "123456789012345678"]) {
    const answer = await call("POST", `/channels/${id}/messages`, {
      body: { content: "hi" },
    });
    assert.deepEqual([answer.status, answer.json], [404, unknownChannel], id);
    assert.equal((await call("GET", `/channels/${id}`)).status, 404);
  }
  for (const method of ["GET", "PATCH", "DELETE"]) {
    const answer = await call(method, `/channels/12/messages/${sent.json.id}`, {
      ...(method === "PATCH" ? { body: { content: "x" } } : {}),
    });
    assert.deepEqual([answer.status, answer.json], [404, unknownChannel]);
  }
  assert.equal(
    (await call("GET", `/channels/11/messages/${sent.json.id}`)).status,
    200,
  );
  // A DM opened over REST exists; a deleted channel no longer does.
  const dm = await call("POST", "/users/@me/channels", {
    body: { recipient_id: fake.botUser.id },
  });
  assert.equal(
    (await call("POST", `/channels/${dm.json.id}/messages`, {
      body: { content: "dm" },
    })).status,
    200,
  );
  assert.equal((await call("DELETE", "/channels/11")).status, 200);
  assert.equal(
    (await call("POST", "/channels/11/messages", { body: { content: "x" } }))
      .status,
    404,
  );
  // The deleted channel's message went with it (as on Discord); the DM's is
  // left, and the refused POST stored nothing.
  assert.equal(fake.messages().length, 1);
  // The default, "any", takes any id, for REST tests without seeding.
  const lenient = setup();
  const anywhere = await lenient.call("POST", "/channels/42/messages", {
    body: { content: "hi" },
  });
  assert.equal(anywhere.status, 200);
  assert.equal(anywhere.json.channel_id, "42");
});

Deno.test("FakeRest latency runs on the scheduler and honours abort signals", async () => {
  const { clock, fake } = setup({ latency: 300 });
  let status = 0;
  const pending = fake.fetch(`${BASE}/gateway`).then((r) => {
    status = r.status;
    return r.body?.cancel();
  });
  await clock.advance(299);
  assert.equal(status, 0);
  await clock.advance(1);
  await pending;
  assert.equal(status, 200);

  const controller = new AbortController();
  const aborted = assert.rejects(
    fake.fetch(`${BASE}/gateway`, { signal: controller.signal }),
    { message: "stop" },
  );
  await clock.advance(100);
  controller.abort(new Error("stop"));
  await aborted;
  assert.equal(clock.pending, 0);
});

Deno.test("FakeRest.serve works on loopback with the real fetch", async () => {
  const fake = new FakeRest({ token: "loop-token" });
  const created: string[] = [];
  fake.onMessageCreate = (m) => created.push(m.content);
  const server = fake.serve();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v10$/);
    const rest = new RestClient({ token: "loop-token", baseUrl: server.url });
    const message = await rest.createMessage("1", { content: "over http" });
    assert.equal(message.content, "over http");
    assert.equal((await rest.getGatewayBot()).shards, 1);
    await assert.rejects(rest.deleteMessage("1", "2"), {
      name: "DiscordApiError",
      status: 404,
      code: 10008,
    });
    assert.deepEqual(created, ["over http"]);
    assert.equal(fake.requests[0]!.headers["authorization"], "Bot loop-token");
  } finally {
    await server.close();
  }
});

Deno.test("FakeRest counts lengths in code points, as Discord does: 2,000 emoji is a valid message, a 100-character description of emoji a valid command", async () => {
  const { call, fake } = setup();
  const emoji = "😀";
  const fits = await call("POST", "/channels/1/messages", {
    body: { content: emoji.repeat(2000) },
  });
  assert.equal(fits.status, 200);
  const over = await call("POST", "/channels/1/messages", {
    body: { content: emoji.repeat(2001) },
  });
  assert.equal(over.status, 400);
  assert.equal(over.json.code, 50035);
  const embed = await call("POST", "/channels/1/messages", {
    body: { embeds: [{ title: emoji.repeat(256) }] },
  });
  assert.equal(embed.status, 200);
  const app = fake.applicationId;
  const command = await call("PUT", `/applications/${app}/commands`, {
    body: [{ name: "smile", description: emoji.repeat(100) }],
  });
  assert.equal(command.status, 200);
  const tooLong = await call("PUT", `/applications/${app}/commands`, {
    body: [{ name: "smile", description: emoji.repeat(101) }],
  });
  assert.equal(tooLong.status, 400);
});
