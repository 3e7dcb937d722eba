/**
 * The typed interactions an `InteractionRouter` hands its
 * handlers: a command's options read against its definition, a context
 * menu's target, a component's or modal's custom id parameters.
 *
 * @module
 */
import type { Snowflake } from "../types/gateway_payloads.ts";
import type {
  Interaction,
  InteractionMember,
  ResolvedData,
} from "../types/objects/interaction.ts";
import type { Message } from "../types/objects/message.ts";
import type { User } from "../types/objects/user.ts";
import type {
  ChatInputCommand,
  MessageCommand,
  OptionMap,
  OptionValues,
  SubcommandDefinition,
  SubcommandGroupDefinition,
  SubcommandOf,
  UserCommand,
  UserOptionValue,
} from "./commands.ts";
import type { InteractionContext } from "./context.ts";
import type { PatternParams } from "./custom_id.ts";
import type { ModalFields } from "./modal_fields.ts";

/** Fields every routed interaction has. */
export interface RoutedInteraction {
  /** The interaction as Discord sent it. */
  raw: Interaction;
  /** The interaction ID. */
  id: Snowflake;
  /** Who used it. */
  user: User;
  /** The member, in guilds. */
  member: InteractionMember | undefined;
  /** The guild, if any. */
  guildId: Snowflake | undefined;
  /** The channel, if any. */
  channelId: Snowflake | undefined;
  /** The user's locale. */
  locale: string | undefined;
}

/**
 * Whether options hold subcommands (or groups): `true` or `false` when
 * their types tell, `boolean` when they cannot (an option whose `type` is
 * only known as `number`, as in the wide `OptionMap` of a command typed
 * `ChatInputCommand`: built from data, say).
 */
export type HasSubcommands<O extends OptionMap> = {
  // Per option: "maybe" when its type is `number` or a union holding 1 or
  // 2 and other types (inlined: a private type would not be documented).
  [K in keyof O]: O[K]["type"] extends 1 | 2 ? "yes"
    : number extends O[K]["type"] ? "maybe"
    : [Extract<O[K]["type"], 1 | 2>] extends [never] ? "no"
    : "maybe";
}[keyof O] extends infer S ? "yes" extends S ? true
  : "maybe" extends S ? boolean
  : false
  : never;

/**
 * A slash command interaction, typed from its definition. A command whose
 * option types cannot be told ({@linkcode HasSubcommands} is `boolean`)
 * gets the shape the router builds for any command: `options` and
 * `subcommand` as plain records, to be checked before use.
 */
export interface CommandInteraction<C extends ChatInputCommand>
  extends RoutedInteraction {
  /** The command's name. */
  command: C["name"];
  /**
   * The option values (of a command without subcommands; empty when a
   * subcommand ran).
   */
  options: boolean extends HasSubcommands<C["options"]>
    ? Record<string, unknown>
    : HasSubcommands<C["options"]> extends true ? Record<never, never>
    : OptionValues<C["options"]>;
  /**
   * Which subcommand ran (`"sub"` or `"group sub"`) and its option values
   * (commands with subcommands).
   */
  subcommand: boolean extends HasSubcommands<C["options"]>
    ? { name: string; options: Record<string, unknown> } | undefined
    : HasSubcommands<C["options"]> extends true ? SubcommandOf<C["options"]>
    : undefined;
}

/** A context-menu command interaction: the user or message it ran on. */
export interface MenuInteraction<C extends UserCommand | MessageCommand>
  extends RoutedInteraction {
  /** The command's name. */
  command: C["name"];
  /** The target user (user commands) or message (message commands). */
  target: C extends UserCommand ? UserOptionValue : Message;
}

/** A button or select interaction, with the custom id's parameters. */
export interface ComponentInteraction<P extends string = string>
  extends RoutedInteraction {
  /** The custom id. */
  customId: string;
  /** The parameters the pattern captured. */
  params: PatternParams<P>;
  /** The component type (2 button, 3-8 selects). */
  componentType: number;
  /** Selected values (selects; IDs for user/role/mentionable/channel). */
  values: string[];
  /** Users, members, roles, channels of an auto-populated select. */
  resolved: ResolvedData | undefined;
  /** The message the component is on. */
  message: Message;
}

/** A modal submit, with the custom id's parameters and the fields. */
export interface ModalInteraction<P extends string = string>
  extends RoutedInteraction {
  /** The modal's custom id. */
  customId: string;
  /** The parameters the pattern captured. */
  params: PatternParams<P>;
  /** The submitted inputs. */
  fields: ModalFields;
  /** Attachments (file uploads) and other resolved objects. */
  resolved: ResolvedData | undefined;
  /** The message whose component opened the modal, if any. */
  message: Message | undefined;
}

/** An autocomplete request for one option. */
export interface AutocompleteInteraction<C extends ChatInputCommand>
  extends RoutedInteraction {
  /** The command's name. */
  command: C["name"];
  /** The subcommand path, if any. */
  subcommand: string | undefined;
  /** The focused option and what the user typed so far. */
  focused: { name: string; value: string };
  /** The other options filled in so far (raw values; IDs unresolved). */
  options: Record<string, string | number | boolean>;
}

/** A handler's return value is ignored; a thrown error goes to `onError`. */
export type RouteHandler<I> = (
  interaction: I,
  ctx: InteractionContext,
) => unknown;

/**
 * Names of options that may offer autocomplete, at any depth: a
 * subcommand's and a group's own names are not among them, nor options
 * other than strings, integers and numbers, nor those whose type proves
 * they offer none (`autocomplete` absent or `false`, as
 * a builder without `autocomplete: true` or a literal without it gives).
 * An option whose `autocomplete` is only known as `boolean` (an options
 * object in a variable, an annotated helper, the wide `OptionMap`) keeps
 * its name: `router.autocomplete` checks it when the route is added.
 */
export type OptionNames<O extends OptionMap> = {
  // Inferred as SubcommandOf does: a subcommand's `options` read directly
  // is the `OptionMap` of OptionDefinition intersected with its own, whose
  // keys are every string.
  [K in keyof O & string]: O[K] extends SubcommandDefinition<infer SO>
    ? OptionNames<SO>
    : O[K] extends SubcommandGroupDefinition<infer S> ? OptionNames<S>
    // `false` or absent proves no autocomplete; `boolean` or `true` may.
    // (`type` keeps the target from being a weak type, all optional, which
    // a literal option without `autocomplete` would not match.)
    : O[K] extends {
      readonly type: number;
      readonly autocomplete?: false | undefined;
    } ? never
    : K;
}[keyof O & string];
