// The builders refuse what nothing reads, as every class-level options
// object does: a misspelt key (`minimum` for `min`) or an enum name not in
// the table (`style: "dangr"`) was silently dropped, and the result went
// to Discord without the limit or with no style at all (a 400 once sent).
import assert from "node:assert/strict";
import {
  attachment,
  boolean,
  channel,
  command,
  integer,
  mentionable,
  messageCommand,
  number,
  role,
  string,
  subcommand,
  subcommandGroup,
  user,
  userCommand,
} from "../../interactions/commands.ts";
import {
  button,
  channelSelect,
  linkButton,
  mentionableSelect,
  premiumButton,
  roleSelect,
  stringSelect,
  userSelect,
} from "../../interactions/components.ts";
import {
  container,
  file,
  separator,
  textDisplay,
  thumbnail,
} from "../../interactions/components_v2.ts";
import {
  checkbox,
  checkboxGroup,
  fileUpload,
  label,
  modal,
  modalRow,
  radioGroup,
  textInput,
} from "../../interactions/modal_components.ts";
import { refused } from "./_refused.ts";

/** As JavaScript (or `as any`) could pass it. */
// deno-lint-ignore no-explicit-any
type Loose = any;

const options = [{ label: "a", value: "a" }, { label: "b", value: "b" }];
const input = textInput({ id: "t" });

/** A builder called with one unknown key, and the key it should suggest. */
const unknownKeys: [string, () => unknown, RegExp][] = [
  [
    "integer",
    () => integer({ description: "d", minimum: 2 } as Loose),
    /^Cannot define option as 'minimum' is not one of its options; the options are .*'min'/,
  ],
  [
    "number",
    () => number({ description: "d", mx: 2 } as Loose),
    /'mx' is not one of its options \(did you mean 'max'\?\)/,
  ],
  [
    "string",
    () => string({ description: "d", maxLen: 2 } as Loose),
    /^Cannot define option as 'maxLen' is not one of its options/,
  ],
  [
    "boolean",
    () => boolean({ description: "d", requird: true } as Loose),
    /did you mean 'required'/,
  ],
  [
    "user",
    () => user({ description: "d", choices: [] } as Loose),
    /'choices' is not one of its options/,
  ],
  [
    "channel",
    () => channel({ description: "d", channelType: [0] } as Loose),
    /did you mean 'channelTypes'/,
  ],
  [
    "role",
    () => role({ description: "d", min: 1 } as Loose),
    /'min' is not one of its options/,
  ],
  [
    "mentionable",
    () => mentionable({ descripton: "d", description: "d" } as Loose),
    /did you mean 'description'/,
  ],
  [
    "attachment",
    () => attachment({ description: "d", filetypes: [".pdf"] } as Loose),
    /did you mean 'fileTypes'/,
  ],
  [
    "subcommand",
    () => subcommand({ description: "d", required: true } as Loose),
    /'required' is not one of its options/,
  ],
  [
    "subcommandGroup",
    () =>
      subcommandGroup({
        description: "d",
        options: { a: subcommand({ description: "a" }) },
        nsfw: true,
      } as Loose),
    /'nsfw' is not one of its options/,
  ],
  [
    "command",
    () => command({ name: "x", descripton: "d", description: "d" } as Loose),
    /^Cannot define command 'x' as 'descripton' is not one of its options \(did you mean 'description'\?\)/,
  ],
  [
    "userCommand",
    () => userCommand({ name: "X", description: "d" } as Loose),
    /^Cannot define context-menu command 'X' as 'description' is not one of its options/,
  ],
  [
    "messageCommand",
    () => messageCommand({ name: "X", nsf: true } as Loose),
    /did you mean 'nsfw'/,
  ],
  [
    "button",
    () => button({ id: "b", label: "x", styel: "danger" } as Loose),
    // Two letters swapped: one edit, so the message names the option.
    /^Cannot build button as 'styel' is not one of its options \(did you mean 'style'\?\)/,
  ],
  [
    "linkButton",
    () => linkButton({ url: "https://a.b", label: "x", id: "b" } as Loose),
    /^Cannot build link button as 'id' is not one of its options/,
  ],
  [
    "premiumButton",
    () => premiumButton("1", { disable: true } as Loose),
    /did you mean 'disabled'/,
  ],
  [
    "stringSelect",
    () => stringSelect({ id: "s", maxValues: 3, options } as Loose),
    /^Cannot build string select as 'maxValues' is not one of its options/,
  ],
  [
    "userSelect",
    () => userSelect({ id: "s", channelTypes: [0] } as Loose),
    /^Cannot build user select as 'channelTypes' is not one of its options/,
  ],
  [
    "roleSelect",
    () => roleSelect({ id: "s", defualts: [] } as Loose),
    /did you mean 'defaults'/,
  ],
  [
    "mentionableSelect",
    () => mentionableSelect({ id: "s", placeholdr: "p" } as Loose),
    /did you mean 'placeholder'/,
  ],
  [
    "channelSelect",
    () => channelSelect({ id: "s", channelType: [0] } as Loose),
    /^Cannot build channel select as 'channelType' .*did you mean 'channelTypes'/,
  ],
  [
    "textInput",
    () => textInput({ id: "t", maxlength: 5 } as Loose),
    /^Cannot build text input as 'maxlength' .*did you mean 'maxLength'/,
  ],
  [
    "label",
    () => label("L", input, { desc: "d" } as Loose),
    /^Cannot build label as 'desc' is not one of its options/,
  ],
  [
    "fileUpload",
    () => fileUpload({ id: "f", fileType: ["image"] } as Loose),
    /did you mean 'fileTypes'/,
  ],
  [
    "radioGroup",
    () => radioGroup({ id: "r", options, requried: true } as Loose),
    /did you mean 'required'/,
  ],
  [
    "checkboxGroup",
    () => checkboxGroup({ id: "c", options, maximum: 1 } as Loose),
    /^Cannot build checkbox group as 'maximum' is not one of its options/,
  ],
  [
    "checkbox",
    () => checkbox({ id: "c", checked: true } as Loose),
    /^Cannot build checkbox as 'checked' is not one of its options/,
  ],
  [
    "modal",
    () =>
      modal({
        id: "m",
        titel: "t",
        title: "t",
        components: [label("L", input)],
      } as Loose),
    /^Cannot build modal as 'titel' is not one of its options/,
  ],
  [
    "modalRow",
    () => modalRow(input, { labl: "L" } as Loose),
    /did you mean 'label'/,
  ],
  [
    "thumbnail",
    () => thumbnail("https://a.b/c.png", { alt: "x" } as Loose),
    /^Cannot build thumbnail as 'alt' is not one of its options/,
  ],
  [
    "file",
    () => file("a.png", { spoilers: true } as Loose),
    /^Cannot build file as 'spoilers' .*did you mean 'spoiler'/,
  ],
  [
    "separator",
    () => separator({ space: "large" } as Loose),
    /^Cannot build separator as 'space' is not one of its options/,
  ],
  [
    "container",
    () => container([textDisplay("x")], { accentColour: 1 } as Loose),
    /^Cannot build container as 'accentColour' .*did you mean 'accentColor'/,
  ],
];

for (const [name, build, pattern] of unknownKeys) {
  Deno.test(`${name}() refuses an option key nothing reads`, () => {
    refused(build, TypeError, pattern);
  });
}

Deno.test("a variable's extra key (no excess-property check) is refused too", () => {
  const opts = { id: "b", label: "Delete", styel: "danger" as const };
  refused(() => button(opts), TypeError, /'styel' is not one of its options/);
});

Deno.test("an enum name not in its table is refused, naming the valid ones", () => {
  refused(
    () => button({ id: "b", label: "x", style: "dangr" as Loose }),
    TypeError,
    /^Cannot build button as 'style' must be 'primary', 'secondary', 'success' or 'danger' \(did you mean 'danger'\?\): current value 'dangr'$/,
  );
  refused(
    () => textInput({ id: "t", style: "long" as Loose }),
    TypeError,
    /^Cannot build text input as 'style' must be 'short' or 'paragraph': current value 'long'$/,
  );
  refused(
    () => separator({ spacing: "huge" as Loose }),
    TypeError,
    /^Cannot build separator as 'spacing' must be 'small' or 'large': current value 'huge'$/,
  );
  refused(
    () => separator({ spacing: "" as Loose }),
    TypeError,
    /'spacing' must be 'small' or 'large': current value ''$/,
  );
});

Deno.test("the valid names and keys still build what they did", () => {
  assert.equal(button({ id: "b", label: "x", style: "danger" }).style, 4);
  assert.equal(button({ id: "b", label: "x" }).style, 2);
  assert.equal(textInput({ id: "t", style: "paragraph" }).style, 2);
  assert.equal(textInput({ id: "t", style: "short" }).style, 1);
  assert.deepEqual(separator({ spacing: "small" }), { type: 14, spacing: 1 });
  assert.deepEqual(separator({ spacing: "large", divider: true }), {
    type: 14,
    divider: true,
    spacing: 2,
  });
  assert.deepEqual(separator(), { type: 14 });
  assert.equal(channelSelect({ id: "c", channelTypes: [0] }).type, 8);
  assert.deepEqual(
    integer({ description: "d", min: 1, max: 2, required: true }),
    { type: 4, description: "d", required: true, min_value: 1, max_value: 2 },
  );
  // An explicit `undefined` is still a known key's absence.
  assert.equal(
    button({ id: "b", label: "x", style: undefined as Loose }).style,
    2,
  );
});
