// What syncCommands counts as a change against what Discord stores: an
// option the definition dropped and a field it no longer sets are; a
// stored command without `type` (1 by default), a guild command's
// guild_id, a stored translation equal to the default text, repeated
// contexts and a literal permission 0 are not; and what it reads and
// sends: /applications/@me once (not at all when the definition names its
// integration types), its id checked, and the signal on the write too.
import assert from "node:assert/strict";
import { command, string, userCommand } from "../../interactions/commands.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";

const APPLICATION = "1000000000000000001";

/**
 * A Discord holding `stored` as the commands (of any scope): GET answers
 * them, PUT its body, GET /applications/@me `application` (by default
 * APPLICATION, installable in guilds only). `requests` records
 * "METHOD path" of each request; `onRequest` sees each one first.
 */
function discordHolding(
  stored: Record<string, unknown>[],
  options: {
    application?: Record<string, unknown>;
    onRequest?: (method: string, path: string) => void;
  } = {},
): { rest: RestClient; requests: string[] } {
  const requests: string[] = [];
  const fetch = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname.replace("/api/v10", "");
    requests.push(`${request.method} ${path}`);
    options.onRequest?.(request.method, path);
    if (path === "/applications/@me") {
      return Response.json(
        options.application ??
          { id: APPLICATION, integration_types_config: {} },
      );
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
  // What Discord has is answered, as read.
  assert.deepEqual(result.commands, [storedCommand()]);
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

Deno.test("syncCommands: a slash command and a user command may share a name (one key per type and name)", async () => {
  const { rest, requests } = discordHolding([]);
  const result = await syncCommands(rest, [
    command({ name: "c", description: "d" }),
    userCommand({ name: "c" }),
  ], { applicationId: APPLICATION });
  assert.deepEqual(result.added, ["c", "c"]);
  assert.equal(requests.filter((r) => r.startsWith("PUT")).length, 1);
});

Deno.test("syncCommands: a guild's unchanged command, stored with its guild_id, is no write", async () => {
  const { rest, requests } = discordHolding([
    storedCommand({ guild_id: "42" }),
  ]);
  const result = await syncCommands(rest, [withA], {
    applicationId: APPLICATION,
    guildId: "42",
  });
  assert.equal(result.changed, false, String(result.updated));
  assert.deepEqual(requests, [
    `GET /applications/${APPLICATION}/guilds/42/commands`,
  ]);
});

Deno.test("syncCommands: a stored translation equal to the default text, beside the defined ones, is no change", async () => {
  const { rest } = discordHolding([
    storedCommand({ name_localizations: { fr: "cc", de: "c" } }),
  ]);
  const localized = command({
    name: "c",
    description: "d",
    nameLocalizations: { fr: "cc" },
    options: { a: string({ description: "d" }) },
  });
  const result = await syncCommands(rest, [localized], {
    applicationId: APPLICATION,
  });
  assert.equal(result.changed, false, String(result.updated));
});

Deno.test("syncCommands: contexts are a set, a repeated one is no change", async () => {
  const { rest } = discordHolding([storedCommand({ contexts: [0, 1] })]);
  const repeated = command({
    name: "c",
    description: "d",
    contexts: [1, 0, 1],
    options: { a: string({ description: "d" }) },
  });
  const result = await syncCommands(rest, [repeated], {
    applicationId: APPLICATION,
  });
  assert.equal(result.changed, false, String(result.updated));
});

Deno.test("syncCommands: stored contexts that are not a list are a change to overwrite, not a crash", async () => {
  const { rest } = discordHolding([storedCommand({ contexts: { 0: 0 } })]);
  const guildOnly = command({
    name: "c",
    description: "d",
    contexts: [0],
    options: { a: string({ description: "d" }) },
  });
  const result = await syncCommands(rest, [guildOnly], {
    applicationId: APPLICATION,
  });
  assert.deepEqual([result.changed, result.updated], [true, ["c"]]);
});

Deno.test('syncCommands: a literal default_member_permissions of 0 (admins only) is the stored "0", no change', async () => {
  const { rest } = discordHolding([
    storedCommand({ default_member_permissions: "0" }),
  ]);
  const literal = { ...withA, default_member_permissions: 0 as never };
  const result = await syncCommands(rest, [literal], {
    applicationId: APPLICATION,
  });
  assert.equal(result.changed, false, String(result.updated));
});

Deno.test("syncCommands: a stored command with integration_types null has the application's installation contexts, no change", async () => {
  const { rest } = discordHolding([
    storedCommand({ integration_types: null }),
  ], {
    application: {
      id: APPLICATION,
      integration_types_config: { 0: {}, 1: {} },
    },
  });
  const result = await syncCommands(rest, [withA], {
    applicationId: APPLICATION,
  });
  assert.equal(result.changed, false, String(result.updated));
});

Deno.test("syncCommands reads /applications/@me once, for both the id and the installation contexts", async () => {
  const { rest, requests } = discordHolding([storedCommand()]);
  const result = await syncCommands(rest, [withA]);
  assert.equal(result.changed, false);
  assert.deepEqual(requests, [
    "GET /applications/@me",
    `GET /applications/${APPLICATION}/commands`,
  ]);
});

Deno.test("syncCommands refuses an application id /applications/@me answers that is not a snowflake, before using it", async () => {
  const { rest, requests } = discordHolding([], {
    application: { id: "1/guilds/2", integration_types_config: {} },
  });
  await assert.rejects(
    syncCommands(rest, [withA]),
    (error: unknown) =>
      error instanceof TypeError && /'applicationId'/.test(error.message),
  );
  assert.deepEqual(requests, ["GET /applications/@me"]);
});

Deno.test("syncCommands passes its signal to the write too: aborted while the PUT is under way, the sync rejects", async () => {
  const controller = new AbortController();
  const { rest, requests } = discordHolding([], {
    onRequest: (method) => {
      if (method === "PUT") controller.abort();
    },
  });
  await assert.rejects(
    syncCommands(rest, [withA], {
      applicationId: APPLICATION,
      signal: controller.signal,
    }),
    (error: unknown) => error instanceof Error && error.name === "AbortError",
  );
  assert.deepEqual(requests, [
    `GET /applications/${APPLICATION}/commands`,
    `PUT /applications/${APPLICATION}/commands`,
  ]);
});
