// The objects the reaction and poll vote events copy to change a count (a
// reaction entry, a poll, its results, an answer count) are kept as
// MESSAGE_CREATE sent them. One sent with 200,000 extra keys made every
// later event of its message copy them all (119 ms an event). These tests
// prove the bound without timing: after an event the changed objects hold
// their documented fields only, and the event reads a wide object's fields
// a fixed number of times, not once per key.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";

const WIDTH = 1_000;

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  roles: [],
  members: [],
};

const EMOJI = { id: null, name: "x" };

/** `fields` with {@linkcode WIDTH} keys Discord does not document. */
function wide(fields: Record<string, unknown>): Record<string, unknown> {
  const value: Record<string, unknown> = { ...fields };
  for (let i = 0; i < WIDTH; i++) value[`extra${i}`] = i;
  return value;
}

/** `target` behind a Proxy counting every read of it (a copy reads each key). */
function counted(
  target: Record<string, unknown>,
  reads: { count: number },
): Record<string, unknown> {
  return new Proxy(target, {
    get(object, key, receiver): unknown {
      reads.count++;
      return Reflect.get(object, key, receiver);
    },
    ownKeys(object): (string | symbol)[] {
      reads.count++;
      return Reflect.ownKeys(object);
    },
    getOwnPropertyDescriptor(object, key): PropertyDescriptor | undefined {
      reads.count++;
      return Reflect.getOwnPropertyDescriptor(object, key);
    },
  });
}

function cacheWith(fields: Record<string, unknown>): MemoryCache {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("MESSAGE_CREATE", {
    id: "10",
    channel_id: "2",
    guild_id: "1",
    author: { id: "7", username: "a" },
    content: "x",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    ...fields,
  });
  return cache;
}

const EVENT = {
  user_id: "7",
  channel_id: "2",
  message_id: "10",
  guild_id: "1",
};

const REACTION_KEYS = [
  "burst_colors",
  "count",
  "count_details",
  "emoji",
  "me",
  "me_burst",
];

Deno.test("a reaction entry sent with extra keys: MESSAGE_REACTION_ADD/REMOVE store it with the reaction object's documented fields only", () => {
  const cache = cacheWith({
    reactions: [wide({
      count: 2,
      count_details: { burst: 0, normal: 2 },
      me: false,
      me_burst: false,
      emoji: EMOJI,
      burst_colors: [],
    })],
  });
  cache.apply("MESSAGE_REACTION_ADD", { ...EVENT, emoji: EMOJI });
  const added = cache.message("2", "10")!.reactions![0]!;
  assert.deepEqual(Object.keys(added).sort(), REACTION_KEYS);
  assert.equal(added.count, 3);
  assert.deepEqual(added.count_details, { burst: 0, normal: 3 });

  const again = cacheWith({
    reactions: [wide({ count: 2, me: false, emoji: EMOJI })],
  });
  again.apply("MESSAGE_REACTION_REMOVE", { ...EVENT, emoji: EMOJI });
  const removed = again.message("2", "10")!.reactions![0]!;
  // Fields the entry lacked stay absent; those the event sets are added.
  assert.deepEqual(Object.keys(removed).sort(), [
    "count",
    "count_details",
    "emoji",
    "me",
  ]);
  assert.equal(removed.count, 1);
});

Deno.test("a reaction event reads a wide reaction entry a fixed number of times, not once per key", () => {
  // A cache each: the event stores a new entry, which the next would read.
  for (const event of ["MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE"]) {
    const reads = { count: 0 };
    const cache = cacheWith({
      reactions: [counted(
        wide({ count: 2, me: false, emoji: EMOJI, burst_colors: [] }),
        reads,
      )],
    });
    reads.count = 0;
    cache.apply(event, { ...EVENT, emoji: EMOJI });
    assert.ok(reads.count < 40, `${event}: ${reads.count} reads`);
    assert.equal(
      cache.message("2", "10")!.reactions![0]!.count,
      event.endsWith("ADD") ? 3 : 1,
    );
  }
});

const POLL = {
  question: { text: "q" },
  answers: [{ answer_id: 1, poll_media: { text: "a" } }],
  expiry: "2024-01-02T00:00:00.000000+00:00",
  allow_multiselect: false,
  layout_type: 1,
};

type Poll = {
  results: { answer_counts: Record<string, unknown>[] };
} & Record<string, unknown>;

Deno.test("a poll, its results and an answer count sent with extra keys: MESSAGE_POLL_VOTE_ADD/REMOVE store them with their documented fields only", () => {
  const cache = cacheWith({
    poll: wide({
      ...POLL,
      results: wide({
        is_finalized: false,
        answer_counts: [wide({ id: 1, count: 2, me_voted: false })],
      }),
    }),
  });
  for (
    const [event, count] of [["MESSAGE_POLL_VOTE_ADD", 3], [
      "MESSAGE_POLL_VOTE_REMOVE",
      2,
    ]] as const
  ) {
    cache.apply(event, { ...EVENT, answer_id: 1 });
    const poll = cache.message("2", "10")!.poll as unknown as Poll;
    assert.deepEqual(Object.keys(poll).sort(), [
      "allow_multiselect",
      "answers",
      "expiry",
      "layout_type",
      "question",
      "results",
    ]);
    assert.deepEqual(Object.keys(poll.results).sort(), [
      "answer_counts",
      "is_finalized",
    ]);
    assert.deepEqual(poll.results.answer_counts, [
      { id: 1, count, me_voted: false },
    ]);
  }
});

Deno.test("a poll vote reads a wide poll and wide results a fixed number of times, not once per key", () => {
  // A cache each: the event stores a new poll, which the next would read.
  for (
    const [event, count] of [["MESSAGE_POLL_VOTE_ADD", 3], [
      "MESSAGE_POLL_VOTE_REMOVE",
      1,
    ]] as const
  ) {
    const reads = { count: 0 };
    const cache = cacheWith({
      poll: counted(
        wide({
          ...POLL,
          results: counted(
            wide({
              is_finalized: false,
              answer_counts: [counted(
                wide({ id: 1, count: 2, me_voted: false }),
                reads,
              )],
            }),
            reads,
          ),
        }),
        reads,
      ),
    });
    reads.count = 0;
    cache.apply(event, { ...EVENT, answer_id: 1 });
    assert.ok(reads.count < 60, `${event}: ${reads.count} reads`);
    const poll = cache.message("2", "10")!.poll as unknown as Poll;
    assert.deepEqual(poll.results.answer_counts, [
      { id: 1, count, me_voted: false },
    ]);
  }
});
