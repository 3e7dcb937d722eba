/**
 * The pieces of Discord's 50035 "Invalid Form Body" `errors` tree the
 * fake's payload checks build: a node per field, `_errors` at the leaves.
 * Private to the test kit.
 *
 * @module
 */

/** One node of an `errors` tree, keyed by field name or array index. */
export type Tree = Record<string, unknown>;

/**
 * A leaf of the tree: one error on one field.
 *
 * @param code Discord's error code, e.g. `BASE_TYPE_REQUIRED`.
 * @param message The human-readable message.
 * @returns The `{ _errors: [...] }` node.
 */
export const fieldError = (code: string, message: string): Tree => ({
  _errors: [{ code, message }],
});

/**
 * A required field that is missing (or of the wrong type).
 *
 * @returns The leaf.
 */
export const required = (): Tree =>
  fieldError("BASE_TYPE_REQUIRED", "This field is required");

/**
 * A string or list longer than `max`.
 *
 * @param max The most allowed.
 * @returns The leaf.
 */
export const tooLong = (max: number): Tree =>
  fieldError("BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);

/**
 * A string or list outside `min`..`max`.
 *
 * @param min The fewest allowed.
 * @param max The most allowed.
 * @returns The leaf.
 */
export const badLength = (min: number, max: number): Tree =>
  fieldError(
    "BASE_TYPE_BAD_LENGTH",
    `Must be between ${min} and ${max} in length.`,
  );

/**
 * A number outside `min`..`max`.
 *
 * @param min The least allowed.
 * @param max The most allowed.
 * @returns The leaf.
 */
export const outOfRange = (min: number, max: number): Tree =>
  fieldError(
    "NUMBER_TYPE_OUT_OF_RANGE",
    `Value must be between ${min} and ${max}.`,
  );

/**
 * A query integer below `min`, in the words Discord answers a query with.
 *
 * @param min The least allowed.
 * @returns The leaf.
 */
export const numberMin = (min: number): Tree =>
  fieldError(
    "NUMBER_TYPE_MIN",
    `int value should be greater than or equal to ${min}.`,
  );

/**
 * A query integer above `max`, in the words Discord answers a query with.
 *
 * @param max The most allowed.
 * @returns The leaf.
 */
export const numberMax = (max: number): Tree =>
  fieldError(
    "NUMBER_TYPE_MAX",
    `int value should be less than or equal to ${max}.`,
  );

/**
 * A query value that is not a number of the kind asked (`"latest"` for a
 * snowflake, `"1.5"` for an int).
 *
 * @param value The value as sent.
 * @param kind What it should be: `int` or `snowflake`.
 * @returns The leaf.
 */
export const notNumber = (value: string, kind: "int" | "snowflake"): Tree =>
  fieldError("NUMBER_TYPE_COERCE", `Value "${value}" is not ${kind}.`);

/**
 * A field this kind of component may not carry.
 *
 * @param why Why not, in the docs' words.
 * @returns The leaf.
 */
export const notAllowed = (why: string): Tree =>
  fieldError("COMPONENT_FIELD_NOT_ALLOWED", why);

/**
 * The value as a plain object, `{}` for anything else (so a lookup on a
 * malformed payload reads `undefined` instead of throwing).
 *
 * @param value Any JSON value.
 * @returns The object, or `{}`.
 */
export function asObject(value: unknown): Tree {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Tree
    : {};
}

/**
 * Hang `value` under `key` when it holds an error (an empty node would
 * still make the request look refused).
 *
 * @param tree The parent node.
 * @param key The field name or index.
 * @param value The child node, if any.
 */
export function put(tree: Tree, key: string, value: Tree | undefined): void {
  if (value !== undefined && Object.keys(value).length > 0) tree[key] = value;
}

/**
 * The tree, or `undefined` when it holds no error.
 *
 * @param tree A node.
 * @returns `tree` when not empty.
 */
export function orNothing(tree: Tree): Tree | undefined {
  return Object.keys(tree).length > 0 ? tree : undefined;
}
