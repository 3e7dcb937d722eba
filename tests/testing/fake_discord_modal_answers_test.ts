/**
 * FakeDiscord's simulated user answers only as Discord's client lets one:
 * a modal's required fields (every kind, not text inputs alone), values
 * among a field's options, counts within min/max, text within its
 * lengths; a channel select's channel of a listed type. Mistakes in a
 * test are thrown, as a missing required text input is.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import {
  channelSelect,
  checkboxGroup,
  command,
  fileUpload,
  InteractionRouter,
  label,
  modal,
  radioGroup,
  row,
  stringSelect,
  syncCommands,
  textInput,
  userSelect,
} from "../../interactions/mod.ts";
import type { ModalInteraction } from "../../interactions/mod.ts";
import { FakeDiscord, type FakeModalValues } from "../../testing/mod.ts";

const VOICE = "1300000000000000999";
const form = command({ name: "form", description: "form" });
const form2 = command({ name: "form2", description: "form2" });
const pick = command({ name: "pick", description: "pick" });
const shownForm = command({ name: "shown", description: "shown" });

async function start(
  seen: ModalInteraction[],
): Promise<{ discord: FakeDiscord; client: Client }> {
  const router = new InteractionRouter()
    .command(form, (_, ctx) =>
      ctx.showModal(modal({
        id: "f",
        title: "F",
        components: [
          label("Who", userSelect({ id: "who" })),
          label(
            "Pick",
            stringSelect({
              id: "s",
              options: [{ label: "a", value: "a" }, { label: "b", value: "b" }],
            }),
          ),
          label("File", fileUpload({ id: "up" })),
          label(
            "Radio",
            radioGroup({
              id: "r",
              options: [{ label: "a", value: "a" }, { label: "b", value: "b" }],
            }),
          ),
          label(
            "Boxes",
            checkboxGroup({
              id: "g",
              max: 2,
              options: [{ label: "a", value: "a" }, { label: "b", value: "b" }],
            }),
          ),
        ],
      })))
    .command(form2, (_, ctx) =>
      ctx.showModal(modal({
        id: "f2",
        title: "F2",
        components: [
          label("Text", textInput({ id: "t", minLength: 3, maxLength: 5 })),
          label("Note", textInput({ id: "n", minLength: 3, required: false })),
          label("Room", channelSelect({ id: "ch", channelTypes: [2] })),
        ],
      })))
    .command(shownForm, (i, ctx) =>
      ctx.showModal(modal({
        id: "f3",
        title: "F3",
        components: [
          label("Text", textInput({ id: "t", value: "prefilled" })),
          label(
            "Who",
            userSelect({
              id: "who",
              defaults: [{ id: i.user!.id, type: "user" }],
            }),
          ),
          label(
            "Pick",
            stringSelect({
              id: "s",
              options: [
                { label: "a", value: "a" },
                { label: "b", value: "b", default: true },
              ],
            }),
          ),
          label(
            "Radio",
            radioGroup({
              id: "r",
              options: [
                { label: "a", value: "a", default: true },
                { label: "b", value: "b" },
              ],
            }),
          ),
        ],
      })))
    .command(pick, (_, ctx) =>
      ctx.respond({
        content: "pick a voice channel",
        components: [row(channelSelect({ id: "vc", channelTypes: [2] }))],
      }))
    .select("vc", (_, ctx) => ctx.deferUpdate())
    .modal("f", (i, ctx) => {
      seen.push(i);
      return ctx.respond("ok");
    })
    .modal("f3", (i, ctx) => {
      seen.push(i);
      return ctx.respond("ok");
    })
    .modal("f2", (i, ctx) => {
      seen.push(i);
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
  await syncCommands(client.rest, router.commands);
  discord.rest.resources.addChannel({
    id: VOICE,
    type: 2,
    guild_id: discord.guildId,
  });
  return { discord, client };
}

Deno.test("FakeDiscord.submitModal enforces required, options, counts and lengths of every field kind, and resolves picked users and channels", async () => {
  const seen: ModalInteraction[] = [];
  const { discord, client } = await start(seen);
  try {
    const shown = await discord.runCommand(form, {});
    const good: FakeModalValues = {
      who: [discord.user.id],
      s: ["a"],
      up: [{ filename: "a.png" }],
      r: "a",
      g: ["a", "b"],
    };
    const refusals: [FakeModalValues, RegExp][] = [
      [{ ...good, who: [] }, /Modal input 'who' is required/],
      [{ ...good, s: undefined as never }, /Modal input 's' is required/],
      [{ ...good, s: ["zzz"] }, /Modal input 's' has no option 'zzz'/],
      [{ ...good, s: ["a", "b"] }, /Modal input 's' takes 1-1 values: got 2/],
      [{ ...good, up: [] }, /Modal input 'up' is required/],
      [{ ...good, r: undefined as never }, /Modal input 'r' is required/],
      [{ ...good, r: "nope" }, /Modal input 'r' has no option 'nope'/],
      [{ ...good, g: [] }, /Modal input 'g' is required/],
      [{ ...good, g: ["a", "x"] }, /Modal input 'g' has no option 'x'/],
    ];
    for (const [values, message] of refusals) {
      await assert.rejects(() => discord.submitModal(shown, values), message);
    }
    const answer = await discord.submitModal(shown, good);
    assert.equal(answer.body.type, 4);
    // Discord resolves the users a modal's user select picked.
    assert.equal(
      seen[0]!.resolved?.users?.[discord.user.id]?.id,
      discord.user.id,
    );

    const shown2 = await discord.runCommand(form2, {});
    const good2: FakeModalValues = { t: "abcd", ch: [VOICE] };
    for (
      const [values, message] of [
        [{ ...good2, t: "ab" }, /Modal input 't' takes 3-5 characters: got 2/],
        [{ ...good2, t: "abcdef" }, /'t' takes 3-5 characters: got 6/],
        [{ ...good2, n: "ab" }, /Modal input 'n' takes 3-4000 characters/],
        [
          { ...good2, ch: [discord.channelId] },
          /'ch' lists channel types 2 only: channel \d+ is of type 0/,
        ],
      ] as [FakeModalValues, RegExp][]
    ) {
      await assert.rejects(() => discord.submitModal(shown2, values), message);
    }
    // An optional text input left empty skips its minimum length.
    await discord.submitModal(shown2, good2);
    assert.equal(seen[1]!.resolved?.channels?.[VOICE]?.type, 2);
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("FakeDiscord.select refuses a channel of a type the channel select does not list", async () => {
  const { discord, client } = await start([]);
  try {
    await discord.runCommand(pick, {});
    const [message] = discord.rest.messages(discord.channelId);
    await assert.rejects(
      () => discord.select(message!, "vc", [discord.channelId]),
      /'vc' lists channel types 2 only: channel \d+ is of type 0/,
    );
    const answer = await discord.select(message!, "vc", [VOICE]);
    assert.equal(answer.body.type, 6);
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("FakeDiscord.submitModal sends what the modal showed for fields a test leaves out: a prefilled text, a select's defaults, options marked default", async () => {
  const seen: ModalInteraction[] = [];
  const { discord, client } = await start(seen);
  try {
    const shown = await discord.runCommand(shownForm, {});
    await discord.submitModal(shown, {});
    const { fields } = seen[0]!;
    assert.equal(fields.text("t"), "prefilled");
    assert.deepEqual(fields.values("who"), [discord.user.id]);
    assert.deepEqual(fields.values("s"), ["b"]);
    assert.equal(fields.text("r") ?? fields.get("r")?.value, "a");
  } finally {
    await client.stop();
    await discord.close();
  }
});
