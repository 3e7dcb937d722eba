/**
 * Library log lines a bot author must act on (a throwing handler, a handler
 * its intents can never trigger, a misspelt method), and the end of what
 * such a line said (an outage over), visible without configuring anything.
 *
 * Library logging goes through LogTape, which is silent until the
 * application configures it. That is right for debug and info lines and
 * wrong for mistakes: a handler that throws and prints nothing looks like a
 * library that does nothing. A {@linkcode VisibleLogger} therefore logs each
 * warning or error through LogTape as usual and, when the application has
 * not taken charge of that category (no sink receives it and no logger on
 * its path is configured), also writes it to stderr, stack included.
 * Configuring LogTape for `disruption` (or any part of it, or the root
 * category) replaces the stderr line with the application's own sinks and
 * levels.
 *
 * Internal: other library modules use it; it is not exported from any entry
 * point.
 *
 * @module
 */
import {
  getLogger,
  getTextFormatter,
  inspectLogger,
  type Logger,
  type LogLevel,
  type LogRecord,
} from "@logtape/logtape";

/** Properties interpolated into a message template's `{name}` holes. */
export type LogProperties = Record<string, unknown>;

/** Warnings and errors that reach the terminal when nothing else takes them. */
export interface VisibleLogger {
  /** The LogTape category the lines are logged under. */
  readonly category: readonly string[];
  /**
   * Log a warning the user must act on.
   *
   * @param message A LogTape message template, e.g. `"{what} is wrong"`.
   * @param properties The values for the template's holes.
   */
  warn(message: string, properties?: LogProperties): void;
  /**
   * Log an error the user must act on.
   *
   * @param message A LogTape message template, e.g. `"{what} failed: {error}"`.
   * @param properties The values for the template's holes (an `Error` is
   *   printed with its stack and cause).
   */
  error(message: string, properties?: LogProperties): void;
  /**
   * Log the end of what an earlier warning of this logger said (Redis
   * reachable again after an outage), at info level: on stderr exactly
   * when that warning was, so a terminal that showed the outage shows the
   * recovery too. Call it only after such a warning: an info line alone
   * is no news to act on.
   *
   * @param message A LogTape message template, e.g. `"{what} is back"`.
   * @param properties The values for the template's holes.
   */
  info(message: string, properties?: LogProperties): void;
}

/** The line format on stderr: `[WRN] disruption·handler: message`. */
const formatLine = getTextFormatter({ timestamp: "none", value: "bare" });

/**
 * Get the visible logger of a library category.
 *
 * @param category E.g. `["disruption", "handler"]`.
 * @returns A logger whose warnings and errors go to LogTape and, when the
 *   application configured nothing for them, to stderr.
 *
 * @example A warning with no LogTape configuration reaches stderr
 * ```ts
 * import { getVisibleLogger } from "./visible_logger.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const original = console.error;
 * console.error = (line: string) => void lines.push(line);
 * try {
 *   getVisibleLogger(["disruption", "example"]).warn("{what} is odd", { what: "this" });
 * } finally {
 *   console.error = original;
 * }
 * assert.deepEqual(lines, ["[WRN] disruption·example: this is odd"]);
 * ```
 */
export function getVisibleLogger(category: readonly string[]): VisibleLogger {
  const logger = getLogger(category);
  return {
    category,
    warn: (message, properties = {}) =>
      report(logger, "warning", message, properties),
    error: (message, properties = {}) =>
      report(logger, "error", message, properties),
    info: (message, properties = {}) =>
      report(logger, "info", message, properties),
  };
}

/**
 * Whether the application decides where `category`'s records of `level` go:
 * some sink can receive them, or a logger on the category's path (below the
 * root) is configured, e.g. to silence the library.
 *
 * @param category The category to check.
 * @param level The record's level.
 * @returns `true` when LogTape's configuration covers the records.
 */
export function logRouted(
  category: readonly string[],
  level: LogLevel,
): boolean {
  const inspection = inspectLogger(category, { level });
  return inspection.sinkPaths.length > 0 ||
    inspection.loggers.some((node) =>
      node.configured && node.category.length > 0
    );
}

function report(
  logger: Logger,
  level: "info" | "warning" | "error",
  message: string,
  properties: LogProperties,
): void {
  if (level === "info") logger.info(message, properties);
  else if (level === "warning") logger.warn(message, properties);
  else logger.error(message, properties);
  // An info line follows a warning: shown where the warning was (an
  // application that routes warnings only would otherwise get its
  // recoveries on stderr).
  if (logRouted(logger.category, level === "info" ? "warning" : level)) {
    return;
  }
  const record: LogRecord = {
    category: logger.category,
    level,
    message: interpolate(message, properties),
    rawMessage: message,
    properties,
    timestamp: Date.now(),
  };
  // The one place the library prints: nothing else would show this line.
  // deno-lint-ignore no-console
  console.error(formatLine(record).trimEnd());
}

/**
 * Split a template into LogTape's message array: text, value, text, ….
 * Only plain `{name}` holes are used in this library; `{{`/`}}` are
 * literal braces.
 */
function interpolate(
  template: string,
  properties: LogProperties,
): readonly unknown[] {
  const parts: unknown[] = [];
  let text = "";
  let i = 0;
  while (i < template.length) {
    const char = template[i]!;
    const next = template[i + 1];
    if ((char === "{" && next === "{") || (char === "}" && next === "}")) {
      text += char;
      i += 2;
      continue;
    }
    if (char === "{") {
      const end = template.indexOf("}", i + 1);
      if (end !== -1) {
        parts.push(text, properties[template.slice(i + 1, end).trim()]);
        text = "";
        i = end + 1;
        continue;
      }
    }
    text += char;
    i++;
  }
  parts.push(text);
  return parts;
}
