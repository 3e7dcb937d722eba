/**
 * Reading an interaction's options back into the typed values a command's
 * definition promises.
 *
 * @module
 */
import type {
  ApplicationCommandInteractionData,
  InteractionDataOption,
  ResolvedData,
} from "../types/objects/interaction.ts";
import type { OptionMap } from "./commands.ts";
import { InteractionError } from "./errors.ts";
import { textLength } from "../base/text_length.ts";

/** Option values read from an interaction, with the subcommand that ran. */
export interface ReadOptions {
  /** Option values keyed by name (the subcommand's, when one ran). */
  options: Record<string, unknown>;
  /** The subcommand path (`"sub"` or `"group sub"`), when one ran. */
  subcommand: string | undefined;
}

/**
 * Read the options of a command interaction against the definition's
 * options: values are checked against the defined types, required options
 * must be present, and user/channel/role/mentionable/attachment IDs are
 * replaced by their resolved objects.
 *
 * @param name The command name, for error messages.
 * @param definition The command's options.
 * @param data The interaction's data.
 * @returns The values and the subcommand path.
 * @throws {InteractionError} `options_mismatch` when they do not fit.
 *
 * @example Usage
 * ```ts
 * import { integer, InteractionError, readOptions } from "@disruption/disruption/interactions";
 * import type { ApplicationCommandInteractionData } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const definition = { sides: integer({ description: "Sides", required: true }) };
 * const data: ApplicationCommandInteractionData = { id: "1", name: "roll", type: 1, options: [{ name: "sides", type: 4, value: 6 }] };
 * assert.deepEqual(readOptions("roll", definition, data), { options: { sides: 6 }, subcommand: undefined });
 * assert.throws(() => readOptions("roll", definition, { ...data, options: [] }), InteractionError);
 * ```
 */
export function readOptions(
  name: string,
  definition: OptionMap,
  data: ApplicationCommandInteractionData,
): ReadOptions {
  const mismatch = (why: string): InteractionError =>
    new InteractionError(
      "options_mismatch",
      `/${name}: ${why}; the command Discord has differs from its definition (sync the commands)`,
      { interaction: `/${name}` },
    );
  let defs = definition;
  let options = optionList(data.options, mismatch);
  const path: string[] = [];
  for (let depth = 0; depth < 2; depth++) {
    const first = options[0];
    if (first === undefined || (first.type !== 1 && first.type !== 2)) break;
    const def = own(defs, first.name);
    // A subcommand may have no options (command() takes a literal one
    // without the field); a group without subcommands has nothing to run.
    if (
      !def || def.type !== first.type || (def.type === 2 && !def.options)
    ) {
      throw mismatch(`unknown subcommand '${shown(first.name)}'`);
    }
    path.push(first.name);
    defs = def.options ?? {};
    options = optionList(first.options, mismatch);
  }
  const hasSub = Object.values(defs).some((d) => d.type === 1 || d.type === 2);
  if (hasSub) throw mismatch("no subcommand given");
  const values: Record<string, unknown> = {};
  for (const option of options) {
    const def = own(defs, option.name);
    if (!def) throw mismatch(`unknown option '${shown(option.name)}'`);
    if (def.type !== option.type) {
      throw mismatch(
        `option '${option.name}' has type ${
          shown(option.type)
        }, defined as ${def.type}`,
      );
    }
    const value = convert(option, data.resolved, mismatch);
    const outside = outsideDefinition(def as unknown as OptionLimits, value);
    if (outside !== undefined) {
      throw mismatch(`option '${option.name}' ${outside}`);
    }
    values[option.name] = value;
  }
  for (const [key, def] of Object.entries(defs)) {
    if (def.required && !Object.hasOwn(values, key)) {
      throw mismatch(`required option '${key}' is missing`);
    }
  }
  return {
    options: values,
    subcommand: path.length ? path.join(" ") : undefined,
  };
}

/** The limits an option's definition may set (Discord's field names). */
interface OptionLimits {
  choices?: readonly { value: unknown }[];
  // Null (a fetched command's shape, which command() takes) is no limit.
  min_length?: number | null;
  max_length?: number | null;
  min_value?: number | null;
  max_value?: number | null;
  channel_types?: readonly number[];
}

/**
 * Why a converted value lies outside its definition (not one of its
 * choices, out of its range or length, a channel of another type), or
 * undefined. Discord checks these itself; a value that breaks them comes
 * from a definition that changed since the sync, or from a hostile peer,
 * and the handler's type (a union of the choices) would be a lie. Lengths
 * are checked loosely: the longest in code points (as Discord counts), the
 * shortest in UTF-16 units (never fewer), so a value Discord took is taken.
 */
function outsideDefinition(
  def: OptionLimits,
  value: unknown,
): string | undefined {
  if (Array.isArray(def.choices) && def.choices.length > 0) {
    // Discord only lets the user pick a declared choice, whatever the
    // option's range or length says (the builders accept a choice outside
    // them), so a choice is taken as it is.
    return def.choices.some((choice) => choice.value === value)
      ? undefined
      : `is not one of its choices: ${shown(value)}`;
  }
  if (typeof value === "string") {
    const { min_length: min, max_length: max } = def;
    if (typeof max === "number" && textLength(value) > max) {
      return `is longer than ${max} characters`;
    }
    if (typeof min === "number" && value.length < min) {
      return `is shorter than ${min} characters`;
    }
  }
  if (typeof value === "number") {
    const { min_value: min, max_value: max } = def;
    if (typeof min === "number" && value < min) {
      return `is below ${min}: ${value}`;
    }
    if (typeof max === "number" && value > max) {
      return `is above ${max}: ${value}`;
    }
  }
  if (Array.isArray(def.channel_types) && def.channel_types.length > 0) {
    // Only a channel option has `channel_types`; a channel without a
    // numeric type is none of them.
    const type = (value as { type?: unknown } | null)?.type;
    if (typeof type !== "number" || !def.channel_types.includes(type)) {
      return `is a channel of type ${
        typeof type === "number" ? type : "(none)"
      }, not of ${def.channel_types.join(", ")}`;
    }
  }
  return undefined;
}

/**
 * Text from the payload as it goes into an error message: at most 100
 * characters (a hostile peer's half-megabyte value would otherwise be
 * copied into every error and log line).
 */
function shown(value: unknown): string {
  try {
    return String(value).slice(0, 100);
  } catch {
    return typeof value; // An object without toString.
  }
}

/**
 * An interaction's `options` (or a subcommand's) as Discord documents
 * them: absent, or a list of objects. Anything else (a hostile peer's
 * object, or `null` entries) is `options_mismatch`, not a TypeError
 * reading it.
 */
function optionList(
  value: unknown,
  mismatch: (why: string) => InteractionError,
): InteractionDataOption[] {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    !value.every((item) => typeof item === "object" && item !== null)
  ) {
    throw mismatch("its options are not a list of options");
  }
  return value;
}

/**
 * The definition named `name`, if the map has it. (Option names are
 * Discord's, and `constructor` or `toString` are valid ones: a plain
 * lookup would find `Object.prototype`'s members.)
 */
function own<T>(map: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(map, name) ? map[name] : undefined;
}

/**
 * The raw values of an autocomplete interaction's options (the focused one
 * included, as typed so far) and which option has focus.
 *
 * @param data The interaction's data.
 * @returns The values, the focused option and the subcommand path.
 * @throws {InteractionError} `options_mismatch` when its options are not
 *   a list of options, or more than one has focus.
 *
 * @example Usage
 * ```ts
 * import { readAutocomplete } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const typed = { name: "name", type: 3, value: "ru", focused: true } as const;
 * const read = readAutocomplete({ id: "1", name: "tag", type: 1, options: [typed] });
 * assert.deepEqual(read.focused, { name: "name", value: "ru" });
 * assert.deepEqual(read.values, { name: "ru" });
 * ```
 */
export function readAutocomplete(data: ApplicationCommandInteractionData): {
  values: Record<string, string | number | boolean>;
  focused: { name: string; value: string } | undefined;
  subcommand: string | undefined;
} {
  const label = `/${shown(data.name)} autocomplete`;
  const mismatch = (why: string): InteractionError =>
    new InteractionError("options_mismatch", `${label}: ${why}`, {
      interaction: label,
    });
  let options = optionList(data.options, mismatch);
  const path: string[] = [];
  for (let depth = 0; depth < 2; depth++) {
    const first = options[0];
    if (first === undefined || (first.type !== 1 && first.type !== 2)) break;
    path.push(first.name);
    options = optionList(first.options, mismatch);
  }
  const values: Record<string, string | number | boolean> = {};
  let focused: { name: string; value: string } | undefined;
  for (const option of options) {
    // Raw values as their type says: anything else (a hostile peer's
    // object) never reaches a handler typed by them.
    const value: unknown = option.value;
    const raw = typeof value === "string" || typeof value === "number" ||
      typeof value === "boolean";
    if (raw) values[option.name] = value;
    // One has focus (Discord's docs); the choices are checked against the
    // same one (`_autocomplete_choices.ts`), so a second is refused.
    if (option.focused === true) {
      if (focused) throw mismatch("more than one option has focus");
      focused = { name: option.name, value: raw ? String(value) : "" };
    }
  }
  return {
    values,
    focused,
    subcommand: path.length ? path.join(" ") : undefined,
  };
}

/**
 * The object `resolved[kind][id]` of an interaction, or undefined. Own
 * entries only (the IDs come from the payload, and
 * `resolved.users["constructor"]` would otherwise find `Object`), and only
 * an object of the documented shape (see {@linkcode RESOLVED_SHAPES}) whose
 * `id` is `id` (members have none): a hostile or buggy peer's `{}`, `[]`
 * or user filed under another user's id is not handed to code typed by it.
 *
 * @param resolved The interaction's resolved data.
 * @param kind Which map.
 * @param id The ID.
 * @returns The resolved object, or undefined when it is absent or not of
 *   the documented shape.
 */
export function resolvedEntry<K extends keyof ResolvedData>(
  resolved: ResolvedData | undefined,
  kind: K,
  id: string,
): NonNullable<ResolvedData[K]>[string] | undefined {
  const entry = lookup(resolved, kind, id);
  return entry === MALFORMED ? undefined : entry;
}

/** What {@linkcode lookup} answers for an entry not of the documented shape. */
const MALFORMED: unique symbol = Symbol("malformed");

/** `resolved[kind][id]`: the object, undefined when absent, or MALFORMED. */
function lookup<K extends keyof ResolvedData>(
  resolved: ResolvedData | undefined,
  kind: K,
  id: string,
): NonNullable<ResolvedData[K]>[string] | undefined | typeof MALFORMED {
  const map = resolved?.[kind];
  if (typeof map !== "object" || map === null || !Object.hasOwn(map, id)) {
    return undefined;
  }
  const entry: unknown = (map as Record<string, unknown>)[id];
  return typeof entry === "object" && entry !== null &&
      !Array.isArray(entry) &&
      RESOLVED_SHAPES[kind](entry as Record<string, unknown>) &&
      // Its own id is its key (members carry none: keyed by the user's):
      // one filed under another id is not what the option names.
      (kind === "members" || (entry as { id?: unknown }).id === id)
    ? entry as NonNullable<ResolvedData[K]>[string]
    : MALFORMED;
}

/**
 * The least each resolved object must hold, as Discord documents it
 * (receiving-and-responding, Resolved Data Structure): users an id and a
 * username; members (partial: no user, deaf or mute) their role ids;
 * roles an id and a name; channels (partial) an id and a numeric type;
 * attachments an id, a filename and a URL; messages (a message command's
 * target) an id and a channel id. Each id must also be the entry's key
 * ({@linkcode lookup} checks it).
 */
const RESOLVED_SHAPES: {
  readonly [K in keyof ResolvedData]-?: (
    entry: Record<string, unknown>,
  ) => boolean;
} = {
  users: (e) => typeof e.id === "string" && typeof e.username === "string",
  members: (e) =>
    Array.isArray(e.roles) &&
    e.roles.every((role: unknown) => typeof role === "string"),
  roles: (e) => typeof e.id === "string" && typeof e.name === "string",
  channels: (e) => typeof e.id === "string" && typeof e.type === "number",
  attachments: (e) =>
    typeof e.id === "string" && typeof e.filename === "string" &&
    typeof e.url === "string",
  messages: (e) => typeof e.id === "string" && typeof e.channel_id === "string",
};

function convert(
  option: InteractionDataOption,
  resolved: ResolvedData | undefined,
  mismatch: (why: string) => InteractionError,
): unknown {
  const value = option.value;
  const expect = (kind: string, ok: boolean): void => {
    if (!ok) {
      throw mismatch(
        `option '${option.name}' is not ${kind}: ${shown(value)}`,
      );
    }
  };
  switch (option.type) {
    case 3:
      expect("a string", typeof value === "string");
      return value;
    case 4:
      // Discord's range: any integer between -(2^53-1) and 2^53-1.
      expect("an integer within ±(2^53-1)", Number.isSafeInteger(value));
      return value;
    case 10:
      // Discord's range: any double between -2^53 and 2^53.
      expect(
        "a number within ±2^53",
        typeof value === "number" && Math.abs(value) <= 2 ** 53,
      );
      return value;
    case 5:
      expect("a boolean", typeof value === "boolean");
      return value;
    default:
      break;
  }
  expect("an ID", typeof value === "string");
  const id = value as string;
  const missing = (what: string): never => {
    throw mismatch(
      `option '${option.name}': ${what} ${shown(id)} is not resolved`,
    );
  };
  /** The entry; absent is undefined, and one not of its shape refused. */
  const find = <K extends keyof ResolvedData>(
    kind: K,
    what: string,
  ): NonNullable<ResolvedData[K]>[string] | undefined => {
    const entry = lookup(resolved, kind, id);
    if (entry === MALFORMED) {
      throw mismatch(
        `option '${option.name}': the resolved ${what} ${
          shown(id)
        } is not of Discord's shape`,
      );
    }
    return entry;
  };
  switch (option.type) {
    case 6: {
      const user = find("users", "user") ?? missing("user");
      return { id, user, member: find("members", "member") };
    }
    case 7:
      return find("channels", "channel") ?? missing("channel");
    case 8:
      return find("roles", "role") ?? missing("role");
    case 9: {
      const user = find("users", "user");
      if (user) {
        return { kind: "user", id, user, member: find("members", "member") };
      }
      const role = find("roles", "role") ?? missing("user or role");
      return { kind: "role", id, role };
    }
    case 11:
      return find("attachments", "attachment") ?? missing("attachment");
    default:
      throw mismatch(
        `option '${option.name}' has unknown type ${shown(option.type)}`,
      );
  }
}
