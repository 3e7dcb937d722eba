// One change of the core as the Redis store writes it: the commands queued
// in a batch's write chunk (see RedisCache's #applyNow), guarded where
// another process may have removed or changed what it was computed from
// (see redis_guarded_writes.ts).
import type { CacheChange } from "./changes.ts";
import { rolesFirst } from "./redis_role_removal.ts";
import {
  INDEXED,
  kindKeys,
  MAX_VALUE_LENGTH,
  redisKey,
  UNKEYED,
} from "./redis_layout.ts";
import { listKey, unlistKey } from "./redis_listing.ts";
import { guildAsStored } from "./redis_guild_value.ts";
import type { ExpiryWrites } from "./redis_expiry.ts";
import {
  COMPLETE,
  REMOVE_CHANNEL,
  UNLIST_IF_EMPTIED,
} from "./redis_scripts.ts";
import type { MessageTrims } from "./redis_trims.ts";
import { listUnguilded, UNGUILDED_KEY } from "./redis_unguilded.ts";
import type { WriteChunk } from "./redis_write_chunk.ts";
import type { OversizedValues } from "./redis_oversized.ts";
import {
  type BatchTexts,
  isOwnWrite,
  SET_IF_UNCHANGED,
} from "./redis_guarded_writes.ts";

/** What a change's writes need to know of its batch and store. */
export interface BatchWrites {
  /** The dispatch whose change it is, and its payload. */
  event: string;
  data: unknown;
  /** Guilds removed earlier in the batch's writes. */
  emptied: Set<string>;
  /** The batch's `expiry_keys` writes. */
  expiry: ExpiryWrites;
  /** The guilds' and channels' texts as the batch knows them. */
  texts: BatchTexts;
  /** The store's stubs of values too long to keep. */
  oversized: OversizedValues;
  /** The trims due in the chunk, by the store's message bounds. */
  trims: MessageTrims;
  /**
   * Have a channel's messages removed, a chunk of messages a script (see
   * redis_message_removal.ts), before the channel's own removal: by the
   * step right before the current chunk if it removes other channels'
   * (see `joinMessagesOf`), else by one that ends the chunk. Returns the
   * chunk to write on after it.
   */
  messagesFirst(channelId: string): WriteChunk;
  /**
   * Whether the store keeps channels: if not, every message is listed in
   * the index of what no guild holds (see redis_unguilded.ts).
   */
  keepsChannels: boolean;
}

/**
 * Queue one change's writes.
 *
 * @param batch The change's event; the guilds removed earlier in the
 * batch's writes (a guild set after its removal is rebuilt whole: its kind
 * sets become complete); the batch's expiry writes and known texts.
 * @returns The change written instead of a value too long to keep (its
 * stub, or a channel's removal), or undefined when written as it is.
 */
export function writeChange(
  chunk: WriteChunk,
  change: CacheChange,
  batch: BatchWrites,
): CacheChange | undefined {
  switch (change.op) {
    case "set": {
      const { kind, scope, id } = change;
      if (UNKEYED.has(kind)) return;
      const key = redisKey(kind, scope, id);
      // A guild with twilight-dispatch's emptied lists, which its
      // consumers' decoders require (see redis_guild_value.ts).
      const text = JSON.stringify(
        kind === "member"
          ? rolesFirst(change.value)
          : kind === "guild"
          ? guildAsStored(change.value)
          : change.value,
      );
      if (text.length > MAX_VALUE_LENGTH) {
        // Its stub (a channel: its removal), written and read back as
        // any other change (see OversizedValues).
        const instead = batch.oversized.instead(change, key, text.length);
        writeChange(chunk, instead, batch);
        return instead;
      }
      if (kind === "guild" || kind === "channel") {
        const read = batch.texts.text(key);
        batch.texts.wrote(key, text, kind === "channel" ? scope : undefined);
        if (
          typeof read === "string" &&
          !isOwnWrite(batch.event, batch.data, kind, id)
        ) {
          // Derived from the text read: written only while Redis still
          // holds it; listed already, as it was held.
          chunk.eval(SET_IF_UNCHANGED, 1, key, read, text);
          return;
        }
      }
      chunk.writesUnder(batch.texts.guard(kind, scope), key);
      chunk.set(key, text);
      if (kind !== "bot_user") {
        listKey(chunk, kind, scope, key, change.value);
        listUnguilded(
          chunk,
          kind,
          scope,
          id,
          change.value,
          batch.keepsChannels,
        );
        // Recorded before the trim: a message it drops at once (older than
        // every one of a full channel) loses its entry with it, where one
        // written after named a key that is gone.
        if (kind === "member" || kind === "message") {
          batch.expiry.wrote(chunk, kind, key, batch.event);
        }
      }
      chunk.writesUnder(undefined);
      // Trimmed once, at the chunk's end (see redis_trims.ts).
      if (kind === "message") batch.trims.wrote(scope);
      else if (kind === "guild" && batch.emptied.has(id)) {
        // Rebuilt from nothing in this batch: its kind sets are whole.
        for (const indexed of INDEXED) {
          chunk.sadd(kindKeys(id, indexed), COMPLETE);
        }
      }
      return;
    }
    case "delete": {
      const { kind, scope, id } = change;
      if (UNKEYED.has(kind)) return;
      const key = redisKey(kind, scope, id);
      if (kind === "message") batch.trims.before(chunk, scope);
      chunk.del(key);
      if (kind === "guild" || kind === "channel") batch.texts.wrote(key, null);
      if (kind === "bot_user") return;
      unlistKey(chunk, kind, scope, key);
      chunk.hdel("expiry_keys", key);
      // Its channel, emptied and not held, leaves the index of what no
      // guild holds (which would otherwise grow with every DM deleted).
      if (kind === "message") {
        chunk.eval(
          UNLIST_IF_EMPTIED,
          2,
          `channel:${scope}`,
          `channel_keys:${scope}`,
          UNGUILDED_KEY,
        );
      }
      return;
    }
    case "remove_channel":
      batch.texts.wrote(`channel:${change.id}`, null);
      batch.messagesFirst(change.id).eval(
        REMOVE_CHANNEL,
        4,
        `channel:${change.id}`,
        `channel_keys:${change.id}`,
        change.scope === "" ? "guild_keys:" : `guild_keys:${change.scope}`,
        change.scope === ""
          ? "guild_kind_keys:"
          : kindKeys(change.scope, "channel"),
      ).srem(UNGUILDED_KEY, `channel:${change.id}`);
      return;
    case "remove_role":
    case "remove_guild":
    case "remove_unguilded":
      return; // between two chunks (see #applyNow)
  }
}
