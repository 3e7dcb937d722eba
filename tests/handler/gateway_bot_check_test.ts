// GET /gateway/bot comes from the network like a gateway frame: a hostile or
// broken answer must fail start() with a message naming the field, not
// allocate a billion shards or send the token in cleartext.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { MAX_RECOMMENDED_SHARDS } from "../../handler/gateway_bot_check.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { within } from "../_fakes/watchdog.ts";
import { DiscordApiError } from "../../rest/errors.ts";

const LIMIT = {
  total: 1000,
  remaining: 1000,
  reset_after: 0,
  max_concurrency: 1,
};
const GOOD = {
  url: "wss://gateway.test",
  shards: 1,
  session_start_limit: LIMIT,
};

Deno.test("Client refuses a GET /gateway/bot answer without the documented shape, naming the field", async (t) => {
  const rows: [string, unknown, RegExp][] = [
    ["a billion shards", { ...GOOD, shards: 1e9 }, /'shards'.*1000000000/],
    ["shards as a string", { ...GOOD, shards: "2" }, /'shards'/],
    ["shards 0", { ...GOOD, shards: 0 }, /'shards'/],
    ["one shard more than the cap", {
      ...GOOD,
      shards: MAX_RECOMMENDED_SHARDS + 1,
    }, /'shards'/],
    ["a fractional shard count", { ...GOOD, shards: 1.5 }, /'shards'.*1\.5/],
    ["a cleartext URL off this machine", {
      ...GOOD,
      url: "ws://gateway.test",
    }, /'url'.*ws:\/\/gateway\.test/],
    ["an https URL", { ...GOOD, url: "https://gateway.test" }, /'url'/],
    ["a URL that is a number", { ...GOOD, url: 42 }, /'url'/],
    ["no session_start_limit", {
      url: GOOD.url,
      shards: 1,
    }, /'session_start_limit'/],
    ["max_concurrency 0", {
      ...GOOD,
      session_start_limit: { ...LIMIT, max_concurrency: 0 },
    }, /'session_start_limit\.max_concurrency'/],
    // 2^40 buckets froze shardsForProcess (and so start()) walking them.
    ["max_concurrency 2^40", {
      ...GOOD,
      session_start_limit: { ...LIMIT, max_concurrency: 2 ** 40 },
    }, /'session_start_limit\.max_concurrency'.*1 to 65536.*1099511627776/],
    ["remaining -1", {
      ...GOOD,
      session_start_limit: { ...LIMIT, remaining: -1 },
    }, /'session_start_limit\.remaining'/],
    ["total -1", {
      ...GOOD,
      session_start_limit: { ...LIMIT, total: -1 },
    }, /'session_start_limit\.total'/],
    ["reset_after over a day", {
      ...GOOD,
      session_start_limit: { ...LIMIT, reset_after: 24 * 60 * 60 * 1000 + 1 },
    }, /'session_start_limit\.reset_after'/],
    // null and "5" compare as numbers: only the type check refuses them.
    ["reset_after null", {
      ...GOOD,
      session_start_limit: { ...LIMIT, reset_after: null },
    }, /'session_start_limit\.reset_after'/],
    ["reset_after a numeric string", {
      ...GOOD,
      session_start_limit: { ...LIMIT, reset_after: "5" },
    }, /'session_start_limit\.reset_after'/],
    ["reset_after NaN-like", {
      ...GOOD,
      session_start_limit: { ...LIMIT, reset_after: "soon" },
    }, /'session_start_limit\.reset_after'/],
    ["a null body", null, /'\(body\)'/],
  ];
  for (const [name, answer, message] of rows) {
    await t.step(name, async () => {
      const gateway = new FakeGateway({ tokens: ["t"] });
      const client = new Client({
        token: "t",
        intents: 1,
        transport: gateway.transport,
        fetch: () => Promise.resolve(Response.json(answer)),
      });
      // Bounded: an answer let through may leave start() waiting forever.
      const started = within(client.start(), "start() to refuse the answer");
      await assert.rejects(started, (error: Error) => {
        assert.equal(error.name, "TypeError");
        assert.match(error.message, /^Cannot use GET \/gateway\/bot's answer/);
        assert.match(error.message, message);
        return true;
      });
      assert.equal(client.shards, undefined);
      assert.equal(gateway.counters.identifies, 0);
      await client.stop();
    });
  }
});

Deno.test("Client accepts the largest recommended shard count and a ws: URL to this machine", async () => {
  const { checkGatewayBot } = await import(
    "../../handler/gateway_bot_check.ts"
  );
  for (const url of ["ws://127.0.0.1:9/", "ws://[::1]:9/", "ws://localhost/"]) {
    checkGatewayBot({ ...GOOD, url, shards: MAX_RECOMMENDED_SHARDS });
  }
  checkGatewayBot({
    ...GOOD,
    session_start_limit: { ...LIMIT, max_concurrency: MAX_RECOMMENDED_SHARDS },
  });
  checkGatewayBot({
    ...GOOD,
    session_start_limit: { ...LIMIT, reset_after: 24 * 60 * 60 * 1000 },
  });
});

Deno.test("Client start: an HTTP error other than 401 on GET /gateway/bot is thrown as it is, not said to be a rejected token", async () => {
  const client = new Client({
    token: "t",
    intents: 1,
    transport: new FakeGateway({ tokens: ["t"] }).transport,
    fetch: () =>
      Promise.resolve(
        Response.json({ message: "Missing Access", code: 50001 }, {
          status: 403,
        }),
      ),
  });
  await assert.rejects(
    within(client.start(), "start() to fail"),
    (error: Error) => {
      assert.ok(error instanceof DiscordApiError, String(error));
      assert.equal(error.status, 403);
      return true;
    },
  );
  await client.stop();
});
