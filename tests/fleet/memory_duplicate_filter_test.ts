import assert from "node:assert/strict";
import {
  eventIdentity,
  MemoryDuplicateFilter,
  RedisDuplicateFilter,
} from "../../fleet/duplicate_filter.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import { messageEvent } from "./_message_event.ts";

/**
 * A GUILD_CREATE whose identity is about `chars` characters long, as a big
 * bot's new shard set receives during a reshard.
 */
function bigGuildIdentity(id: number, chars: number): string {
  return eventIdentity({
    ...messageEvent(String(id), 4),
    name: "GUILD_CREATE",
    data: { id: String(id), members: "m".repeat(chars) },
  });
}

Deno.test("MemoryDuplicateFilter: large identities do not push a small one out of the last 50,000", () => {
  const filter = new MemoryDuplicateFilter();
  // The old set delivered a message...
  const message = filter.key(eventIdentity(messageEvent("m1")));
  assert.deepEqual(filter.firstSeen([message]), [true]);
  // ...then the new set's GUILD_CREATEs, over 32 Mi characters in all
  // (what the filter used to hold at most), were delivered past the hold.
  const guilds: string[] = [];
  for (let i = 0; i < 6; i++) {
    guilds.push(filter.key(bigGuildIdentity(i, 6_000_000)));
    assert.deepEqual(filter.firstSeen([guilds[i]!]), [true]);
  }
  // 7 events later, the new set's copy of the message is still a copy.
  assert.deepEqual(filter.seenAlready([message]), [true]);
  assert.deepEqual(filter.firstSeen([message]), [false]);
  // So are the GUILD_CREATEs' second copies: their keys are a digest's size.
  assert.deepEqual(filter.firstSeen(guilds), guilds.map(() => false));
  for (const guild of guilds) assert.ok(guild.length <= 64, guild);
});

Deno.test("MemoryDuplicateFilter: bounded by count, the oldest forgotten first; what it forgot is delivered again, never dropped", () => {
  const filter = new MemoryDuplicateFilter(2);
  const [a, b, c] = ["a", "b", "c"].map((id) =>
    filter.key(eventIdentity(messageEvent(id)))
  ) as [string, string, string];
  assert.notEqual(a, b, "different events, different keys");
  assert.equal(
    filter.key(eventIdentity(messageEvent("a"))),
    a,
    "the same event, the same key",
  );
  assert.deepEqual(filter.firstSeen([a, b, c, c]), [true, true, true, false]);
  assert.deepEqual(filter.seenAlready([a, b, c]), [false, true, true]);
  assert.deepEqual(filter.firstSeen([a]), [true], "forgotten: goes through");
});

Deno.test("Both duplicate filters key an identity by the base64 SHA-1 of its UTF-8 bytes, as earlier versions stored it in Redis", async () => {
  // A rolling deploy: processes of earlier versions (WebCrypto's digest)
  // and this one must store the same key for the same event. A lone
  // surrogate is encoded as U+FFFD by both.
  for (const text of ["é ✓ 🎉", "\ud800 lone", ""]) {
    const identity = eventIdentity(messageEvent(text));
    const bytes = await crypto.subtle.digest(
      "SHA-1",
      new TextEncoder().encode(identity),
    );
    const stored = btoa(String.fromCharCode(...new Uint8Array(bytes)));
    const redisKey = await new RedisDuplicateFilter(
      {} as RedisConnection,
      "dup",
      60_000,
    ).key(identity);
    assert.equal(redisKey, stored, text);
    assert.equal(new MemoryDuplicateFilter().key(identity), stored, text);
  }
});
