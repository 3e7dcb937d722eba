/**
 * Checks of single field values that are neither lengths nor counts
 * (those are `_component_limits.ts`): which kinds of default value each
 * auto select takes, and RGB accent colours. Private to the component
 * builders.
 *
 * @module
 */

/** The select's name and the default kinds it lists, by component type. */
const KINDS: Readonly<Record<5 | 6 | 7 | 8, readonly [string, string[]]>> = {
  5: ["user", ["user"]],
  6: ["role", ["role"]],
  7: ["mentionable", ["user", "role"]],
  8: ["channel", ["channel"]],
};

/**
 * A select's default values, each of a kind the select lists: Discord
 * answers 50035 for, say, a channel default in a user select
 * (discord-api-types PR #824), and the types only catch it in literals.
 *
 * @param type The select's component type (5 user, 6 role, 7 mentionable,
 *   8 channel).
 * @param defaults The default values.
 * @throws {TypeError} For a default of a kind the select does not list.
 */
export function defaultKinds(
  type: 5 | 6 | 7 | 8,
  defaults: readonly { type: unknown }[],
): void {
  const [name, kinds] = KINDS[type];
  const bad = defaults.find((d) => !kinds.includes(d?.type as string));
  if (bad) {
    throw new TypeError(
      `Cannot build ${name} select as 'defaults' may not hold a '${
        String(bad.type)
      }' default: it takes '${kinds.join("' or '")}' defaults`,
    );
  }
}

/**
 * An accent colour: an RGB integer (0 to 0xffffff).
 *
 * @param what The component, for the message.
 * @param color The colour, when given.
 * @throws {RangeError} For anything else.
 */
export function rgb(what: string, color: number | undefined): void {
  if (
    color !== undefined &&
    !(Number.isInteger(color) && color >= 0 && color <= 0xffffff)
  ) {
    throw new RangeError(
      `Cannot build ${what} as 'accentColor' must be an RGB integer: current value 'accentColor=${color}'`,
    );
  }
}
