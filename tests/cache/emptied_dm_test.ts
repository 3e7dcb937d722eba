// A DM channel (not held) whose messages were all deleted: it stops counting
// against `dmChannels` (the bound counts DM channels that hold messages, so
// an empty one pushed those out), while its entry is kept a while, off the
// bound, for a message coming back without deleting and re-adding its key
// (cache/emptied_dms.ts).
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { EMPTIED_DMS_KEPT, EmptiedDms } from "../../cache/emptied_dms.ts";
import { guildMessage } from "./_guild_message.ts";
import { user } from "./_event_sequences.ts";

let nextId = 3n * 10n ** 17n;
const id = (): string => String(nextId++);
const AUTHOR = "700000000000000001";

/** Message `message` in DM channel `channel` (no guild), by AUTHOR. */
function writeDm(cache: MemoryCache, channel: string, message = id()): string {
  const data = guildMessage(message, channel, "", { author: user(AUTHOR) });
  delete data.guild_id;
  cache.apply("MESSAGE_CREATE", data);
  return message;
}

function deleteDm(cache: MemoryCache, channel: string, message: string): void {
  cache.apply("MESSAGE_DELETE", { id: message, channel_id: channel });
}

/** Whether DM channel `channel` holds message `message`. */
function holds(cache: MemoryCache, channel: string, message: string): boolean {
  return cache.message(channel, message) !== undefined;
}

/**
 * Run `run` and return the keys deleted from any Map meanwhile (how the
 * store's entries go, seen without reaching into it; the DM bound's Set of
 * ids moves a channel written again to its end by deleting and adding it).
 */
function deletedKeys(run: () => void): Set<unknown> {
  const mapDelete = Map.prototype.delete;
  const deleted = new Set<unknown>();
  Map.prototype.delete = function (
    this: Map<unknown, unknown>,
    key: unknown,
  ): boolean {
    if (this.has(key)) deleted.add(key);
    return mapDelete.call(this, key);
  };
  try {
    run();
  } finally {
    Map.prototype.delete = mapDelete;
  }
  return deleted;
}

Deno.test("MemoryCache: a DM channel whose messages were all deleted stops counting against dmChannels (it pushes out no DM that holds messages); written again, it counts again", () => {
  const cache = new MemoryCache({ messages: { dmChannels: 2 } });
  const [a, b, c] = [id(), id(), id()];
  const inA = writeDm(cache, a);
  deleteDm(cache, b, writeDm(cache, b));
  const inC = writeDm(cache, c);
  // Two DM channels hold messages: within the bound, both kept.
  assert.ok(holds(cache, a, inA), "A's message evicted by the empty B");
  assert.ok(holds(cache, c, inC));
  assert.equal(cache.sizes().message, 2);
  // B written again counts again: A, written least recently, goes.
  const inB = writeDm(cache, b);
  assert.ok(!holds(cache, a, inA));
  assert.ok(holds(cache, b, inB));
  assert.ok(holds(cache, c, inC));
  assert.equal(cache.sizes().message, 2);
});

Deno.test("MemoryCache: a DM channel emptied then written again after other DMs reuses its entry (no Map deletes its key)", () => {
  const cache = new MemoryCache({ messages: { dmChannels: 2 } });
  const [a, b, c] = [id(), id(), id()];
  writeDm(cache, a);
  const first = writeDm(cache, b);
  writeDm(cache, c);
  let again = "";
  const deleted = deletedKeys(() => {
    deleteDm(cache, b, first);
    // Other DMs written meanwhile: B is no longer the newest.
    writeDm(cache, a);
    writeDm(cache, c);
    again = writeDm(cache, b);
  });
  assert.ok(!deleted.has(b), "B's key deleted");
  assert.deepEqual(cache.channelMessages(b).map((m) => m.id), [again]);
});

Deno.test(`MemoryCache: at most ${EMPTIED_DMS_KEPT} emptied DM channels are kept (1,000 DMs each emptied once); one written again since stays with its message`, () => {
  const cache = new MemoryCache({ messages: { dmChannels: 5_000 } });
  const holding = Array.from({ length: 10 }, id);
  for (const channel of holding) writeDm(cache, channel);
  const dms = new Set<string>();
  let entries: Map<unknown, unknown> | undefined;
  const mapSet = Map.prototype.set;
  // The store's channel -> messages map: the Map the DM ids are keyed in
  // with an object (the emptied queue keys them with a flag).
  Map.prototype.set = function (
    this: Map<unknown, unknown>,
    key: unknown,
    value: unknown,
  ): Map<unknown, unknown> {
    if (typeof key === "string" && dms.has(key) && typeof value === "object") {
      entries = this;
    }
    return mapSet.call(this, key, value);
  };
  const back = id();
  let kept = "";
  try {
    dms.add(back);
    deleteDm(cache, back, writeDm(cache, back));
    kept = writeDm(cache, back);
    for (let i = 0; i < 1_000; i++) {
      const channel = id();
      dms.add(channel);
      deleteDm(cache, channel, writeDm(cache, channel));
    }
  } finally {
    Map.prototype.set = mapSet;
  }
  assert.ok(entries !== undefined);
  assert.equal(entries.size, holding.length + 1 + EMPTIED_DMS_KEPT);
  assert.ok(holds(cache, back, kept));
  assert.equal(cache.sizes().message, holding.length + 1);
});

Deno.test("MemoryCache: an emptied DM channel written less recently than the DM the bound evicts goes with it", () => {
  const cache = new MemoryCache({ messages: { dmChannels: 2 } });
  const [a, b, c, d, e] = [id(), id(), id(), id(), id()];
  writeDm(cache, a);
  deleteDm(cache, b, writeDm(cache, b));
  writeDm(cache, c);
  const inD = writeDm(cache, d);
  // A went (B does not count); E pushes out C, and B, older, with it.
  const deleted = deletedKeys(() => writeDm(cache, e));
  assert.ok(deleted.has(b) && deleted.has(c));
  assert.ok(holds(cache, d, inD));
  assert.equal(cache.sizes().message, 2);
});

Deno.test("EmptiedDms: a channel emptied twice is taken off the DM bound's count once; written again, it counts again once", () => {
  const emptied = new EmptiedDms();
  emptied.add("1");
  assert.equal(emptied.add("1"), undefined);
  assert.equal(emptied.size, 1);
  emptied.delete("1");
  emptied.delete("1");
  assert.equal(emptied.size, 0);
  assert.equal(emptied.has("1"), false);
  // Emptied again while still queued: counted off once more, not twice.
  emptied.add("1");
  emptied.add("1");
  assert.equal(emptied.size, 1);
  assert.equal(emptied.has("1"), true);
});
