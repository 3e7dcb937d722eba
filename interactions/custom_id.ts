/**
 * Custom id patterns with parameters: `"reroll:{sides}"` matches
 * `"reroll:6"` with `{ sides: "6" }`, and {@linkcode customId} fills a
 * pattern in, typed from the same string.
 *
 * @module
 */

/** Discord's longest custom id, in characters. */
const MAX_CUSTOM_ID_LENGTH = 100;

/** The parameter names of a pattern, as an object type of strings. */
export type PatternParams<P extends string> = P extends
  `${string}{${infer K}}${infer Rest}`
  ? { [N in K]: string } & PatternParams<Rest>
  : Record<never, never>;

/** A compiled custom id pattern. */
export interface CustomIdPattern {
  /** The pattern as written. */
  readonly source: string;
  /** The parameter names, in order. */
  readonly names: readonly string[];
  /**
   * Match a custom id. One longer than Discord's 100 characters matches
   * nothing: only a hostile peer sends one, and the parameters' lazy groups
   * backtrack over it in polynomial time (three parameters against 2,000
   * characters took 1.4 s).
   *
   * @param customId The custom id.
   * @returns The parameters, or `undefined` when it does not match.
   */
  match(customId: string): Record<string, string> | undefined;
}

/**
 * Compile a pattern: `{name}` is a parameter matching any text (as little
 * as possible before the next literal part); everything else is literal.
 *
 * @param pattern E.g. `"reroll:{sides}"`.
 * @returns The compiled pattern.
 * @throws {TypeError} For an empty or repeated parameter name.
 *
 * @example Usage
 * ```ts
 * import { compileCustomId } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const pattern = compileCustomId("page:{list}:{n}");
 * assert.deepEqual(pattern.match("page:todo:3"), { list: "todo", n: "3" });
 * assert.equal(pattern.match("other"), undefined);
 * ```
 */
export function compileCustomId(pattern: string): CustomIdPattern {
  const names: string[] = [];
  /** The literal text around the parameters: one more than there are names. */
  const literals: string[] = [];
  let last = 0;
  for (const match of pattern.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1]!;
    if (name === "" || names.includes(name)) {
      throw new TypeError(
        `Cannot compile custom id pattern as parameter names must be non-empty and unique: current value 'pattern=${pattern}'`,
      );
    }
    names.push(name);
    literals.push(pattern.slice(last, match.index));
    last = match.index + match[0].length;
  }
  literals.push(pattern.slice(last));
  return {
    source: pattern,
    names,
    match(customId: string): Record<string, string> | undefined {
      if (customId.length > MAX_CUSTOM_ID_LENGTH) return undefined;
      return matchLiterals(customId, names, literals);
    },
  };
}

/**
 * Read `names` out of `id` between `literals`, in one pass: the first and
 * last literals must start and end it, and each parameter runs to the
 * first occurrence of the literal after it. (A regular expression of lazy
 * groups backtracked: 4.3 s for a 100-character id against a pattern of
 * six parameters.) {@linkcode customId} never writes a parameter holding
 * the literal after it, so every id it makes reads back as given.
 */
function matchLiterals(
  id: string,
  names: readonly string[],
  literals: readonly string[],
): Record<string, string> | undefined {
  const head = literals[0]!;
  const tail = literals[literals.length - 1]!;
  if (names.length === 0) return id === head ? {} : undefined;
  if (
    id.length < head.length + tail.length || !id.startsWith(head) ||
    !id.endsWith(tail)
  ) return undefined;
  const end = id.length - tail.length;
  const params: Record<string, string> = {};
  let at = head.length;
  for (let i = 0; i < names.length; i++) {
    const next = i + 1 < names.length ? literals[i + 1]! : undefined;
    if (next === undefined) {
      params[names[i]!] = id.slice(at, end);
      break;
    }
    const found = id.indexOf(next, at);
    if (found === -1 || found + next.length > end) return undefined;
    params[names[i]!] = id.slice(at, found);
    at = found + next.length;
  }
  return params;
}

/**
 * Fill a pattern's parameters in, checking the result fits Discord's 100
 * characters.
 *
 * @typeParam P The pattern.
 * @param pattern E.g. `"reroll:{sides}"`.
 * @param params A value for every parameter.
 * @returns The custom id.
 * @throws {RangeError} When the result is empty or over 100 characters.
 * @throws {TypeError} When a value is missing, or would not be read back
 *   as given (it contains the literal text after its parameter).
 *
 * @example Usage
 * ```ts
 * import { customId } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.equal(customId("reroll:{sides}", { sides: 6 }), "reroll:6");
 * ```
 */
export function customId<const P extends string>(
  pattern: P,
  params: { [K in keyof PatternParams<P>]: string | number | boolean },
): string {
  const values = params as Record<string, string | number | boolean>;
  const id = pattern.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    if (!(name in values)) {
      throw new TypeError(
        `Cannot build custom id as parameter '${name}' has no value: pattern '${pattern}'`,
      );
    }
    return String(values[name]);
  });
  checkCustomId(id);
  // A value holding the text that follows its parameter ("a:b" before ":")
  // would be read back split differently: refuse it rather than route the
  // click with the wrong parameters.
  const read = compileCustomId(pattern).match(id);
  for (const [name, value] of Object.entries(values)) {
    if (read !== undefined && !(name in read)) continue;
    if (read === undefined || read[name] !== String(value)) {
      throw new TypeError(
        `Cannot build custom id as the value of '${name}' would not read back from it (it contains the text that follows the parameter): pattern '${pattern}', value '${value}'`,
      );
    }
  }
  return id;
}

/**
 * Check a custom id is 1-100 characters.
 *
 * @param id The custom id.
 * @throws {RangeError} When it is not.
 */
export function checkCustomId(id: string): void {
  if (
    typeof id !== "string" || id.length < 1 ||
    id.length > MAX_CUSTOM_ID_LENGTH
  ) {
    throw new RangeError(
      `Cannot use custom id as it must be 1-100 characters: current length '${
        typeof id === "string" ? id.length : typeof id
      }'`,
    );
  }
}
