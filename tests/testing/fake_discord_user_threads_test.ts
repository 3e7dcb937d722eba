// Where FakeDiscord's simulated user may act, as on Discord: not in a
// deleted channel or thread (refused with an Error naming it, never
// recreated), not with a message in a locked thread nor an edit in an
// archived one; a message sent in an archived thread unarchives it.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import {
  button,
  command,
  InteractionRouter,
  row,
  syncCommands,
} from "../../interactions/mod.ts";
import {
  type ComponentPayload,
  deleteChannel,
  getChannel,
  modifyChannel,
  startThreadWithoutMessage,
} from "../../rest/mod.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { FakeDiscord } from "../../testing/mod.ts";

const ping = command({ name: "ping", description: "ping" });

async function start(): Promise<{ discord: FakeDiscord; client: Client }> {
  const router = new InteractionRouter()
    .command(ping, (_, ctx) => ctx.respond("pong"))
    .button("b", (_, ctx) => ctx.respond({ content: "clicked" }));
  const discord = await FakeDiscord.start();
  const client = new Client({
    token: discord.token,
    intents: 1 | 512,
    ...discord.clientOptions,
  });
  router.attach(client);
  await client.start();
  await syncCommands(client.rest, router.commands);
  return { discord, client };
}

Deno.test("FakeDiscord: a deleted thread keeps no messages, and a user's action in it is refused, not recreating it", async () => {
  const { discord, client } = await start();
  try {
    const thread = await startThreadWithoutMessage(
      client.rest,
      discord.channelId,
      { name: "t", type: 12 },
    );
    const message = await client.rest.createMessage(thread.id, {
      components: [
        row(button({ id: "b", label: "B" })) as unknown as ComponentPayload,
      ],
    });
    await deleteChannel(client.rest, thread.id);
    await discord.delivered();
    await client.idle();
    assert.deepEqual(discord.rest.messages(thread.id), []);
    const deleted = new RegExp(`Channel ${thread.id} was deleted`);
    await assert.rejects(() => discord.click(message, "b"), deleted);
    assert.throws(
      () => discord.postMessage("hi", { channelId: thread.id }),
      deleted,
    );
    await assert.rejects(
      () => discord.runCommand(ping, {}, { channelId: thread.id }),
      deleted,
    );
    // Still gone: no CHANNEL_CREATE brought the id back.
    await assert.rejects(
      () => getChannel(client.rest, thread.id),
      (e) => e instanceof DiscordApiError && e.code === 10003,
    );
    assert.equal(discord.rest.resources.channel(thread.id), undefined);
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("FakeDiscord: a user's message unarchives an archived thread; a locked one refuses it, an archived one refuses edits", async () => {
  const { discord, client } = await start();
  try {
    const open = await startThreadWithoutMessage(
      client.rest,
      discord.channelId,
      { name: "open", type: 11 },
    );
    const posted = discord.postMessage("first", { channelId: open.id });
    await modifyChannel(client.rest, open.id, { archived: true });
    assert.throws(
      () => discord.editMessage(posted, "edited"),
      new RegExp(`Thread ${open.id} is archived`),
    );
    discord.postMessage("wake", { channelId: open.id });
    assert.deepEqual(discord.rest.resources.threadState(open.id), {
      archived: false,
      locked: false,
    });

    const locked = await startThreadWithoutMessage(
      client.rest,
      discord.channelId,
      { name: "locked", type: 11 },
    );
    await modifyChannel(client.rest, locked.id, {
      archived: true,
      locked: true,
    });
    assert.throws(
      () => discord.postMessage("let me in", { channelId: locked.id }),
      new RegExp(`Thread ${locked.id} is locked`),
    );
    assert.equal(discord.rest.messages(locked.id).length, 0);
    assert.equal(discord.rest.resources.threadState(locked.id)?.archived, true);
    await discord.delivered();
    await client.idle();
  } finally {
    await client.stop();
    await discord.close();
  }
});
