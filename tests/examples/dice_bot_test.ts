import assert from "node:assert/strict";
import { diceRouter, roll, runDiceBot } from "../../examples/dice_bot.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { syncCommands } from "../../interactions/sync.ts";

/** A random source that yields the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

Deno.test("dice bot: command → buttons that update → modal → attachment, end to end", async () => {
  await using discord = await FakeDiscord.start();
  // 0.5 * 20 → 11, 0.05 * 20 → 2; then 0.95 → 20, 0 → 1
  const { client } = await runDiceBot({
    token: discord.token,
    ...discord.clientOptions,
    random: sequence(0.5, 0.05, 0.95, 0),
  });
  try {
    const stored = discord.rest.commands();
    assert.deepEqual(stored.map((c) => c.name), ["roll"]);

    const rolled = await discord.runCommand(roll, {
      sides: 20,
      count: 2,
      note: "attack",
    });
    assert.equal(rolled.body.type, 4);
    assert.equal(rolled.body.data?.content, "🎲 2d20 for attack: 11 + 2 = 13");
    const [message] = discord.rest.messages(discord.channelId);
    assert.deepEqual(
      (message!.components as { components: { custom_id: string }[] }[])[0]!
        .components.map((c) => c.custom_id),
      ["reroll:20:2", "note:13"],
    );

    const again = await discord.click(message!, "reroll:20:2");
    assert.equal(again.body.type, 7);
    const [updated] = discord.rest.messages(discord.channelId);
    assert.equal(updated!.id, message!.id);
    assert.equal(updated!.content, "🎲 2d20: 20 + 1 = 21");

    const shown = await discord.click(updated!, "note:21");
    assert.equal(shown.body.type, 9);
    const noted = await discord.submitModal(shown, { note: "nat 20!" });
    assert.equal(noted.body.data?.content, "📝 Noted roll 21");
    const reply = discord.rest.messages(discord.channelId).at(-1)!;
    const attachments = reply.attachments as {
      filename: string;
      size: number;
    }[];
    assert.deepEqual(attachments.map((a) => a.filename), ["note.txt"]);
    const upload = discord.rest.requests.find((r) => r.files?.length)!;
    assert.equal(
      new TextDecoder().decode(upload.files![0]!.data),
      "total: 21\nnote: nat 20!\n",
    );
    assert.equal(attachments[0]!.size, upload.files![0]!.data.byteLength);

    const choices = await discord.autocomplete(roll, "note", "s");
    assert.deepEqual(choices.map((c) => c.value), [
      "saving throw",
      "stealth",
    ]);
  } finally {
    await client.stop();
  }
});

Deno.test("dice bot: syncing the same commands again writes nothing", async () => {
  await using discord = await FakeDiscord.start();
  const { client, router } = await runDiceBot({
    token: discord.token,
    ...discord.clientOptions,
  });
  try {
    const again = await syncCommands(client.rest, router.commands);
    assert.equal(again.changed, false);
    assert.equal(
      discord.rest.requests.filter((r) => r.method === "PUT").length,
      1,
    );
  } finally {
    await client.stop();
  }
});

Deno.test("dice bot: a modal without the required note cannot be submitted", async () => {
  await using discord = await FakeDiscord.start();
  const { client } = await runDiceBot({
    token: discord.token,
    ...discord.clientOptions,
  });
  try {
    await discord.runCommand(roll, { sides: 6 });
    const [message] = discord.rest.messages(discord.channelId);
    const noteId = (message!.components as {
      components: { custom_id: string }[];
    }[])[0]!.components[1]!.custom_id;
    const shown = await discord.click(message!, noteId);
    await assert.rejects(
      () => discord.submitModal(shown, {}),
      /Modal input 'note' is required/,
    );
    await assert.rejects(
      () => discord.runCommand(roll, { sides: 101 }),
      /Option 'sides' is out of range: 101/,
    );
    await assert.rejects(
      // @ts-expect-error: sides is required
      () => discord.runCommand(roll, { count: 2 }),
      /Option 'sides' is required/,
    );
    await assert.rejects(
      () => discord.click(message!, "reroll:99:1"),
      /has no component with custom id 'reroll:99:1'/,
    );
  } finally {
    await client.stop();
  }
});

Deno.test("diceRouter's commands are what the bot syncs", () => {
  assert.deepEqual(diceRouter().commands, [roll]);
});
