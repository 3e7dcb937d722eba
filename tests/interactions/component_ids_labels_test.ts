// What Discord refuses about a modal's text input labels, numeric component
// ids and a conversion into Components v2, refused before anything is sent:
// - a text input carrying its own `label` inside a Label component (change
//   log, 2025-08-25), and one without a 1-45 character `label` in the
//   deprecated action-row layout (the modal failed when shown);
// - two components of one message or modal with the same non-zero `id`
//   ("The `id` must be unique within the message");
// - an edit turning a message with stickers or a poll into Components v2
//   (its `sticker_ids` and `poll` must be reset then, and cannot be).
import assert from "node:assert/strict";
import { stringSelect } from "../../interactions/components.ts";
import {
  label,
  modal,
  modalRow,
  textInput,
} from "../../interactions/modal_components.ts";
import { container, textDisplay } from "../../interactions/components_v2.ts";
import { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { messageData } from "../../interactions/_message_data.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import type {
  ModalComponent,
  TextInputComponent,
} from "../../types/objects/component.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

function refused(pattern: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof InteractionError && error.kind === "invalid_response" &&
    pattern.test(error.message);
}

const labelled = (text: string): TextInputComponent => ({
  ...textInput({ id: "a" }),
  label: text,
});

Deno.test("label() refuses a text input with a label of its own", () => {
  assert.throws(
    () => label("Name", labelled("Name")),
    TypeError,
    "leave it out",
  );
  // Through a literal label, modal() refuses it the same way.
  const literal: ModalComponent = {
    type: 18,
    label: "Name",
    component: labelled("Name"),
  };
  assert.throws(
    () => modal({ id: "m", title: "T", components: [literal] }),
    TypeError,
    "'label' of its own",
  );
  // Without one, and other inputs, pass.
  assert.equal(label("Name", textInput({ id: "a" })).type, 18);
  modal({
    id: "m",
    title: "T",
    components: [
      label("Name", textInput({ id: "a" })),
      label(
        "Pick",
        stringSelect({ id: "s", options: [{ label: "x", value: "x" }] }),
      ),
    ],
  });
});

Deno.test("modalRow() needs the text input's label, 1-45 characters", () => {
  assert.throws(
    () => modalRow(textInput({ id: "a" })),
    RangeError,
    'modalRow(textInput({ ... }), { label: "..." })',
  );
  assert.throws(() => modalRow(labelled("x".repeat(46))), RangeError, "'46'");
  assert.throws(() => modalRow(labelled("")), RangeError, "'0'");
  assert.throws(
    () => modalRow(textInput({ id: "a" }), { label: "x".repeat(60) }),
    RangeError,
    "1-45 characters",
  );
  // Given as an option, or set on the input already (as before).
  const row = modalRow(textInput({ id: "a" }), { label: "Your name" });
  assert.deepEqual(row, {
    type: 1,
    components: [{ type: 4, custom_id: "a", style: 1, label: "Your name" }],
  });
  // 45 code points, as Discord counts them (an emoji is one).
  assert.equal(
    modalRow(labelled("😀".repeat(45))).components[0].label?.length,
    90,
  );
  modal({ id: "m", title: "T", components: [row] });
});

Deno.test("modal() refuses a literal row whose text input has no label", () => {
  const bare: ModalComponent = {
    type: 1,
    components: [{ type: 4, custom_id: "a", style: 1 }],
  };
  assert.throws(
    () => modal({ id: "m", title: "T", components: [bare] }),
    RangeError,
    "needs a 'label' of 1-45 characters",
  );
});

Deno.test("two components of a message with one non-zero id are refused before sending", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const ctx = new InteractionContext(
    commandInteraction({ id: "1", name: "go" }),
    {
      rest,
    },
  );
  await assert.rejects(
    ctx.respond({
      components: [{ ...textDisplay("a"), id: 1 }, {
        ...textDisplay("b"),
        id: 1,
      }],
    }),
    refused(/the id 1:.*unique within the message/),
  );
  // Nested: a container's child against a top-level component.
  await assert.rejects(
    ctx.respond({
      components: [
        { ...textDisplay("a"), id: 7 },
        container([{ ...textDisplay("b"), id: 7 }]),
      ],
    }),
    refused(/the id 7/),
  );
  assert.equal(fake.requests.length, 0);
  // 0 is "treated as empty and replaced by the API": zeros may repeat.
  await ctx.respond({
    components: [
      { ...textDisplay("a"), id: 0 },
      { ...textDisplay("b"), id: 0 },
      { ...textDisplay("c"), id: 2 },
    ],
  });
  assert.equal(ctx.state, "answered");
});

Deno.test("two components of a modal with one non-zero id are refused", () => {
  const input = { ...textInput({ id: "a" }), id: 3 };
  assert.throws(
    () =>
      modal({
        id: "m",
        title: "T",
        components: [{ ...textDisplay("x"), id: 3 }, label("Name", input)],
      }),
    TypeError,
    "the id 3",
  );
  modal({
    id: "m",
    title: "T",
    components: [{ ...textDisplay("x"), id: 4 }, label("Name", input)],
  });
});

Deno.test("an edit turning a message with stickers or a poll into Components v2 is refused", () => {
  const stickers = {
    flags: 0,
    sticker_items: [{ id: "5", name: "s", format_type: 1 }],
  };
  const poll = { flags: 0, poll: { question: { text: "?" } } };
  const v2 = { components: [textDisplay("now v2")] };
  assert.throws(
    () => messageData(v2, false, stickers),
    refused(/message with stickers into a Components v2.*cannot be removed/),
  );
  assert.throws(
    () => messageData({ components: [], flags: 1 << 15 }, false, poll),
    refused(/message with a poll into a Components v2/),
  );
  // Action rows only keep it a legacy message; a V2 message stays V2.
  messageData({ content: "x" }, false, stickers);
  messageData(v2, false, { ...stickers, flags: 1 << 15 });
  // Without stickers or a poll the edit clears content and embeds.
  assert.deepEqual(messageData(v2, false, { flags: 0 }).data, {
    components: v2.components,
    flags: 1 << 15,
    content: null,
    embeds: [],
  });
});

Deno.test("update() of a clicked message with stickers into Components v2 is refused before sending", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const click = new InteractionContext(
    {
      ...commandInteraction(),
      type: 3,
      message: {
        id: "1",
        flags: 0,
        sticker_items: [{ id: "5", name: "s", format_type: 1 }],
      },
    } as never,
    { rest },
  );
  await assert.rejects(
    click.update({ components: [textDisplay("now v2")] }),
    refused(/message with stickers into a Components v2/),
  );
  assert.equal(fake.requests.length, 0, "a refused update was sent");
});
