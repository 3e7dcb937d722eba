// The per-call options of the REST client's methods and of
// `RestClient.request` refuse a key that is none of theirs, as the client's constructor does. From JavaScript (or an object
// built elsewhere) `createMessage(id, body, { reasn })` and
// `request(method, path, { quary })` sent the request without it; a
// misspelt `signl` left the call uncancellable. Refused before anything is
// sent.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

function setup(): { sent: string[]; rest: RestClient } {
  const fake = new FakeRest({ token: "t" });
  const sent: string[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: (input, init) => {
      const request = new Request(input, init);
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
      return fake.fetch(request);
    },
  });
  return { sent, rest };
}

const unknown = (what: string, key: string, nearest: string) => ({
  name: "TypeError",
  message:
    `Cannot ${what} as '${key}' is not one of its options (did you mean '${nearest}'?)`,
});

Deno.test("a client method refuses a misspelt call option, naming the nearest, and sends nothing", async () => {
  const { sent, rest } = setup();
  await assert.rejects(
    rest.createMessage("1", { content: "x" }, { reasn: "x" } as never),
    unknown("build route", "reasn", "reason"),
  );
  await assert.rejects(
    rest.deleteMessage("1", "2", { signl: AbortSignal.abort() } as never),
    unknown("build route", "signl", "signal"),
  );
  await assert.rejects(
    rest.createInteractionResponse("5", "tok", { type: 1 }, {
      withRespons: true,
    } as never),
    unknown("build route", "withRespons", "withResponse"),
  );
  await assert.rejects(
    rest.getGatewayBot(null as never),
    {
      name: "TypeError",
      message: /^Cannot build route as 'options' must be an object/,
    },
  );
  assert.deepEqual(sent, []);
});

Deno.test("RestClient.request refuses a misspelt option, naming the nearest, and sends nothing", async () => {
  const { sent, rest } = setup();
  await assert.rejects(
    rest.request("GET", "/users/@me", { quary: { a: 1 } } as never),
    unknown("send request", "quary", "query"),
  );
  await assert.rejects(
    rest.request("DELETE", "/channels/1/messages/2", { reasn: "x" } as never),
    unknown("send request", "reasn", "reason"),
  );
  assert.deepEqual(sent, []);
  // Every option spelt right still goes out.
  const controller = new AbortController();
  await rest.request("GET", "/users/@me", {
    query: { with_counts: true },
    signal: controller.signal,
    auth: true,
    headers: { "X-Test": "1" },
  });
  assert.deepEqual(sent, ["GET /api/v10/users/@me"]);
});
