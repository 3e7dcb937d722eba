// FakeDiscord's simulated user uploads into a modal's file upload only what
// Discord's client lets them pick (components/reference.mdx, "File Upload";
// reference.mdx, "File Type Filtering"): a file of an extension its
// `file_types` allows, no larger than the interaction's
// `attachment_size_limit`; the uploads' URLs name the interaction's channel.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import {
  command,
  fileUpload,
  InteractionRouter,
  label,
  modal,
  type ModalInteraction,
  syncCommands,
} from "../../interactions/mod.ts";
import { FakeDiscord } from "../../testing/mod.ts";

const show = command({ name: "show", description: "show" });

Deno.test("FakeDiscord.submitModal refuses a file outside the upload's file types or above the size limit", async () => {
  const seen: ModalInteraction[] = [];
  const router = new InteractionRouter()
    .command(show, (_, ctx) =>
      ctx.showModal(modal({
        id: "f",
        title: "F",
        components: [
          label(
            "Files",
            fileUpload({
              id: "up",
              fileTypes: ["image", ".PDF"],
              max: 2,
            }),
          ),
        ],
      })))
    .modal("f", (interaction, ctx) => {
      seen.push(interaction);
      return ctx.respond("ok");
    });
  const discord = await FakeDiscord.start();
  const client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  router.attach(client);
  await client.start();
  try {
    await syncCommands(client.rest, router.commands);
    const shown = await discord.runCommand(show, {});
    await assert.rejects(
      () => discord.submitModal(shown, { up: [{ filename: "notes.txt" }] }),
      /Modal input 'up' takes files of types image, \.PDF only: 'notes\.txt'/,
    );
    await assert.rejects(
      () => discord.submitModal(shown, { up: [{ filename: "noextension" }] }),
      /'up' takes files of types/,
    );
    await assert.rejects(
      () =>
        discord.submitModal(shown, {
          up: [{ filename: "huge.png", size: 2 ** 30 }],
        }),
      /'up' takes files up to the upload limit, 10485760 bytes: 'huge\.png'/,
    );
    // A group's extension (any case) and a listed one pass, at the limit.
    await discord.submitModal(shown, {
      up: [{ filename: "SHOT.JPG", size: 10_485_760 }, {
        filename: "report.pdf",
      }],
    });
    const attachments = Object.values(seen[0]!.resolved?.attachments ?? {});
    assert.equal(attachments.length, 2);
    for (const attachment of attachments) {
      assert.match(
        attachment.url,
        new RegExp(`/attachments/${discord.channelId}/${attachment.id}/`),
      );
    }
  } finally {
    await client.stop();
    await discord.close();
  }
});
