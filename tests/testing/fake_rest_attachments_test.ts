import assert from "node:assert/strict";
import type { RestClient } from "../../rest/rest_client.ts";
import * as api from "../../rest/mod.ts";
import type { FileUpload } from "../../rest/uploads.ts";
import type { AttachmentPayload, RestMessage } from "../../rest/payloads.ts";
import type { FakeRest } from "../../testing/fake_rest.ts";
import { BASE, CHANNEL, oneChannel } from "./_one_channel.ts";

// Discord's v10 rule for editing a message's attachments (the reference's
// "Editing Message Attachments"; Edit Message, Edit Webhook Message): the
// edit's `attachments` lists every attachment the message keeps, existing
// ones by id and new uploads by their `files[n]` placeholder; whatever it
// does not list is removed. Without `attachments`, nothing is removed.

const setup = oneChannel;

function stored(fake: FakeRest, id: string): RestMessage {
  const message = fake.messages().find((m) => m.id === id);
  assert.ok(message, `message ${id} is stored`);
  return message;
}

const OLD_FILES: FileUpload[] = [
  { name: "old.txt", data: "kept" },
  { name: "gone.txt", data: "dropped" },
];
const NEW_FILES: FileUpload[] = [{ name: "new.txt", data: "added!" }];

type Edit = (
  attachments: AttachmentPayload[],
  files: FileUpload[],
) => Promise<unknown>;

/**
 * One message-edit route: post a message with files the way that route's
 * messages are made, and say how to edit it there.
 */
interface EditRoute {
  name: string;
  post: (
    fake: FakeRest,
    rest: RestClient,
    files: FileUpload[],
  ) => Promise<{ id: string; edit: Edit }>;
}

const ROUTES: EditRoute[] = [
  {
    name: "PATCH /channels/{id}/messages/{id}",
    post: async (_fake, rest, files) => {
      const { id } = await rest.createMessage(CHANNEL, { content: "v1" }, {
        files,
      });
      return {
        id,
        edit: (attachments, files) =>
          rest.editMessage(CHANNEL, id, { content: "v2", attachments }, {
            files,
          }),
      };
    },
  },
  {
    name: "PATCH /webhooks/{application}/{token}/messages/@original",
    post: async (fake, rest, files) => {
      const app = fake.applicationId;
      fake.addInteraction({ id: "11", token: "orig", channelId: CHANNEL });
      await rest.createInteractionResponse("11", "orig", {
        type: 4,
        data: { content: "v1" },
      }, { files });
      const { id } = await rest.getOriginalInteractionResponse(app, "orig");
      return {
        id,
        edit: (attachments, files) =>
          rest.editOriginalInteractionResponse(app, "orig", {
            content: "v2",
            attachments,
          }, { files }),
      };
    },
  },
  {
    name: "PATCH /webhooks/{application}/{token}/messages/{id} (a follow-up)",
    post: async (fake, rest, files) => {
      const app = fake.applicationId;
      fake.addInteraction({ id: "12", token: "follow", channelId: CHANNEL });
      await rest.createInteractionResponse("12", "follow", { type: 5 });
      const { id } = await rest.createFollowupMessage(app, "follow", {
        content: "v1",
      }, { files });
      return {
        id,
        edit: (attachments, files) =>
          rest.editFollowupMessage(app, "follow", id, {
            content: "v2",
            attachments,
          }, { files }),
      };
    },
  },
  {
    name: "PATCH /webhooks/{id}/{token}/messages/{id} (a channel webhook)",
    post: async (_fake, rest, files) => {
      const hook = await api.createWebhook(rest, CHANNEL, { name: "Hook" });
      const token = hook.token!;
      const { id } = await api.executeWebhook(rest, hook.id, token, {
        content: "v1",
      }, { wait: true, files });
      return {
        id,
        edit: (attachments, files) =>
          api.editWebhookMessage(
            rest,
            hook.id,
            token,
            id,
            {
              content: "v2",
              attachments,
            },
            {},
            { files },
          ),
      };
    },
  },
  {
    name: "POST /interactions/{id}/{token}/callback, type 7 UPDATE_MESSAGE",
    post: async (fake, rest, files) => {
      const { id } = await rest.createMessage(CHANNEL, { content: "v1" }, {
        files,
      });
      fake.addInteraction({
        id: "13",
        token: "update",
        channelId: CHANNEL,
        messageId: id,
      });
      return {
        id,
        edit: (attachments, files) =>
          rest.createInteractionResponse("13", "update", {
            type: 7,
            data: { content: "v2", attachments },
          }, { files }),
      };
    },
  },
];

Deno.test("FakeRest keeps only the attachments an edit lists, on every message-edit route, end to end through RestClient", async (t) => {
  for (const route of ROUTES) {
    await t.step(route.name, async () => {
      const { fake, rest } = setup();
      const { id, edit } = await route.post(fake, rest, OLD_FILES);
      const before = stored(fake, id).attachments;
      assert.deepEqual(before.map((a) => a.filename), ["old.txt", "gone.txt"]);
      const kept = before[0]!;

      await edit([{ id: kept.id, description: "the old one" }], NEW_FILES);
      const after = stored(fake, id);
      assert.equal(after.content, "v2");
      assert.deepEqual(
        after.attachments.map((a) => [a.filename, a.size, a.description]),
        [["old.txt", 4, "the old one"], ["new.txt", 6, undefined]],
        "the listed old file stays (alt text updated), the new one is added, the unlisted one is gone",
      );
      assert.equal(
        after.attachments[0]!.id,
        kept.id,
        "a kept file keeps its id",
      );
      assert.equal(after.attachments[0]!.url, kept.url);
      assert.notEqual(after.attachments[1]!.id, kept.id);
    });
  }
});

/** A PATCH sent as Discord receives it: JSON, or multipart with files. */
async function patch(
  fake: FakeRest,
  path: string,
  body: unknown,
  files: Record<string, string> = {},
): Promise<RestMessage> {
  const headers: Record<string, string> = {
    Authorization: "Bot fake-bot-token",
  };
  let payload: BodyInit;
  if (Object.keys(files).length === 0) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  } else {
    const form = new FormData();
    form.append("payload_json", JSON.stringify(body));
    for (const [field, name] of Object.entries(files)) {
      form.append(field, new Blob([name]), name);
    }
    payload = form;
  }
  const response = await fake.fetch(`${BASE}${path}`, {
    method: "PATCH",
    headers,
    body: payload,
  });
  assert.equal(response.status, 200);
  return await response.json();
}

Deno.test("FakeRest's edit attachments: omitted keeps (files appended), [] and null clear, unlisted uploads and unknown ids add nothing, is_spoiler flags", async (t) => {
  const { fake, rest } = setup();
  const post = async (): Promise<[string, string, string]> => {
    const message = await rest.createMessage(CHANNEL, { content: "v1" }, {
      files: [{ name: "a.txt", data: "a" }, { name: "b.txt", data: "b" }],
    });
    const [a, b] = message.attachments;
    return [message.id, a!.id, b!.id];
  };
  const names = (message: RestMessage): string[] =>
    message.attachments.map((a) => a.filename);

  await t.step("an edit without `attachments` keeps them all", async () => {
    const [id] = await post();
    const path = `/channels/${CHANNEL}/messages/${id}`;
    const edited = await patch(fake, path, { content: "v2" });
    assert.deepEqual(names(edited), ["a.txt", "b.txt"]);
    // Files without `attachments` are appended (Edit Message: "Any
    // provided files will be appended to the message").
    const appended = await patch(fake, path, { content: "v3" }, {
      "files[0]": "c.txt",
    });
    assert.deepEqual(names(appended), ["a.txt", "b.txt", "c.txt"]);
    assert.deepEqual(names(stored(fake, id)), ["a.txt", "b.txt", "c.txt"]);
  });

  await t.step("`attachments: []` and `null` remove them all", async () => {
    for (const attachments of [[], null]) {
      const [id] = await post();
      const edited = await patch(fake, `/channels/${CHANNEL}/messages/${id}`, {
        attachments,
      });
      assert.deepEqual(edited.attachments, [], JSON.stringify(attachments));
      assert.deepEqual(stored(fake, id).attachments, []);
    }
  });

  await t.step(
    "only listed uploads are added; unknown ids add nothing",
    async () => {
      const [id, a] = await post();
      const edited = await patch(fake, `/channels/${CHANNEL}/messages/${id}`, {
        attachments: [{ id: a }, { id: 1, filename: "renamed.txt" }, {
          id: "999999999999999999",
        }],
      }, { "files[0]": "unlisted.txt", "files[1]": "listed.txt" });
      assert.deepEqual(names(edited), ["a.txt", "renamed.txt"]);
      assert.equal(edited.attachments[0]!.id, a);
    },
  );

  await t.step("is_spoiler sets and clears the IS_SPOILER flag", async () => {
    const [id, a, b] = await post();
    const path = `/channels/${CHANNEL}/messages/${id}`;
    const spoiled = await patch(fake, path, {
      attachments: [{ id: a, is_spoiler: true }, { id: b }],
    });
    assert.deepEqual(spoiled.attachments.map((x) => x.flags), [8, undefined]);
    const cleared = await patch(fake, path, {
      attachments: [{ id: a, is_spoiler: false }],
    });
    assert.deepEqual(cleared.attachments.map((x) => x.flags), [0]);
  });
});
