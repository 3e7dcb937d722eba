import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";

/** A client whose fetch records the paths (and queries) it was sent. */
function recording(): { rest: RestClient; sent: string[] } {
  const sent: string[] = [];
  const rest = new RestClient({
    token: "tok",
    fetch: (input) => {
      const url = new URL(String(input));
      sent.push(url.pathname + url.search);
      return Promise.resolve(new Response(null, { status: 204 }));
    },
  });
  return { rest, sent };
}

Deno.test("a raw request path the URL parser would change is refused, not sent to another endpoint than its route's", async () => {
  const { rest, sent } = recording();
  for (
    const path of [
      // Sent as DELETE /guilds/5/bans/6, limited as a channel's message.
      "/channels/1/messages/2\\..\\..\\..\\..\\guilds\\5\\bans\\6",
      "/channels/1/messages/2/reactions/../..",
      "/channels/1/x/../../3/messages",
      "/channels/1/messages/%2e%2e/%2E%2e",
      "/channels/1/messages/2/.",
      "/channels/1/messages/2/.%2E/",
      // The parser drops tabs and newlines.
      "/channels/1/mess\tages",
      "/channels/1/mess\nages",
      // A fragment would drop the `query` option.
      "/channels/1/messages#",
      "/channels/1/messages?limit=2#x",
    ]
  ) {
    await assert.rejects(
      () => rest.request("DELETE", path, { query: { before: "9" } }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.startsWith("Cannot send request as 'path'") &&
        error.message.includes(`'path=${path}'`),
      JSON.stringify(path),
    );
  }
  assert.deepEqual(sent, []);
});

Deno.test("a refused webhook path does not show its token", async () => {
  const { rest } = recording();
  await assert.rejects(
    () => rest.request("POST", "/webhooks/1/secret-token/../../x"),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message.includes("'path=/webhooks/1/:token/") &&
      !error.message.includes("secret-token"),
  );
});

Deno.test("raw paths the URL parser only percent-encodes are still sent as written", async () => {
  const { rest, sent } = recording();
  await rest.request("PUT", "/channels/1/messages/2/reactions/👍/@me");
  await rest.request(
    "PUT",
    "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
  );
  await rest.request("GET", "/channels/1/messages", { query: { limit: 5 } });
  await rest.request("GET", "/channels/1/messages?limit=5", {
    query: { before: "9" },
  });
  await rest.request("GET", "/guilds/1/a..b/.x/...");
  assert.deepEqual(sent, [
    "/api/v10/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
    "/api/v10/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
    "/api/v10/channels/1/messages?limit=5",
    "/api/v10/channels/1/messages?limit=5&before=9",
    "/api/v10/guilds/1/a..b/.x/...",
  ]);
});
