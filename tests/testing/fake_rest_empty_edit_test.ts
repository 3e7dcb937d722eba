/**
 * An edit that would leave a message with nothing to show is refused by the
 * fake as Discord refuses it: 400, 50006 "Cannot send an empty message"
 * (the answer to an empty new message; discord.py #8344 and discord.js
 * users' `InteractionWebhook.editMessage` meet it on an edit too). The
 * message is judged as the edit leaves it, so an edit that empties the
 * content but keeps an embed, a file or components is accepted, and so is
 * one that only changes flags. Every message-edit route of `FakeRest`, end
 * to end through `RestClient`.
 */
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import * as api from "../../rest/mod.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import type { RestMessage } from "../../rest/payloads.ts";
import type { FileUpload } from "../../rest/uploads.ts";
import type { FakeRest } from "../../testing/fake_rest.ts";
import { CHANNEL, oneChannel } from "./_one_channel.ts";

const V2 = 1 << 15;
const SUPPRESS_EMBEDS = 1 << 2;

type Edit = (
  body: Record<string, unknown>,
  files?: FileUpload[],
) => Promise<unknown>;

/** One message-edit route: post a message there and say how to edit it. */
interface EditRoute {
  name: string;
  post: (
    fake: FakeRest,
    rest: RestClient,
    body: Record<string, unknown>,
    files?: FileUpload[],
  ) => Promise<{ id: string; edit: Edit }>;
}

let interactions = 0;

const ROUTES: EditRoute[] = [
  {
    name: "PATCH /channels/{id}/messages/{id}",
    post: async (_fake, rest, body, files = []) => {
      const { id } = await rest.createMessage<RestMessage>(CHANNEL, body, {
        files,
      });
      return {
        id,
        edit: (edit, files = []) =>
          rest.editMessage(CHANNEL, id, edit, { files }),
      };
    },
  },
  {
    name: "PATCH /webhooks/{application}/{token}/messages/@original",
    post: async (fake, rest, body, files = []) => {
      const app = fake.applicationId;
      const token = `orig${++interactions}`;
      fake.addInteraction({ id: `${interactions}`, token, channelId: CHANNEL });
      await rest.createInteractionResponse(`${interactions}`, token, {
        type: 4,
        data: body,
      }, { files });
      const { id } = await rest.getOriginalInteractionResponse(app, token);
      return {
        id,
        edit: (edit, files = []) =>
          rest.editOriginalInteractionResponse(app, token, edit, { files }),
      };
    },
  },
  {
    name: "PATCH /webhooks/{application}/{token}/messages/{id} (a follow-up)",
    post: async (fake, rest, body, files = []) => {
      const app = fake.applicationId;
      const token = `follow${++interactions}`;
      fake.addInteraction({ id: `${interactions}`, token, channelId: CHANNEL });
      await rest.createInteractionResponse(`${interactions}`, token, {
        type: 5,
      });
      const { id } = await rest.createFollowupMessage(app, token, body, {
        files,
      });
      return {
        id,
        edit: (edit, files = []) =>
          rest.editFollowupMessage(app, token, id, edit, { files }),
      };
    },
  },
  {
    name: "PATCH /webhooks/{id}/{token}/messages/{id} (a channel webhook)",
    post: async (_fake, rest, body, files = []) => {
      const hook = await api.createWebhook(rest, CHANNEL, { name: "Hook" });
      const token = hook.token!;
      const { id } = await api.executeWebhook(rest, hook.id, token, body, {
        wait: true,
        files,
      });
      return {
        id,
        edit: (edit, files = []) =>
          api.editWebhookMessage(rest, hook.id, token, id, edit, {}, {
            files,
          }),
      };
    },
  },
  {
    name: "POST /interactions/{id}/{token}/callback, type 7 UPDATE_MESSAGE",
    post: async (fake, rest, body, files = []) => {
      const { id } = await rest.createMessage<RestMessage>(CHANNEL, body, {
        files,
      });
      // A component interaction answers once: each edit gets its own.
      const edit: Edit = async (data, files = []) => {
        const token = `update${++interactions}`;
        fake.addInteraction({
          id: `${interactions}`,
          token,
          channelId: CHANNEL,
          messageId: id,
        });
        return await rest.createInteractionResponse(`${interactions}`, token, {
          type: 7,
          data,
        }, { files });
      };
      return { id, edit };
    },
  },
];

function stored(fake: FakeRest, id: string): RestMessage {
  const message = fake.messages().find((m) => m.id === id);
  assert.ok(message, `message ${id} is stored`);
  return message;
}

async function refusedAsEmpty(edit: Promise<unknown>): Promise<void> {
  await assert.rejects(edit, (error: unknown) => {
    assert.ok(error instanceof DiscordApiError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.code, 50006);
    assert.equal(error.apiMessage, "Cannot send an empty message");
    return true;
  });
}

Deno.test("FakeRest refuses an edit that leaves nothing to show, with 50006, on every message-edit route", async (t) => {
  for (const route of ROUTES) {
    await t.step(route.name, async () => {
      const { fake, rest } = oneChannel();
      const { id, edit } = await route.post(fake, rest, { content: "hello" });
      await refusedAsEmpty(edit({ content: "" }));
      assert.equal(stored(fake, id).content, "hello", "the message is kept");

      const embedded = await route.post(fake, rest, {
        content: "text",
        embeds: [{ title: "card" }],
      });
      await refusedAsEmpty(embedded.edit({ content: null, embeds: [] }));

      const withFile = await route.post(fake, rest, { content: "file" }, [
        { name: "a.txt", data: "a" },
      ]);
      await refusedAsEmpty(
        withFile.edit({ content: "", attachments: [] }),
      );
    });
  }
});

Deno.test("FakeRest accepts an edit that empties the content but leaves something to show", async (t) => {
  for (const route of ROUTES) {
    await t.step(route.name, async () => {
      const { fake, rest } = oneChannel();
      const embedded = await route.post(fake, rest, {
        content: "text",
        embeds: [{ title: "card" }],
      });
      await embedded.edit({ content: "" });
      const kept = stored(fake, embedded.id);
      assert.equal(kept.content, "");
      assert.deepEqual(kept.embeds.map((e) => e.title), ["card"]);

      const replaced = await route.post(fake, rest, { content: "text" });
      await replaced.edit({ content: "", embeds: [{ title: "new" }] });
      assert.equal(stored(fake, replaced.id).embeds[0]!.title, "new");

      const withFile = await route.post(fake, rest, { content: "file" }, [
        { name: "a.txt", data: "a" },
      ]);
      await withFile.edit({ content: "" });
      assert.equal(stored(fake, withFile.id).attachments.length, 1);

      const newFile = await route.post(fake, rest, { content: "text" });
      await newFile.edit({ content: "" }, [{ name: "b.txt", data: "b" }]);
      assert.equal(stored(fake, newFile.id).attachments.length, 1);

      const flagsOnly = await route.post(fake, rest, { content: "text" });
      await flagsOnly.edit({ flags: SUPPRESS_EMBEDS });
      await flagsOnly.edit({ allowed_mentions: { parse: [] } });
      assert.equal(stored(fake, flagsOnly.id).content, "text");
    });
  }
});

Deno.test("FakeRest judges a Components V2 message by its components", async (t) => {
  const text = (content: string) => ({ type: 10, content });
  for (const route of ROUTES) {
    await t.step(route.name, async () => {
      const { fake, rest } = oneChannel();
      const { id, edit } = await route.post(fake, rest, {
        flags: V2,
        components: [text("hello")],
      });
      await edit({ components: [text("edited")] });
      await edit({ flags: V2 });
      await refusedAsEmpty(edit({ components: [] }));
      assert.equal(stored(fake, id).components?.length, 1);
    });
  }
});
