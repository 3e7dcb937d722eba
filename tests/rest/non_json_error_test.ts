// An error answer whose body is not Discord's JSON (Cloudflare's HTML 403
// "Access denied", a proxy's 502 page) is not Discord's "code 0" (General
// error): the message says there was no JSON body, its media type and the
// page's title (bounded, redacted), and `jsonBody` is false. It read
// "HTTP 403 (code 0)", like one of Discord's permission 403s.
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";

const TOKEN = "bot.T0KEN-secret_value";

/** A client whose every answer is `status` with `body` of `type`. */
function answering(
  status: number,
  body: string,
  type?: string,
): RestClient {
  return new RestClient({
    token: TOKEN,
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(
        new Response(body === "" ? null : body, {
          status,
          headers: type === undefined ? {} : { "content-type": type },
        }),
      ),
  });
}

async function failure(rest: RestClient): Promise<DiscordApiError> {
  const error = await rest.request("GET", "/channels/1").catch((e) => e);
  assert.ok(error instanceof DiscordApiError, String(error));
  return error;
}

Deno.test("DiscordApiError: Cloudflare's HTML 403 says no JSON body, text/html and the page's title, not code 0", async () => {
  const page =
    `<!DOCTYPE html><html><head><title>Access denied | discord.com used Cloudflare to restrict access</title></head><body>Error 1020</body></html>`;
  const error = await failure(
    answering(403, page, "text/html; charset=UTF-8"),
  );
  assert.equal(
    error.message,
    'GET /channels/1 failed with 403: HTTP 403 (no JSON body, text/html, title "Access denied | discord.com used Cloudflare to restrict access")',
  );
  assert.equal(error.jsonBody, false);
  assert.doesNotMatch(error.message, /code 0/);
});

Deno.test("DiscordApiError: a page's title is bounded and redacted; an empty 502 says so", async () => {
  const title = `${TOKEN} ${"x".repeat(500)}`;
  const error = await failure(
    answering(403, `<TITLE lang="en">\n ${title} </TITLE>`, "text/html"),
  );
  assert.ok(!error.message.includes(TOKEN), error.message);
  assert.ok(error.message.length < 250, error.message);
  assert.match(error.message, /\(no JSON body, text\/html, title ".*…"\)$/);
  const empty = await failure(answering(502, ""));
  assert.equal(
    empty.message,
    "GET /channels/1 failed with 502: HTTP 502 (no JSON body, no Content-Type, empty)",
  );
  // Discord's JSON still says its code, 0 included.
  const json = await failure(
    answering(403, '{"message":"Missing Access","code":50001}'),
  );
  assert.equal(json.jsonBody, true);
  assert.match(json.message, /Missing Access \(code 50001\)$/);
});

Deno.test("DiscordApiError: a page of 2 MiB of '<title ' and no '>' is read in linear time; a title tag past the first 4 KiB is not looked for", async () => {
  // Searched over the whole body, each `<title` scanned to the end: 512
  // KiB took 66 s, 2 MiB over 15 minutes, the event loop held throughout.
  const flood = "<title ".repeat(2 * 1024 * 1024 / 7);
  const error = await failure(answering(403, flood, "text/html"));
  assert.equal(
    error.message,
    "GET /channels/1 failed with 403: HTTP 403 (no JSON body, text/html)",
  );
  const late = await failure(
    answering(403, `${" ".repeat(4096)}<title>Late</title>`, "text/html"),
  );
  assert.match(late.message, /\(no JSON body, text\/html\)$/);
  // Its text is read whole, redacted before it is cut.
  const long = await failure(
    answering(403, `<title>${" ".repeat(5000)}${TOKEN}</title>`, "text/html"),
  );
  assert.match(
    long.message,
    /\(no JSON body, text\/html, title "\[REDACTED\]"\)$/,
  );
});

Deno.test("DiscordApiError: a JSON body that is no error object ([], a string, null) says so; jsonBody is false", async () => {
  for (const body of ["[]", '"Forbidden"', "null"]) {
    const error = await failure(answering(403, body, "application/json"));
    assert.equal(
      error.message,
      "GET /channels/1 failed with 403: HTTP 403 (JSON that is not an error object, application/json)",
    );
    assert.equal(error.jsonBody, false);
    assert.equal(error.code, 0);
  }
});

Deno.test("DiscordApiError: a title of 100 characters is quoted whole, one of 101 cut; a tag ending at the 4096th character is found; a Content-Type of parameters alone is no Content-Type", async () => {
  const title = "t".repeat(100);
  const whole = await failure(
    answering(403, `<title>${title}</title>`, "text/html"),
  );
  assert.equal(
    whole.message,
    `GET /channels/1 failed with 403: HTTP 403 (no JSON body, text/html, title "${title}")`,
  );
  const cut = await failure(
    answering(403, `<title>${title}u</title>`, "text/html"),
  );
  assert.match(cut.message, new RegExp(`title "${title}…"\\)$`));
  const head = `${" ".repeat(4096 - "<title>".length)}<title>`;
  const far = await failure(answering(403, `${head}Far</title>`, "text/html"));
  assert.match(far.message, /\(no JSON body, text\/html, title "Far"\)$/);
  const bare = await failure(answering(502, "Bad gateway", "; charset=utf-8"));
  assert.equal(
    bare.message,
    "GET /channels/1 failed with 502: HTTP 502 (no JSON body, no Content-Type)",
  );
});
