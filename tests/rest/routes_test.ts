import assert from "node:assert/strict";
import { parseRoute, pathToken, redactPath } from "../../rest/routes.ts";

Deno.test("parseRoute maps paths to route keys, templates and major parameters", async (t) => {
  const rows: [string, string, string, string, string][] = [
    // method, path, key, template, majorParameter
    [
      "POST",
      "/channels/1/messages",
      "POST /channels/1/messages",
      "POST /channels/:channel_id/messages",
      "channels/1",
    ],
    [
      "GET",
      "/channels/1/messages/2",
      "GET /channels/1/messages/:id",
      "GET /channels/:channel_id/messages/:id",
      "channels/1",
    ],
    [
      "PATCH",
      "/channels/1/messages/3",
      "PATCH /channels/1/messages/:id",
      "PATCH /channels/:channel_id/messages/:id",
      "channels/1",
    ],
    [
      "DELETE",
      "/channels/1/messages/2",
      "DELETE /channels/1/messages/:id",
      "DELETE /channels/:channel_id/messages/:id",
      "channels/1",
    ],
    [
      "GET",
      "/channels/99/messages?limit=5",
      "GET /channels/99/messages",
      "GET /channels/:channel_id/messages",
      "channels/99",
    ],
    [
      "PUT",
      "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
      "PUT /channels/1/messages/:id/reactions/:reaction",
      "PUT /channels/:channel_id/messages/:id/reactions/:reaction",
      "channels/1",
    ],
    [
      "DELETE",
      "/channels/1/messages/2/reactions/x:3/4",
      "DELETE /channels/1/messages/:id/reactions/:reaction",
      "DELETE /channels/:channel_id/messages/:id/reactions/:reaction",
      "channels/1",
    ],
    [
      "GET",
      "/guilds/7/members/8",
      "GET /guilds/7/members/:id",
      "GET /guilds/:guild_id/members/:id",
      "guilds/7",
    ],
    [
      "PUT",
      "/applications/5/commands",
      "PUT /applications/:id/commands",
      "PUT /applications/:id/commands",
      "global",
    ],
    [
      "PUT",
      "/applications/5/guilds/7/commands",
      "PUT /applications/:id/guilds/:id/commands",
      "PUT /applications/:id/guilds/:id/commands",
      "global",
    ],
    ["GET", "/gateway/bot", "GET /gateway/bot", "GET /gateway/bot", "global"],
    [
      "POST",
      "/interactions/11/tok.en-1/callback",
      "POST /interactions/:id/:token/callback",
      "POST /interactions/:interaction_id/:token/callback",
      "interactions/11",
    ],
    [
      "GET",
      "/invites/dIsCoRd?with_counts=true",
      "GET /invites/:code",
      "GET /invites/:code",
      "global",
    ],
    [
      "POST",
      "/guilds/templates/hgM48av5Q69A",
      "POST /guilds/templates/:code",
      "POST /guilds/templates/:code",
      "global",
    ],
    [
      "PATCH",
      "/guilds/7/templates/hgM48av5Q69A",
      "PATCH /guilds/7/templates/:code",
      "PATCH /guilds/:guild_id/templates/:code",
      "guilds/7",
    ],
    [
      "GET",
      "/channels/1/invites",
      "GET /channels/1/invites",
      "GET /channels/:channel_id/invites",
      "channels/1",
    ],
    [
      "GET",
      "/webhooks/5/tok/messages/@original",
      "GET /webhooks/5/:token/messages/@original",
      "GET /webhooks/:webhook_id/:token/messages/@original",
      "webhooks/5/",
    ],
    [
      "PATCH",
      "/webhooks/5/tok/messages/12",
      "PATCH /webhooks/5/:token/messages/:id",
      "PATCH /webhooks/:webhook_id/:token/messages/:id",
      "webhooks/5/",
    ],
    [
      "POST",
      "/webhooks/5/tok?wait=true",
      "POST /webhooks/5/:token",
      "POST /webhooks/:webhook_id/:token",
      "webhooks/5/",
    ],
    [
      "GET",
      "/webhooks/5",
      "GET /webhooks/5",
      "GET /webhooks/:webhook_id",
      "webhooks/5",
    ],
  ];
  for (const [method, path, key, template, major] of rows) {
    await t.step(`${method} ${path}`, () => {
      const route = parseRoute(method, path);
      assert.equal(route.key, key);
      assert.equal(route.template, template);
      if (major.endsWith("/")) {
        // webhook id + a fingerprint of the token, never the token itself
        assert.match(route.majorParameter, new RegExp(`^${major}[0-9a-f]{8}$`));
        assert.ok(!route.majorParameter.includes("tok"));
      } else {
        assert.equal(route.majorParameter, major);
      }
    });
  }
});

Deno.test("parseRoute keeps different webhook tokens in different major parameters", () => {
  const a = parseRoute("POST", "/webhooks/5/token-a");
  const b = parseRoute("POST", "/webhooks/5/token-b");
  assert.equal(a.key, b.key);
  assert.notEqual(a.majorParameter, b.majorParameter);
});

Deno.test("parseRoute marks token routes", async (t) => {
  const rows: [string, string, boolean][] = [
    ["POST", "/interactions/1/abc/callback", true],
    ["POST", "/webhooks/1/abc", true],
    ["PATCH", "/webhooks/1/abc/messages/@original", true],
    ["GET", "/webhooks/1", false],
    ["POST", "/channels/1/messages", false],
    ["POST", "/interactions/1/abc", false],
  ];
  for (const [method, path, tokenRoute] of rows) {
    await t.step(`${method} ${path}`, () => {
      assert.equal(parseRoute(method, path).tokenRoute, tokenRoute);
    });
  }
});

Deno.test("parseRoute gives deletes of messages older than 14 days their own sub-limit bucket", () => {
  const day = 24 * 60 * 60 * 1000;
  const created = Date.UTC(2025, 0, 1);
  const id = String(BigInt(created - 1_420_070_400_000) << 22n);
  const fresh = parseRoute("DELETE", `/channels/1/messages/${id}`, {
    now: created + 13 * day,
  });
  const old = parseRoute("DELETE", `/channels/1/messages/${id}`, {
    now: created + 15 * day,
  });
  assert.equal(fresh.majorParameter, "channels/1");
  assert.equal(old.majorParameter, "channels/1:old_message_delete");
  assert.equal(old.key, fresh.key);
  // Only deletes of messages are concerned.
  const patch = parseRoute("PATCH", `/channels/1/messages/${id}`, {
    now: created + 15 * day,
  });
  assert.equal(patch.majorParameter, "channels/1");
});

Deno.test("parseRoute rejects unknown methods and relative paths without echoing tokens", () => {
  assert.throws(() => parseRoute("TRACE", "/gateway"), {
    name: "TypeError",
    message:
      "Cannot parse route as 'method' must be one of GET, POST, PUT, PATCH, DELETE: current value 'method=TRACE'",
  });
  assert.throws(() => parseRoute("GET", "webhooks/1/secret"), {
    name: "TypeError",
    message:
      "Cannot parse route as 'path' must start with '/': current value 'path=webhooks/1/:token'",
  });
  assert.throws(
    () => parseRoute("GET", "x/webhooks/1/secret"),
    (error: Error) => error instanceof TypeError,
  );
});

Deno.test("redactPath replaces webhook and interaction tokens", async (t) => {
  const rows: [string, string][] = [
    ["/webhooks/1/s3cr3t", "/webhooks/1/:token"],
    ["/webhooks/1/s3cr3t?wait=true", "/webhooks/1/:token?wait=true"],
    [
      "/webhooks/1/s3cr3t/messages/@original",
      "/webhooks/1/:token/messages/@original",
    ],
    ["/interactions/2/s3cr3t/callback", "/interactions/2/:token/callback"],
    [
      "/interactions/2/s3cr3t/callback?with_response=true",
      "/interactions/2/:token/callback?with_response=true",
    ],
    ["/channels/1/messages", "/channels/1/messages"],
    ["/webhooks/1", "/webhooks/1"],
  ];
  for (const [path, redacted] of rows) {
    await t.step(path, () => assert.equal(redactPath(path), redacted));
  }
});

Deno.test("pathToken finds the token of token routes only", () => {
  assert.equal(pathToken("/webhooks/1/a%2Eb/messages/@original"), "a.b");
  assert.equal(pathToken("/interactions/1/tok/callback"), "tok");
  assert.equal(pathToken("/channels/1/messages"), undefined);
});
