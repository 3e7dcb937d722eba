// The scene of the tests whose deleted messages are held behind calls that
// never settle (a handler's, or an atArrival listener's): messages as long
// as the cache keeps (cache/message_bounds.ts), as many as hold more than
// the held-events bound together, posted in one channel, then deleted.
import assert from "node:assert/strict";
import type { Client } from "../../handler/client.ts";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import type { FakeDiscord } from "../../testing/fake_discord.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Each message's length: the longest the cache keeps. */
export const HELD_MESSAGE_LENGTH = 30_000;

/** How many messages: more than the bound holds together. */
export const HELD_MESSAGES =
  Math.ceil(MAX_HELD_EVENT_CHARS / HELD_MESSAGE_LENGTH) + 24;

/**
 * Post the messages (cached, not handled: nothing held for them), then
 * delete them all, and check that the shard paused (one close 4000) on
 * deletes whose frames are small (~100 characters) but whose `old` is
 * 30,000; then stop `client`.
 */
export async function deletesPauseTheShard(
  discord: FakeDiscord,
  scheduler: VirtualScheduler,
  client: Client,
): Promise<void> {
  const posted: { id: string; channel_id: string }[] = [];
  for (let i = 0; i < HELD_MESSAGES; i++) {
    posted.push(
      discord.postMessage(`${i} `.padEnd(HELD_MESSAGE_LENGTH, "x")),
    );
    await scheduler.flushMicrotasks();
  }
  assert.equal(discord.gateway.counters.closes[4000] ?? 0, 0);
  for (const message of posted) {
    discord.deleteMessage(message);
    await scheduler.flushMicrotasks();
  }
  assert.equal(discord.gateway.counters.closes[4000], 1);
  assert.equal(client.shards!.shard(0)!.paused, true);
  const stopping = client.stop({ drainTimeout: 1000 });
  await scheduler.advance(1000);
  await stopping;
}
