/**
 * The rules of Discord's component reference that tie one field to another
 * or restrict what a list may hold: each builder refuses, before sending,
 * what Discord would refuse.
 */
import assert from "node:assert/strict";
import {
  button,
  channelSelect,
  mentionableSelect,
  roleSelect,
  row,
  stringSelect,
  userSelect,
} from "../../interactions/components.ts";
import {
  checkboxGroup,
  fileUpload,
  label,
  modal,
  textInput,
} from "../../interactions/modal_components.ts";
import {
  container,
  file,
  mediaGallery,
  section,
  separator,
  textDisplay,
  thumbnail,
} from "../../interactions/components_v2.ts";
import { refused } from "./_refused.ts";
import type {
  ContainerChild,
  LabelChild,
  SelectDefaultValue,
} from "../../types/objects/component.ts";

const three = [
  { label: "a", value: "a" },
  { label: "b", value: "b" },
  { label: "c", value: "c" },
];

Deno.test("file uploads and checkbox groups refuse 'min' 0 unless 'required' is false", () => {
  // "min_values must be either omitted or at least 1 if required is omitted
  // or true."
  refused(
    () => fileUpload({ id: "f", min: 0 }),
    RangeError,
    /'min' must be at least 1 unless 'required' is false: current value '0'/,
  );
  refused(
    () => fileUpload({ id: "f", min: 0, max: 3, required: true }),
    RangeError,
    /'min'/,
  );
  refused(
    () => checkboxGroup({ id: "c", options: three, min: 0 }),
    RangeError,
    /'min' must be at least 1 unless 'required' is false/,
  );
  refused(
    () => checkboxGroup({ id: "c", options: three, min: 0, required: true }),
    RangeError,
    /'min'/,
  );
  assert.equal(
    fileUpload({ id: "f", min: 0, required: false }).min_values,
    0,
  );
  assert.equal(
    checkboxGroup({ id: "c", options: three, min: 0, required: false })
      .min_values,
    0,
  );
  fileUpload({ id: "f", min: 1 });
  fileUpload({ id: "f" });
  checkboxGroup({ id: "c", options: three, min: 1, required: true });
});

Deno.test("file uploads take at most 10 file types, each a group name or a dot-prefixed extension", () => {
  const types = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => `.x${i}`);
  refused(
    () => fileUpload({ id: "f", fileTypes: types(11) }),
    RangeError,
    /'fileTypes' must hold 0-10 items: current count '11'/,
  );
  assert.equal(
    fileUpload({ id: "f", fileTypes: types(10) }).file_types?.length,
    10,
  );
  for (const bad of ["pdf", "image/png", "", ".", "images"]) {
    refused(
      () => fileUpload({ id: "f", fileTypes: ["image", bad] }),
      RangeError,
      /'fileTypes' entries must be 'image', 'video', 'audio' or a dot-prefixed extension/,
    );
  }
  assert.deepEqual(
    fileUpload({ id: "f", fileTypes: ["image", "video", "audio", ".PDF"] })
      .file_types,
    ["image", "video", "audio", ".PDF"],
  );
});

Deno.test("user, role, mentionable and channel selects keep their default values within min..max", () => {
  // "number of default values must be in the range defined by min_values and
  // max_values" (each defaults to 1).
  // Typed as user defaults: the user and mentionable selects take no other.
  const users = (n: number): (SelectDefaultValue & { type: "user" })[] =>
    Array.from({ length: n }, (_, i) => ({ id: `${i + 1}`, type: "user" }));
  refused(
    () => userSelect({ id: "u", max: 1, defaults: users(3) }),
    RangeError,
    /'defaults' must hold between 'min' and 'max' items \(1\.\.1\): current count '3'/,
  );
  refused(
    () => userSelect({ id: "u", defaults: users(2) }),
    RangeError,
    /'defaults'.*\(1\.\.1\)/,
  );
  refused(
    () =>
      roleSelect({
        id: "r",
        min: 2,
        max: 5,
        defaults: [{ id: "1", type: "role" }],
      }),
    RangeError,
    /'defaults'.*\(2\.\.5\): current count '1'/,
  );
  refused(
    () => mentionableSelect({ id: "m", max: 2, defaults: users(3) }),
    RangeError,
    /'defaults'/,
  );
  refused(
    () =>
      channelSelect({
        id: "c",
        min: 0,
        max: 1,
        defaults: [{ id: "1", type: "channel" }, { id: "2", type: "channel" }],
      }),
    RangeError,
    /'defaults'/,
  );
  assert.equal(
    userSelect({ id: "u", max: 3, defaults: users(3) }).default_values?.length,
    3,
  );
  userSelect({ id: "u", defaults: users(1) });
  userSelect({ id: "u", min: 0, max: 2, defaults: users(2) });
  // An empty list is no defaults at all.
  userSelect({ id: "u", min: 2, max: 3, defaults: [] });
});

Deno.test("media gallery items take alt text of at most 1024 characters", () => {
  refused(
    () =>
      mediaGallery("https://x/a.png", {
        media: { url: "https://x/b.png" },
        description: "d".repeat(2000),
      }),
    RangeError,
    /'items\.description' must be at most 1024 characters: current length '2000'/,
  );
  refused(
    () =>
      mediaGallery({
        media: { url: "https://x/b.png" },
        description: "d".repeat(1025),
      }),
    RangeError,
    /'items\.description'/,
  );
  const gallery = mediaGallery({
    media: { url: "https://x/b.png" },
    description: "d".repeat(1024),
  });
  assert.equal(gallery.items[0]?.description?.length, 1024);
  mediaGallery({ media: { url: "https://x/b.png" }, description: null });
});

Deno.test("a container refuses, at run time too, a child Discord does not allow in one (a container first)", () => {
  const inner = container([textDisplay("x")]);
  refused(
    () => container([inner as unknown as ContainerChild]),
    TypeError,
    /Cannot build container as 'components' may not hold a component of type 17/,
  );
  refused(
    () =>
      container([
        textDisplay("x"),
        { type: 18, label: "l" } as unknown as ContainerChild,
      ]),
    TypeError,
    /type 18/,
  );
  // A thumbnail goes in a section as its accessory, not in a container.
  refused(
    () =>
      container([thumbnail("https://x/a.png") as unknown as ContainerChild]),
    TypeError,
    /type 11/,
  );
  // Every documented child is still accepted.
  container([
    row(button({ id: "b", label: "B" })),
    textDisplay("t"),
    section("s", thumbnail("https://x/a.png")),
    mediaGallery("https://x/a.png"),
    separator(),
    file("a.pdf"),
  ]);
});

Deno.test("a 'min' without 'max' is checked against the max Discord takes then: 1 for selects and file uploads, the option count for checkbox groups", () => {
  // "max_values ... (defaults to 1)"; a checkbox group's "defaults to the
  // number of options" (discord-api-docs#3202: min above it is refused).
  const five = ["a", "b", "c", "d", "e"].map((v) => ({ label: v, value: v }));
  for (
    const build of [
      () => userSelect({ id: "u", min: 3 }),
      () => roleSelect({ id: "r", min: 2 }),
      () => mentionableSelect({ id: "m", min: 2 }),
      () => channelSelect({ id: "c", min: 2 }),
      () => stringSelect({ id: "s", min: 3, options: five }),
      () => fileUpload({ id: "f", min: 3 }),
    ]
  ) {
    refused(
      build,
      RangeError,
      /'min' is above 'max', which is 1 when left out \(set 'max' too\)/,
    );
  }
  refused(
    () =>
      checkboxGroup({
        id: "c",
        min: 5,
        options: [{ label: "a", value: "a" }, { label: "b", value: "b" }],
      }),
    RangeError,
    /'max', which is 2 when left out.*'min=5'/,
  );
  // With 'max' given, or 'min' within the default, they build.
  assert.equal(userSelect({ id: "u", min: 3, max: 5 }).min_values, 3);
  assert.equal(userSelect({ id: "u", min: 1 }).min_values, 1);
  assert.equal(
    stringSelect({ id: "s", min: 3, max: 5, options: five })
      .min_values,
    3,
  );
  assert.equal(fileUpload({ id: "f", min: 3, max: 3 }).min_values, 3);
  assert.equal(
    checkboxGroup({ id: "c", min: 3, options: three }).min_values,
    3,
  );
});

Deno.test("a modal refuses a disabled input, and a select with 'min' 0 unless its 'required' is false", () => {
  const inModal = (input: LabelChild) => () =>
    modal({ id: "m", title: "T", components: [label("Pick", input)] });
  // "Using disabled in a modal will result in an error."
  for (const disabled of [true, false]) {
    refused(
      inModal(stringSelect({ id: "s", options: three, disabled })),
      TypeError,
      new RegExp(
        `^Cannot build modal as 'disabled' must be left out of its input 's' \\(Discord refuses disabled components in a modal\\): current value 'disabled=${disabled}'$`,
      ),
    );
  }
  refused(inModal(userSelect({ id: "u", disabled: true })), TypeError, /'u'/);
  // "min_values must be either omitted or at least 1 if required is omitted
  // or true", for string, user, role, mentionable and channel selects.
  const selects = [
    (extra: object) => stringSelect({ id: "s", options: three, ...extra }),
    (extra: object) => userSelect({ id: "s", ...extra }),
    (extra: object) => roleSelect({ id: "s", ...extra }),
    (extra: object) => mentionableSelect({ id: "s", ...extra }),
    (extra: object) => channelSelect({ id: "s", ...extra }),
  ];
  for (const select of selects) {
    for (const required of [undefined, true]) {
      refused(
        inModal(select({ min: 0, max: 2, ...(required ? { required } : {}) })),
        RangeError,
        /^Cannot build modal input 's' as 'min' must be at least 1 unless 'required' is false: current value '0'$/,
      );
    }
    inModal(select({ min: 0, max: 2, required: false }))();
    inModal(select({ min: 1, max: 2 }))();
    // In a message, a select may be disabled, and chosen from with none.
    row(select({ min: 0, max: 2, disabled: true }));
  }
  // A literal file upload takes the same rule in a modal.
  refused(
    inModal({ type: 19, custom_id: "f", min_values: 0 }),
    RangeError,
    /modal input 'f'/,
  );
  inModal(textInput({ id: "t" }))();
});
