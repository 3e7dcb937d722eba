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
 */
export function readOptions(
  name: string,
  definition: OptionMap,
  data: ApplicationCommandInteractionData,
): ReadOptions {
  const given = data.options ?? [];
  const mismatch = (why: string): InteractionError =>
    new InteractionError(
      "options_mismatch",
      `/${name}: ${why}; the command Discord has differs from its definition (sync the commands)`,
      { interaction: `/${name}` },
    );
  let defs = definition;
  let options = given;
  const path: string[] = [];
  for (let depth = 0; depth < 2; depth++) {
    const first = options[0];
    if (first === undefined || (first.type !== 1 && first.type !== 2)) break;
    const def = own(defs, first.name);
    if (!def || def.type !== first.type || !def.options) {
      throw mismatch(`unknown subcommand '${first.name}'`);
    }
    path.push(first.name);
    defs = def.options;
    options = first.options ?? [];
  }
  const hasSub = Object.values(defs).some((d) => d.type === 1 || d.type === 2);
  if (hasSub) throw mismatch("no subcommand given");
  const values: Record<string, unknown> = {};
  for (const option of options) {
    const def = own(defs, option.name);
    if (!def) throw mismatch(`unknown option '${option.name}'`);
    if (def.type !== option.type) {
      throw mismatch(
        `option '${option.name}' has type ${option.type}, defined as ${def.type}`,
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
  min_length?: number;
  max_length?: number;
  min_value?: number;
  max_value?: number;
  channel_types?: readonly number[];
}

/**
 * Why a converted value lies outside its definition (not one of its
 * choices, out of its range or length, a channel of another type), or
 * undefined. Discord checks these itself; a value that breaks them comes
 * from a definition that changed since the sync, or from a hostile peer,
 * and the handler's type (a union of the choices) would be a lie. Lengths
 * are checked loosely: the longest in code points, the shortest in UTF-16
 * units, so that however Discord counts, a value it took is taken.
 */
function outsideDefinition(
  def: OptionLimits,
  value: unknown,
): string | undefined {
  if (Array.isArray(def.choices) && def.choices.length > 0) {
    if (!def.choices.some((choice) => choice.value === value)) {
      return `is not one of its choices: ${String(value).slice(0, 100)}`;
    }
  }
  if (typeof value === "string") {
    if (def.max_length !== undefined && [...value].length > def.max_length) {
      return `is longer than ${def.max_length} characters`;
    }
    if (def.min_length !== undefined && value.length < def.min_length) {
      return `is shorter than ${def.min_length} characters`;
    }
  }
  if (typeof value === "number") {
    if (def.min_value !== undefined && value < def.min_value) {
      return `is below ${def.min_value}: ${value}`;
    }
    if (def.max_value !== undefined && value > def.max_value) {
      return `is above ${def.max_value}: ${value}`;
    }
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (
    Array.isArray(def.channel_types) && def.channel_types.length > 0 &&
    typeof type === "number" && !def.channel_types.includes(type)
  ) {
    return `is a channel of type ${type}, not of ${
      def.channel_types.join(", ")
    }`;
  }
  return undefined;
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
 */
export function readAutocomplete(data: ApplicationCommandInteractionData): {
  values: Record<string, string | number | boolean>;
  focused: { name: string; value: string } | undefined;
  subcommand: string | undefined;
} {
  let options = data.options ?? [];
  const path: string[] = [];
  for (let depth = 0; depth < 2; depth++) {
    const first = options[0];
    if (first === undefined || (first.type !== 1 && first.type !== 2)) break;
    path.push(first.name);
    options = first.options ?? [];
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
    if (option.focused) {
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
 * entries only, and objects only: the IDs come from the payload, and
 * `resolved.users["constructor"]` would otherwise find `Object`.
 *
 * @param resolved The interaction's resolved data.
 * @param kind Which map.
 * @param id The ID.
 * @returns The resolved object, or undefined.
 */
export function resolvedEntry<K extends keyof ResolvedData>(
  resolved: ResolvedData | undefined,
  kind: K,
  id: string,
): NonNullable<ResolvedData[K]>[string] | undefined {
  const map = resolved?.[kind];
  if (typeof map !== "object" || map === null || !Object.hasOwn(map, id)) {
    return undefined;
  }
  const entry = (map as Record<string, unknown>)[id];
  return typeof entry === "object" && entry !== null
    ? entry as NonNullable<ResolvedData[K]>[string]
    : undefined;
}

function convert(
  option: InteractionDataOption,
  resolved: ResolvedData | undefined,
  mismatch: (why: string) => InteractionError,
): unknown {
  const value = option.value;
  const expect = (kind: string, ok: boolean): void => {
    if (!ok) {
      throw mismatch(`option '${option.name}' is not ${kind}: ${value}`);
    }
  };
  switch (option.type) {
    case 3:
      expect("a string", typeof value === "string");
      return value;
    case 4:
      expect("an integer", Number.isInteger(value));
      return value;
    case 10:
      expect("a number", typeof value === "number");
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
    throw mismatch(`option '${option.name}': ${what} ${id} is not resolved`);
  };
  switch (option.type) {
    case 6: {
      const user = resolvedEntry(resolved, "users", id) ?? missing("user");
      return { id, user, member: resolvedEntry(resolved, "members", id) };
    }
    case 7:
      return resolvedEntry(resolved, "channels", id) ?? missing("channel");
    case 8:
      return resolvedEntry(resolved, "roles", id) ?? missing("role");
    case 9: {
      const user = resolvedEntry(resolved, "users", id);
      if (user) {
        return {
          kind: "user",
          id,
          user,
          member: resolvedEntry(resolved, "members", id),
        };
      }
      const role = resolvedEntry(resolved, "roles", id) ??
        missing("user or role");
      return { kind: "role", id, role };
    }
    case 11:
      return resolvedEntry(resolved, "attachments", id) ??
        missing("attachment");
    default:
      throw mismatch(`option '${option.name}' has unknown type ${option.type}`);
  }
}
