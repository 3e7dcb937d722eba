/**
 * Where the fake's simulated user may act, as on Discord: never in a
 * deleted channel (its id stays 404 `10003 Unknown Channel`; the fake must
 * not bring it back by creating a channel of that id), and in a thread
 * only as Discord lets a user without MANAGE_THREADS: no message in a
 * locked thread, no edit in an archived one, and a message sent in an
 * archived thread unarchives it. Private to the test kit.
 *
 * @module
 */
import type { FakeResources } from "./fake_resources.ts";

/**
 * Refuse an action in a deleted channel.
 *
 * @param resources The fake's resources.
 * @param channelId Where the user acts.
 * @throws {Error} When the channel was deleted.
 */
export function assertNotDeleted(
  resources: FakeResources,
  channelId: string,
): void {
  if (!resources.deleted(channelId)) return;
  throw new Error(
    `Channel ${channelId} was deleted: a user cannot act in it (Discord answers 404 Unknown Channel, 10003)`,
  );
}

/**
 * Before a user's message in a thread: refused in a locked thread (the
 * user lacks MANAGE_THREADS), and an archived one is unarchived, as
 * Discord does when a message is sent in it.
 *
 * @param resources The fake's resources.
 * @param channelId Where the user posts.
 * @throws {Error} When the thread is locked.
 */
export function openForUserMessage(
  resources: FakeResources,
  channelId: string,
): void {
  if (resources.threadState(channelId)?.locked) {
    throw new Error(
      `Thread ${channelId} is locked: a user without MANAGE_THREADS cannot send a message in it`,
    );
  }
  resources.unarchive(channelId);
}

/**
 * Refuse a user's edit in an archived thread (Discord: "Users cannot edit
 * messages ... in archived threads").
 *
 * @param resources The fake's resources.
 * @param channelId The edited message's channel.
 * @throws {Error} When the thread is archived or locked.
 */
export function assertEditable(
  resources: FakeResources,
  channelId: string,
): void {
  const state = resources.threadState(channelId);
  if (state?.archived || state?.locked) {
    throw new Error(
      `Thread ${channelId} is ${
        state.archived ? "archived" : "locked"
      }: a user cannot edit a message in it`,
    );
  }
}
