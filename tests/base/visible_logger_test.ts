import assert from "node:assert/strict";
import {
  configure,
  type LoggerConfig,
  type LogRecord,
  reset,
} from "@logtape/logtape";
import { getVisibleLogger, logRouted } from "../../base/visible_logger.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const CATEGORY = ["disruption", "visible_test"] as const;
/** LogTape's own "loggers are configured" notice, silenced in these tests. */
const QUIET_META: LoggerConfig<never, never> = {
  category: ["logtape", "meta"],
  lowestLevel: "warning",
  sinks: [],
};

Deno.test("A visible warning with no LogTape configuration is written to stderr", async () => {
  const lines = await captureStderr(() =>
    getVisibleLogger(CATEGORY).warn("{what} never runs", { what: "onX()" })
  );
  assert.deepEqual(lines, ["[WRN] disruption·visible_test: onX() never runs"]);
});

Deno.test("A visible error prints the error's stack and cause", async () => {
  const cause = new TypeError("inner");
  const lines = await captureStderr(() =>
    getVisibleLogger(CATEGORY).error("It failed: {error}", {
      error: new Error("outer", { cause }),
    })
  );
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^\[ERR\] disruption·visible_test: It failed: Error: outer\n/,
  );
  assert.match(lines[0]!, /\n +at .*visible_logger_test\.ts/);
  assert.match(lines[0]!, /TypeError: inner/);
});

Deno.test("A LogTape sink for the library replaces the stderr line", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record) => void records.push(record) },
    loggers: [{ category: ["disruption"], sinks: ["memory"] }, QUIET_META],
  });
  try {
    const lines = await captureStderr(() =>
      getVisibleLogger(CATEGORY).warn("{what} never runs", { what: "onX()" })
    );
    assert.deepEqual(lines, []);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.level, "warning");
    assert.deepEqual(records[0]!.message, ["", "onX()", " never runs"]);
  } finally {
    await reset();
  }
});

Deno.test("A root sink, or a library category configured to be silent, replaces the stderr line too", async (t) => {
  await t.step("root sink", async () => {
    await configure({
      sinks: { none: () => {} },
      loggers: [{ category: [], sinks: ["none"] }, QUIET_META],
    });
    try {
      assert.equal(logRouted(CATEGORY, "warning"), true);
    } finally {
      await reset();
    }
  });
  await t.step("silenced category", async () => {
    await configure({
      sinks: {},
      loggers: [
        { category: ["disruption"], lowestLevel: null, sinks: [] },
        QUIET_META,
      ],
    });
    try {
      assert.equal(logRouted(CATEGORY, "error"), true);
      const lines = await captureStderr(() =>
        getVisibleLogger(CATEGORY).error("quiet")
      );
      assert.deepEqual(lines, []);
    } finally {
      await reset();
    }
  });
  await t.step("only the app's own category configured", async () => {
    await configure({
      sinks: { none: () => {} },
      loggers: [{ category: ["my-bot"], sinks: ["none"] }, QUIET_META],
    });
    try {
      assert.equal(logRouted(CATEGORY, "warning"), false);
    } finally {
      await reset();
    }
  });
});

Deno.test("A visible info line (a recovery) reaches stderr where the warnings do, and only there", async () => {
  const lines = await captureStderr(() =>
    getVisibleLogger(CATEGORY).info("{what} is back", { what: "Redis" })
  );
  assert.deepEqual(lines, ["[INF] disruption·visible_test: Redis is back"]);
  // An application taking the library's warnings (only those: its sink is
  // at warning level) gets the recovery there, not on stderr.
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record) => void records.push(record) },
    loggers: [
      { category: ["disruption"], lowestLevel: "warning", sinks: ["memory"] },
      QUIET_META,
    ],
  });
  try {
    const routed = await captureStderr(() =>
      getVisibleLogger(CATEGORY).info("{what} is back", { what: "Redis" })
    );
    assert.deepEqual(routed, []);
  } finally {
    await reset();
  }
});

Deno.test("A visible line with no LogTape configuration writes {{ and }} as braces and reads a placeholder's name trimmed", async () => {
  const lines = await captureStderr(() =>
    getVisibleLogger(CATEGORY).warn("{{literal}} {{x}}} and { what } ran", {
      what: "onX()",
    })
  );
  assert.deepEqual(lines, [
    "[WRN] disruption·visible_test: {literal} {x}} and onX() ran",
  ]);
});

Deno.test("A root logger configured without sinks leaves the visible lines on stderr", async () => {
  await configure({
    sinks: {},
    loggers: [{ category: [], sinks: [] }, QUIET_META],
  });
  try {
    assert.equal(logRouted(CATEGORY, "warning"), false);
    const lines = await captureStderr(() =>
      getVisibleLogger(CATEGORY).warn("{what} never runs", { what: "onX()" })
    );
    assert.deepEqual(lines, [
      "[WRN] disruption·visible_test: onX() never runs",
    ]);
  } finally {
    await reset();
  }
});
