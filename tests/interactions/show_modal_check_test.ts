// ctx.showModal checks a modal as the modal() builder does: a literal with
// an empty custom id, a title over 45 characters, no or more than 5
// components, an input modal() refuses or a custom id used twice used to go
// out as it was. Over the HTTP endpoint that was a 200 Discord refuses
// ("This interaction failed") while showModal resolved and onError heard
// nothing; now showModal rejects with `invalid_response` and nothing is
// sent.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import {
  channelSelect,
  stringSelect,
  userSelect,
} from "../../interactions/components.ts";
import {
  label,
  type Modal,
  modal,
  textInput,
} from "../../interactions/modal_components.ts";
import { textDisplay } from "../../interactions/components_v2.ts";
import { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import type { InteractionResponseBody } from "../../rest/payloads.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";

const input = label("Text", textInput({ id: "same" }));
const six = Array.from(
  { length: 6 },
  (_, i) => label(`L${i}`, textInput({ id: `i${i}` })),
) as Modal["components"];

/** Modal literals Discord refuses, and what the refusal says. */
const REFUSED: [string, Modal, RegExp][] = [
  [
    "no components",
    {
      custom_id: "m",
      title: "t",
      components: [] as unknown as Modal["components"],
    },
    /'components' must hold 1-5 items: current count '0'/,
  ],
  [
    "six components",
    { custom_id: "m", title: "t", components: six },
    /'components' must hold 1-5 items: current count '6'/,
  ],
  [
    "an empty custom id",
    { custom_id: "", title: "t", components: [input] },
    /custom id .*1-100 characters: current length '0'/,
  ],
  [
    "a custom id of 101 characters",
    { custom_id: "m".repeat(101), title: "t", components: [input] },
    /custom id .*1-100 characters: current length '101'/,
  ],
  [
    "a title of 60 characters",
    { custom_id: "m", title: "x".repeat(60), components: [input] },
    /'title' must be at most 45 characters: current length '60'/,
  ],
  [
    "an empty title",
    { custom_id: "m", title: "", components: [input] },
    /'title' is empty/,
  ],
  [
    "two inputs with one custom id",
    {
      custom_id: "m",
      title: "t",
      components: [input, label("Again", textInput({ id: "same" }))],
    },
    /two of its inputs have the custom id 'same'/,
  ],
  [
    "a disabled input",
    {
      custom_id: "m",
      title: "t",
      components: [
        label(
          "Pick",
          {
            ...stringSelect({ id: "s", options: [{ label: "a", value: "a" }] }),
            disabled: true,
          },
        ),
      ],
    },
    /'disabled' must be left out of its input 's'/,
  ],
  [
    "two components with one numeric id",
    {
      custom_id: "m",
      title: "t",
      components: [
        { ...textDisplay("a"), id: 7 },
        { ...textDisplay("b"), id: 7 },
      ],
    },
    /two of its components have the id 7/,
  ],
  ...([
    [
      "a select's min_values above its options",
      {
        ...stringSelect({ id: "s", options: [{ label: "a", value: "a" }] }),
        min_values: 2,
      },
      /'min'/,
    ],
    [
      "a user select with more defaults than max_values",
      {
        ...userSelect({ id: "u" }),
        default_values: [{ id: "1", type: "user" }, { id: "2", type: "user" }],
      },
      /'defaults'/,
    ],
    [
      "a channel select with an undocumented channel type",
      { ...channelSelect({ id: "c" }), channel_types: [99] },
      /channelTypes/,
    ],
    [
      "a placeholder of 200 characters",
      { ...textInput({ id: "t" }), placeholder: "x".repeat(200) },
      /placeholder/,
    ],
    [
      "a text input value of 4001 characters",
      { ...textInput({ id: "t" }), value: "x".repeat(4001) },
      /value/,
    ],
  ] as const).map(([what, child, why]): [string, Modal, RegExp] => [
    what,
    {
      custom_id: "m",
      title: "t",
      components: [label("L", child as never)],
    },
    why,
  ]),
];

function refused(pattern: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof InteractionError && error.kind === "invalid_response" &&
    /Cannot show modal/.test(error.message) && pattern.test(error.message);
}

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

Deno.test("HTTP mode: a modal literal Discord refuses gets a 500 and onError invalid_response, not a 200", async () => {
  const { signer, fake, router, errors, handler } = await endpointHarness();
  let shown: Modal = REFUSED[0]![1];
  router.command(
    command({ name: "form", description: "Form" }),
    (_, ctx) => ctx.showModal(shown),
  );
  let id = 3100;
  for (const [what, given, pattern] of REFUSED) {
    shown = given;
    const response = await handler(
      await signer.request(
        commandInteraction({ id: String(id++), name: "form" }),
      ),
    );
    assert.equal(response.status, 500, `a modal with ${what} went out`);
    await response.body?.cancel();
    const error = errors.shift();
    assert.ok(refused(pattern)(error), `${what}: ${String(error)}`);
  }
  assert.equal(errors.length, 0);
  assert.equal(fake.requests.length, 0);
});

Deno.test("showModal rejects a modal Discord refuses without sending it, and the interaction stays unanswered", async () => {
  let id = 3200;
  for (const [what, given, pattern] of REFUSED) {
    const sent: InteractionResponseBody[] = [];
    const ctx = contextOf(String(id++), sent);
    await assert.rejects(ctx.showModal(given), refused(pattern), what);
    assert.equal(sent.length, 0, `a modal with ${what} was sent`);
    assert.equal(ctx.state, "pending");
  }
});

Deno.test("showModal sends a modal built by modal(), or a valid literal, unchanged", async () => {
  const sent: InteractionResponseBody[] = [];
  const built = modal({
    id: "form",
    title: "x".repeat(45),
    components: [input, label("Other", textInput({ id: "other" }))],
  });
  const copy = structuredClone(built);
  await contextOf("3300", sent).showModal(built);
  const literal: Modal = {
    custom_id: "m".repeat(100),
    title: "t",
    components: [textDisplay("Read me"), input, ...six.slice(0, 3)],
  };
  await contextOf("3301", sent).showModal(literal);
  assert.deepEqual(sent, [{ type: 9, data: copy }, { type: 9, data: literal }]);
  assert.equal(sent[0]!.data, built, "the modal is sent as given");
});

Deno.test("the Modal type refuses a modal without components", () => {
  // @ts-expect-error: Discord wants 1-5 components, as ModalOptions says.
  const empty: Modal = { custom_id: "m", title: "t", components: [] };
  const one: Modal = { custom_id: "m", title: "t", components: [input] };
  assert.equal(empty.components.length + one.components.length, 1);
});
