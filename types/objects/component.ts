/**
 * Message and modal components, typed per kind: the component type, button
 * style, text input style and separator spacing constants, and one
 * interface per component with Discord's field names and limits.
 *
 * The unions are strict where Discord is: a button needs a `style` (and a
 * `custom_id`, a `url` or a `sku_id` depending on it), an action row holds
 * buttons or one select, a modal's children are labels, text displays or
 * (deprecated) rows of text inputs.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { ChannelType } from "./channel.ts";
import type { ComponentEmoji } from "./emoji.ts";

/**
 * Component types.
 *
 * @example Usage
 * ```ts
 * import { ComponentType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ComponentType.Container, 17);
 * ```
 */
export const ComponentType = {
  /** A row of up to 5 buttons or one select. */
  ActionRow: 1,
  /** A button. */
  Button: 2,
  /** A select menu of developer-defined options. */
  StringSelect: 3,
  /** A text input (modals only). */
  TextInput: 4,
  /** A select menu of users. */
  UserSelect: 5,
  /** A select menu of roles. */
  RoleSelect: 6,
  /** A select menu of users and roles. */
  MentionableSelect: 7,
  /** A select menu of channels. */
  ChannelSelect: 8,
  /** Text next to an accessory (Components v2). */
  Section: 9,
  /** Markdown text (Components v2, modals). */
  TextDisplay: 10,
  /** A small image, as a section accessory (Components v2). */
  Thumbnail: 11,
  /** 1 to 10 images or videos (Components v2). */
  MediaGallery: 12,
  /** An attached file (Components v2). */
  File: 13,
  /** Vertical padding, optionally with a divider (Components v2). */
  Separator: 14,
  /** A box around other components (Components v2). */
  Container: 17,
  /** A label and description around one modal input. */
  Label: 18,
  /** A file upload field (modals only). */
  FileUpload: 19,
  /** A single-choice set of options (modals only). */
  RadioGroup: 21,
  /** A multiple-choice set of checkboxes (modals only). */
  CheckboxGroup: 22,
  /** One yes/no checkbox (modals only). */
  Checkbox: 23,
} as const;

/** A component type value. */
export type ComponentType = typeof ComponentType[keyof typeof ComponentType];

/**
 * Button styles. Primary to Danger need a `custom_id`; Link needs a `url`;
 * Premium needs a `sku_id`.
 *
 * @example Usage
 * ```ts
 * import { ButtonStyle } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ButtonStyle.Link, 5);
 * ```
 */
export const ButtonStyle = {
  /** Blurple: the recommended action. */
  Primary: 1,
  /** Grey: an alternative action. */
  Secondary: 2,
  /** Green: a positive action. */
  Success: 3,
  /** Red: an irreversible action. */
  Danger: 4,
  /** Grey, navigates to a URL; sends no interaction. */
  Link: 5,
  /** Purchase of an SKU; sends no interaction. */
  Premium: 6,
} as const;

/** A button style value. */
export type ButtonStyle = typeof ButtonStyle[keyof typeof ButtonStyle];

/**
 * Text input styles.
 *
 * @example Usage
 * ```ts
 * import { TextInputStyle } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(TextInputStyle.Paragraph, 2);
 * ```
 */
export const TextInputStyle = {
  /** One line. */
  Short: 1,
  /** Several lines. */
  Paragraph: 2,
} as const;

/** A text input style value. */
export type TextInputStyle = typeof TextInputStyle[keyof typeof TextInputStyle];

/**
 * Separator padding sizes.
 *
 * @example Usage
 * ```ts
 * import { SeparatorSpacing } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SeparatorSpacing.Large, 2);
 * ```
 */
export const SeparatorSpacing = {
  /** Small padding. */
  Small: 1,
  /** Large padding. */
  Large: 2,
} as const;

/** A separator spacing value. */
export type SeparatorSpacing =
  typeof SeparatorSpacing[keyof typeof SeparatorSpacing];

/** Fields every component has. */
export interface BaseComponent {
  /** Optional 32-bit identifier, unique within the message. */
  id?: number;
}

/** A button that sends an interaction (styles 1-4). */
export interface InteractiveButton extends BaseComponent {
  /** Always 2. */
  type: 2;
  /** Primary, Secondary, Success or Danger. */
  style: 1 | 2 | 3 | 4;
  /** Developer-defined identifier (1-100 characters). */
  custom_id: string;
  /** Text on the button (80 characters at most). */
  label?: string;
  /** Emoji on the button. */
  emoji?: ComponentEmoji;
  /** Whether it is greyed out. */
  disabled?: boolean;
}

/** A button that opens a URL (style 5). */
export interface LinkButton extends BaseComponent {
  /** Always 2. */
  type: 2;
  /** Always 5. */
  style: 5;
  /** The URL (512 characters at most). */
  url: string;
  /** Text on the button (80 characters at most). */
  label?: string;
  /** Emoji on the button. */
  emoji?: ComponentEmoji;
  /** Whether it is greyed out. */
  disabled?: boolean;
}

/** A button that buys an SKU (style 6); it has no label, emoji or custom id. */
export interface PremiumButton extends BaseComponent {
  /** Always 2. */
  type: 2;
  /** Always 6. */
  style: 6;
  /** The SKU to buy. */
  sku_id: Snowflake;
  /** Whether it is greyed out. */
  disabled?: boolean;
}

/** Any button. */
export type ButtonComponent = InteractiveButton | LinkButton | PremiumButton;

/** One option of a string select. */
export interface SelectOption {
  /** Shown name (100 characters at most). */
  label: string;
  /** Value sent back (100 characters at most). */
  value: string;
  /** Extra line (100 characters at most). */
  description?: string;
  /** Emoji. */
  emoji?: ComponentEmoji;
  /** Selected by default. */
  default?: boolean;
}

/** A pre-selected value of a user, role, mentionable or channel select. */
export interface SelectDefaultValue {
  /** The user, role or channel ID. */
  id: Snowflake;
  /** What `id` is. */
  type: "user" | "role" | "channel";
}

/** Fields every select menu has. */
export interface SelectBase extends BaseComponent {
  /** Developer-defined identifier (1-100 characters). */
  custom_id: string;
  /** Text shown while nothing is selected (150 characters at most). */
  placeholder?: string;
  /** Fewest choices (0-25, default 1). */
  min_values?: number;
  /** Most choices (1-25, default 1). */
  max_values?: number;
  /** In a modal: whether an answer is required (default true). */
  required?: boolean;
  /** In a message: whether it is greyed out. */
  disabled?: boolean;
}

/** A select menu of developer-defined options. */
export interface StringSelectComponent extends SelectBase {
  /** Always 3. */
  type: 3;
  /** 1 to 25 options. */
  options: SelectOption[];
}

/** A select menu of users, roles, mentionables or channels. */
export interface AutoSelectComponent extends SelectBase {
  /** 5 user, 6 role, 7 mentionable, 8 channel. */
  type: 5 | 6 | 7 | 8;
  /** Pre-selected values. */
  default_values?: SelectDefaultValue[];
  /** Channel select only: which channel types are listed. */
  channel_types?: ChannelType[];
}

/** Any select menu. */
export type SelectComponent = StringSelectComponent | AutoSelectComponent;

/** A text input (modals only). */
export interface TextInputComponent extends BaseComponent {
  /** Always 4. */
  type: 4;
  /** Developer-defined identifier (1-100 characters). */
  custom_id: string;
  /** Short (1) or paragraph (2). */
  style: TextInputStyle;
  /** Deprecated in labels: the label of a text input in an action row (45 characters at most). */
  label?: string;
  /** Fewest characters (0-4000). */
  min_length?: number;
  /** Most characters (1-4000). */
  max_length?: number;
  /** Whether it must be filled (default true). */
  required?: boolean;
  /** Pre-filled text (4000 characters at most). */
  value?: string;
  /** Text shown while empty (100 characters at most). */
  placeholder?: string;
}

/** A file upload field (modals only). */
export interface FileUploadComponent extends BaseComponent {
  /** Always 19. */
  type: 19;
  /** Developer-defined identifier (1-100 characters). */
  custom_id: string;
  /** Fewest files (0-10, default 1). */
  min_values?: number;
  /** Most files (1-10, default 1). */
  max_values?: number;
  /** Whether a file is required (default true). */
  required?: boolean;
  /** Accepted kinds: `image`, `video`, `audio` or extensions. */
  file_types?: string[];
}

/** An option of a radio group or checkbox group. */
export interface ChoiceOption {
  /** Value sent back (100 characters at most). */
  value: string;
  /** Shown label (100 characters at most). */
  label: string;
  /** Extra line (100 characters at most). */
  description?: string;
  /** Selected by default. */
  default?: boolean;
}

/** A single-choice set of options (modals only). */
export interface RadioGroupComponent extends BaseComponent {
  /** Always 21. */
  type: 21;
  /** Developer-defined identifier (1-100 characters). */
  custom_id: string;
  /** 2 to 10 options. */
  options: ChoiceOption[];
  /** Whether a choice is required (default true). */
  required?: boolean;
}

/** A multiple-choice set of checkboxes (modals only). */
export interface CheckboxGroupComponent extends BaseComponent {
  /** Always 22. */
  type: 22;
  /** Developer-defined identifier (1-100 characters). */
  custom_id: string;
  /** 1 to 10 options. */
  options: ChoiceOption[];
  /** Fewest choices (0-10). */
  min_values?: number;
  /** Most choices (1-10). */
  max_values?: number;
  /** Whether a choice is required (default true). */
  required?: boolean;
}

/** One yes/no checkbox (modals only). */
export interface CheckboxComponent extends BaseComponent {
  /** Always 23. */
  type: 23;
  /** Developer-defined identifier (1-100 characters). */
  custom_id: string;
  /** Checked by default. */
  default?: boolean;
}

/** An action row in a message: up to 5 buttons, or one select. */
export interface MessageActionRow extends BaseComponent {
  /** Always 1. */
  type: 1;
  /** The row's buttons or its select. */
  components: ButtonComponent[] | [SelectComponent];
}

/** An action row in a modal: one text input (deprecated; use a label). */
export interface ModalActionRow extends BaseComponent {
  /** Always 1. */
  type: 1;
  /** The text input. */
  components: [TextInputComponent];
}

/** Any action row. */
export type ActionRowComponent = MessageActionRow | ModalActionRow;

/** A URL or `attachment://<filename>` reference, as sent. */
export interface UnfurledMediaItem {
  /** The URL or attachment reference. */
  url: string;
  /** Proxied URL (set by Discord). */
  proxy_url?: string;
  /** Height (set by Discord, images and videos). */
  height?: number | null;
  /** Width (set by Discord, images and videos). */
  width?: number | null;
  /** Thumbhash placeholder (set by Discord, images and videos). */
  placeholder?: string;
  /** Version of the placeholder (set by Discord, images and videos). */
  placeholder_version?: number;
  /** Media type (set by Discord). */
  content_type?: string;
  /** Unfurled media item flags, a bit set (set by Discord). */
  flags?: number;
  /** The uploaded attachment's ID (set by Discord). */
  attachment_id?: Snowflake;
}

/** Markdown text. */
export interface TextDisplayComponent extends BaseComponent {
  /** Always 10. */
  type: 10;
  /** The text. */
  content: string;
}

/** A small image next to a section's text. */
export interface ThumbnailComponent extends BaseComponent {
  /** Always 11. */
  type: 11;
  /** The image. */
  media: UnfurledMediaItem;
  /** Alt text (1024 characters at most). */
  description?: string | null;
  /** Blurred until clicked. */
  spoiler?: boolean;
}

/** One text to three texts with a button or thumbnail beside them. */
export interface SectionComponent extends BaseComponent {
  /** Always 9. */
  type: 9;
  /** 1 to 3 text displays. */
  components: TextDisplayComponent[];
  /** A button or thumbnail. */
  accessory: ButtonComponent | ThumbnailComponent;
}

/** One item of a media gallery. */
export interface MediaGalleryItem {
  /** The image or video. */
  media: UnfurledMediaItem;
  /** Alt text (1024 characters at most). */
  description?: string | null;
  /** Blurred until clicked. */
  spoiler?: boolean;
}

/** 1 to 10 images or videos. */
export interface MediaGalleryComponent extends BaseComponent {
  /** Always 12. */
  type: 12;
  /** The items. */
  items: MediaGalleryItem[];
}

/** An attached file, shown in the message (`attachment://` URLs only). */
export interface FileComponent extends BaseComponent {
  /** Always 13. */
  type: 13;
  /** The attachment reference. */
  file: UnfurledMediaItem;
  /** Blurred until clicked. */
  spoiler?: boolean;
  /** File name (set by Discord). */
  name?: string;
  /** Size in bytes (set by Discord). */
  size?: number;
}

/** Vertical padding between components. */
export interface SeparatorComponent extends BaseComponent {
  /** Always 14. */
  type: 14;
  /** Whether a line is drawn (default true). */
  divider?: boolean;
  /** 1 small (default), 2 large. */
  spacing?: SeparatorSpacing;
}

/** What a container may hold. */
export type ContainerChild =
  | MessageActionRow
  | TextDisplayComponent
  | SectionComponent
  | MediaGalleryComponent
  | SeparatorComponent
  | FileComponent;

/** A box around other components, with an optional accent colour. */
export interface ContainerComponent extends BaseComponent {
  /** Always 17. */
  type: 17;
  /** The components inside. */
  components: ContainerChild[];
  /** Accent colour as RGB (`0x000000`-`0xFFFFFF`). */
  accent_color?: number | null;
  /** Blurred until clicked. */
  spoiler?: boolean;
}

/** What a label may wrap. */
export type LabelChild =
  | TextInputComponent
  | SelectComponent
  | FileUploadComponent
  | RadioGroupComponent
  | CheckboxGroupComponent
  | CheckboxComponent;

/** A label and description around one modal input. */
export interface LabelComponent extends BaseComponent {
  /** Always 18. */
  type: 18;
  /** The label (45 characters at most). */
  label: string;
  /** Extra line (100 characters at most). */
  description?: string;
  /** The wrapped input. */
  component: LabelChild;
}

/**
 * A top-level component of a message. Action rows are the legacy layout;
 * the others need the IS_COMPONENTS_V2 message flag (`1 << 15`).
 */
export type MessageComponent =
  | MessageActionRow
  | SectionComponent
  | TextDisplayComponent
  | MediaGalleryComponent
  | FileComponent
  | SeparatorComponent
  | ContainerComponent;

/** A top-level component of a modal. */
export type ModalComponent =
  | LabelComponent
  | TextDisplayComponent
  | ModalActionRow;

/** A submitted modal input, as the modal submit interaction carries it. */
export interface SubmittedModalInput {
  /** The input's type. */
  type: number;
  /** The component id. */
  id?: number;
  /** The input's custom id. */
  custom_id?: string;
  /** Text input, radio group: the value. Checkbox: the state. */
  value?: string | boolean | null;
  /** Selects, checkbox groups, file uploads: the chosen values (IDs for auto selects and uploads). */
  values?: string[];
  /** Label or action row: the wrapped input(s). */
  component?: SubmittedModalInput;
  /** Action row: the wrapped input(s). */
  components?: SubmittedModalInput[];
}
