// Run a test body with LogTape recording every "disruption" log record at
// or above a level, and LogTape reset afterwards.
import {
  configure,
  type LogLevel,
  type LogRecord,
  reset,
} from "@logtape/logtape";

/** Run `body` with the library's log records (from `lowestLevel` up) collected. */
export async function withLogRecords(
  body: (records: LogRecord[]) => Promise<void>,
  lowestLevel: LogLevel = "warning",
): Promise<void> {
  const records: LogRecord[] = [];
  await configure({
    sinks: { test: (record) => records.push(record) },
    loggers: [
      { category: ["disruption"], sinks: ["test"], lowestLevel },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
    ],
  });
  try {
    await body(records);
  } finally {
    await reset();
  }
}

/** How many of `records` have a message (properties filled in) matching `pattern`. */
export function messagesOf(
  records: readonly { message: readonly unknown[] }[],
  pattern: RegExp,
): number {
  return records.filter((r) => pattern.test(r.message.join(""))).length;
}

/** The messages (properties filled in) of `records` that include `text`. */
export function linesSaying(
  records: readonly { message: readonly unknown[] }[],
  text: string,
): string[] {
  return records.map((r) => r.message.join(""))
    .filter((line) => line.includes(text));
}
