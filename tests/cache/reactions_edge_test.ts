// Reaction counts at their edges: the last reaction of an emoji taken away,
// custom emojis that share a name, and a burst (super) reaction taken away.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";

const REACTION = { channel_id: "2", message_id: "10" };

/** A cache holding message 10 of DM channel 2, without reactions. */
function withMessage(): MemoryCache {
  const cache = new MemoryCache();
  cache.apply("MESSAGE_CREATE", {
    id: "10",
    channel_id: "2",
    author: { id: "5", username: "a" },
    content: "x",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
  });
  return cache;
}

function reactions(cache: MemoryCache): unknown[] {
  return cache.message("2", "10")?.reactions ?? [];
}

Deno.test("MESSAGE_REACTION_REMOVE of an emoji's last reaction leaves no entry of count 0 (Discord lists reacted emojis only)", () => {
  const cache = withMessage();
  const reaction = {
    ...REACTION,
    user_id: "5",
    emoji: { id: null, name: "x" },
  };
  cache.apply("MESSAGE_REACTION_ADD", reaction);
  assert.equal(reactions(cache).length, 1);
  cache.apply("MESSAGE_REACTION_REMOVE", reaction);
  assert.deepEqual(reactions(cache), []);
});

Deno.test("Custom emojis of the same name and different ids are different reactions (custom emojis match by id)", () => {
  const cache = withMessage();
  cache.apply("MESSAGE_REACTION_ADD", {
    ...REACTION,
    user_id: "5",
    emoji: { id: "11", name: "pog" },
  });
  cache.apply("MESSAGE_REACTION_ADD", {
    ...REACTION,
    user_id: "6",
    emoji: { id: "12", name: "pog" },
  });
  const held = cache.message("2", "10")!.reactions!;
  assert.deepEqual(
    held.map((r) => [r.emoji.id, r.count]),
    [["11", 1], ["12", 1]],
  );
  // Taking one away leaves the other.
  cache.apply("MESSAGE_REACTION_REMOVE", {
    ...REACTION,
    user_id: "5",
    emoji: { id: "11", name: "pog" },
  });
  assert.deepEqual(
    cache.message("2", "10")!.reactions!.map((r) => [r.emoji.id, r.count]),
    [["12", 1]],
  );
});

Deno.test("MESSAGE_REACTION_REMOVE of a burst reaction lowers count_details.burst, not normal", () => {
  const cache = withMessage();
  const emoji = { id: null, name: "x" };
  cache.apply("MESSAGE_REACTION_ADD", { ...REACTION, user_id: "5", emoji });
  cache.apply("MESSAGE_REACTION_ADD", {
    ...REACTION,
    user_id: "6",
    emoji,
    burst: true,
  });
  cache.apply("MESSAGE_REACTION_REMOVE", {
    ...REACTION,
    user_id: "6",
    emoji,
    burst: true,
  });
  const [held] = cache.message("2", "10")!.reactions!;
  assert.equal(held!.count, 1);
  assert.deepEqual(held!.count_details, { burst: 0, normal: 1 });
});

Deno.test("MESSAGE_REACTION_REMOVE never takes count_details below 0 (a reaction counted as the other kind, or without details)", () => {
  const cache = withMessage();
  const emoji = { id: null, name: "x" };
  for (const [user, burst] of [["5", false], ["6", true], ["7", true]]) {
    cache.apply("MESSAGE_REACTION_ADD", {
      ...REACTION,
      user_id: user,
      emoji,
      burst,
    });
  }
  // Two normal removals of a reaction holding one normal: the second
  // finds none to take.
  for (const user of ["5", "6"]) {
    cache.apply("MESSAGE_REACTION_REMOVE", {
      ...REACTION,
      user_id: user,
      emoji,
    });
  }
  const [held] = cache.message("2", "10")!.reactions!;
  assert.equal(held!.count, 1);
  assert.deepEqual(held!.count_details, { burst: 2, normal: 0 });
});
