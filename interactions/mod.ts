/**
 * Interactions: typed application commands (option types flow from the
 * definition into the handler) and their sync, a router for commands,
 * components, modals and autocomplete, component and modal builders
 * (Components v2 included), waiting for a click or a message, and an HTTP
 * interactions endpoint with Ed25519 verification.
 *
 * ```ts
 * import { command, commandPayload, integer } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const roll = command({
 *   name: "roll",
 *   description: "Roll dice",
 *   options: { sides: integer({ description: "Sides", min: 2, max: 100, required: true }) },
 * });
 * assert.equal(commandPayload(roll).options?.[0]?.type, 4);
 * ```
 *
 * @module
 */
export {
  attachment,
  boolean,
  channel,
  type ChannelOptionOptions,
  type ChatInputCommand,
  type ChatInputCommandOptions,
  type Choice,
  type ChoiceValue,
  command,
  type CommandBase,
  type CommandDefinition,
  type CommandOptions,
  commandPayload,
  integer,
  type Localizations,
  mentionable,
  type MentionableOptionValue,
  type MenuTarget,
  type MessageCommand,
  messageCommand,
  number,
  type NumberOptionOptions,
  type OptionDefinition,
  type OptionMap,
  type OptionOptions,
  type OptionValue,
  type OptionValues,
  type RequiredKeys,
  role,
  type Simplify,
  string,
  type StringOptionOptions,
  subcommand,
  type SubcommandDefinition,
  subcommandGroup,
  type SubcommandGroupDefinition,
  type SubcommandGroupOptions,
  type SubcommandOf,
  type SubcommandOptions,
  user,
  type UserCommand,
  userCommand,
  type UserOptionValue,
} from "./commands.ts";
export {
  readAutocomplete,
  type ReadOptions,
  readOptions,
} from "./option_values.ts";
export {
  checkCustomId,
  compileCustomId,
  customId,
  type CustomIdPattern,
  type PatternParams,
} from "./custom_id.ts";
export {
  type AutoSelectOptions,
  button,
  type ButtonOptions,
  type ButtonStyleName,
  channelSelect,
  checkbox,
  checkboxGroup,
  COMPONENTS_V2_FLAG,
  container,
  file,
  fileUpload,
  label,
  linkButton,
  type LinkButtonOptions,
  mediaGallery,
  mentionableSelect,
  type Modal,
  modal,
  type ModalOptions,
  modalRow,
  needsComponentsV2,
  premiumButton,
  radioGroup,
  roleSelect,
  row,
  section,
  type SelectOptions,
  separator,
  stringSelect,
  textDisplay,
  textInput,
  type TextInputOptions,
  thumbnail,
  userSelect,
} from "./components.ts";
export {
  type InitialResponder,
  InteractionContext,
  type InteractionContextOptions,
  type InteractionState,
  type MessageResponse,
} from "./context.ts";
export {
  InteractionError,
  type InteractionErrorKind,
  type InteractionErrorOptions,
} from "./errors.ts";
export { ModalFields } from "./modal_fields.ts";
export {
  ANSWER_DEADLINE,
  type AutocompleteInteraction,
  type AwaitComponentOptions,
  type AwaitedComponent,
  type CommandInteraction,
  type ComponentInteraction,
  type HandleOptions,
  type HasSubcommands,
  InteractionRouter,
  type InteractionRouterOptions,
  type InteractionSource,
  type MenuInteraction,
  type ModalInteraction,
  type OptionNames,
  type RoutedInteraction,
  type RouteHandler,
} from "./router.ts";
export {
  syncCommands,
  type SyncCommandsOptions,
  type SyncCommandsResult,
} from "./sync.ts";
export {
  interactionsEndpoint,
  type InteractionsEndpointOptions,
  type RequestHandler,
} from "./http_endpoint.ts";
export {
  awaitMessage,
  type AwaitMessageOptions,
  type CreatedMessage,
  type MessageSource,
} from "./await_message.ts";
