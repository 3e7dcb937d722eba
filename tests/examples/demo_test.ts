import assert from "node:assert/strict";
import { demoAgainstFake } from "../../examples/demo.ts";

Deno.test("The demo shows a pong and a resume with every event exactly once", async () => {
  const lines: string[] = [];
  // deno-lint-ignore no-console
  const log = console.log;
  // deno-lint-ignore no-console
  console.log = (...parts: unknown[]) => void lines.push(parts.join(" "));
  try {
    await demoAgainstFake();
  } finally {
    // deno-lint-ignore no-console
    console.log = log;
  }
  const text = lines.join("\n");
  assert.match(text, /the bot answered "pong" over REST/);
  assert.match(text, /MESSAGE_CREATE disruption-bot \[bot\]: pong/);
  assert.match(text, /RESUME on the resume URL, 3 missed events replayed/);
  assert.match(
    text,
    /every event arrived exactly once, in order; 1 IDENTIFY, 1 RESUME/,
  );
  assert.equal(Deno.exitCode, 0);
});
