/**
 * Builders for the Components v2 layout components (text displays,
 * thumbnails, sections, media galleries, files, separators and
 * containers), the IS_COMPONENTS_V2 message flag, and the test of whether
 * a message's components need that flag. Each builder returns the typed
 * wire object from `types/` and checks Discord's limits at run time.
 *
 * @module
 */
import type {
  ButtonComponent,
  ContainerChild,
  ContainerComponent,
  FileComponent,
  MediaGalleryComponent,
  MediaGalleryItem,
  MessageComponent,
  SectionComponent,
  SeparatorComponent,
  TextDisplayComponent,
  ThumbnailComponent,
} from "../types/objects/component.ts";
import { count, limit } from "./_component_limits.ts";
import { containerChildren } from "./_component_rules.ts";
import { rgb } from "./_component_values.ts";
import { setDefined } from "./_set_defined.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { enumValue, type OptionsOf } from "./_builder_keys.ts";

/** The IS_COMPONENTS_V2 message flag (`1 << 15`). */
export const COMPONENTS_V2_FLAG = 1 << 15;

/**
 * Markdown text (Components v2 messages and modals).
 *
 * @param content The text.
 * @returns The component.
 *
 * @example Usage
 * ```ts
 * import { textDisplay } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(textDisplay("**Hello**"), { type: 10, content: "**Hello**" });
 * ```
 */
export function textDisplay(content: string): TextDisplayComponent {
  return { type: 10, content };
}

/** Keys of `thumbnail`'s options. */
const THUMBNAIL_KEYS: readonly string[] = optionKeys(
  { description: true, spoiler: true } satisfies Record<
    keyof OptionsOf<typeof thumbnail, 1>,
    true
  >,
);

/**
 * A small image beside a section's text.
 *
 * @param url A URL or `attachment://<name>`.
 * @param options Alt text and spoiler.
 * @returns The component.
 * @throws {TypeError} For a key that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { thumbnail } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const t = thumbnail("attachment://avatar.png", { description: "Avatar" });
 * assert.equal(t.type, 11);
 * assert.equal(t.media.url, "attachment://avatar.png");
 * assert.equal(t.description, "Avatar");
 * ```
 */
export function thumbnail(
  url: string,
  options: { description?: string; spoiler?: boolean } = {},
): ThumbnailComponent {
  checkOptionKeys("build thumbnail", "", options, THUMBNAIL_KEYS);
  limit("description", options.description, 1024);
  const out: ThumbnailComponent = { type: 11, media: { url } };
  setDefined(out, "description", options.description);
  setDefined(out, "spoiler", options.spoiler);
  return out;
}

/**
 * 1-3 texts with a button or thumbnail beside them.
 *
 * @param text One to three markdown texts.
 * @param accessory A button or thumbnail.
 * @returns The component.
 * @throws {RangeError} For no text or more than 3.
 *
 * @example Usage
 * ```ts
 * import { section, thumbnail } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const s = section(["# Title", "Body"], thumbnail("https://example.com/a.png"));
 * assert.equal(s.type, 9);
 * assert.deepEqual(s.components.map((c) => c.content), ["# Title", "Body"]);
 * assert.equal(s.accessory.type, 11);
 * ```
 */
export function section(
  text: string | readonly string[],
  accessory: ButtonComponent | ThumbnailComponent,
): SectionComponent {
  const texts = typeof text === "string" ? [text] : text;
  count("components", texts.length, 1, 3);
  return { type: 9, components: texts.map(textDisplay), accessory };
}

/**
 * 1-10 images or videos.
 *
 * @param items URLs (or `attachment://` names) or full items (alt text
 *   1024 characters at most).
 * @returns The component.
 * @throws {RangeError} For 0 or more than 10 items, or longer alt text.
 *
 * @example Usage
 * ```ts
 * import { mediaGallery } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const g = mediaGallery("attachment://a.png", {
 *   media: { url: "https://example.com/b.png" },
 *   description: "A cat",
 * });
 * assert.equal(g.type, 12);
 * assert.deepEqual(g.items[0], { media: { url: "attachment://a.png" } });
 * assert.equal(g.items[1]?.description, "A cat");
 * ```
 */
export function mediaGallery(
  ...items: (string | MediaGalleryItem)[]
): MediaGalleryComponent {
  count("items", items.length, 1, 10);
  for (const item of items) {
    if (typeof item !== "string") {
      limit("items.description", item.description ?? undefined, 1024);
    }
  }
  return {
    type: 12,
    items: items.map((item) =>
      typeof item === "string" ? { media: { url: item } } : item
    ),
  };
}

/** Keys of `file`'s options. */
const FILE_KEYS: readonly string[] = optionKeys(
  { spoiler: true } satisfies Record<keyof OptionsOf<typeof file, 1>, true>,
);

/**
 * An attached file shown in the message.
 *
 * @param name The attachment's file name (becomes `attachment://<name>`).
 * @param options Spoiler.
 * @returns The component.
 * @throws {TypeError} For a key that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { file } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(file("report.pdf", { spoiler: true }), {
 *   type: 13,
 *   file: { url: "attachment://report.pdf" },
 *   spoiler: true,
 * });
 * ```
 */
export function file(
  name: string,
  options: { spoiler?: boolean } = {},
): FileComponent {
  checkOptionKeys("build file", "", options, FILE_KEYS);
  const url = name.startsWith("attachment://") ? name : `attachment://${name}`;
  const out: FileComponent = { type: 13, file: { url } };
  setDefined(out, "spoiler", options.spoiler);
  return out;
}

/** Keys of `separator`'s options. */
const SEPARATOR_KEYS: readonly string[] = optionKeys(
  { divider: true, spacing: true } satisfies Record<
    keyof OptionsOf<typeof separator, 0>,
    true
  >,
);

/**
 * Vertical padding, with a line unless `divider` is false.
 *
 * @param options Divider and spacing.
 * @returns The component.
 * @throws {TypeError} For a key that is not one of the options, or a
 *   `spacing` that is neither `"small"` nor `"large"`.
 *
 * @example Usage
 * ```ts
 * import { separator } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(separator({ divider: false, spacing: "large" }), {
 *   type: 14,
 *   divider: false,
 *   spacing: 2,
 * });
 * ```
 */
export function separator(
  options: { divider?: boolean; spacing?: "small" | "large" } = {},
): SeparatorComponent {
  checkOptionKeys("build separator", "", options, SEPARATOR_KEYS);
  const spacing = enumValue(
    "build separator",
    "spacing",
    options.spacing,
    {
      small: 1,
      large: 2,
    } as const,
  );
  const out: SeparatorComponent = { type: 14 };
  setDefined(out, "divider", options.divider);
  setDefined(out, "spacing", spacing);
  return out;
}

/** Keys of `container`'s options. */
const CONTAINER_KEYS: readonly string[] = optionKeys(
  { accentColor: true, spoiler: true } satisfies Record<
    keyof OptionsOf<typeof container, 1>,
    true
  >,
);

/**
 * A box around components, with an optional accent colour.
 *
 * @param components What goes inside: action rows, sections, text
 *   displays, media galleries, files and separators (never a container).
 * @param options Accent colour (RGB) and spoiler.
 * @returns The component.
 * @throws {RangeError} For not 1-40 components (Discord refuses an empty
 *   container) or an accent colour that is not RGB.
 * @throws {TypeError} For a child Discord does not allow in a container,
 *   or a key that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { container, textDisplay } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const c = container([textDisplay("Hi")], { accentColor: 0x5865f2 });
 * assert.equal(c.type, 17);
 * assert.equal(c.accent_color, 0x5865f2);
 * assert.equal(c.components.length, 1);
 * ```
 */
export function container(
  components: readonly ContainerChild[],
  options: { accentColor?: number; spoiler?: boolean } = {},
): ContainerComponent {
  checkOptionKeys("build container", "", options, CONTAINER_KEYS);
  rgb("container", options.accentColor);
  count("components", components.length, 1, 40);
  containerChildren(components);
  const out: ContainerComponent = { type: 17, components: [...components] };
  setDefined(out, "accent_color", options.accentColor);
  setDefined(out, "spoiler", options.spoiler);
  return out;
}

/**
 * Whether components need the IS_COMPONENTS_V2 flag (anything at the top
 * level that is not an action row).
 *
 * @param components A message's components.
 * @returns `true` when the flag is needed.
 *
 * @example Usage
 * ```ts
 * import { button, needsComponentsV2, row, textDisplay } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.equal(needsComponentsV2([row(button({ id: "ok", label: "OK" }))]), false);
 * assert.equal(needsComponentsV2([textDisplay("Hello")]), true);
 * assert.equal(needsComponentsV2(undefined), false);
 * ```
 */
export function needsComponentsV2(
  components: readonly MessageComponent[] | undefined,
): boolean {
  return components?.some((c) => c.type !== 1) ?? false;
}
