// The `rest/api/` route functions refuse an option key that is none of
// theirs, as the client's own methods do. From JavaScript (or through a
// cast) `createWebhook(rest, id, body, { reson: "x" })` sent the request
// without its audit-log reason, and `{ signl }` left the call
// uncancellable: the route builders read only the keys they knew. Refused
// before anything is sent, naming the nearest key.
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

const GUILD = "100000000000000001";
const CHANNEL = "100000000000000002";
const FORUM = "100000000000000004";

function setup(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest();
  fake.resources.addGuild({ id: GUILD, name: "Guild" });
  fake.resources.addChannel({ id: CHANNEL, type: 0, guild_id: GUILD });
  fake.resources.addChannel({ id: FORUM, type: 15, guild_id: GUILD });
  return {
    fake,
    rest: new RestClient({ token: "fake-bot-token", fetch: fake.fetch }),
  };
}

const unknown = (key: string, nearest: string) => ({
  name: "TypeError",
  message:
    `Cannot build route as '${key}' is not one of its options (did you mean '${nearest}'?)`,
});

Deno.test("route functions refuse a misspelt option, naming the nearest, and send nothing", async () => {
  const { fake, rest } = setup();
  const hook = await api.createWebhook(rest, CHANNEL, { name: "Hook" });
  const token = hook.token!;
  const before = fake.requests.length;
  // A plain route.
  await assert.rejects(
    api.getChannel(rest, CHANNEL, { signl: AbortSignal.abort() } as never),
    unknown("signl", "signal"),
  );
  // An audited route.
  await assert.rejects(
    api.createWebhook(rest, CHANNEL, { name: "x" }, { reson: "x" } as never),
    unknown("reson", "reason"),
  );
  // An upload route.
  await assert.rejects(
    api.editWebhookMessage(
      rest,
      hook.id,
      token,
      "100000000000000009",
      {
        content: "x",
      },
      {},
      { fils: [] } as never,
    ),
    unknown("fils", "files"),
  );
  // An audited upload route.
  await assert.rejects(
    api.startThreadInForum(rest, FORUM, { name: "p", message: {} }, {
      uploadLimt: 1,
    } as never),
    unknown("uploadLimt", "uploadLimit"),
  );
  // executeWebhook's own options.
  await assert.rejects(
    api.executeWebhook(rest, hook.id, token, { content: "x" }, {
      waitt: true,
    } as never),
    unknown("waitt", "wait"),
  );
  await assert.rejects(
    api.executeWebhook(rest, hook.id, token, { content: "x" }, {
      threadID: "1",
    } as never),
    unknown("threadID", "threadId"),
  );
  await assert.rejects(
    api.executeWebhook(rest, hook.id, token, { content: "x" }, {
      withComponent: true,
    } as never),
    unknown("withComponent", "withComponents"),
  );
  // Not an object at all.
  await assert.rejects(
    api.getChannel(rest, CHANNEL, "signal" as never),
    {
      name: "TypeError",
      message: /^Cannot build route as 'options' must be an object/,
    },
  );
  await assert.rejects(
    api.executeWebhook(rest, hook.id, token, { content: "x" }, null as never),
    {
      name: "TypeError",
      message: /^Cannot build route as 'options' must be an object/,
    },
  );
  // The more specific refusals stay.
  await assert.rejects(
    api.getChannel(rest, CHANNEL, { reason: "x" } as never),
    {
      name: "TypeError",
      message:
        /^Cannot build route as 'reason' is not one of its options: Discord keeps no audit-log entry/,
    },
  );
  await assert.rejects(
    api.createWebhook(rest, CHANNEL, { name: "x" }, { files: [] } as never),
    {
      name: "TypeError",
      message:
        "Cannot build route as 'files' is not one of its options: this route takes no attachments",
    },
  );
  assert.equal(fake.requests.length, before, "a refused call sent a request");
});

Deno.test("route functions take every option of theirs, and undefined values of them", async () => {
  const { fake, rest } = setup();
  const signal = new AbortController().signal;
  await api.getChannel(rest, CHANNEL, { signal });
  // Undefined values (from JavaScript, or options forwarded from a
  // wrapper) read as unset, as before; so do the call options a route does
  // not take.
  await api.getChannel(rest, CHANNEL, { signal: undefined } as never);
  await api.getChannel(rest, CHANNEL, {
    reason: undefined,
    files: undefined,
    uploadLimit: undefined,
  } as never);
  const hook = await api.createWebhook(rest, CHANNEL, { name: "Hook" }, {
    signal,
    reason: "audited",
  });
  assert.equal(
    fake.requests.at(-1)!.headers["x-audit-log-reason"],
    "audited",
  );
  await api.createWebhook(rest, CHANNEL, { name: "Hook2" }, {
    signal: undefined,
    reason: undefined,
  } as never);
  const token = hook.token!;
  const message = await api.executeWebhook(rest, hook.id, token, {
    content: "m",
  }, {
    wait: true,
    withComponents: true,
    files: [{ name: "f.txt", data: "x" }],
    uploadLimit: 1024,
    signal,
  });
  assert.match(fake.requests.at(-1)!.path, /[?&]with_components=true(&|$)/);
  await api.executeWebhook(rest, hook.id, token, { content: "u" }, {
    wait: undefined,
    threadId: undefined,
    withComponents: undefined,
    files: undefined,
    uploadLimit: undefined,
    signal: undefined,
  } as never);
  const starter = await rest.createMessage(CHANNEL, { content: "t" });
  const thread = await api.startThreadFromMessage(rest, CHANNEL, starter.id, {
    name: "th",
  });
  await api.executeWebhook(rest, hook.id, token, { content: "in thread" }, {
    threadId: thread.id,
  });
  assert.equal(fake.messages(thread.id)[0]!.content, "in thread");
  await api.editWebhookMessage(
    rest,
    hook.id,
    token,
    message.id,
    {
      content: "e",
    },
    {},
    {
      files: [{ name: "g.txt", data: "y" }],
      uploadLimit: 1024,
      signal,
    },
  );
  await api.startThreadInForum(rest, FORUM, {
    name: "post",
    message: { content: "first" },
  }, {
    files: [{ name: "a.txt", data: "a" }],
    uploadLimit: 1024,
    reason: "weekly",
    signal,
  });
  assert.equal(
    fake.requests.at(-1)!.headers["x-audit-log-reason"],
    "weekly",
  );
});
