// A failed request's error is built after the queue, the bucket and the
// timer, so its stack held library frames only (`attemptOutcome`,
// `Object.attempt`): a handler making several calls could not tell which
// one failed. The client now appends the frames of the code awaiting the
// request: each test finds its own call's line (marked `// call:`) in the
// error's stack, the call made from a nested async function after an await.
// (A request nothing awaits has no such frames: see rest/_call_site.ts.)
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { getChannel } from "../../rest/api/channels.ts";
import {
  DiscordApiError,
  NetworkError,
  RateLimitError,
} from "../../rest/errors.ts";
import { UploadError } from "../../rest/uploads.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const SOURCE = Deno.readTextFileSync(new URL(import.meta.url)).split("\n");

/** `file:///…/call_site_test.ts:LINE:` of the line marked `// call: name`. */
function callLine(name: string): string {
  const index = SOURCE.findIndex((line) => line.endsWith(`// call: ${name}`));
  assert.ok(index >= 0, `no line marked '// call: ${name}'`);
  return `${import.meta.url}:${index + 1}:`;
}

/** What the request's promise rejected with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail("the request did not fail");
}

/** A fetch answering every request with `status` and `body`. */
function answering(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): typeof fetch {
  return () =>
    Promise.resolve(
      new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json", ...headers },
      }),
    );
}

const UNKNOWN_CHANNEL = { code: 10003, message: "Unknown Channel" };

/** The part of a stack added for the call site, from its heading on. */
function callSitePart(stack: string): string {
  const at = stack.indexOf("\n    at (the request was made)\n");
  assert.ok(at >= 0, `no call site in:\n${stack}`);
  return stack.slice(at);
}

/** Let real promise chains run (a few macrotask turns), clock unmoved. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

Deno.test("a 404's stack names the line of a typed method's call", async () => {
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch: answering(404, UNKNOWN_CHANNEL),
  });
  async function send(): Promise<unknown> {
    await Promise.resolve();
    return await rest.createMessage("999", { content: "x" }); // call: typed
  }
  async function handler(): Promise<unknown> {
    await Promise.resolve();
    return await send();
  }
  const error = await rejection(handler());
  assert.ok(error instanceof DiscordApiError);
  const stack = error.stack ?? "";
  assert.ok(stack.includes(callLine("typed")), stack);
  // The message, the name and the fields are as they were; the original
  // frames stay first.
  assert.equal(error.name, "DiscordApiError");
  assert.equal(
    error.message,
    "POST /channels/999/messages failed with 404: Unknown Channel (code 10003)",
  );
  assert.equal(error.status, 404);
  assert.ok(stack.startsWith(`DiscordApiError: ${error.message}\n    at `));
  // The call site starts at the test's own frame, not the library's.
  const site = callSitePart(stack).split("\n");
  assert.ok(site[2]!.includes(callLine("typed")), stack);
});

Deno.test("a 404's stack names the line of a route function's call", async () => {
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch: answering(404, UNKNOWN_CHANNEL),
  });
  async function read(): Promise<unknown> {
    await Promise.resolve();
    return await getChannel(rest, "999"); // call: route
  }
  const error = await rejection((async () => await read())());
  const stack = error.stack ?? "";
  assert.ok(error instanceof DiscordApiError);
  assert.ok(
    callSitePart(stack).split("\n")[2]!.includes(callLine("route")),
    stack,
  );
});

Deno.test("an interaction callback's error names the line of its call", async () => {
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch: answering(404, { code: 10062, message: "Unknown interaction" }),
  });
  async function answer(): Promise<unknown> {
    await Promise.resolve();
    return await rest.createInteractionResponse("5", "tok", { type: 6 }); // call: callback
  }
  const error = await rejection(answer());
  assert.ok(error instanceof DiscordApiError);
  assert.ok(error.stack!.includes(callLine("callback")), error.stack);
});

Deno.test("a request with files names the line of its call, failing as the files are read or when answered", async () => {
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch: answering(404, UNKNOWN_CHANNEL),
  });
  const broken = new ReadableStream<Uint8Array>({
    pull(controller): void {
      controller.error(new Error("disk gone"));
    },
  });
  async function unread(): Promise<unknown> {
    await Promise.resolve();
    const files = [{ name: "e.txt", data: broken }];
    return await rest.createMessage("1", { content: "x" }, { files }); // call: unread
  }
  async function sent(): Promise<unknown> {
    await Promise.resolve();
    const files = [{ name: "a.txt", data: "fine" }];
    return await rest.createMessage("999", { content: "x" }, { files }); // call: sent
  }
  const unreadable = await rejection(unread());
  assert.ok(unreadable instanceof UploadError, unreadable.stack);
  assert.ok(unreadable.stack!.includes(callLine("unread")), unreadable.stack);
  const missing = await rejection(sent());
  assert.ok(missing instanceof DiscordApiError, missing.stack);
  const site = callSitePart(missing.stack!);
  assert.ok(site.split("\n")[2]!.includes(callLine("sent")), missing.stack);
  assert.equal(missing.stack!.split("(the request was made)").length, 2);
});

Deno.test("a 429 still there after the retries names the line of its call", async () => {
  const rest = new RestClient({
    token: "abc.def.ghi",
    maxRetries: 0,
    fetch: answering(429, {
      message: "You are being rate limited.",
      retry_after: 1,
      global: false,
    }, {
      "x-ratelimit-bucket": "b1",
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset-after": "1",
      "x-ratelimit-scope": "user",
    }),
  });
  async function send(): Promise<unknown> {
    await Promise.resolve();
    return await rest.request("POST", "/channels/1/messages", { body: {} }); // call: 429
  }
  const error = await rejection((async () => await send())());
  assert.ok(error instanceof RateLimitError, error.stack);
  assert.ok(error.stack!.includes(callLine("429")), error.stack);
});

Deno.test("a timed-out request names the line of its call", async () => {
  const clock = new VirtualScheduler();
  const rest = new RestClient({
    token: "abc.def.ghi",
    scheduler: clock,
    maxRetries: 0,
    timeout: 1000,
    // Never answers, until the attempt's signal ends it.
    fetch: (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener(
          "abort",
          () => reject(init.signal!.reason),
        )
      ),
  });
  async function send(): Promise<unknown> {
    await Promise.resolve();
    return await rest.createMessage("1", { content: "x" }); // call: timeout
  }
  const failed = rejection((async () => await send())());
  await turns();
  await clock.advance(1000);
  const error = await failed;
  assert.ok(error instanceof NetworkError, error.stack);
  assert.ok(error.stack!.includes(callLine("timeout")), error.stack);
});

Deno.test("an abort's reason, shared by two requests, is left as the caller made it (it would name the first request's line in both stacks)", async () => {
  const controller = new AbortController();
  const rest = new RestClient({
    token: "abc.def.ghi",
    fetch: (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener(
          "abort",
          () => reject(init.signal!.reason),
        )
      ),
  });
  const reason = new Error("shutting down");
  const stackBefore = reason.stack;
  async function send(): Promise<unknown> {
    await Promise.resolve();
    return await rest.getGateway({ signal: controller.signal });
  }
  const first = rejection(send());
  const second = rejection(send());
  await turns();
  controller.abort(reason);
  assert.equal(await first, reason);
  assert.equal(await second, reason);
  assert.equal(reason.message, "shutting down");
  assert.equal(reason.stack, stackBefore);
});

Deno.test("an uncaught request's error, as Deno reports it, names the line of its call", async () => {
  const child = new URL("./_call_site_child.ts", import.meta.url);
  const output = await new Deno.Command("deno", {
    args: ["run", "--no-check", child.pathname],
    env: { NO_COLOR: "1", FORCE_COLOR: "" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.notEqual(output.code, 0, stderr);
  assert.match(stderr, /Uncaught .*DiscordApiError/);
  const lines = Deno.readTextFileSync(child).split("\n");
  const line = lines.findIndex((text) => text.endsWith("// call: uncaught"));
  assert.ok(stderr.includes(`${child.href}:${line + 1}:`), stderr);
});
