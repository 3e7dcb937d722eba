import assert from "node:assert/strict";
import { RestClient, type RestClientOptions } from "../../rest/rest_client.ts";
import { prepareUploads } from "../../rest/uploads.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

const TOKEN = "bot.T0KEN-secret_value";

function create(options: Record<string, unknown>): RestClient {
  return new RestClient(
    { token: TOKEN, ...options } as unknown as RestClientOptions,
  );
}

Deno.test("RestClient refuses a base URL, fetch, scheduler or retryServerErrors that cannot work, at construction", () => {
  const cases: [Record<string, unknown>, string, string][] = [
    [
      { baseUrl: "not a url" },
      "TypeError",
      "Cannot create REST client as 'baseUrl' must be an http: or https: URL: current value 'baseUrl=not a url'",
    ],
    [
      { baseUrl: "ftp://discord.com/api/v10" },
      "TypeError",
      "Cannot create REST client as 'baseUrl' must be an http: or https: URL: current value 'baseUrl=ftp://discord.com/api/v10'",
    ],
    [
      { fetch: 5 },
      "TypeError",
      "Cannot create REST client as 'fetch' must be a function: current value 'fetch=number'",
    ],
    [
      { scheduler: {} },
      "TypeError",
      "Cannot create REST client as 'scheduler' must be a Scheduler (now, setTimeout and clearTimeout functions): current value 'scheduler=object'",
    ],
    [
      { scheduler: { now: () => 0, setTimeout: () => 0 } },
      "TypeError",
      "Cannot create REST client as 'scheduler' must be a Scheduler (now, setTimeout and clearTimeout functions): current value 'scheduler=object'",
    ],
    [
      { scheduler: { setTimeout: () => 0, clearTimeout: () => {} } },
      "TypeError",
      "Cannot create REST client as 'scheduler' must be a Scheduler (now, setTimeout and clearTimeout functions): current value 'scheduler=object'",
    ],
    [
      { retryServerErrors: "always" },
      "TypeError",
      `Cannot create REST client as 'retryServerErrors' must be "idempotent", "all" or "never": current value 'retryServerErrors=always'`,
    ],
  ];
  for (const [options, name, message] of cases) {
    assert.throws(() => create(options), { name, message });
  }
  // What is accepted still is.
  create({ baseUrl: "http://127.0.0.1:9/api/v10/", retryServerErrors: "all" });
});

Deno.test("RestClient refuses a base URL with user info, a query or a fragment: fetch merged the user info into the token's Authorization header, and every path appended after a query blamed 'path'", () => {
  const why =
    "must be a URL that paths are appended to: no user info (a proxy's credentials go in 'fetch'), no query and no fragment";
  for (
    const [baseUrl, shown] of [
      [
        "http://proxy:hunter2@127.0.0.1:9/api/v10",
        "http://proxy:***@127.0.0.1:9/api/v10",
      ],
      ["http://proxy@127.0.0.1:9/api/v10", "http://proxy@127.0.0.1:9/api/v10"],
      // A password alone is user info too: fetch sends it all the same.
      [
        "http://:hunter2@127.0.0.1:9/api/v10",
        "http://:***@127.0.0.1:9/api/v10",
      ],
      ["http://127.0.0.1:9/api/v10?v=10", "http://127.0.0.1:9/api/v10?v=10"],
      ["http://127.0.0.1:9/api/v10?", "http://127.0.0.1:9/api/v10?"],
      ["http://127.0.0.1:9/api/v10#x", "http://127.0.0.1:9/api/v10#x"],
    ]
  ) {
    assert.throws(() => create({ baseUrl }), {
      name: "TypeError",
      message:
        `Cannot create REST client as 'baseUrl' ${why}: current value 'baseUrl=${shown}'`,
    });
  }
});

Deno.test("RestClient refuses a token with a newline, a control character or a space inside, never showing it", () => {
  for (
    const token of [
      "SECRET.TOKEN.VALUE\nx",
      "SECRET.TOKEN.VALUE\rx",
      "SECRET.TOKEN.VALUE\u0000",
      "SECRET.TOKEN.VALUE x",
      "SECRET.TOKEN.VALUE\u00e9",
    ]
  ) {
    assert.throws(() => create({ token }), (error: Error) => {
      assert.equal(error.name, "TypeError");
      assert.match(
        error.message,
        /^Cannot create REST client as 'token' must be the bot token, visible ASCII characters without spaces \(it is sent in an HTTP header\): it holds .* at character 19 \(the token is not shown\)$/,
      );
      assert.doesNotMatch(error.message, /SECRET/);
      return true;
    });
  }
  // Surrounding whitespace and the prefix are still dropped.
  create({ token: `Bot ${TOKEN}\r\n` });
});

Deno.test("RestClient refuses a userAgent a header cannot carry", () => {
  for (const userAgent of ["bot\nX-Evil: 1", "bot\u0007", "bot \u2603", 5]) {
    assert.throws(() => create({ userAgent }), {
      name: "TypeError",
      message: new RegExp(
        "^Cannot create REST client as 'userAgent' must be a string without control characters",
      ),
    });
  }
  create({ userAgent: "DiscordBot (https://example.com, 1.0) caf\u00e9" });
});

Deno.test("RestClient refuses an uploadLimit that is not a positive integer, before reading any file", async () => {
  const fake = new FakeRest({ token: TOKEN });
  const rest = new RestClient({ token: TOKEN, fetch: fake.fetch });
  for (const uploadLimit of [NaN, 0, -5, 1.5, Infinity]) {
    let pulled = 0;
    const data = new ReadableStream<Uint8Array>({
      pull(controller): void {
        pulled++;
        controller.enqueue(new TextEncoder().encode("hi"));
        controller.close();
      },
    }, { highWaterMark: 0 });
    await assert.rejects(
      rest.request("POST", "/channels/1/messages", {
        body: { content: "x" },
        files: [{ name: "a.txt", data }],
        uploadLimit,
      }),
      {
        name: "RangeError",
        message:
          `Cannot upload files as 'uploadLimit' must be a positive integer of bytes: current value 'uploadLimit=${uploadLimit}'`,
      },
    );
    assert.equal(pulled, 0);
  }
  assert.equal(fake.requests.length, 0);
  await assert.rejects(
    prepareUploads([{ name: "a", data: "x" }], { maxSize: NaN }),
    /'maxSize' must be a positive integer of bytes/,
  );
});

Deno.test("RestClient refuses an option key it does not have, naming the nearest one", () => {
  // `maxRetry` was ignored: the client retried 3 times, the default.
  assert.throws(() => create({ maxRetry: 0 }), {
    name: "TypeError",
    message:
      "Cannot create REST client as 'maxRetry' is not one of its options (did you mean 'maxRetries'?)",
  });
  assert.throws(() => create({ baseURL: "http://127.0.0.1:9" }), {
    name: "TypeError",
    message:
      "Cannot create REST client as 'baseURL' is not one of its options (did you mean 'baseUrl'?)",
  });
  assert.throws(() => create({ zzzzzzzzzzzz: 1 }), {
    name: "TypeError",
    message:
      /^Cannot create REST client as 'zzzzzzzzzzzz' is not one of its options; the options are 'token', 'baseUrl', /,
  });
  assert.throws(
    () => new RestClient("token" as unknown as RestClientOptions),
    {
      name: "TypeError",
      message:
        "Cannot create REST client as 'options' must be an object: current value 'options=token'",
    },
  );
  // Every option it has, given at once, is accepted.
  create({
    baseUrl: "http://127.0.0.1:9/api/v10",
    fetch: new FakeRest({ token: TOKEN }).fetch,
    userAgent: "DiscordBot (x, 1)",
    maxRetries: 1,
    globalLimit: 10,
    retryServerErrors: "never",
    serverErrorBackoff: 10,
    maxRateLimitWait: 10,
    maxResponseBytes: 1024,
    maxBufferedResponseBytes: 4096,
    timeout: 1000,
    invalidRequestLimit: 100,
    scheduler: undefined,
  });
});
