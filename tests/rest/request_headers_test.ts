// A caller's headers are matched to the client's whatever their case: built
// as a plain object, `authorization: "Bearer X"` was sent as "Bearer X, Bot
// T" (two credentials in one header), `Authorization` was silently replaced
// by the bot token, and `user-agent` or `content-type` were sent joined to
// the client's.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";

const TOKEN = "bot-token".padEnd(40, "x");

/** A client whose fetch records each request's headers. */
function recording(): { rest: RestClient; sent: Headers[] } {
  const sent: Headers[] = [];
  const rest = new RestClient({
    token: TOKEN,
    userAgent: "DiscordBot (https://example.com, 1.0)",
    fetch: async (input, init) => {
      const request = new Request(input, init);
      sent.push(request.headers);
      await request.body?.cancel();
      return Response.json({ id: "1" });
    },
  });
  return { rest, sent };
}

Deno.test("an Authorization header beside the bot token is a TypeError, in any case; nothing is sent", async () => {
  const { rest, sent } = recording();
  for (const name of ["authorization", "Authorization", "AUTHORIZATION"]) {
    await assert.rejects(
      rest.request("GET", "/users/@me", {
        headers: { [name]: "Bearer user-token" },
      }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message ===
          "Cannot send request as it has an 'Authorization' header and carries the bot token: send another credential with 'auth: false'",
      name,
    );
  }
  assert.equal(sent.length, 0);
});

Deno.test("with auth: false the caller's Authorization is the one sent, in any case", async () => {
  const { rest, sent } = recording();
  for (const name of ["authorization", "Authorization"]) {
    await rest.request("GET", "/users/@me", {
      auth: false,
      headers: { [name]: "Bearer user-token" },
    });
  }
  assert.deepEqual(sent.map((headers) => headers.get("authorization")), [
    "Bearer user-token",
    "Bearer user-token",
  ]);
});

Deno.test("User-Agent and Content-Type are the client's, not joined to a caller's of another case", async () => {
  const { rest, sent } = recording();
  await rest.request("POST", "/channels/1/messages", {
    body: { content: "hi" },
    headers: { "user-agent": "mine", "content-type": "text/plain" },
  });
  const headers = sent[0]!;
  assert.equal(
    headers.get("user-agent"),
    "DiscordBot (https://example.com, 1.0)",
  );
  assert.equal(headers.get("content-type"), "application/json");
  assert.equal(headers.get("authorization"), `Bot ${TOKEN}`);
});

Deno.test("a request with files sends the form's own Content-Type (its boundary), not a caller's", async () => {
  const { rest, sent } = recording();
  await rest.request("POST", "/channels/1/messages", {
    body: { content: "hi" },
    files: [{ name: "a.txt", data: "a" }],
    headers: { "Content-Type": "multipart/form-data" },
  });
  assert.match(
    sent[0]!.get("content-type")!,
    /^multipart\/form-data; boundary=-+\d+$/,
  );
});
