// Every event that changes a cached message (a reaction, a poll vote, a
// partial edit) reads it as a copy and stores the changed copy. A long
// `mention_roles` came back unchanged each time and was interned again:
// 22 ms an event for a message naming 100,000 roles. These tests count the
// interner's work instead of timing it.
import assert from "node:assert/strict";
import { CompactMessage, Interner } from "../../cache/compact.ts";
import { MemoryCache } from "../../cache/mod.ts";

/** An interner counting the strings it is asked to intern. */
class CountingInterner extends Interner {
  interned = 0;
  override intern(value: string): string {
    this.interned++;
    return super.intern(value);
  }
}

const ROLES = Array.from(
  { length: 1_000 },
  (_, i) => String(1_000_000_000_000_000_000n + BigInt(i)),
);

const MESSAGE = {
  id: "10",
  channel_id: "2",
  guild_id: "1",
  author: { id: "7", username: "a" },
  content: "x",
  timestamp: "2024-01-01T00:00:00.000000+00:00",
  mention_roles: ROLES,
};

Deno.test("a long mention_roles a changed message gives back unchanged (a reaction, a partial edit) is not interned again", () => {
  const interner = new CountingInterner();
  // The channel and guild ids given, as the memory store does: only the
  // roles are interned.
  const first = new CompactMessage(MESSAGE, undefined, interner, "2", "1");
  assert.equal(interner.interned, ROLES.length);
  interner.interned = 0;
  // As the core does: the message read, changed, and stored again.
  let stored = first;
  for (const change of [{ reactions: [] }, { content: "y" }]) {
    stored = new CompactMessage(
      { ...stored.toJSON(), ...change },
      undefined,
      interner,
      "2",
      "1",
    );
    assert.equal(stored.mention_roles, first.mention_roles);
  }
  assert.equal(interner.interned, 0);
  assert.deepEqual(stored.toJSON().mention_roles, ROLES);
});

Deno.test("a mention_roles copy changed after the message gave it out (an id replaced, one removed or added) is interned again, not taken for the list it was copied from", () => {
  const interner = new CountingInterner();
  const first = new CompactMessage(MESSAGE, undefined, interner);
  const changed = first.toJSON();
  const roles = changed.mention_roles as string[];
  roles[0] = "42";
  const second = new CompactMessage(changed, undefined, interner);
  assert.notEqual(second.mention_roles, first.mention_roles);
  assert.deepEqual(second.toJSON().mention_roles, ["42", ...ROLES.slice(1)]);
  const shorter = first.toJSON();
  (shorter.mention_roles as string[]).pop();
  const third = new CompactMessage(shorter, undefined, interner);
  assert.deepEqual(third.toJSON().mention_roles, ROLES.slice(0, -1));
  // Longer by a role at the end: its first ones are the list's, still not it.
  const longer = first.toJSON();
  (longer.mention_roles as string[]).push("43");
  const fourth = new CompactMessage(longer, undefined, interner);
  assert.deepEqual(fourth.toJSON().mention_roles, [...ROLES, "43"]);
  // The list given out is the caller's: changing it changes no message.
  assert.deepEqual(first.toJSON().mention_roles, ROLES);
});

Deno.test("a cached message keeps its long mention_roles through reactions and edits, and takes an edit's new list", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 0, name: "c" }],
    roles: [],
    members: [],
  });
  cache.apply("MESSAGE_CREATE", MESSAGE);
  cache.apply("MESSAGE_REACTION_ADD", {
    user_id: "7",
    channel_id: "2",
    message_id: "10",
    guild_id: "1",
    emoji: { id: null, name: "x" },
  });
  cache.apply("MESSAGE_UPDATE", {
    id: "10",
    channel_id: "2",
    guild_id: "1",
    content: "y",
  });
  assert.deepEqual(cache.message("2", "10")!.mention_roles, ROLES);
  const edited = ROLES.slice(1);
  cache.apply("MESSAGE_UPDATE", {
    id: "10",
    channel_id: "2",
    guild_id: "1",
    mention_roles: edited,
  });
  assert.deepEqual(cache.message("2", "10")!.mention_roles, edited);
});
