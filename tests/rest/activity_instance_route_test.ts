/**
 * Get Application Activity Instance, built to Discord's application.mdx:
 * GET /applications/{application.id}/activity-instances/{instance_id},
 * the instance ID a text segment (not a snowflake), the answer typed and
 * checked (an Activity's backend lets a client in on it), a missing
 * instance Discord's 404, and one rate-limit route key for every instance.
 */
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import { DiscordApiError, RestError } from "../../rest/errors.ts";
import type { ActivityInstance, ActivityLocationKind } from "../../rest/mod.ts";
import { parseRoute } from "../../rest/routes.ts";
import { answering, API } from "./_answering_discord.ts";

const APP = "1215413995645968394";
const INSTANCE =
  "i-1276580072400224306-gc-912952092627435520-912954213460484116";

/** Discord's "Example Activity Instance" (its trailing comma dropped). */
const EXAMPLE = {
  application_id: "1215413995645968394",
  instance_id: INSTANCE,
  launch_id: "1276580072400224306",
  location: {
    id: "gc-912952092627435520-912954213460484116",
    kind: "gc",
    channel_id: "912954213460484116",
    guild_id: "912952092627435520",
  },
  users: ["205519959982473217"],
} satisfies ActivityInstance;

Deno.test("getApplicationActivityInstance: GET /applications/{id}/activity-instances/{instance_id}, the docs' instance typed", async () => {
  const { rest, sent } = answering(() => Response.json(EXAMPLE));
  const instance = await api.getApplicationActivityInstance(
    rest,
    APP,
    INSTANCE,
  );
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.method, "GET");
  assert.equal(
    sent[0]!.url,
    `${API}/applications/${APP}/activity-instances/${INSTANCE}`,
  );
  assert.equal(sent[0]!.body, undefined);
  assert.deepEqual(instance, EXAMPLE);
  const kind: ActivityLocationKind = instance.location.kind;
  const users: string[] = instance.users;
  assert.equal(kind, "gc");
  assert.deepEqual(users, ["205519959982473217"]);
  // A private channel's location has no guild.
  const dm: ActivityInstance = {
    ...EXAMPLE,
    location: { id: "pc-1", kind: "pc", channel_id: "1" },
  };
  assert.equal(dm.location.guild_id, undefined);
});

Deno.test("the instance ID is one encoded path segment, not a snowflake; an empty or dot one is refused, nothing sent", async () => {
  const answer = (id: string): Response =>
    Response.json({ ...EXAMPLE, instance_id: id });
  const { rest, sent } = answering((request) =>
    answer(decodeURIComponent(request.url.split("/").at(-1)!))
  );
  await api.getApplicationActivityInstance(rest, APP, "i-1/../x y");
  assert.equal(
    sent[0]!.url,
    `${API}/applications/${APP}/activity-instances/i-1%2F..%2Fx%20y`,
  );
  for (const id of ["", ".", ".."]) {
    await assert.rejects(
      api.getApplicationActivityInstance(rest, APP, id),
      TypeError,
    );
  }
  await assert.rejects(
    api.getApplicationActivityInstance(rest, "app", INSTANCE),
    {
      name: "TypeError",
      message:
        "Cannot build route as 'applicationId' must be a snowflake string: current value 'applicationId=app'",
    },
  );
  await assert.rejects(
    api.getApplicationActivityInstance(rest, APP, INSTANCE, {
      reason: "x",
    } as never),
    TypeError,
  );
  assert.equal(sent.length, 1);
});

Deno.test("an instance that is not running is Discord's 404 (code 0), a DiscordApiError", async () => {
  const { rest } = answering(() =>
    Response.json({ message: "404: Not Found", code: 0 }, { status: 404 })
  );
  const error = await api.getApplicationActivityInstance(
    rest,
    APP,
    "i-1234567890-gc-912952092627435520-912954213460484116",
  ).catch((e) => e);
  assert.ok(error instanceof DiscordApiError);
  assert.equal(error.status, 404);
  assert.equal(error.code, 0);
});

Deno.test("a success answer that is not the instance asked for is a RestError, never an instance", async () => {
  const odd: [string, () => Response, string][] = [
    ["empty", () => new Response(null, { status: 204 }), "the body is empty"],
    [
      "an array",
      () => Response.json([EXAMPLE]),
      "the body is not a JSON object",
    ],
    ["null", () => Response.json(null), "the body is not a JSON object"],
    [
      "another instance",
      () => Response.json({ ...EXAMPLE, instance_id: "i-9-gc-1-2" }),
      "its 'instance_id' is not the one asked for",
    ],
    [
      "another application",
      () => Response.json({ ...EXAMPLE, application_id: "1" }),
      "its 'application_id' is not the one asked for",
    ],
    [
      "users not ids",
      () => Response.json({ ...EXAMPLE, users: [{ id: "1" }] }),
      "its 'users' is not an array of user IDs",
    ],
    [
      "no users",
      () => Response.json({ ...EXAMPLE, users: undefined }),
      "its 'users' is not an array of user IDs",
    ],
    [
      "no location",
      () => Response.json({ ...EXAMPLE, location: "gc" }),
      "its 'location' is not an activity location",
    ],
  ];
  for (const [name, answer, fault] of odd) {
    const { rest } = answering(answer);
    const error = await api.getApplicationActivityInstance(rest, APP, INSTANCE)
      .then(() => undefined, (e: unknown) => e);
    assert.ok(
      error instanceof RestError && !(error instanceof DiscordApiError),
      `${name}: ${error}`,
    );
    assert.equal(
      error.message,
      `GET /applications/${APP}/activity-instances/${INSTANCE} answered with no activity instance: ${fault}`,
      name,
    );
    assert.equal(error.method, "GET");
    assert.equal(
      error.path,
      `/applications/${APP}/activity-instances/${INSTANCE}`,
    );
  }
});

Deno.test("every instance of an application shares one rate-limit route key, as template and invite codes do", () => {
  const key = (path: string): string => parseRoute("GET", path).key;
  assert.equal(
    key(`/applications/${APP}/activity-instances/${INSTANCE}`),
    "GET /applications/:id/activity-instances/:instance_id",
  );
  assert.equal(
    key(`/applications/${APP}/activity-instances/i-9-pc-1`),
    "GET /applications/:id/activity-instances/:instance_id",
  );
  assert.equal(
    parseRoute("GET", `/applications/${APP}/activity-instances/x`).template,
    "GET /applications/:id/activity-instances/:instance_id",
  );
  // The codes before it are unchanged.
  assert.equal(
    key("/guilds/templates/hgM48av5Q69A"),
    "GET /guilds/templates/:code",
  );
  assert.equal(
    key("/guilds/7/templates/hgM48av5Q69A"),
    "GET /guilds/7/templates/:code",
  );
  assert.equal(key("/invites/abc"), "GET /invites/:code");
});
