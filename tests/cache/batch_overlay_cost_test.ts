// The Redis store's batch overlay (cache/batch_overlay.ts) looks at each
// value a batch sets a bounded number of times, however long the batch: a
// removal (every GUILD_CREATE starts with its guild's) finds its own entries
// without scanning what the rest of the batch set. Measured without a
// clock: every read of a field of the values laid over the snapshot is
// counted.
import assert from "node:assert/strict";
import { BatchOverlay } from "../../cache/batch_overlay.ts";
import type {
  CacheChange,
  CachedValue,
  CacheKind,
  CacheLookup,
} from "../../cache/changes.ts";
import { redisKey } from "../../cache/redis_layout.ts";

const EMPTY: CacheLookup = { get: () => undefined, ids: () => [] };

/** A value that counts each read of one of its fields in `reads`. */
function counted(value: CachedValue, reads: { n: number }): CachedValue {
  return new Proxy(value, {
    get(target, field, receiver): unknown {
      reads.n++;
      return Reflect.get(target, field, receiver);
    },
  });
}

/**
 * The changes of guild `g`'s GUILD_CREATE (its removal first, as the core
 * makes it), then of a few removals in guilds created before it: a channel,
 * a role, and every eighth dispatch a whole guild.
 */
function guildDispatches(g: number, reads: { n: number }): CacheChange[][] {
  const guildId = String(1000 + g);
  const set = (
    kind: CacheKind,
    scope: string,
    id: string,
    value: CachedValue,
  ): CacheChange => ({
    op: "set",
    kind,
    scope,
    id,
    value: counted({ id, ...value }, reads),
  });
  const create: CacheChange[] = [
    { op: "remove_guild", id: guildId },
    set("guild", "", guildId, { name: "g" }),
  ];
  for (let c = 0; c < 10; c++) {
    const channelId = `${guildId}0${c}`;
    create.push(set("channel", guildId, channelId, { guild_id: guildId }));
    create.push(
      set("message", channelId, `${channelId}9`, { channel_id: channelId }),
    );
  }
  for (let r = 0; r < 5; r++) {
    create.push(set("role", guildId, `${guildId}1${r}`, {}));
  }
  for (let m = 0; m < 20; m++) {
    create.push(set("member", guildId, `${guildId}2${m}`, {
      guild_id: guildId,
      roles: [`${guildId}10`],
    }));
    create.push(set("presence", guildId, `${guildId}2${m}`, {}));
  }
  if (g === 0) return [create];
  const earlier = String(1000 + Math.floor(g / 2));
  const removals: CacheChange[][] = [
    [{ op: "remove_channel", scope: earlier, id: `${earlier}0${g % 10}` }],
    [{ op: "remove_role", scope: earlier, id: `${earlier}1${g % 5}` }],
  ];
  if (g % 8 === 0) removals.push([{ op: "remove_guild", id: earlier }]);
  return [create, ...removals];
}

/** Field reads per value set, over one batch of `guilds` GUILD_CREATEs. */
function readsPerValue(guilds: number): number {
  const reads = { n: 0 };
  const overlay = new BatchOverlay(EMPTY, redisKey, {
    perChannel: 100,
    maxAge: undefined,
  });
  let values = 0;
  for (let g = 0; g < guilds; g++) {
    for (const changes of guildDispatches(g, reads)) {
      values += changes.filter((change) => change.op === "set").length;
      overlay.apply(changes);
    }
  }
  return reads.n / values;
}

Deno.test("BatchOverlay: a batch's removals read only their own entries, so the work per value set does not grow with the batch", () => {
  const short = readsPerValue(20);
  const long = readsPerValue(400);
  // A scan of the whole batch per removal makes a 20 times longer batch
  // read each value about 20 times as often: it took 23 reads per value
  // at 20 guilds and 397 at 400, where the indexes take under one.
  assert.ok(long < 3, `${long.toFixed(1)} reads per value in a long batch`);
  assert.ok(long < short * 1.5, `${short.toFixed(2)} then ${long.toFixed(2)}`);
});

Deno.test("BatchOverlay: a run of messages set in one channel trims it once, when its messages are next read, and keeps what trimming after each keeps", () => {
  const channel = "500";
  const id = (i: number) => String(200000000000000000n + BigInt(i));
  const held = Array.from({ length: 2_000 }, (_, i) => id(i));
  const snapshot: CacheLookup = {
    get: (kind, scope, messageId) =>
      kind === "message" && scope === channel ? { id: messageId } : undefined,
    ids: (kind, scope) => kind === "message" && scope === channel ? held : [],
  };
  const overlay = new BatchOverlay(snapshot, redisKey, {
    perChannel: 2_000,
    maxAge: undefined,
  });
  // Every element the overlay sorts, counted (the trim sorts the channel).
  let sorted = 0;
  const sort = Array.prototype.sort;
  Array.prototype.sort = function (this: unknown[], ...args): unknown[] {
    sorted += this.length;
    return sort.apply(this, args as []);
  };
  try {
    overlay.ids("message", channel); // read before: the snapshot's ids
    for (let i = 2_000; i < 2_500; i++) {
      overlay.apply([{
        op: "set",
        kind: "message",
        scope: channel,
        id: id(i),
        value: { id: id(i), channel_id: channel },
      }]);
    }
    const kept = [...overlay.ids("message", channel)].sort();
    assert.deepEqual(
      kept,
      Array.from({ length: 2_000 }, (_, i) => id(500 + i)),
    );
    assert.equal(overlay.get("message", channel, id(499)), undefined);
    assert.deepEqual(overlay.get("message", channel, id(500)), { id: id(500) });
  } finally {
    Array.prototype.sort = sort;
  }
  // Sorted after each message: 500 sorts of 2,001 to 2,500 ids (1.1
  // million); once: 2,500, and the 2,000 the test itself sorts.
  assert.ok(sorted <= 5_000, `${sorted} ids sorted`);
});
