/**
 * The check of a message's components as the builders check them: each
 * action row as `row()` does (1-5 buttons, or one select alone), each
 * button and select, and each Components v2 part (section, text display,
 * thumbnail, media gallery, file, separator, container) rebuilt through its
 * own builder, so that components written as literals meet every rule a
 * built one meets. Over the HTTP interactions endpoint the message is the
 * 200 answer, so one Discord refuses would only show as "This interaction
 * failed" while `respond()` resolved and `onError` heard nothing. The
 * pattern of `_modal_check.ts`. Private to the package.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import { shown } from "../base/option_checks.ts";
import {
  type ButtonComponent,
  ComponentType,
  type ContainerChild,
  type MediaGalleryItem,
} from "../types/objects/component.ts";
import {
  button,
  type ButtonStyleName,
  channelSelect,
  linkButton,
  mentionableSelect,
  premiumButton,
  roleSelect,
  row,
  stringSelect,
  userSelect,
} from "./components.ts";
import {
  container,
  file,
  mediaGallery,
  section,
  separator,
  textDisplay,
  thumbnail,
} from "./components_v2.ts";
import { InteractionError } from "./errors.ts";

/** A literal's fields, read loosely: it may come from plain JavaScript. */
type Fields = Record<string, unknown>;

/** The builders' style names, by the button styles they send. */
const STYLE_NAMES: Readonly<Record<number, ButtonStyleName>> = {
  1: "primary",
  2: "secondary",
  3: "success",
  4: "danger",
};

/** The separators' spacing names, by the values they send. */
const SPACING_NAMES: Readonly<Record<number, "small" | "large">> = {
  1: "small",
  2: "large",
};

/** What an action row of a message holds: buttons and selects. */
const ROW_KINDS: ReadonlySet<unknown> = new Set([2, 3, 5, 6, 7, 8]);

/**
 * Every component type the library knows (modal ones included): a type
 * outside it is one Discord added after this library, passed unchecked.
 */
const KNOWN_KINDS: ReadonlySet<unknown> = new Set(
  Object.values(ComponentType),
);

/** A stand-in for a child of an unknown type, counted but not checked. */
const STAND_IN = textDisplay("");

/** Wire field names, each with the builder option it comes from. */
type Names = readonly (readonly [field: string, option: string])[];

/**
 * The builder options read from a literal's `fields`: each wire field
 * named in `names` that is set. `null` (a literal's, or a fetched
 * message's, "none") counts as unset: the builders take no null. A plain
 * loop over fixed tables: it runs for every component of every message.
 */
function pick(fields: Fields, names: Names): Fields {
  const options: Fields = {};
  for (let i = 0; i < names.length; i++) {
    const [field, name] = names[i]!;
    const value = fields[field];
    if (value != null) options[name] = value;
  }
  return options;
}

/**
 * A select option's fields without those set to `null` (as `pick` reads
 * a component's): `description: null` is "none", which the builder would
 * take for a text of the wrong length.
 */
function withoutNulls(option: unknown): unknown {
  if (typeof option !== "object" || option === null) return option;
  const fields: Fields = {};
  for (const [key, value] of Object.entries(option)) {
    if (value !== null) fields[key] = value;
  }
  return fields;
}

/** `disabled`, which every button and select takes. */
const DISABLED: Names = [["disabled", "disabled"]];
/** What `button()` takes besides its id and style. */
const BUTTON_FIELDS: Names = [
  ["label", "label"],
  ["emoji", "emoji"],
  ...DISABLED,
];
/** What `linkButton()` takes. */
const LINK_BUTTON_FIELDS: Names = [["url", "url"], ...BUTTON_FIELDS];
/** What every select's builder takes. */
const SELECT_FIELDS: Names = [
  ["custom_id", "id"],
  ["placeholder", "placeholder"],
  ["min_values", "min"],
  ["max_values", "max"],
  ["required", "required"],
  ...DISABLED,
];
/** What `stringSelect()` takes. */
const STRING_SELECT_FIELDS: Names = [...SELECT_FIELDS, ["options", "options"]];
/** What the user, role and mentionable selects take. */
const AUTO_SELECT_FIELDS: Names = [
  ...SELECT_FIELDS,
  ["default_values", "defaults"],
];
/** What `channelSelect()` takes. */
const CHANNEL_SELECT_FIELDS: Names = [
  ...AUTO_SELECT_FIELDS,
  ["channel_types", "channelTypes"],
];
/** `spoiler`, which thumbnails, files and containers take. */
const SPOILER: Names = [["spoiler", "spoiler"]];
/** What `thumbnail()` takes besides its URL. */
const THUMBNAIL_FIELDS: Names = [["description", "description"], ...SPOILER];
/** What `container()` takes besides its children. */
const CONTAINER_FIELDS: Names = [["accent_color", "accentColor"], ...SPOILER];

/** What `separator()` takes besides its spacing. */
const DIVIDER: Names = [["divider", "divider"]];

/** A button as `button()`, `linkButton()` or `premiumButton()` checks it. */
function checkButton(fields: Fields): void {
  const style = fields.style;
  if (style === 5) {
    linkButton(pick(fields, LINK_BUTTON_FIELDS) as never);
  } else if (style === 6) {
    premiumButton(fields.sku_id as string, pick(fields, DISABLED));
  } else {
    const options = pick(fields, BUTTON_FIELDS);
    // A missing custom id as `button()` refuses an empty one.
    options.id = fields.custom_id;
    // An unknown style by its number, which `button()` names as refused.
    options.style = STYLE_NAMES[style as number] ?? style;
    button(options as never);
  }
}

/** A select as its builder checks it. */
function checkSelect(fields: Fields): void {
  switch (fields.type) {
    case 3: {
      // `options` absent as none, which `stringSelect()` refuses.
      const options = pick(fields, STRING_SELECT_FIELDS);
      if (Array.isArray(options.options)) {
        options.options = options.options.map(withoutNulls);
      }
      stringSelect({ options: [], ...options } as never);
      return;
    }
    case 8:
      channelSelect(pick(fields, CHANNEL_SELECT_FIELDS) as never);
      return;
    default: {
      const options = pick(fields, AUTO_SELECT_FIELDS) as never;
      if (fields.type === 5) userSelect(options);
      else if (fields.type === 6) roleSelect(options);
      else mentionableSelect(options);
    }
  }
}

/**
 * An action row as `row()` checks it (1-5 buttons, or one select alone,
 * no custom id twice), and each child as its builder does. A row holding
 * a child of a type it does not know (one Discord may add later, whose
 * width this library cannot tell) has its known children checked, not
 * its width.
 */
function checkRow(fields: Fields): void {
  const children = Array.isArray(fields.components) ? fields.components : [];
  const known = children.filter((child) => ROW_KINDS.has(kindOf(child)));
  if (known.length === children.length) {
    row(...children as ButtonComponent[]);
  }
  for (const child of known) checkComponent(child);
}

/**
 * A section as `section()` checks it (1-3 texts), and its accessory (a
 * button or a thumbnail) as that one's builder does. Its texts are text
 * displays, which have no rules of their own, so nothing deeper is read.
 */
function checkSection(fields: Fields): void {
  const texts = Array.isArray(fields.components) ? fields.components : [];
  section(texts.map(() => ""), fields.accessory as ButtonComponent);
  const accessory = fields.accessory;
  const kind = kindOf(accessory);
  if (kind === 2 || kind === 11) checkComponent(accessory);
}

/**
 * A container as `container()` checks it (1-40 children, each of a type
 * a container holds, never another container, an RGB accent colour), and
 * each child as its builder does. A child of a type Discord may add later
 * is counted (as a stand-in) but not checked.
 */
function checkContainer(fields: Fields): void {
  const children = Array.isArray(fields.components) ? fields.components : [];
  container(
    children.map((child) =>
      KNOWN_KINDS.has(kindOf(child)) ? child : STAND_IN
    ) as ContainerChild[],
    pick(fields, CONTAINER_FIELDS),
  );
  // The builder refused a nested container: what is read here is one
  // level deeper at most (rows, sections), so a cyclic literal ends.
  for (const child of children) checkComponent(child);
}

/** A file as `file()` checks it, its `file.url` a string first. */
function checkFile(fields: Fields): void {
  const url = (fields.file as Fields | null | undefined)?.url;
  if (typeof url !== "string") {
    throw new TypeError(
      `Cannot build file as 'file.url' must be a string (an attachment://<name> reference): current value '${
        shown(url)
      }'`,
    );
  }
  file(url, pick(fields, SPOILER));
}

/** A literal's `type`, or `undefined` for what is no object. */
function kindOf(component: unknown): unknown {
  return typeof component === "object" && component !== null
    ? (component as Fields).type
    : undefined;
}

/**
 * One component through its builder. A type Discord may add later passes
 * unchecked: the library cannot know its rules, and refusing it would
 * block a message Discord takes; Discord answers for it. (So does a
 * modal's input put in a message, which no message builder makes.)
 */
function checkComponent(component: unknown): void {
  if (typeof component !== "object" || component === null) return;
  const fields = component as Fields;
  switch (fields.type) {
    case 1:
      return checkRow(fields);
    case 2:
      return checkButton(fields);
    case 3:
    case 5:
    case 6:
    case 7:
    case 8:
      return checkSelect(fields);
    case 9:
      return checkSection(fields);
    case 11:
      thumbnail(
        (fields.media as Fields | null | undefined)?.url as string,
        pick(fields, THUMBNAIL_FIELDS),
      );
      return;
    case 12:
      mediaGallery(
        ...(Array.isArray(fields.items) ? fields.items : []) as (
          | string
          | MediaGalleryItem
        )[],
      );
      return;
    case 13:
      return checkFile(fields);
    case 14:
      separator({
        ...pick(fields, DIVIDER),
        // An unknown spacing by its number, which `separator()` refuses.
        ...(fields.spacing == null ? {} : {
          spacing: SPACING_NAMES[fields.spacing as number] ?? fields.spacing,
        }),
      } as never);
      return;
    case 17:
      return checkContainer(fields);
  }
}

/**
 * Check a message's components as the builders check theirs (components
 * they built pass again: the same checks over at most 40 components).
 * Text displays have no rules of their own.
 *
 * @param components The message's components.
 * @throws {InteractionError} `invalid_response` for components Discord
 *   would refuse (the builder's error is its cause).
 */
export function checkMessageComponents(components: readonly unknown[]): void {
  try {
    for (const component of components) checkComponent(component);
  } catch (error) {
    throw new InteractionError(
      "invalid_response",
      `Cannot send message components, which Discord would refuse (nothing was sent): ${
        errorText(error)
      }`,
      { cause: error },
    );
  }
}
