/**
 * The JSON of a `gateway.send` body read as workers write it. Libraries in
 * other languages send snowflakes as integers (discord.py writes
 * `guild_id` and `channel_id` of an op 4 as Python ints, which have no
 * size limit): `JSON.parse` rounds one above 2^53 to a double, a different
 * id, and the gateway's builders, which take snowflakes as decimal strings
 * only, refused it. twilight-dispatch read them as 64-bit integers and sent
 * them on exactly; {@linkcode parseExactJson} keeps their digits, and
 * {@linkcode withStringSnowflakes} turns the snowflake fields of op 4, 8, 31
 * and 43 that came as integers into the strings the builders take.
 *
 * @module
 */

/** A JSON integer literal without sign, fraction or exponent. */
const DIGITS = /^\d+$/;

/**
 * Parse JSON, with each integer literal too large to be a safe integer kept
 * as its decimal digits (a string) rather than rounded; every other value as
 * `JSON.parse` gives it.
 *
 * @param text The JSON text.
 * @returns The value.
 * @throws {SyntaxError} When the text is not JSON.
 * @throws {RangeError} When it is nested too deeply (some thousands of
 *   arrays or objects) for the reviver's recursion.
 */
export function parseExactJson(text: string): unknown {
  return JSON.parse(
    text,
    // Deno passes the literal's text as `context.source` (JSON.parse with
    // source, TC39 stage 3); the lib types lack the third parameter.
    ((_key: string, value: unknown, context?: { source?: string }) =>
      typeof value === "number" && !Number.isSafeInteger(value) &&
        context?.source !== undefined && DIGITS.test(context.source)
        ? context.source
        : value) as (key: string, value: unknown) => unknown,
  );
}

/** The fields of each command's `d` that hold one snowflake or an array. */
const SNOWFLAKE_FIELDS: Readonly<Record<number, readonly string[]>> = {
  4: ["guild_id", "channel_id"],
  8: ["guild_id", "user_ids"],
  31: ["guild_ids"],
  43: ["guild_id"],
};

/**
 * A command with its snowflake fields that hold non-negative safe integers
 * (an id small enough that `JSON.parse` kept it exact) written as decimal
 * strings, as the gateway's builders take them; anything else is left for
 * the builders to check. The command given is not changed.
 *
 * @param data The gateway payload of an op 0 command.
 * @returns The payload, a copy when a field changed.
 */
export function withStringSnowflakes<T extends { op: number; d?: unknown }>(
  data: T,
): T {
  const fields = SNOWFLAKE_FIELDS[data.op];
  const d = data.d;
  if (!fields || typeof d !== "object" || d === null || Array.isArray(d)) {
    return data;
  }
  let copy: Record<string, unknown> | undefined;
  for (const field of fields) {
    const value = (d as Record<string, unknown>)[field];
    const text = Array.isArray(value)
      ? value.some(isIdNumber) ? value.map(idText) : undefined
      : isIdNumber(value)
      ? idText(value)
      : undefined;
    if (text === undefined) continue;
    copy ??= { ...d };
    copy[field] = text;
  }
  return copy ? { ...data, d: copy } : data;
}

/** Whether a value is an id read as a (safe, non-negative) integer. */
function isIdNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) &&
    value >= 0;
}

/** An id read as an integer as its decimal string; anything else as it is. */
function idText(value: unknown): unknown {
  return isIdNumber(value) ? String(value) : value;
}
