// ctx.showModal checks each child of a literal modal as its builder would:
// it used to re-run modal() only, so a label over 45 characters, an input
// custom id over 100, a text input's max_length over 4000, a string select
// with no options or a file upload with max_values over 10 (Discord: "max
// 10") went out, and Discord refused the modal ("This interaction failed").
import assert from "node:assert/strict";
import { stringSelect, userSelect } from "../../interactions/components.ts";
import {
  checkbox,
  checkboxGroup,
  fileUpload,
  label,
  type Modal,
  modalRow,
  radioGroup,
  textInput,
} from "../../interactions/modal_components.ts";
import { textDisplay } from "../../interactions/components_v2.ts";
import { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import type { InteractionResponseBody } from "../../rest/payloads.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

/** A modal of one component, written as a literal (casts as plain JS would). */
function literal(component: unknown): Modal {
  return {
    custom_id: "m",
    title: "T",
    components: [component as Modal["components"][0]],
  };
}

const textIn = { type: 4, custom_id: "a", style: 1 };

/** Literal children the builders refuse, and what the refusal says. */
const REFUSED: [string, unknown, RegExp][] = [
  [
    "a label of 60 characters",
    { type: 18, label: "x".repeat(60), component: textIn },
    /'label' must be at most 45 characters: current length '60'/,
  ],
  [
    "an empty label",
    { type: 18, label: "", component: textIn },
    /label as it is empty/,
  ],
  [
    "a label description of 101 characters",
    { type: 18, label: "L", description: "d".repeat(101), component: textIn },
    /'description' must be at most 100 characters: current length '101'/,
  ],
  [
    "an input custom id of 150 characters",
    {
      type: 18,
      label: "L",
      component: { ...textIn, custom_id: "c".repeat(150) },
    },
    /custom id .*1-100 characters: current length '150'/,
  ],
  [
    "a text input max_length of 5000",
    { type: 18, label: "L", component: { ...textIn, max_length: 5000 } },
    /'maxLength' must be an integer in 1..4000: current value '5000'/,
  ],
  [
    "a row's text input with min_length above max_length",
    {
      type: 1,
      components: [{ ...textIn, label: "L", min_length: 9, max_length: 2 }],
    },
    /'minLength' is above 'maxLength'/,
  ],
  [
    "a string select with no options",
    {
      type: 18,
      label: "L",
      component: { type: 3, custom_id: "s", options: [] },
    },
    /'options' must hold 1-25 items: current count '0'/,
  ],
  [
    "a user select with max_values 30",
    {
      type: 18,
      label: "L",
      component: { type: 5, custom_id: "u", max_values: 30 },
    },
    /'max' must be an integer in 1..25: current value '30'/,
  ],
  [
    "a file upload with max_values 20",
    {
      type: 18,
      label: "L",
      component: { type: 19, custom_id: "f", max_values: 20 },
    },
    /'max' must be an integer in 1..10: current value '20'/,
  ],
  [
    "a file upload with a bad file type",
    {
      type: 18,
      label: "L",
      component: { type: 19, custom_id: "f", file_types: ["png"] },
    },
    /'fileTypes' entries must be/,
  ],
  [
    "a radio group of one option",
    {
      type: 18,
      label: "L",
      component: {
        type: 21,
        custom_id: "r",
        options: [{ label: "a", value: "a" }],
      },
    },
    /'options' must hold 2-10 items: current count '1'/,
  ],
  [
    "a checkbox group of 11 options",
    {
      type: 18,
      label: "L",
      component: {
        type: 22,
        custom_id: "g",
        options: Array.from({ length: 11 }, (_, i) => ({
          label: `${i}`,
          value: `${i}`,
        })),
      },
    },
    /'options' must hold 1-10 items: current count '11'/,
  ],
  [
    "a checkbox with an empty custom id",
    { type: 18, label: "L", component: { type: 23, custom_id: "" } },
    /custom id .*1-100 characters: current length '0'/,
  ],
];

/** A context for a slash command whose initial responses land in `sent`. */
function contextOf(
  id: string,
  sent: InteractionResponseBody[],
): InteractionContext {
  return new InteractionContext(commandInteraction({ id }), {
    rest: new RestClient({
      token: "t",
      fetch: new FakeRest({ token: "t" }).fetch,
    }),
    respond: (body) => {
      sent.push(body);
      return Promise.resolve();
    },
  });
}

Deno.test("showModal refuses a literal modal whose child its builder refuses, sending nothing", async () => {
  let id = 3400;
  for (const [what, component, pattern] of REFUSED) {
    const sent: InteractionResponseBody[] = [];
    const ctx = contextOf(String(id++), sent);
    await assert.rejects(
      ctx.showModal(literal(component)),
      (error: unknown) =>
        error instanceof InteractionError &&
        error.kind === "invalid_response" &&
        /Cannot show modal/.test(error.message) &&
        pattern.test(error.message),
      what,
    );
    assert.equal(sent.length, 0, `a modal with ${what} was sent`);
    assert.equal(ctx.state, "pending");
  }
});

Deno.test("showModal sends literal copies of every builder's modal children unchanged", async () => {
  const options = [{ label: "a", value: "a" }, { label: "b", value: "b" }];
  const children: Modal["components"][0][][] = [
    [
      label("Text", textInput({ id: "t", maxLength: 4000, minLength: 1 }), {
        description: "d".repeat(100),
      }),
      modalRow(textInput({ id: "row", style: "paragraph" }), { label: "Row" }),
      label(
        "Pick",
        stringSelect({ id: "s", options, min: 0, max: 2, required: false }),
      ),
      label(
        "Who",
        userSelect({
          id: "u",
          max: 2,
          defaults: [{ id: "1", type: "user" }],
        }),
      ),
      textDisplay("Read me"),
    ],
    [
      label("Files", fileUpload({ id: "f", max: 10, fileTypes: [".png"] })),
      label("One", radioGroup({ id: "r", options })),
      label("Some", checkboxGroup({ id: "g", options, max: 2 })),
      label("Yes", checkbox({ id: "c", default: true })),
    ],
  ];
  const sent: InteractionResponseBody[] = [];
  let id = 3500;
  for (const components of children) {
    // A JSON copy: a literal as it would arrive from plain JavaScript.
    const modal = JSON.parse(
      JSON.stringify({ custom_id: "m", title: "T", components }),
    ) as Modal;
    await contextOf(String(id++), sent).showModal(modal);
    assert.deepEqual(sent.at(-1), { type: 9, data: modal });
  }
  assert.equal(sent.length, 2);
});

Deno.test("showModal takes null on a literal's optional fields as unset", async () => {
  const sent: InteractionResponseBody[] = [];
  const modal = {
    custom_id: "m",
    title: "T",
    components: [
      {
        type: 18,
        label: "Files",
        description: null,
        component: { type: 19, custom_id: "f", file_types: null },
      },
      {
        type: 18,
        label: "Text",
        component: {
          type: 4,
          custom_id: "t",
          style: 1,
          placeholder: null,
          value: null,
        },
      },
    ],
  } as unknown as Modal;
  await contextOf("3600", sent).showModal(modal);
  assert.deepEqual(sent, [{ type: 9, data: modal }]);
});
