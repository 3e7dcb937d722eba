// What syncCommands counts as a change against what Discord stores: an
// option the definition dropped and a field it no longer sets are; a
// stored command without `type` (1 by default) is not; and a definition
// that names its integration types needs no GET /applications/@me.
import assert from "node:assert/strict";
import { command, string } from "../../interactions/commands.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";

const APPLICATION = "1000000000000000001";

/**
 * A Discord holding `stored` as the global commands: GET answers them, PUT
 * its body. `requests` records "METHOD path" of each request.
 */
function discordHolding(
  stored: Record<string, unknown>[],
): { rest: RestClient; requests: string[] } {
  const requests: string[] = [];
  const fetch = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname.replace("/api/v10", "");
    requests.push(`${request.method} ${path}`);
    if (path === "/applications/@me") {
      return Response.json({ id: APPLICATION, integration_types_config: {} });
    }
    if (request.method === "GET") return Response.json(stored);
    return Response.json(await request.json());
  };
  return { rest: new RestClient({ token: "t", fetch }), requests };
}

/** /c with string option `a`, as Discord stores it (plus `extra`). */
function storedCommand(
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: "10",
    application_id: APPLICATION,
    version: "1",
    type: 1,
    name: "c",
    description: "d",
    default_member_permissions: null,
    contexts: null,
    integration_types: [0],
    nsfw: false,
    options: [{ type: 3, name: "a", description: "d" }],
    ...extra,
  };
}

const withA = command({
  name: "c",
  description: "d",
  options: { a: string({ description: "d" }) },
});

Deno.test("syncCommands: an unchanged command is no write (the control of the tests below)", async () => {
  const { rest, requests } = discordHolding([storedCommand()]);
  const result = await syncCommands(rest, [withA], {
    applicationId: APPLICATION,
  });
  assert.equal(result.changed, false);
  assert.deepEqual(requests.filter((r) => r.startsWith("PUT")), []);
});

Deno.test("syncCommands: an option the definition no longer has is a change", async () => {
  const { rest } = discordHolding([storedCommand({
    options: [
      { type: 3, name: "a", description: "d" },
      { type: 3, name: "b", description: "d" },
    ],
  })]);
  const result = await syncCommands(rest, [withA], {
    applicationId: APPLICATION,
  });
  assert.deepEqual([result.changed, result.updated], [true, ["c"]]);
});

Deno.test("syncCommands: a stored field the definition no longer sets (nsfw) is a change", async () => {
  const { rest } = discordHolding([storedCommand({ nsfw: true })]);
  const result = await syncCommands(rest, [withA], {
    applicationId: APPLICATION,
  });
  assert.deepEqual([result.changed, result.updated], [true, ["c"]]);
});

Deno.test("syncCommands: a stored command without `type` is the slash command (type 1) it defaults to, no change", async () => {
  const { type: _, ...untyped } = storedCommand();
  const { rest, requests } = discordHolding([untyped]);
  const result = await syncCommands(rest, [withA], {
    applicationId: APPLICATION,
  });
  assert.equal(result.changed, false, String(result.updated));
  assert.deepEqual(requests.filter((r) => r.startsWith("PUT")), []);
});

Deno.test("syncCommands: a stored command whose definition names its integration types does not fetch the application", async () => {
  const { rest, requests } = discordHolding([storedCommand()]);
  const named = command({
    name: "c",
    description: "d",
    integrationTypes: [0],
    options: { a: string({ description: "d" }) },
  });
  const result = await syncCommands(rest, [named], {
    applicationId: APPLICATION,
  });
  assert.equal(result.changed, false);
  assert.deepEqual(requests, [
    `GET /applications/${APPLICATION}/commands`,
  ]);
});
