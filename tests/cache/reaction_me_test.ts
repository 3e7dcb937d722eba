// A reaction is the bot's (`me`) only when its user is the bot: before READY
// the bot's id is unknown, and a reaction without `user_id` is not the bot's.
// The bot's super reaction (`burst`) is `me_burst`, not `me`.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import type { Reaction } from "../../types/objects/message.ts";

const MESSAGE = {
  id: "10",
  channel_id: "2",
  author: { id: "5", username: "a" },
  content: "x",
  timestamp: "2024-01-01T00:00:00.000000+00:00",
};

const REACTION = {
  channel_id: "2",
  message_id: "10",
  emoji: { id: null, name: "x" },
};

/** Shard 1's READY of bot user 9 (shard 0's new session drops the DMs). */
const READY = {
  v: 10,
  user: { id: "9", username: "bot" },
  guilds: [],
  session_id: "s",
  resume_gateway_url: "wss://x",
  application: { id: "9", flags: 0 },
  shard: [1, 2],
};

/** A cache holding MESSAGE, after {@linkcode READY}. */
function cacheAfterReady(): MemoryCache {
  const cache = new MemoryCache();
  cache.apply("MESSAGE_CREATE", MESSAGE);
  cache.apply("READY", READY);
  return cache;
}

Deno.test("MESSAGE_REACTION_ADD/REMOVE without user_id before READY do not mark the reaction the bot's", () => {
  const cache = new MemoryCache();
  cache.apply("MESSAGE_CREATE", MESSAGE);
  cache.apply("MESSAGE_REACTION_ADD", REACTION);
  cache.apply("MESSAGE_REACTION_ADD", REACTION);
  assert.equal(cache.message("2", "10")!.reactions![0]!.me, false);
  // The bot's own reaction, then one without user_id taken away: still `me`.
  // (A READY of shard 1: shard 0's new session drops the DMs.)
  cache.apply("READY", READY);
  cache.apply("MESSAGE_REACTION_ADD", { ...REACTION, user_id: "9" });
  assert.equal(cache.message("2", "10")!.reactions![0]!.me, true);
  const fresh = new MemoryCache();
  fresh.apply("MESSAGE_CREATE", {
    ...MESSAGE,
    reactions: [{
      count: 2,
      count_details: { burst: 0, normal: 2 },
      me: true,
      me_burst: false,
      emoji: { id: null, name: "x" },
      burst_colors: [],
    }],
  });
  fresh.apply("MESSAGE_REACTION_REMOVE", REACTION);
  assert.equal(fresh.message("2", "10")!.reactions![0]!.me, true);
});

Deno.test("the bot's super reaction (burst) sets me_burst, not me; another user's sets or clears neither; the bot's removal clears me_burst", () => {
  const cache = cacheAfterReady();
  const reaction = (): Reaction | undefined =>
    cache.message("2", "10")!.reactions![0];
  const burst = (event: string, userId: string): void => {
    cache.apply(event, { ...REACTION, user_id: userId, burst: true });
  };
  burst("MESSAGE_REACTION_ADD", "5");
  assert.equal(reaction()?.me_burst, false);
  burst("MESSAGE_REACTION_ADD", "9");
  burst("MESSAGE_REACTION_ADD", "6");
  assert.equal(reaction()?.me_burst, true);
  assert.equal(reaction()?.me, false);
  burst("MESSAGE_REACTION_REMOVE", "6");
  assert.equal(reaction()?.me_burst, true);
  burst("MESSAGE_REACTION_REMOVE", "9");
  assert.equal(reaction()?.me_burst, false);
  assert.equal(reaction()?.count, 1);
});
