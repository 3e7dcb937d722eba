// The REST client follows no redirect (Discord's API never sends one) and
// says why a request got no answer with the runtime's own reason, against
// a server on 127.0.0.1 that the test writes itself.
import assert from "node:assert/strict";
import { DiscordApiError, NetworkError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";

/** A server for one test: every request recorded, `answer` deciding. */
function serve(
  answer: (request: Request) => Response | Promise<Response>,
): { seen: string[]; url: string; server: Deno.HttpServer } {
  const seen: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const path = new URL(request.url).pathname;
      const auth = request.headers.get("authorization") ? "auth" : "none";
      seen.push(`${request.method} ${path} ${auth}`);
      return answer(request);
    },
  );
  return { seen, url: `http://127.0.0.1:${server.addr.port}/api/v10`, server };
}

Deno.test("RestClient follows no redirect: a 301 on a POST fails as an API error naming it, sent once, not resolved with the GET a followed redirect makes", async () => {
  const other = serve(() => Response.json({ id: "evil" }));
  const api = serve((request) => {
    const url = new URL(request.url);
    if (request.method === "POST" && !url.pathname.endsWith("/")) {
      return new Response(null, {
        status: 301,
        headers: { location: `${url.pathname}/` },
      });
    }
    if (request.method === "GET") return Response.json([{ id: "old" }]);
    return new Response(null, {
      status: 307,
      headers: { location: `${other.url}/channels/1/messages` },
    });
  });
  try {
    const rest = new RestClient({ token: "t", baseUrl: api.url });
    const error = await rest.createMessage("1", { content: "hi" }).then(
      (value) => assert.fail(`resolved with ${JSON.stringify(value)}`),
      (error) => error,
    );
    assert.ok(error instanceof DiscordApiError, String(error));
    assert.equal(error.status, 301);
    assert.match(error.message, /a redirect, not followed/);
    assert.deepEqual(api.seen, ["POST /api/v10/channels/1/messages auth"]);
    // A 307 would send the body to another host: not followed either.
    await assert.rejects(
      rest.request("POST", "/channels/1/messages/", { body: { a: 1 } }),
      (e) => e instanceof DiscordApiError && e.status === 307,
    );
    assert.deepEqual(other.seen, []);
  } finally {
    await api.server.shutdown();
    await other.server.shutdown();
  }
});

Deno.test("RestClient: a request with no answer says the runtime's reason, not only 'fetch failed'", async () => {
  // A port just freed: nothing listens, the connection is refused.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const rest = new RestClient({
    token: "t",
    baseUrl: `http://127.0.0.1:${port}/api/v10`,
  });
  const error = await rest.createMessage("1", { content: "hi" }).then(
    () => assert.fail("resolved"),
    (error) => error,
  );
  assert.ok(error instanceof NetworkError, String(error));
  assert.doesNotMatch(error.message, /failed: fetch failed$/);
  assert.match(error.message, /refused|os error/i);
});

Deno.test("RestClient: every 3xx, 300 and 399 too, fails as a redirect not followed, whatever its body says", async () => {
  for (const status of [300, 399]) {
    const rest = new RestClient({
      token: "t",
      fetch: () =>
        Promise.resolve(
          Response.json({ message: "Moved", code: 0 }, { status }),
        ),
    });
    const error = await rest.request("GET", "/channels/1").catch((e) => e);
    assert.ok(error instanceof DiscordApiError, String(error));
    assert.equal(error.status, status);
    assert.match(error.apiMessage, /^a redirect, not followed/);
  }
});
