/**
 * The fake refuses the component payloads Discord refuses, each rule from
 * discord-api-docs `developers/components/reference.mdx`, with a 50035
 * error at the offending component's path; and accepts each payload's
 * valid neighbour (the same payload with that one thing put right), so a
 * rule never refuses more than it should.
 */
import assert from "node:assert/strict";
import { FakeRest } from "../../testing/fake_rest.ts";

const V2 = 1 << 15;
type Json = Record<string, unknown>;

const text = (content: string): Json => ({ type: 10, content });
const button = (id: string, extra: Json = {}): Json => ({
  type: 2,
  style: 1,
  custom_id: id,
  label: "b",
  ...extra,
});
const row = (...components: Json[]): Json => ({ type: 1, components });
const link = (extra: Json = {}): Json => ({
  type: 2,
  style: 5,
  url: "https://example.com",
  label: "l",
  ...extra,
});
const options = (n: number, extra: Json = {}): Json[] =>
  Array.from({ length: n }, (_, i) => ({ label: `o${i}`, value: `v${i}` }))
    .map((o, i) => (i === 0 ? { ...o, ...extra } : o));
const stringSelect = (extra: Json = {}): Json => ({
  type: 3,
  custom_id: "s",
  options: options(2),
  ...extra,
});
const users = (n: number): Json[] =>
  Array.from({ length: n }, (_, i) => ({ id: String(i + 1), type: "user" }));
const label = (component: Json, extra: Json = {}): Json => ({
  type: 18,
  label: "L",
  component,
  ...extra,
});
const textInput = (extra: Json = {}): Json => ({
  type: 4,
  custom_id: "t",
  style: 1,
  ...extra,
});
const v2 = (...components: Json[]): Json => ({ flags: V2, components });
const legacy = (...components: Json[]): Json => ({ components });
const modal = (...components: Json[]): Json => ({
  custom_id: "m",
  title: "T",
  components,
});

/** [what, where it goes, refused payload, error path, valid neighbour]. */
const CASES: [string, "message" | "modal", Json, string, Json][] = [
  [
    "41 text displays in a V2 message",
    "message",
    v2(...Array.from({ length: 41 }, (_, i) => text(`t${i}`))),
    "components",
    v2(...Array.from({ length: 40 }, (_, i) => text(`t${i}`))),
  ],
  [
    "a container holding 40 (41 counted)",
    "message",
    v2({ type: 17, components: Array.from({ length: 40 }, () => text("t")) }),
    "components",
    v2({ type: 17, components: Array.from({ length: 39 }, () => text("t")) }),
  ],
  [
    "a link button with a custom_id",
    "message",
    legacy(row(link({ custom_id: "a" }))),
    "components.0.components.0.custom_id",
    legacy(row(link())),
  ],
  [
    "a premium button with a custom_id",
    "message",
    legacy(row({ type: 2, style: 6, sku_id: "1", custom_id: "a" })),
    "components.0.components.0.custom_id",
    legacy(row({ type: 2, style: 6, sku_id: "1" })),
  ],
  [
    "a premium button with a label",
    "message",
    legacy(row({ type: 2, style: 6, sku_id: "1", label: "buy" })),
    "components.0.components.0.label",
    legacy(row({ type: 2, style: 6, sku_id: "1" })),
  ],
  [
    "a premium button with an emoji",
    "message",
    legacy(row({ type: 2, style: 6, sku_id: "1", emoji: { name: "x" } })),
    "components.0.components.0.emoji",
    legacy(row({ type: 2, style: 6, sku_id: "1" })),
  ],
  [
    "an interactive button with a url",
    "message",
    legacy(row(button("a", { url: "https://example.com" }))),
    "components.0.components.0.url",
    legacy(row(button("a"))),
  ],
  [
    "a text input in a message row",
    "message",
    legacy(row(textInput({ label: "x" }))),
    "components.0.components.0.type",
    legacy(row(button("t"))),
  ],
  [
    "a top-level button in a V2 message",
    "message",
    v2(button("a")),
    "components.0.type",
    v2(row(button("a"))),
  ],
  [
    "a top-level label in a V2 message",
    "message",
    v2(label(textInput())),
    "components.0.type",
    v2(text("x")),
  ],
  [
    "a file upload in a V2 container",
    "message",
    v2({ type: 17, components: [{ type: 19, custom_id: "f" }] }),
    "components.0.components.0.type",
    v2({ type: 17, components: [text("x")] }),
  ],
  [
    "a radio group in a message row",
    "message",
    legacy(row({ type: 21, custom_id: "r", options: options(2) })),
    "components.0.components.0.type",
    legacy(row(stringSelect())),
  ],
  [
    "a section whose component is a button",
    "message",
    v2({ type: 9, components: [button("b")], accessory: button("a") }),
    "components.0.components.0.type",
    v2({ type: 9, components: [text("b")], accessory: button("a") }),
  ],
  [
    "a section whose accessory is a text display",
    "message",
    v2({ type: 9, components: [text("x")], accessory: text("y") }),
    "components.0.accessory.type",
    v2({
      type: 9,
      components: [text("x")],
      accessory: { type: 11, media: { url: "https://example.com/a.png" } },
    }),
  ],
  [
    "a section without an accessory",
    "message",
    v2({ type: 9, components: [text("x")] }),
    "components.0.accessory",
    v2({ type: 9, components: [text("x")], accessory: button("a") }),
  ],
  [
    "a container inside a container",
    "message",
    v2({ type: 17, components: [{ type: 17, components: [text("x")] }] }),
    "components.0.components.0.type",
    v2({ type: 17, components: [text("x")] }),
  ],
  [
    "a top-level thumbnail",
    "message",
    v2({ type: 11, media: { url: "https://example.com/a.png" } }),
    "components.0.type",
    v2({ type: 12, items: [{ media: { url: "https://example.com/a.png" } }] }),
  ],
  [
    "a string select with max_values above its option count",
    "message",
    legacy(row(stringSelect({ max_values: 3 }))),
    "components.0.components.0.max_values",
    legacy(row(stringSelect({ max_values: 2 }))),
  ],
  [
    "a select with min_values above max_values",
    "message",
    legacy(
      row(stringSelect({ options: options(3), min_values: 3, max_values: 2 })),
    ),
    "components.0.components.0.min_values",
    legacy(
      row(stringSelect({ options: options(3), min_values: 2, max_values: 2 })),
    ),
  ],
  [
    "more default_values than max_values",
    "message",
    legacy(row({ type: 5, custom_id: "u", default_values: users(3) })),
    "components.0.components.0.default_values",
    legacy(row({
      type: 5,
      custom_id: "u",
      default_values: users(3),
      max_values: 3,
    })),
  ],
  [
    // discord-api-types PR #824: a default of a kind the select does not list.
    "a channel default in a user select",
    "message",
    legacy(row({
      type: 5,
      custom_id: "u",
      default_values: [{ id: "1", type: "channel" }],
    })),
    "components.0.components.0.default_values.0.type",
    legacy(row({ type: 5, custom_id: "u", default_values: users(1) })),
  ],
  [
    "a channel default in a mentionable select",
    "modal",
    modal(label({
      type: 7,
      custom_id: "m",
      max_values: 2,
      default_values: [{ id: "1", type: "role" }, { id: "2", type: "channel" }],
    })),
    "components.0.component.default_values.1.type",
    modal(label({
      type: 7,
      custom_id: "m",
      max_values: 2,
      default_values: [{ id: "1", type: "role" }, { id: "2", type: "user" }],
    })),
  ],
  [
    "a role default in a channel select",
    "message",
    legacy(row({
      type: 8,
      custom_id: "c",
      default_values: [{ id: "1", type: "role" }],
    })),
    "components.0.components.0.default_values.0.type",
    legacy(row({
      type: 8,
      custom_id: "c",
      default_values: [{ id: "1", type: "channel" }],
    })),
  ],
  [
    "a select option label over 100",
    "message",
    legacy(
      row(stringSelect({ options: options(2, { label: "a".repeat(101) }) })),
    ),
    "components.0.components.0.options.0.label",
    legacy(
      row(stringSelect({ options: options(2, { label: "a".repeat(100) }) })),
    ),
  ],
  [
    "a select placeholder over 150",
    "message",
    legacy(row(stringSelect({ placeholder: "p".repeat(151) }))),
    "components.0.components.0.placeholder",
    legacy(row(stringSelect({ placeholder: "p".repeat(150) }))),
  ],
  [
    "a link url over 512",
    "message",
    legacy(row(link({ url: "https://" + "x".repeat(505) }))),
    "components.0.components.0.url",
    legacy(row(link({ url: "https://" + "x".repeat(504) }))),
  ],
  [
    "a separator spacing of 3",
    "message",
    v2({ type: 14, spacing: 3 }),
    "components.0.spacing",
    v2({ type: 14, spacing: 2 }),
  ],
  [
    "a container accent colour above 0xFFFFFF",
    "message",
    v2({ type: 17, accent_color: 0x1000000, components: [text("x")] }),
    "components.0.accent_color",
    v2({ type: 17, accent_color: 0xffffff, components: [text("x")] }),
  ],
  [
    "two components with the same numeric id",
    "message",
    v2({ ...text("a"), id: 7 }, { ...text("b"), id: 7 }),
    "components.1.id",
    v2({ ...text("a"), id: 7 }, { ...text("b"), id: 0 }, {
      ...text("c"),
      id: 0,
    }),
  ],
  [
    "a nested component repeating a top-level id",
    "message",
    v2({ type: 17, id: 1, components: [{ ...text("b"), id: 1 }] }),
    "components.0.components.0.id",
    v2({ type: 17, id: 1, components: [{ ...text("b"), id: 2 }] }),
  ],
  [
    "a label around a button",
    "modal",
    modal(label(button("b"))),
    "components.0.component.type",
    modal(label(textInput())),
  ],
  [
    "a label around a disabled select",
    "modal",
    modal(label(stringSelect({ disabled: true }))),
    "components.0.component.disabled",
    modal(label(stringSelect())),
  ],
  [
    "a modal row holding a select",
    "modal",
    modal(row(stringSelect())),
    "components.0.components.0.type",
    modal(row(textInput({ label: "x" }))),
  ],
  [
    "a label description over 100",
    "modal",
    modal(label(textInput(), { description: "d".repeat(101) })),
    "components.0.description",
    modal(label(textInput(), { description: "d".repeat(100) })),
  ],
  [
    "a text input max_length over 4000",
    "modal",
    modal(label(textInput({ max_length: 4001 }))),
    "components.0.component.max_length",
    modal(label(textInput({ max_length: 4000 }))),
  ],
  [
    "a text input in a label with a label of its own",
    "modal",
    modal(label(textInput({ label: "x" }))),
    "components.0.component.label",
    modal(label(textInput())),
  ],
  [
    "a text input in a modal row without a label",
    "modal",
    modal(row(textInput())),
    "components.0.components.0.label",
    modal(row(textInput({ label: "x" }))),
  ],
  [
    "a required select with min_values 0",
    "modal",
    modal(label({ type: 5, custom_id: "u", min_values: 0 })),
    "components.0.component.min_values",
    modal(label({ type: 5, custom_id: "u", min_values: 0, required: false })),
  ],
  [
    "a file upload allowing 11 files",
    "modal",
    modal(label({ type: 19, custom_id: "f", max_values: 11 })),
    "components.0.component.max_values",
    modal(label({ type: 19, custom_id: "f", max_values: 10 })),
  ],
  [
    "a radio group with one option",
    "modal",
    modal(label({ type: 21, custom_id: "r", options: options(1) })),
    "components.0.component.options",
    modal(label({ type: 21, custom_id: "r", options: options(2) })),
  ],
  [
    "a section in a modal",
    "modal",
    modal({ type: 9, components: [text("x")], accessory: button("a") }),
    "components.0.type",
    modal(text("x"), label({ type: 23, custom_id: "c" })),
  ],
];

/** Sends the payload; a modal as callback type 9 to a fresh interaction. */
async function send(
  fake: FakeRest,
  kind: "message" | "modal",
  payload: Json,
  n: number,
): Promise<{ status: number; body: Json }> {
  if (kind === "modal") {
    fake.addInteraction({ id: String(n), token: `t${n}`, type: 2 });
    const reply = fake.respondToInteraction(String(n), `t${n}`, {
      type: 9,
      data: payload,
    });
    return { status: reply.status, body: (reply.body ?? {}) as Json };
  }
  const response = await fake.fetch(
    "https://discord.com/api/v10/channels/1/messages",
    {
      method: "POST",
      headers: {
        authorization: "Bot fake-bot-token",
        "content-type": "application/json",
      },
      body: JSON.stringify(payload),
    },
  );
  return { status: response.status, body: await response.json() };
}

function at(tree: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (node, key) =>
      typeof node === "object" && node !== null
        ? (node as Json)[key]
        : undefined,
    tree,
  );
}

Deno.test("FakeRest refuses each documented component rule at its path and accepts the valid neighbour", async (t) => {
  let n = 1;
  for (const [what, kind, bad, path, good] of CASES) {
    await t.step(what, async () => {
      const fake = new FakeRest();
      const refused = await send(fake, kind, bad, n++);
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 50035);
      const errors = kind === "modal"
        ? at(refused.body.errors, "data")
        : refused.body.errors;
      assert.ok(
        Array.isArray(at(errors, `${path}._errors`)),
        `no error at ${path}: ${JSON.stringify(refused.body.errors)}`,
      );
      const accepted = await send(fake, kind, good, n++);
      assert.ok(
        accepted.status === 200 || accepted.status === 204,
        `neighbour refused: ${JSON.stringify(accepted.body)}`,
      );
    });
  }
});
