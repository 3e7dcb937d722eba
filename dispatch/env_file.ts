/**
 * The dispatch service's `.env` file, read as twilight-dispatch read it
 * (the Rust crate dotenv 0.15), so a file kept from it means the same: a
 * password written `"gu\$est"` there is `gu$est`, and was sent as
 * `gu\$est`, which RabbitMQ refused, when backslashes were kept.
 *
 * @module
 */

/**
 * dotenv 0.15's escapes, outside single quotes: each is the character after
 * the backslash, but `\n`, a line break. Any other is an error to the crate.
 */
const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  "$": "$",
  " ": " ",
  "n": "\n",
};

/**
 * Parse a `.env` file: `NAME=value` lines, `#` comments, optional `export `.
 * A value is read as dotenv 0.15 (twilight-dispatch's) reads it: single
 * quotes keep what is between them as it is; double quotes keep spaces and
 * `#`, and take the escapes `\\`, `\"`, `\'`, `\$`, `\ ` (each the character
 * after the backslash) and `\n` (a line break), which an unquoted value
 * takes too; quoted and unquoted parts follow each other (`'a'"b"c` is
 * `abc`); an unquoted space ends the value, which only a `# comment` may
 * follow, and a value that starts with `#` is a comment (empty). `$NAME` is
 * kept as it is, not replaced by a variable's value. A value dotenv refuses
 * (an unknown escape such as `\d`, a quote left open, a space inside an
 * unquoted value) is read as before, leniently: a quoted value is what is
 * between the quotes, kept as it is, when only spaces and a `# comment`
 * follow the closing one (in `"a"b"` it is `a"b`); any other ends before a
 * `#` that follows a space, and is trimmed. A name given twice keeps its
 * first value, as with dotenv.
 *
 * @param text The file's text.
 * @param onInvalid Called with the (1-based) number of each line that is
 * none of these, which is skipped (the line itself is not passed: it may
 * hold a secret).
 * @returns The variables it sets.
 *
 * @example
 * ```ts
 * import { parseEnvFile } from "@disruption/disruption/dispatch";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   parseEnvFile("# bot\nBOT_TOKEN='abc'\nexport INTENTS=513\nRABBIT_PASSWORD=\"gu\\$est\"\n"),
 *   { BOT_TOKEN: "abc", INTENTS: "513", RABBIT_PASSWORD: "gu$est" },
 * );
 * ```
 */
export function parseEnvFile(
  text: string,
  onInvalid?: (lineNumber: number) => void,
): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(
      line,
    );
    if (!match) {
      onInvalid?.(index + 1);
      continue;
    }
    // The first value wins, as in dotenv 0.15 (it sets a variable only if
    // not already set): a file kept from twilight-dispatch means the same.
    if (Object.hasOwn(vars, match[1]!)) continue;
    const value = match[2]!;
    vars[match[1]!] = dotenvValue(value) ?? lenientValue(value);
  }
  return vars;
}

/**
 * A value as dotenv 0.15's `parse_value` reads it, but for `$NAME`, kept as
 * it is (the crate put the variable's value there); undefined where the
 * crate refuses the line.
 */
function dotenvValue(value: string): string | undefined {
  if (value.startsWith("#")) return "";
  let output = "";
  let quote: string | undefined;
  let escaped = false;
  let ended = false;
  for (const c of value) {
    if (ended) {
      if (c === "#") break;
      if (c === " " || c === "\t") continue;
      return undefined;
    }
    if (escaped) {
      const plain = ESCAPES[c];
      if (plain === undefined) return undefined;
      output += plain;
      escaped = false;
    } else if (quote === "'") {
      if (c === "'") quote = undefined;
      else output += c;
    } else if (c === "\\") {
      escaped = true;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else output += c;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === " " || c === "\t") {
      ended = true;
    } else {
      output += c;
    }
  }
  // A backslash ending the line is dropped, as the crate drops it.
  return quote === undefined ? output : undefined;
}

/** A value dotenv refuses, read as this parser read every value before. */
function lenientValue(value: string): string {
  // The shortest quoted value a comment (or nothing) may follow: in
  // `"a" # say "b"` the value is `a`, in `"a"b"` it is `a"b`.
  const quoted = /^(["'])(.*?)\1\s*(?:#.*)?$/.exec(value);
  return quoted ? quoted[2]! : value.replace(/\s+#.*$/, "");
}
