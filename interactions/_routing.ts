/**
 * What the router reads from an interaction before a handler runs: the
 * fields every routed interaction has, a context-menu command's target,
 * and the checks and labels of malformed payloads. Private to the package.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { isRecord } from "../base/is_record.ts";
import type {
  ApplicationCommandInteractionData,
  Interaction,
  InteractionMember,
  MessageComponentInteractionData,
} from "../types/objects/interaction.ts";
import type { User } from "../types/objects/user.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { shown } from "../base/option_checks.ts";
import type { RestClient } from "../rest/rest_client.ts";
import type { CustomIdPattern } from "./custom_id.ts";
import { InteractionError } from "./errors.ts";
import { overlapExample } from "./_pattern_overlap.ts";
import { resolvedEntry } from "./option_values.ts";
import type {
  ComponentInteraction,
  RoutedInteraction,
} from "./routed_interaction.ts";

const logger = getLogger(["disruption", "interactions"]);
/** Lines a bot author must act on: on stderr when LogTape is not configured. */
const visible = getVisibleLogger(["disruption", "interactions"]);

/** What takes an interaction: a route's handler, or a waiter. */
export interface Found {
  /** How reports name it. */
  readonly label: string;
  /** Runs the handler. */
  readonly run: () => unknown;
}

/**
 * Refuse what is not an interaction (a dispatch whose `d` is `null`, a
 * number, a list): nothing could route, answer or name it.
 *
 * @param interaction What `handle` was given.
 * @throws {TypeError} When it is not an object with a numeric `type`.
 */
export function assertInteraction(
  interaction: unknown,
): asserts interaction is Interaction {
  const object = isRecord(interaction) ? interaction : undefined;
  if (typeof object?.type === "number") return;
  throw new TypeError(
    `Cannot handle interaction as 'interaction' must be an interaction object with a numeric 'type': current value '${
      object
        ? `interaction.type=${shown(object.type)}`
        : `interaction=${shown(interaction)}`
    }'`,
  );
}

/**
 * Report an `INTERACTION_CREATE` an attached router refused (not an
 * interaction: its `d` was `null`, say): on stderr when LogTape is not
 * configured, never dropped without a word.
 *
 * @param error Why `handle` refused it.
 */
export function reportRefused(error: unknown): void {
  visible.error("An INTERACTION_CREATE was not routed: {message}", {
    message: errorText(error),
  });
}

/**
 * The interaction types routes and waiters take (commands, clicks,
 * autocomplete, modal submits): those whose user {@linkcode common} checks.
 * Another type is never handed to a handler: it stays "no route", whatever
 * it carries.
 */
const ROUTED_TYPES: ReadonlySet<number> = new Set([2, 3, 4, 5]);

/**
 * The fields every routed interaction has. Who used it is checked here,
 * before any handler typed by it runs: Discord always sends `user`, or
 * `member.user` in a guild; without them a slash command's handler ran
 * with `i.user` undefined, and a click's threw in every waiter for a user.
 *
 * @param interaction The interaction.
 * @returns Its common fields.
 * @throws {InteractionError} `options_mismatch` when, for a type the router
 *   routes, `member` is not an object, or neither it nor the interaction
 *   has a user with an id.
 */
export function common(interaction: Interaction): RoutedInteraction {
  const member: unknown = interaction.member;
  const checked = ROUTED_TYPES.has(interaction.type);
  if (checked && member != null && !isRecord(member)) {
    throw unidentified(interaction, "its member is not an object");
  }
  const user: unknown = isRecord(member) && member.user != null
    ? member.user
    : interaction.user;
  if (checked && (!isRecord(user) || typeof user.id !== "string")) {
    throw unidentified(
      interaction,
      "it came without its user (Discord sends 'user', or 'member.user' in a guild)",
    );
  }
  return {
    raw: interaction,
    id: interaction.id,
    user: user as unknown as User,
    member: isRecord(member)
      ? member as unknown as InteractionMember
      : undefined,
    guildId: interaction.guild_id,
    channelId: interaction.channel_id ?? interaction.channel?.id,
    locale: interaction.locale,
  };
}

/**
 * A click (or select) as routes and waiters get it, its `params` empty.
 *
 * @param interaction A component interaction (type 3).
 * @returns Its routed form.
 * @throws {InteractionError} `options_mismatch` when it is malformed: its
 *   values not a list of strings, or no message.
 */
export function component(interaction: Interaction): ComponentInteraction {
  const data = interaction.data as MessageComponentInteractionData;
  const customId = String(data.custom_id);
  const values: unknown = data.values ?? [];
  if (!isStringList(values)) {
    throw malformed(customId, "its values are not a list of strings");
  }
  // Discord sends the message a component is on with every click.
  if (typeof interaction.message !== "object" || !interaction.message) {
    throw malformed(customId, "it came without its message");
  }
  return {
    ...common(interaction),
    customId,
    params: {},
    componentType: data.component_type,
    values,
    resolved: data.resolved,
    message: interaction.message,
  };
}

/**
 * A click as it arrives, for the waiters: `undefined` for another
 * interaction, or a malformed click (reported when it is routed).
 *
 * @param interaction Any interaction.
 * @returns The click's routed form, if it is a well-formed click.
 */
export function arrivedClick(
  interaction: Interaction,
): ComponentInteraction | undefined {
  if (interaction?.type !== 3) return undefined;
  try {
    return component(interaction);
  } catch {
    return undefined;
  }
}

/**
 * What a component waiter gets of a click it matches: its own copy with
 * the pattern's parameters (the routes, or another waiter, get the click as
 * it came).
 *
 * @typeParam P The custom id pattern waited for.
 * @param interaction The click, as routed.
 * @param pattern The waiter's compiled `customId`, if any.
 * @param options The waiter's conditions (`AwaitComponentOptions`).
 * @returns The copy; `undefined` when the click does not match.
 * @throws {unknown} Whatever the waiter's `filter` throws.
 */
export function awaitedMatch<P extends string>(
  interaction: ComponentInteraction,
  pattern: CustomIdPattern | undefined,
  options: {
    messageId?: string;
    userId?: string;
    filter?: (interaction: ComponentInteraction<P>) => boolean;
  },
): ComponentInteraction<P> | undefined {
  const params = pattern?.match(interaction.customId);
  const candidate =
    (params === undefined
      ? interaction
      : { ...interaction, params }) as unknown as ComponentInteraction<P>;
  const matches = (options.messageId === undefined ||
    interaction.message?.id === options.messageId) &&
    // (`?.`: a click without a user never matches, never throws.)
    (options.userId === undefined ||
      interaction.user?.id === options.userId) &&
    (pattern === undefined || params !== undefined) &&
    (!options.filter || options.filter(candidate));
  return matches ? candidate : undefined;
}

/**
 * The user or message a context-menu command ran on, from the resolved
 * data, as slash options are read: a target Discord did not resolve is
 * `options_mismatch`, never an `undefined` handed to a handler typed
 * otherwise.
 *
 * @param data The command's data.
 * @returns The target: the user (with its member), or the message.
 * @throws {InteractionError} `options_mismatch` when it is not resolved.
 */
export function target(data: ApplicationCommandInteractionData): unknown {
  const id: unknown = data.target_id;
  const mismatch = (why: string): InteractionError =>
    new InteractionError(
      "options_mismatch",
      `/${data.name}: ${why}; Discord sends the target with the command`,
      { interaction: `/${data.name}` },
    );
  if (typeof id !== "string") throw mismatch("no target_id");
  const shown = id.slice(0, 32);
  if (data.type === 2) {
    const user = resolvedEntry(data.resolved, "users", id);
    if (user === undefined) {
      throw mismatch(`target user ${shown} is not resolved`);
    }
    return { id, user, member: resolvedEntry(data.resolved, "members", id) };
  }
  const message = resolvedEntry(data.resolved, "messages", id);
  if (message === undefined) {
    throw mismatch(`target message ${shown} is not resolved`);
  }
  return message;
}

/**
 * A component or modal submit whose data breaks Discord's documented shape
 * (a hostile peer's, or a fake's): `options_mismatch`, before any handler
 * typed by that shape runs.
 *
 * @param customId The custom id, for the label.
 * @param why What is wrong.
 * @returns The error.
 */
export function malformed(customId: string, why: string): InteractionError {
  const label = `'${customId.slice(0, 100)}'`;
  return new InteractionError("options_mismatch", `${label}: ${why}`, {
    interaction: label,
  });
}

/**
 * An interaction that does not say who used it (no user, a member that is
 * no object): `options_mismatch`, named as log lines name it.
 *
 * @param interaction The interaction.
 * @param why What is wrong.
 * @returns The error.
 */
function unidentified(interaction: Interaction, why: string): InteractionError {
  const label = describe(interaction);
  return new InteractionError("options_mismatch", `${label}: ${why}`, {
    interaction: label,
  });
}

/**
 * Whether `value` is a list of strings (a select's values).
 *
 * @param value The value.
 * @returns Whether it is.
 */
function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) &&
    value.every((item) => typeof item === "string");
}

/**
 * An interaction as log lines name it (`command /roll`, `component 'x'`,
 * `autocomplete of 'note' in /roll`: which handler is missing). It never
 * throws: a name or custom id that is no string (a hostile peer's
 * `{"toString":0}`) is shown by its type, as the option checks show a
 * wrong value, and a long one is cut at 100 characters.
 *
 * @param interaction The interaction.
 * @returns Its description.
 */
export function describe(interaction: Interaction): string {
  const data: unknown = interaction.data;
  const field = (name: string): string =>
    shown(isRecord(data) ? data[name] : undefined).slice(0, 100);
  if (interaction.type === 2) return `command /${field("name")}`;
  if (interaction.type === 4) {
    const focused = focusedName(isRecord(data) ? data.options : undefined);
    return focused === undefined
      ? `autocomplete in /${field("name")} (no option has focus)`
      : `autocomplete of '${focused}' in /${field("name")}`;
  }
  if (interaction.type === 3) return `component '${field("custom_id")}'`;
  if (interaction.type === 5) return `modal '${field("custom_id")}'`;
  return `interaction type ${interaction.type}`;
}

/**
 * The name of the option that has focus in an autocomplete's options,
 * under at most a subcommand group and a subcommand (as
 * `readAutocomplete` reads it), shown as {@linkcode describe} shows names.
 *
 * @param options The interaction's `data.options`, as they came.
 * @returns The name; `undefined` when no option has focus.
 */
function focusedName(options: unknown): string | undefined {
  for (let depth = 0; depth < 2; depth++) {
    const first: unknown = Array.isArray(options) ? options[0] : undefined;
    if (!isRecord(first) || (first.type !== 1 && first.type !== 2)) break;
    options = first.options;
  }
  if (!Array.isArray(options)) return undefined;
  const focused: unknown = options.find((option: unknown) =>
    isRecord(option) && option.focused === true
  );
  return isRecord(focused) ? shown(focused.name).slice(0, 100) : undefined;
}

/**
 * What a handler (or its answer) failed with, as reported: an
 * {@linkcode InteractionError} naming the interaction.
 *
 * @param error What it threw.
 * @param label The interaction, as reports name it.
 * @returns The error to report.
 */
export function handlerFailure(
  error: unknown,
  label: string,
): InteractionError {
  if (isInteractionError(error)) {
    return error.interaction !== undefined ? error : new InteractionError(
      error.kind,
      `${label}: ${error.message}`,
      { interaction: label, cause: error },
    );
  }
  return new InteractionError(
    "handler_failed",
    `The handler of ${label} threw: ${errorText(error)}`,
    { interaction: label, cause: error },
  );
}

/**
 * Report a failure: logged, and given to the router's `onError` (without
 * one, on stderr when LogTape is not configured). Never rejects.
 *
 * @param onError The router's hook.
 * @param error What went wrong.
 * @param raw The interaction, as it came.
 * @returns A promise that settles once the hook finished.
 */
export async function reportError(
  onError:
    | ((error: InteractionError, raw: Interaction) => void | Promise<void>)
    | undefined,
  error: InteractionError,
  raw: Interaction,
): Promise<void> {
  if (onError) {
    logger.error("{message}", { message: error.message, kind: error.kind });
  } else {
    // Nobody handles it: make sure the author sees it, with what it came
    // from (a route's own throw, with its stack: where to look).
    const cause = error.cause;
    if (cause === undefined) {
      visible.error("{message}", { message: error.message, error });
    } else {
      visible.error("{message}\n{cause}", {
        message: error.message,
        cause,
        error,
      });
    }
  }
  try {
    await onError?.(error, raw);
  } catch (hookError) {
    visible.error("The router's onError threw ({hookError}): {message}", {
      hookError, // and the error it was given went to it alone
      message: error.message,
    });
  }
}

/**
 * Report, from the deadline's timer, that an interaction was not answered
 * (see {@linkcode reportError}). A throw from a timer ends the process:
 * none gets out, one building the report is logged instead.
 *
 * @param onError The router's hook.
 * @param late Builds the `not_answered` error.
 * @param raw The interaction, as it came.
 * @param label What it was, for the log line: `"/ping"`.
 */
export function reportLate(
  onError: Parameters<typeof reportError>[0],
  late: () => InteractionError,
  raw: Interaction,
  label: string,
): void {
  try {
    void reportError(onError, late(), raw);
  } catch (error) {
    visible.error("{label} was not answered in time: {error}", {
      label,
      error: errorText(error),
    });
  }
}

/** What {@linkcode notAnswered} knows of how an interaction went. */
export interface Unanswered {
  /** The ms from its arrival at which its handler returned, if it did. */
  readonly returned?: number | undefined;
  /** What its initial response failed with, if one was sent and failed. */
  readonly failed?: unknown;
}

/**
 * The report of an interaction not answered in time, saying why: its
 * initial response failed, its handler returned without answering, or
 * (neither) its handler was still at work at the deadline.
 *
 * @param label How reports name it.
 * @param deadline The ms it had from its arrival.
 * @param waited The ms from its arrival to its handler: on the gateway, a
 *   slow Handler method or listener of the shard holds the events behind it.
 * @param outcome How its handler and initial response went.
 * @returns The `not_answered` error.
 */
export function notAnswered(
  label: string,
  deadline: number,
  waited: number,
  outcome: Unanswered = {},
): InteractionError {
  const { returned, failed } = outcome;
  const queued = waited > 0
    ? `; it reached its handler ${waited} ms after it arrived (on the gateway, a slow Handler method or listener of its shard holds back the events behind it: hand slow work off instead of awaiting it there)`
    : "";
  // "Call defer() for slow work" would mislead when the work was done, or
  // when an answer was sent and failed (Discord may show it all the same).
  const why = failed !== undefined
    ? `its initial response failed (${
      failureText(failed)
    }), so it is back to "pending"; after a 5xx or no reply, Discord may have the response all the same, so the user may or may not see it`
    : returned !== undefined
    ? `its handler returned ${returned} ms after it arrived without answering: answer with ctx.respond(), or ctx.defer() and answer later`
    : "Discord's limit is 3 s: call ctx.defer() first for slow work";
  return new InteractionError(
    "not_answered",
    `${label} was not answered within ${deadline} ms of arriving (${why})${queued}`,
    { interaction: label },
  );
}

/**
 * Why an interaction could not be routed, as reported: the
 * {@linkcode InteractionError} reading it raised, or one naming it.
 *
 * @param error What routing it threw.
 * @param interaction The interaction.
 * @returns The error to report.
 */
export function routeFailure(
  error: unknown,
  interaction: Interaction,
): InteractionError {
  if (isInteractionError(error)) return error;
  return new InteractionError(
    "handler_failed",
    `${describe(interaction)} could not be routed: ${failureText(error)}`,
    { cause: error },
  );
}

/**
 * Report a new pattern that routes registered before it take ids of: all
 * of them (`"vote:{x}"` before `"vote:{x}:{y}"`: shadowed), or some, with
 * an id both match (see `overlapExample` for what that check can miss).
 *
 * @param kind What the route answers, for the line.
 * @param pattern The new pattern.
 * @param earlier The patterns of the routes before it, in order.
 */
export function warnOverlaps(
  kind: string,
  pattern: CustomIdPattern,
  earlier: readonly CustomIdPattern[],
): void {
  const source = pattern.source;
  const probe = source.replace(/\{[^{}]*\}/g, "\u0001");
  const shadow = earlier.find((route) => route.match(probe));
  if (shadow) {
    visible.warn(
      "The {kind} pattern '{source}' is shadowed by '{earlier}', registered before it: custom ids both match go to '{earlier}'",
      { kind, source, earlier: shadow.source },
    );
    return;
  }
  // Each earlier pattern that takes some of its ids (not all).
  for (const route of earlier) {
    const example = overlapExample(route, pattern);
    if (example === undefined) continue;
    visible.warn(
      "The {kind} pattern '{source}' overlaps '{earlier}', registered before it: custom ids both match (such as '{example}') go to '{earlier}'",
      { kind, source, earlier: route.source, example },
    );
  }
}

/** A click an attached source delivered, taken by a waiter as it arrived. */
export interface Arrived {
  /** The click, as routes and waiters get it. */
  readonly routed: ComponentInteraction;
  /** The REST client to answer it with. */
  readonly rest: RestClient;
  /** When it arrived, on the router's clock. */
  readonly received: number;
}

/**
 * What failed, for a report: an Error as `String()` gives it (`TypeError:
 * …`, its class telling a 5xx from a network failure), anything else as
 * {@linkcode shown}; never throwing, as this runs in the deadline timer,
 * where a throw ends the process (a Proxy whose `getPrototypeOf` throws, an
 * Error whose `toString` throws).
 */
function failureText(value: unknown): string {
  try {
    return value instanceof Error ? String(value) : shown(value);
  } catch {
    return errorText(value);
  }
}

/**
 * Whether `error` is an {@linkcode InteractionError}, never throwing:
 * `instanceof` throws on a Proxy whose `getPrototypeOf` throws, and a
 * handler may throw one.
 */
function isInteractionError(error: unknown): error is InteractionError {
  try {
    return error instanceof InteractionError;
  } catch {
    return false;
  }
}
