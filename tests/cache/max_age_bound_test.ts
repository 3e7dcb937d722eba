// messages.maxAge at its bound: the docs drop messages "older than" maxAge
// before the newest, so one exactly maxAge older stays.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";

/** A message id of the time `ms` after Discord's epoch. */
function idAt(ms: number): string {
  return String(BigInt(ms) << 22n);
}

Deno.test("MemoryCache: messages.maxAge keeps a message exactly maxAge older than the newest and drops one older", () => {
  const cache = new MemoryCache({
    resources: ["messages"],
    messages: { maxAge: 1000 },
  });
  for (const ms of [999_000, 1_000_000, 1_001_000]) {
    cache.apply("MESSAGE_CREATE", {
      id: idAt(ms),
      channel_id: "2",
      author: { id: "5", username: "u" },
      content: "x",
      timestamp: "2024-01-01T00:00:00.000000+00:00",
    });
  }
  assert.deepEqual(
    cache.channelMessages("2").map((m) => m.id),
    [idAt(1_000_000), idAt(1_001_000)],
  );
});
