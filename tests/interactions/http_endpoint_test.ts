import assert from "node:assert/strict";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { command } from "../../interactions/commands.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { InteractionSigner } from "../../testing/interaction_signer.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { drive } from "../_fakes/drive.ts";
import {
  ANSWERED_MESSAGE,
  commandInteraction,
  endpointHarness,
} from "../_fakes/interactions.ts";

const ping = command({ name: "ping", description: "Ping" });

/** The payload of the command `name`, as the endpoint tests send it. */
function interaction(name = "ping"): Interaction {
  return commandInteraction({ name });
}

interface Setup {
  signer: InteractionSigner;
  handler: (request: Request) => Promise<Response>;
  fake: FakeRest;
  router: InteractionRouter;
  errors: string[];
}

/** An endpoint whose /ping answers "pong"; `errors` are the kinds reported. */
async function setup(
  options: { scheduler?: VirtualScheduler; clock?: () => number } = {},
): Promise<Setup> {
  const { signer, handler, fake, router, kinds } = await endpointHarness({
    ...options,
    restOnScheduler: false,
  });
  router.command(ping, (_, ctx) => ctx.respond("pong"));
  return { signer, handler, fake, router, errors: kinds };
}

Deno.test("endpoint answers PING with PONG and a command with its response", async () => {
  const { signer, handler, fake } = await setup();
  const pong = await handler(await signer.request({ type: 1, id: "1" }));
  assert.equal(pong.status, 200);
  assert.deepEqual(await pong.json(), { type: 1 });
  const answer = await handler(await signer.request(interaction()));
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get("content-type"), "application/json");
  assert.deepEqual(await answer.json(), { type: 4, data: { content: "pong" } });
  assert.equal(fake.requests.length, 0, "nothing went over REST");
});

Deno.test("endpoint refuses missing, malformed, wrong and stale signatures with 401", async () => {
  // A fixed clock on a whole second: the signer writes whole seconds, so
  // against the wall clock "301 s ahead" could round down to 300.x and pass.
  const now = 1_700_000_000_000;
  const { signer, handler } = await setup({ clock: () => now });
  const other = await InteractionSigner.create();
  const body = JSON.stringify(interaction());
  const cases: [string, Request][] = [
    ["no headers", new Request("http://x/", { method: "POST", body })],
    [
      "not hex",
      new Request("http://x/", {
        method: "POST",
        body,
        headers: { "x-signature-ed25519": "zz", "x-signature-timestamp": "1" },
      }),
    ],
    ["another key", await other.request(interaction())],
    [
      "signed other body",
      await signer.request(interaction(), { signBody: "{}" }),
    ],
    [
      "stale timestamp",
      await signer.request(interaction(), {
        timestamp: now / 1000 - 301,
      }),
    ],
    [
      "future timestamp",
      await signer.request(interaction(), {
        timestamp: now / 1000 + 301,
      }),
    ],
  ];
  for (const [what, request] of cases) {
    const response = await handler(request);
    assert.equal(response.status, 401, what);
    await response.body?.cancel();
  }
  // At the bound (300 s either way) a request is still taken.
  for (const [id, offset] of [["201", -300], ["202", 300]] as const) {
    const edge = await signer.request({ ...interaction(), id }, {
      timestamp: now / 1000 + offset,
    });
    const response = await handler(edge);
    assert.equal(response.status, 200, `${offset} s`);
    await response.body?.cancel();
  }
  // A tampered body with the original signature fails too.
  const good = await signer.request(interaction(), { timestamp: now / 1000 });
  const tampered = new Request(good.url, {
    method: "POST",
    headers: good.headers,
    body: JSON.stringify(interaction("admin")),
  });
  assert.equal((await handler(tampered)).status, 401);
});

Deno.test("endpoint: 405 for GET, 400 for a signed non-interaction, 413 for a huge body", async () => {
  const { signer, handler } = await setup();
  const get = await handler(new Request("http://x/", { method: "GET" }));
  assert.equal(get.status, 405);
  // RFC 9110 15.5.6: a 405 MUST say which methods the resource takes.
  assert.equal(get.headers.get("allow"), "POST");
  await get.body?.cancel();
  const text = "not json";
  const headers = await signer.sign(text, Date.now() / 1000);
  const bad = await handler(
    new Request("http://x/", { method: "POST", headers, body: text }),
  );
  assert.equal(bad.status, 400);
  const huge = "x".repeat(1024 * 1024 + 1);
  const hugeHeaders = await signer.sign(huge, Date.now() / 1000);
  assert.equal(
    (await handler(
      new Request("http://x/", {
        method: "POST",
        headers: hugeHeaders,
        body: huge,
      }),
    )).status,
    413,
  );
});

Deno.test("endpoint: 404 for an interaction without a route, 500 after the deadline", async () => {
  const clock = new VirtualScheduler();
  const { signer, handler, router, errors } = await setup({ scheduler: clock });
  const none = await handler(await signer.request(interaction("nope")));
  assert.equal(none.status, 404);
  await none.body?.cancel();
  router.command(command({ name: "slow", description: "Slow" }), async () => {
    await new Promise(() => {}); // never answers
  });
  const late = await drive(
    clock,
    // Another interaction, so another ID (the same one would be a replay).
    handler(await signer.request({ ...interaction("slow"), id: "101" })),
  );
  assert.equal(late.status, 500);
  await late.body?.cancel();
  assert.deepEqual(errors, ["not_answered"]);
});

Deno.test("interactionsEndpoint rejects a public key that is not 32 bytes of hex", () => {
  const router = new InteractionRouter();
  const rest = new RestClient({ token: "t" });
  assert.throws(
    () => interactionsEndpoint({ publicKey: "abcd", router, rest }),
    /'publicKey' must be 64 hex characters/,
  );
});

Deno.test("interactionsEndpoint refuses a key no key pair has, against which forged signatures verify", async () => {
  const router = new InteractionRouter();
  const rest = new RestClient({ token: "t" });
  const ff30 = "ff".repeat(30);
  const weak = [
    "00".repeat(32), // a placeholder of zeros: order 4
    "01" + "00".repeat(31), // the identity
    "ec" + ff30 + "7f", // order 2
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8, x negative
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
    "ee" + ff30 + "ff", // y = p + 1, not canonical
  ];
  for (const publicKey of weak) {
    assert.throws(
      () => interactionsEndpoint({ publicKey, router, rest }),
      { name: "TypeError", message: /is not a real Ed25519 key/ },
    );
  }
  // A real key still passes (RFC 8032 7.1 TEST 2's).
  interactionsEndpoint({
    publicKey:
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    router,
    rest,
  });
  // Why: with the identity as the key, a signature written by hand
  // (R the identity, S zero) verifies for any body.
  const key = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from([1, ...new Array(31).fill(0)]),
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  const forged = Uint8Array.from([1, ...new Array(63).fill(0)]);
  assert.ok(
    await crypto.subtle.verify(
      "Ed25519",
      key,
      forged,
      new TextEncoder().encode("any body"),
    ),
  );
});

Deno.test("interactionsEndpoint names the public key it refuses, an unset one too", () => {
  const router = new InteractionRouter();
  const rest = new RestClient({ token: "t" });
  // `publicKey: Deno.env.get("DISCORD_PUBLIC_KEY")!` with the variable unset.
  assert.throws(
    () =>
      interactionsEndpoint({
        publicKey: undefined as unknown as string,
        router,
        rest,
      }),
    {
      name: "TypeError",
      message:
        "Cannot create interactions endpoint as 'publicKey' must be 64 hex characters (the Developer Portal's Public Key): current value 'publicKey=undefined'",
    },
  );
  assert.throws(
    () =>
      interactionsEndpoint({ publicKey: "1100000000000000001", router, rest }),
    {
      name: "TypeError",
      message:
        `Cannot create interactions endpoint as 'publicKey' must be 64 hex characters (the Developer Portal's Public Key): current value 'publicKey="1100000000000000001"'`,
    },
  );
});

Deno.test("interactionsEndpoint trims the whitespace around the public key", async () => {
  const signer = await InteractionSigner.create();
  const rest = new RestClient({ token: "t", fetch: new FakeRest({}).fetch });
  // A key read from a file (or `$(cat key)`) keeps its newline.
  const handler = interactionsEndpoint({
    publicKey: ` ${signer.publicKey}\n`,
    router: new InteractionRouter(),
    rest,
  });
  const response = await handler(await signer.request({ type: 1 }));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { type: 1 });
});

Deno.test("endpoint stops reading a streamed body without Content-Length at the limit", async () => {
  const { signer, handler } = await setup();
  let pulled = 0;
  let cancelled = false;
  const chunk = new Uint8Array(64 * 1024);
  const body = new ReadableStream<Uint8Array>({
    pull(controller): void {
      pulled++;
      controller.enqueue(chunk); // endless
    },
    cancel(): void {
      cancelled = true;
    },
  });
  const headers = await signer.sign("", Date.now() / 1000);
  const response = await handler(
    new Request("http://x/", { method: "POST", headers, body }),
  );
  assert.equal(response.status, 413);
  assert.equal(cancelled, true);
  assert.ok(pulled <= 18, `read ${pulled} chunks of 64 KiB for a 1 MiB limit`);
});

/**
 * An endpoint on a clock the test sets (`at`), whose ping handler counts its
 * runs: what the replay tests watch.
 */
async function countingEndpoint(maxRemembered?: number): Promise<{
  signer: InteractionSigner;
  handler: (request: Request) => Promise<Response>;
  state: { runs: number; now: number };
}> {
  const signer = await InteractionSigner.create();
  const rest = new RestClient({ token: "t", fetch: new FakeRest({}).fetch });
  const state = { runs: 0, now: 1_700_000_000_000 };
  const router = new InteractionRouter().command(ping, (_, ctx) => {
    state.runs++;
    return ctx.respond("pong");
  });
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest,
    clock: () => state.now,
    ...(maxRemembered === undefined ? {} : { maxRemembered }),
  });
  return { signer, handler, state };
}

Deno.test("endpoint refuses a replayed request (same signed interaction sent again) and forgets IDs once older than maxAge", async () => {
  const { signer, handler, state } = await countingEndpoint(3);
  const original = await signer.request(interaction(), {
    timestamp: state.now / 1000,
  });
  const copy = original.clone();
  assert.equal((await handler(original)).status, 200);
  const again = await handler(copy);
  assert.equal(again.status, 401);
  assert.equal(await again.text(), "replayed request");
  assert.equal(state.runs, 1, "the handler ran once");

  // Other interactions pass; past maxRemembered the oldest is forgotten.
  for (const id of ["101", "102", "103"]) {
    const response = await handler(
      await signer.request({ ...interaction(), id }, {
        timestamp: state.now / 1000,
      }),
    );
    assert.equal(response.status, 200, id);
  }
  assert.equal(state.runs, 4);

  // After maxAge the signed timestamp is stale anyway.
  state.now += 301_000;
  const late = await signer.request({ ...interaction(), id: "104" }, {
    timestamp: (state.now - 301_000) / 1000,
  });
  assert.equal((await handler(late)).status, 401);
});

Deno.test("endpoint answers 400 when the client breaks off the body", async () => {
  const { signer, handler } = await setup();
  const good = await signer.request(interaction());
  const broken = new Request(good.url, {
    method: "POST",
    headers: good.headers,
    body: new ReadableStream({
      pull(controller): void {
        controller.error(new Error("connection reset"));
      },
    }),
  });
  assert.equal((await handler(broken)).status, 400);
});

Deno.test("endpoint verifies Ed25519 over timestamp then body: RFC 8032 test vector 2, independent of our signer", async () => {
  // RFC 8032 7.1 TEST 2: the message is the single byte 0x72 ("r"). Sent
  // as timestamp "r" and an empty body, it verifies only if the endpoint
  // signs exactly timestamp + body; the timestamp then fails as not a time.
  const handler = interactionsEndpoint({
    publicKey:
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    router: new InteractionRouter(),
    rest: new RestClient({ token: "t", fetch: new FakeRest().fetch }),
  });
  const signature =
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
  const send = (sig: string, timestamp: string, body: string) =>
    handler(
      new Request("http://x/", {
        method: "POST",
        body,
        headers: {
          "x-signature-ed25519": sig,
          "x-signature-timestamp": timestamp,
        },
      }),
    ).then(async (r) => [r.status, await r.text()]);
  assert.deepEqual(await send(signature, "r", ""), [
    401,
    "stale request timestamp",
  ]);
  // Upper-case hex is the same signature.
  assert.deepEqual(await send(signature.toUpperCase(), "r", ""), [
    401,
    "stale request timestamp",
  ]);
  // The same bytes split differently, or one bit off, do not verify.
  const flipped = signature.slice(0, -1) + "1";
  for (
    const [sig, timestamp, body] of [
      [flipped, "r", ""],
      [signature, "r", " "],
      [signature.slice(0, 126), "r", ""],
      [signature + "00", "r", ""],
    ]
  ) {
    assert.deepEqual(await send(sig!, timestamp!, body!), [
      401,
      "invalid request signature",
    ]);
  }
});

Deno.test("endpoint answers 408 and cancels the body when it has not arrived within the answer deadline", async () => {
  const clock = new VirtualScheduler();
  const { signer, handler } = await setup({ scheduler: clock });
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller): void {
      controller.enqueue(new TextEncoder().encode('{"type":')); // then nothing
    },
    cancel(): void {
      cancelled = true;
    },
  });
  const headers = await signer.sign("", Date.now() / 1000);
  let settled = false;
  const answered = handler(
    new Request("http://x/", { method: "POST", headers, body }),
  ).finally(() => settled = true);
  await clock.advance(2999);
  assert.equal(settled, false, "answered before the deadline");
  await clock.advance(1);
  assert.equal((await answered).status, 408);
  assert.equal(cancelled, true);
  assert.equal(clock.pending, 0);
});

Deno.test("endpoint remembers a request signed ahead of its clock until that signature is stale: a replay in between is refused", async () => {
  const { signer, handler, state } = await countingEndpoint();
  // Discord's clock 120 s ahead of ours: the signature passes until 420 s
  // from state.now, so the ID must be remembered that long, not 300 s.
  const original = await signer.request(interaction(), {
    timestamp: state.now / 1000 + 120,
  });
  const copies = [original.clone(), original.clone(), original.clone()];
  const start = state.now;
  assert.equal((await handler(original)).status, 200);
  state.now += 301_000;
  const replay = await handler(copies[0]!);
  assert.equal(replay.status, 401);
  assert.equal(await replay.text(), "replayed request");
  // The last millisecond the signature passes, the ID is still known.
  state.now = start + 420_000;
  const last = await handler(copies[1]!);
  assert.equal(await last.text(), "replayed request");
  // Once the signature itself is stale, that is the answer.
  state.now += 1;
  const stale = await handler(copies[2]!);
  assert.equal(stale.status, 401);
  assert.equal(await stale.text(), "stale request timestamp");
  assert.equal(state.runs, 1, "the handler ran once");
});

Deno.test("endpoint answers 500 as soon as a handler throws without answering (or the interaction cannot be routed), not at the deadline", async () => {
  const clock = new VirtualScheduler();
  const { signer, handler, router, errors } = await setup({ scheduler: clock });
  router.command(command({ name: "boom", description: "Fails" }), () => {
    throw new Error("broken");
  });
  // No clock advance: a response that waited for the deadline never comes.
  const failed = await handler(
    await signer.request({ ...interaction("boom"), id: "301" }),
  );
  assert.equal(failed.status, 500);
  assert.equal(await failed.text(), "The interaction handler failed");
  // A command interaction without `data` cannot be routed.
  const { data: _, ...noData } = interaction();
  const unroutable = await handler(
    await signer.request({ ...noData, id: "302" }),
  );
  assert.equal(unroutable.status, 500);
  await unroutable.body?.cancel();
  assert.deepEqual(errors, ["handler_failed", "handler_failed"]);
  assert.equal(clock.now(), 0, "no virtual time passed");
  // A handler that answered and then threw: its answer stands.
  router.command(
    command({ name: "late", description: "Late" }),
    async (_, ctx) => {
      await ctx.respond("done");
      throw new Error("after");
    },
  );
  const answered = await handler(
    await signer.request({ ...interaction("late"), id: "303" }),
  );
  assert.equal(answered.status, 200);
  assert.deepEqual(await answered.json(), {
    type: 4,
    data: { content: "done" },
  });
});

Deno.test("endpoint answers 500 when a handler throws without waiting for a slow onError hook (one reporting over REST)", async () => {
  const clock = new VirtualScheduler();
  const signer = await InteractionSigner.create();
  const hook = Promise.withResolvers<void>();
  const reported: string[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    onError: async (error) => {
      reported.push(error.kind);
      await hook.promise;
    },
  });
  router.command(command({ name: "boom", description: "Fails" }), () => {
    throw new Error("broken");
  });
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest: new RestClient({ token: "t", fetch: new FakeRest({}).fetch }),
    scheduler: clock,
  });
  const failed = await handler(
    await signer.request({ ...interaction("boom"), id: "311" }),
  );
  assert.equal(failed.status, 500);
  assert.equal(await failed.text(), "The interaction handler failed");
  assert.deepEqual(reported, ["handler_failed"], "the hook was called");
  assert.equal(clock.now(), 0, "no virtual time passed");
  hook.resolve();
});

Deno.test("endpoint: a response with files goes through the callback route with the files' alt text in data, and the HTTP request gets 202", async () => {
  const { signer, handler, router, fake } = await setup();
  router.command(
    command({ name: "cat", description: "A cat" }),
    (_, ctx) =>
      ctx.respond({
        content: "see file",
        files: [{ name: "cat.png", data: "png", description: "A cute cat" }],
      }),
  );
  const answer = await handler(
    await signer.request({ ...interaction("cat"), id: "401" }),
  );
  assert.equal(answer.status, 202);
  assert.equal(await answer.text(), "");
  const callback = fake.requests[0]!;
  assert.equal(callback.path, "/interactions/401/tok/callback");
  assert.deepEqual(callback.body, {
    type: 4,
    data: {
      content: "see file",
      attachments: [{ id: 0, filename: "cat.png", description: "A cute cat" }],
    },
  });
});

/**
 * An endpoint on `clock` whose /slow defers and then edits its answer;
 * `events` records the handler's steps and each REST request as sent.
 */
async function deferThenEdit(clock: VirtualScheduler): Promise<{
  signer: InteractionSigner;
  handler: (
    request: Request,
    info?: Deno.ServeHandlerInfo,
  ) => Promise<Response>;
  events: string[];
  errors: InteractionError[];
  edited: Promise<void>;
}> {
  const signer = await InteractionSigner.create();
  const events: string[] = [];
  const errors: InteractionError[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      events.push(`${request.method} ${new URL(request.url).pathname}`);
      return Promise.resolve(Response.json(ANSWERED_MESSAGE));
    },
  });
  const edited = Promise.withResolvers<void>();
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => void errors.push(error),
  }).command(command({ name: "slow", description: "Slow" }), async (_, ctx) => {
    try {
      await ctx.defer();
      events.push("defer() resolved");
      await ctx.editOriginal("done");
    } finally {
      edited.resolve();
    }
  });
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest,
    scheduler: clock,
  });
  return { signer, handler, events, errors, edited: edited.promise };
}

/** `Deno.serve`'s handler info, with a `completed` the test settles. */
function serveInfo(): {
  info: Deno.ServeHandlerInfo;
  deliver: () => void;
  interrupt: (error: Error) => void;
} {
  const completed = Promise.withResolvers<void>();
  // As Deno's own: a rejection nobody awaits is not an uncaught error.
  completed.promise.catch(() => {});
  return {
    info: {
      remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
      completed: completed.promise,
    },
    deliver: () => completed.resolve(),
    interrupt: (error) => completed.reject(error),
  };
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

Deno.test("endpoint given Deno.serve's info: defer() resolves only once the HTTP answer was delivered, so editOriginal cannot reach Discord before the defer", async () => {
  const clock = new VirtualScheduler();
  const { signer, handler, events, errors, edited } = await deferThenEdit(
    clock,
  );
  const { info, deliver } = serveInfo();
  const answer = await handler(
    await signer.request({ ...interaction("slow"), id: "601" }),
    info,
  );
  assert.deepEqual(await answer.json(), { type: 5 });
  await turns(10);
  assert.deepEqual(events, [], "nothing before the answer was delivered");
  deliver();
  await edited;
  assert.deepEqual(events, [
    "defer() resolved",
    "PATCH /api/v10/webhooks/1000000000000000001/tok/messages/@original",
  ]);
  assert.deepEqual(errors, []);
  assert.equal(clock.pending, 0, "the delivery wait's timer is cleared");
});

Deno.test("endpoint given Deno.serve's info: an answer that was not delivered (connection broke, or nothing within the 3 s) fails defer() as not_answered, reported to onError, and nothing is edited", async () => {
  const clock = new VirtualScheduler();
  const { signer, handler, events, errors, edited } = await deferThenEdit(
    clock,
  );
  const broken = serveInfo();
  await handler(
    await signer.request({ ...interaction("slow"), id: "602" }),
    broken.info,
  );
  broken.interrupt(new Deno.errors.Interrupted("connection reset"));
  await edited;
  await turns(3); // the router reports after the handler ends
  assert.deepEqual(events, []);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.kind, "not_answered");
  assert.match(errors[0]!.message, /did not reach Discord.*connection reset/);

  // A `completed` that never settles: given up at Discord's 3 s.
  const stuck = await deferThenEdit(clock);
  await stuck.handler(
    await stuck.signer.request({ ...interaction("slow"), id: "603" }),
    serveInfo().info,
  );
  await clock.advance(2999);
  await turns(3);
  assert.equal(stuck.errors.length, 0);
  await clock.advance(1);
  await stuck.edited;
  await turns(3);
  assert.deepEqual(stuck.events, []);
  assert.deepEqual(stuck.errors.map((e) => e.kind), ["not_answered"]);
  assert.match(stuck.errors[0]!.message, /not delivered within 3000 ms/);
  assert.equal(clock.pending, 0);
});

Deno.test("endpoint without Deno.serve's info (another framework's second argument, or none) resolves defer() once the answer is handed over", async () => {
  const clock = new VirtualScheduler();
  const { signer, handler, events, errors, edited } = await deferThenEdit(
    clock,
  );
  // Cloudflare-style `fetch(request, env)`: no `completed` to wait for.
  await handler(
    await signer.request({ ...interaction("slow"), id: "604" }),
    {} as Deno.ServeHandlerInfo,
  );
  await edited;
  assert.equal(events.length, 2);
  assert.deepEqual(errors, []);
});

Deno.test("endpoint under Deno.serve: the HTTP answer is fully written before defer() resolves and the edit goes out", async () => {
  const { signer, handler, events, errors, edited } = await deferThenEdit(
    new VirtualScheduler(),
  );
  const server = Deno.serve(
    { port: 7604, hostname: "127.0.0.1", onListen(): void {} },
    (request, info) => {
      // Registered before the endpoint's own wait: runs first on delivery.
      info.completed.then(() => events.push("answer delivered"), () => {});
      return handler(request, info);
    },
  );
  try {
    const signed = await signer.request({ ...interaction("slow"), id: "605" });
    const answer = await fetch("http://127.0.0.1:7604/", {
      method: "POST",
      headers: signed.headers,
      body: await signed.text(),
    });
    assert.deepEqual(await answer.json(), { type: 5 });
    await edited;
    assert.deepEqual(events, [
      "answer delivered",
      "defer() resolved",
      "PATCH /api/v10/webhooks/1000000000000000001/tok/messages/@original",
    ]);
    assert.deepEqual(errors, []);
  } finally {
    await server.shutdown();
  }
});

Deno.test("endpoint with an answerDeadline under 3 s: the context refuses a respond() past it as token_expired (nothing sent), and not_answered comes at it", async () => {
  const clock = new VirtualScheduler();
  const signer = await InteractionSigner.create();
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const errors: InteractionError[] = [];
  let late: unknown;
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => void errors.push(error),
  }).command(command({ name: "late", description: "Late" }), async (_, ctx) => {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 1500));
    try {
      await ctx.respond("late but within Discord's 3 s");
    } catch (error) {
      late = error;
      throw error;
    }
  });
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest,
    scheduler: clock,
    answerDeadline: 1000,
  });
  const answer = await drive(
    clock,
    handler(await signer.request({ ...interaction("late"), id: "606" })),
  );
  assert.equal(answer.status, 500);
  await answer.body?.cancel();
  await clock.advance(600); // the handler answers at 1500 ms
  await turns(5);
  assert.ok(late instanceof InteractionError, String(late));
  assert.equal(late.kind, "token_expired");
  assert.match(late.message, /answerDeadline of 1000 ms/);
  assert.deepEqual(errors.map((e) => e.kind), [
    "not_answered",
    "token_expired",
  ]);
  assert.match(errors[0]!.message, /within 1000 ms/);
  assert.equal(fake.requests.length, 0);
});

Deno.test("endpoint answers 500 at once, reported to onError, for a signed command whose name String() cannot convert ({toString: 0})", async () => {
  const clock = new VirtualScheduler();
  const { signer, handler, errors } = await setup({ scheduler: clock });
  // No clock advance: an answer that waited for the deadline never comes.
  const answer = await handler(
    await signer.request(
      commandInteraction({ id: "701", data: { name: { toString: 0 } } }),
    ),
  );
  assert.equal(answer.status, 500);
  assert.equal(await answer.text(), "The interaction handler failed");
  assert.deepEqual(errors, ["handler_failed"]);
  assert.equal(clock.now(), 0);
});
