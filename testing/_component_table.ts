/**
 * Discord's component limits and placement rules as one table, copied from
 * discord-api-docs `developers/components/reference.mdx` (and the message
 * resource's IS_COMPONENTS_V2 notes). Private to the test kit.
 *
 * The fake keeps its own table on purpose instead of importing the
 * library's (`interactions/_component_rules.ts`): a fake that shares the
 * library's checks cannot catch a mistake in them.
 *
 * @module
 */

/** Numeric limits, each with the docs' wording it comes from. */
export const LIMITS = {
  /** "custom_id … 1-100 characters". */
  customId: 100,
  /** "Legacy messages allow up to 5 action rows as top-level components". */
  legacyTopLevel: 5,
  /** "Messages allow up to 40 total components" (nested ones counted). */
  v2Total: 40,
  /** "Up to 5 interactive button components or a single select". */
  rowButtons: 5,
  /** Button "label … max 80 characters". */
  buttonLabel: 80,
  /** Button "url … max 512 characters". */
  buttonUrl: 512,
  /** String select "options … max 25". */
  selectOptions: 25,
  /** Select option label, value and description: "max 100 characters". */
  optionText: 100,
  /** Select "placeholder … max 150 characters". */
  selectPlaceholder: 150,
  /** Select `min_values` "max 25", `max_values` "max 25". */
  selectValues: 25,
  /** Section "One to three child components". */
  sectionComponents: 3,
  /** Thumbnail and gallery item "description … max 1024 characters". */
  mediaDescription: 1024,
  /** Media gallery "1 to 10 media gallery items". */
  galleryItems: 10,
  /** Container accent colour "from 0x000000 to 0xFFFFFF". */
  accentColor: 0xffffff,
  /** Label "label … max 45 characters" (and the legacy text input label). */
  labelText: 45,
  /** Label "description … max 100 characters". */
  labelDescription: 100,
  /** Text input min/max length and `value`: "max 4000". */
  textInputLength: 4000,
  /** Text input "placeholder … max 100 characters". */
  textInputPlaceholder: 100,
  /** File upload `min_values`/`max_values` "max 10", `file_types` "max 10". */
  fileUploadValues: 10,
  /** Radio group "options … min 2, max 10". */
  radioOptions: [2, 10],
  /** Checkbox group "options … min 1, max 10"; values "max 10". */
  checkboxOptions: [1, 10],
  /** A modal's top-level components (the modal structure: 1 to 5). */
  modalComponents: 5,
} as const;

/** Where a component sits: which types may go there. */
export type Place =
  | "legacyTop"
  | "v2Top"
  | "row"
  | "sectionText"
  | "accessory"
  | "container"
  | "modalTop"
  | "modalRow"
  | "label";

/** The five select menus (string, user, role, mentionable, channel). */
export const SELECT_TYPES: ReadonlySet<number> = new Set([3, 5, 6, 7, 8]);

/** Every type of the "Component Types" table. */
export const KNOWN_TYPES: ReadonlySet<number> = new Set([
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  12,
  13,
  14,
  17,
  18,
  19,
  21,
  22,
  23,
]);

/** The component types each place accepts, from the child-component tables. */
export const PLACES: Readonly<Record<Place, ReadonlySet<number>>> = {
  // Without IS_COMPONENTS_V2 only action rows sit at the top.
  legacyTop: new Set([1]),
  // "top-level" components of the V2 layout; buttons and selects live in
  // a row or a section's accessory, thumbnails only as an accessory.
  v2Top: new Set([1, 9, 10, 12, 13, 14, 17]),
  // "Action Row Child Components" (messages).
  row: new Set([2, 3, 5, 6, 7, 8]),
  // "Section Child Components".
  sectionText: new Set([10]),
  // "Section Accessory Components".
  accessory: new Set([2, 11]),
  // "Container Child Components".
  container: new Set([1, 9, 10, 12, 13, 14]),
  // Modal top level: labels, text displays and the deprecated rows.
  modalTop: new Set([1, 10, 18]),
  // The deprecated modal row holds one text input, nothing else.
  modalRow: new Set([4]),
  // "Label Child Components".
  label: new Set([3, 4, 5, 6, 7, 8, 19, 21, 22, 23]),
};
