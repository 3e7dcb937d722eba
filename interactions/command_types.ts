/**
 * The types of application command definitions: what a definition looks like
 * and how each option's definition maps to the value a handler receives.
 * The helpers that build and check definitions are in `commands.ts`.
 *
 * @module
 */
import type { Snowflake } from "../types/gateway_payloads.ts";
import type { ChannelType } from "../types/objects/channel.ts";
import type {
  ApplicationIntegrationType,
  InteractionContextType,
  ResolvedMember,
} from "../types/objects/interaction.ts";
import type { Role } from "../types/objects/role.ts";
import type { User } from "../types/objects/user.ts";

/** Localized strings keyed by Discord locale (`"de"`, `"en-US"`, ...). */
export type Localizations = Partial<Record<string, string>>;

/** A fixed choice of a string, integer or number option. */
export interface Choice<V extends string | number = string | number> {
  /** Shown name (1-100 characters). */
  readonly name: string;
  /** The value the handler receives. */
  readonly value: V;
  /** Localized names. */
  readonly name_localizations?: Localizations;
}

/** A user option's value: the user and, in guilds, the member. */
export interface UserOptionValue {
  /** The user's ID. */
  id: Snowflake;
  /** The user. */
  user: User;
  /** The member, when the command ran in a guild the user is in. */
  member: ResolvedMember | undefined;
}

/** A mentionable option's value: a user or a role. */
export type MentionableOptionValue =
  | ({ kind: "user" } & UserOptionValue)
  | { kind: "role"; id: Snowflake; role: Role };

/**
 * One option of a command, as defined. The `~value` field exists only in
 * the type: it carries what the handler receives.
 *
 * @typeParam T The option type number.
 * @typeParam V The value type the handler receives.
 * @typeParam R Whether the option is required.
 */
export interface OptionDefinition<
  T extends number = number,
  V = unknown,
  R extends boolean = boolean,
> {
  /** The option type (3 string ... 11 attachment, 1 subcommand, 2 group). */
  readonly type: T;
  /** Description (1-100 characters). */
  readonly description: string;
  /** Whether the user must fill it in. */
  readonly required: R;
  /** Localized names. */
  readonly name_localizations?: Localizations;
  /** Localized descriptions. */
  readonly description_localizations?: Localizations;
  /** Fixed choices (string, integer, number; 25 at most). */
  readonly choices?: readonly Choice[];
  /** Whether choices come from an autocomplete handler. */
  readonly autocomplete?: boolean;
  /** Smallest value (integer, number). */
  readonly min_value?: number;
  /** Largest value (integer, number). */
  readonly max_value?: number;
  /** Shortest text (string, 0-6000). */
  readonly min_length?: number;
  /** Longest text (string, 1-6000). */
  readonly max_length?: number;
  /** Channel types listed (channel options). */
  readonly channel_types?: readonly ChannelType[];
  /** File types the picker filters for (attachment options). */
  readonly file_types?: readonly string[];
  /** Nested options (subcommands and groups). */
  readonly options?: OptionMap;
  /** Type-level only: the value the handler receives. */
  readonly "~value"?: V;
}

/** Options keyed by name (1-32 lower-case characters each, 25 at most). */
export type OptionMap = Readonly<Record<string, OptionDefinition>>;

/** What a handler receives for one option definition. */
export type OptionValue<O> = O extends OptionDefinition<number, infer V> ? V
  : never;

/** The names of the required options. */
export type RequiredKeys<O extends OptionMap> = {
  [K in keyof O]: O[K]["required"] extends true ? K : never;
}[keyof O];

/** Flattens an intersection for readable hover types. */
export type Simplify<T> = { [K in keyof T]: T[K] } & unknown;

/**
 * The option values of a command (or subcommand): required options are
 * always present, optional ones are absent when the user left them out.
 */
export type OptionValues<O extends OptionMap> = Simplify<
  & { [K in RequiredKeys<O> & keyof O]: OptionValue<O[K]> }
  & { [K in Exclude<keyof O, RequiredKeys<O>>]?: OptionValue<O[K]> }
>;

/** A subcommand's definition (type 1). */
export type SubcommandDefinition<O extends OptionMap = OptionMap> =
  & OptionDefinition<1, OptionValues<O>, false>
  & { readonly options: O };

/** A subcommand group's definition (type 2). */
export type SubcommandGroupDefinition<
  S extends Readonly<Record<string, SubcommandDefinition>> = Readonly<
    Record<string, SubcommandDefinition>
  >,
> =
  & OptionDefinition<2, never, false>
  & { readonly options: S };

/**
 * Which subcommand ran, with its option values: a union over every
 * subcommand, told apart by `name` (`"group sub"` inside a group).
 */
export type SubcommandOf<O extends OptionMap> = {
  [K in keyof O & string]: O[K] extends SubcommandDefinition<infer SO> ? {
      /** The subcommand. */
      name: K;
      /** Its option values. */
      options: OptionValues<SO>;
    }
    : O[K] extends SubcommandGroupDefinition<infer S> ? {
        [G in keyof S & string]: S[G] extends SubcommandDefinition<infer GO>
          ? { name: `${K} ${G}`; options: OptionValues<GO> }
          : never;
      }[keyof S & string]
    : never;
}[keyof O & string];

/** Fields shared by every kind of command. */
export interface CommandBase<N extends string = string> {
  /** The command name. */
  readonly name: N;
  /** Localized names. */
  readonly name_localizations?: Localizations;
  /** Permissions a member needs by default, as a bit-set string (`"0"`: admins only). */
  readonly default_member_permissions?: string | null;
  /** Where the command can be used (0 guild, 1 bot DM, 2 private channel). */
  readonly contexts?: readonly InteractionContextType[];
  /** Installations that offer it (0 guild install, 1 user install). */
  readonly integration_types?: readonly ApplicationIntegrationType[];
  /** Whether it is age-restricted. */
  readonly nsfw?: boolean;
}

/** A slash command's definition. */
export interface ChatInputCommand<
  N extends string = string,
  O extends OptionMap = OptionMap,
> extends CommandBase<N> {
  /** Always 1. */
  readonly type: 1;
  /** Description (1-100 characters). */
  readonly description: string;
  /** Localized descriptions. */
  readonly description_localizations?: Localizations;
  /** The options keyed by name. */
  readonly options: O;
}

/** A user context-menu command's definition. */
export interface UserCommand<N extends string = string> extends CommandBase<N> {
  /** Always 2. */
  readonly type: 2;
}

/** A message context-menu command's definition. */
export interface MessageCommand<N extends string = string>
  extends CommandBase<N> {
  /** Always 3. */
  readonly type: 3;
}

/** Any command definition. */
export type CommandDefinition =
  | ChatInputCommand<string, OptionMap>
  | UserCommand
  | MessageCommand;

/** What every definition helper accepts besides its own fields. */
export interface CommandOptions<N extends string> {
  /** The name (1-32 characters; lower case for slash commands). */
  name: N;
  /** Localized names. */
  nameLocalizations?: Localizations;
  /**
   * Permissions a member needs by default (a bit set; `0n`/`"0"` = admins
   * only), sent as the decimal string Discord stores (`"0008"` as `"8"`).
   */
  defaultMemberPermissions?: bigint | string | null;
  /** Where the command can be used. */
  contexts?: readonly InteractionContextType[];
  /** Installations that offer it. */
  integrationTypes?: readonly ApplicationIntegrationType[];
  /** Whether it is age-restricted. */
  nsfw?: boolean;
}

/** Options of {@linkcode command}. */
export interface ChatInputCommandOptions<N extends string, O extends OptionMap>
  extends CommandOptions<N> {
  /** Description (1-100 characters). */
  description: string;
  /** Localized descriptions. */
  descriptionLocalizations?: Localizations;
  /** The options keyed by name (25 at most). */
  options?: O;
}

/** What every option helper accepts. */
export interface OptionOptions<R extends boolean> {
  /** Description (1-100 characters). */
  description: string;
  /**
   * Whether the user must fill it in.
   *
   * @default {false}
   */
  required?: R;
  /** Localized names. */
  nameLocalizations?: Localizations;
  /** Localized descriptions. */
  descriptionLocalizations?: Localizations;
}

/** Options of {@linkcode string}. */
export interface StringOptionOptions<
  R extends boolean,
  C extends readonly Choice<string>[],
  A extends boolean = boolean,
> extends OptionOptions<R> {
  /** Fixed choices; the handler's value is then their union. */
  choices?: C;
  /** Whether choices come from an autocomplete handler. */
  autocomplete?: A;
  /** Shortest text (0-6000). */
  minLength?: number;
  /** Longest text (1-6000). */
  maxLength?: number;
}

/** Options of {@linkcode integer} and {@linkcode number}. */
export interface NumberOptionOptions<
  R extends boolean,
  C extends readonly Choice<number>[],
  A extends boolean = boolean,
> extends OptionOptions<R> {
  /** Fixed choices; the handler's value is then their union. */
  choices?: C;
  /** Whether choices come from an autocomplete handler. */
  autocomplete?: A;
  /** Smallest value. */
  min?: number;
  /** Largest value. */
  max?: number;
}

/** Options of {@linkcode channel}. */
export interface ChannelOptionOptions<R extends boolean>
  extends OptionOptions<R> {
  /** Which channel types can be picked. */
  channelTypes?: readonly ChannelType[];
}

/** Options of {@linkcode attachment}. */
export interface AttachmentOptionOptions<R extends boolean>
  extends OptionOptions<R> {
  /**
   * File types the picker filters for: `image`, `video`, `audio` or a
   * dot-prefixed extension such as `.pdf`, at most 10. Discord matches the
   * file extension only: check the attachment's type again in the handler.
   */
  fileTypes?: readonly string[];
}

/** Options of {@linkcode subcommand}. */
export interface SubcommandOptions<O extends OptionMap>
  extends Omit<OptionOptions<false>, "required"> {
  /** The subcommand's options keyed by name. */
  options?: O;
}

/** Options of {@linkcode subcommandGroup}. */
export interface SubcommandGroupOptions<
  S extends Readonly<Record<string, SubcommandDefinition>>,
> extends Omit<OptionOptions<false>, "required"> {
  /** The group's subcommands keyed by name. */
  options: S;
}

/**
 * What an option definition adds to its type for its `autocomplete`:
 * `true` marks it as offering autocomplete, `false` as provably offering
 * none (the router's `autocomplete` refuses only such options' names at
 * compile time), and `boolean` (decided at runtime, or widened) adds
 * nothing: the router then checks the name when the route is added.
 */
export type Autocompletes<A extends boolean> = [A] extends [true]
  ? { readonly autocomplete: true }
  : [A] extends [false] ? { readonly autocomplete?: false }
  : unknown;

/** The union of the choices' values, or `Fallback` without choices. */
export type ChoiceValue<C extends readonly Choice[], Fallback> =
  [C[number]] extends [never] ? Fallback : C[number]["value"];
