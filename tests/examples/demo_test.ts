import assert from "node:assert/strict";
import { runUntilExit } from "../_fakes/exit_linger.ts";
import {
  colorEnabled,
  consoleSay,
  demoAgainstFake,
  type Voice,
} from "../../examples/demo.ts";

import { within } from "../_fakes/watchdog.ts";

const DEMO = new URL("../../examples/demo.ts", import.meta.url);

Deno.test("The demo shows a pong and a resume with every event exactly once, in the order things happen", async () => {
  const lines: { voice: Voice; text: string }[] = [];
  // Bounded: a failing demo (say, behind a proxy) fails instead of hanging.
  const exact = await within(
    demoAgainstFake({ say: (voice, text) => lines.push({ voice, text }) }),
    "the demo to finish",
  );
  assert.equal(exact, true);
  const flat = lines.map((line) => `${line.voice} ${line.text}`);
  const at = (pattern: RegExp): number => {
    const index = flat.findIndex((line) => pattern.test(line));
    assert.notEqual(
      index,
      -1,
      `no line matches ${pattern}:\n${flat.join("\n")}`,
    );
    return index;
  };
  const inOrder = (...patterns: RegExp[]): void => {
    const indexes = patterns.map(at);
    assert.deepEqual(
      indexes,
      [...indexes].sort((a, b) => a - b),
      `out of order:\n${flat.join("\n")}`,
    );
  };
  inOrder(
    /^demo Starting the fake Discord/,
    /^gateway #1 READY/,
    /^bot READY: shard 0 logged in as FakeBot/,
    /^demo A user says !ping$/,
    /^user tester: !ping$/,
    /^gateway #3 MESSAGE_CREATE to shard 0: tester: !ping$/,
    /^bot !ping from tester$/,
    /^bot replied "pong"/,
    /^gateway #4 MESSAGE_CREATE to shard 0: FakeBot \[bot\]: pong$/,
    /^demo The bot answered "pong" over REST$/,
    /^demo Cutting the TCP connection/,
    /^shard ready -> reconnecting \(shard 0\)$/,
    /^shard waiting_for_hello -> resuming/,
    /^gateway #5 MESSAGE_CREATE to shard 0: tester: are you there\?$/,
    /^gateway #8 RESUMED/,
    /^demo RESUME on the resume URL, 3 missed events replayed/,
    /^shard ready -> closed \(shard 0\)$/,
    /^demo 9 events, sequences 1\.\.9: every event arrived exactly once, in order; 1 IDENTIFY, 1 RESUME$/,
  );
  // One name for the bot: READY's user is the author of its messages.
  const names = new Set(
    flat.flatMap((line) =>
      [
        ...line.matchAll(/logged in as (\S+)|: (\S+) \[bot\]:/g),
      ].map((match) => match[1] ?? match[2])
    ),
  );
  assert.deepEqual([...names], ["FakeBot"]);
  assert.ok(flat.every((line) => !line.includes("\x1b")));
});

Deno.test("The demo prints no escape codes when NO_COLOR is set or stdout is not a terminal", () => {
  // The environment is shared by every test running in parallel: the
  // terminal and NO_COLOR are passed in, not set.
  // (An object, not two parameters: a default parameter would fill an
  // explicit `undefined` from this process's NO_COLOR.)
  const color = (isTerminal: boolean, noColor: string | undefined) =>
    colorEnabled({ isTerminal, noColor });
  assert.equal(color(true, undefined), true);
  assert.equal(color(true, ""), true);
  assert.equal(color(true, "1"), false);
  assert.equal(color(false, undefined), false);
  const printed: string[] = [];
  // deno-lint-ignore no-console
  const log = console.log;
  // deno-lint-ignore no-console
  console.log = (line: string) => void printed.push(line);
  try {
    consoleSay(false)("demo", "heading");
    consoleSay(true)("demo", "heading");
    consoleSay(true)("bot", "line");
  } finally {
    // deno-lint-ignore no-console
    console.log = log;
  }
  assert.deepEqual(printed, [
    "demo    heading",
    "\x1b[1mdemo    heading\x1b[0m",
    "bot     line",
  ]);
});

Deno.test("deno task demo's script, piped, prints plain lines and exits right after the last one", async () => {
  // NO_COLOR empty counts as unset: plain lines must come from the pipe.
  const { code, stdout, stderr, linger } = await runUntilExit(
    DEMO,
    /every event arrived/,
    { DISCORD_TOKEN: "", NO_COLOR: "" },
  );
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.ok(!stdout.includes("\x1b"), "escape codes in piped output");
  assert.match(stdout.trimEnd().split("\n").at(-1)!, /^demo +9 events/);
  assert.ok(linger < 1000, `the demo lingered ${linger.toFixed(0)} ms`);
});
