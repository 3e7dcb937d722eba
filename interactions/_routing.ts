/**
 * What the router reads from an interaction before a handler runs: the
 * fields every routed interaction has, a context-menu command's target,
 * and the checks and labels of malformed payloads. Private to the package.
 *
 * @module
 */
import type {
  ApplicationCommandInteractionData,
  Interaction,
} from "../types/objects/interaction.ts";
import { InteractionError } from "./errors.ts";
import { resolvedEntry } from "./option_values.ts";
import type { RoutedInteraction } from "./routed_interaction.ts";

/**
 * The fields every routed interaction has.
 *
 * @param interaction The interaction.
 * @returns Its common fields.
 */
export function common(interaction: Interaction): RoutedInteraction {
  return {
    raw: interaction,
    id: interaction.id,
    user: (interaction.member?.user ?? interaction.user)!,
    member: interaction.member,
    guildId: interaction.guild_id,
    channelId: interaction.channel_id ?? interaction.channel?.id,
    locale: interaction.locale,
  };
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
 * Whether `value` is a list of strings (a select's values).
 *
 * @param value The value.
 * @returns Whether it is.
 */
export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) &&
    value.every((item) => typeof item === "string");
}

/**
 * An interaction as log lines name it (`command /roll`, `component 'x'`).
 *
 * @param interaction The interaction.
 * @returns Its description.
 */
export function describe(interaction: Interaction): string {
  const data = interaction.data as Record<string, unknown> | undefined;
  if (interaction.type === 2 || interaction.type === 4) {
    return `command /${data?.name}`;
  }
  if (interaction.type === 3) return `component '${data?.custom_id}'`;
  if (interaction.type === 5) return `modal '${data?.custom_id}'`;
  return `interaction type ${interaction.type}`;
}
