// A write chunk's `length` and `chars` are what the store splits chunks by
// (CHUNK_COMMANDS) and what the backlog counts against its bounds on
// unanswered writes (MAX_UNANSWERED_WRITES, MAX_UNANSWERED_CHARS) before
// `send`: they must count the take-back (CLEAR_ORPHANED) a run of guarded
// writes still owes, which `send` records last. And a run of writes under
// one owner owes one take-back, not one a write.
import assert from "node:assert/strict";
import { WriteChunk } from "../../cache/redis_write_chunk.ts";
import { CLEAR_ORPHANED } from "../../cache/redis_guarded_writes.ts";
import type { RedisConnection } from "../../redis/mod.ts";

/** What `send` hands to MULTI, captured; answered with nothing. */
function sent(chunk: WriteChunk): (string | number)[][] {
  let commands: (string | number)[][] = [];
  const redis = {
    multi: (given: (string | number)[][]) => {
      commands = given;
      return { exec: () => Promise.resolve([]) };
    },
  } as unknown as RedisConnection;
  void chunk.send(redis);
  return commands;
}

/** The characters of the string arguments of `commands`. */
function charsOf(commands: (string | number)[][]): number {
  let chars = 0;
  for (const command of commands) {
    for (const arg of command) if (typeof arg === "string") chars += arg.length;
  }
  return chars;
}

/** The CLEAR_ORPHANED commands among `commands`. */
function takeBacks(commands: (string | number)[][]): (string | number)[][] {
  return commands.filter((command) => command[1] === CLEAR_ORPHANED);
}

Deno.test("WriteChunk: length counts the take-back a run of guarded writes still owes, so it is the count of commands send() hands to MULTI", () => {
  const states: [string, (chunk: WriteChunk) => void][] = [
    ["nothing", () => {}],
    ["unguarded writes only", (chunk) => {
      chunk.set("bot_user", "{}").sadd("guild_keys", "guild:1");
    }],
    ["a run of one owner, its take-back owed", (chunk) => {
      for (const key of ["member:1:2", "member:1:3"]) {
        chunk.writesUnder("guild:1", key).set(key, "{}");
        chunk.sadd("member_keys", key).writesUnder(undefined);
      }
    }],
    ["a run taken back, then another owed", (chunk) => {
      chunk.writesUnder("guild:1", "role:1:3").set("role:1:3", "{}");
      chunk.writesUnder("guild:4", "role:4:5").set("role:4:5", "{}");
      chunk.writesUnder(undefined);
    }],
    ["a run ended by an unguarded write", (chunk) => {
      chunk.writesUnder("channel:6", "message:6:7").set("message:6:7", "{}");
      chunk.writesUnder(undefined).hset("expiry_keys", "message:6:7", "1");
    }],
  ];
  for (const [state, record] of states) {
    const chunk = new WriteChunk();
    record(chunk);
    const length = chunk.length;
    assert.equal(length, sent(chunk).length, state);
  }
});

Deno.test("WriteChunk: chars counts the keys of the take-back still owed: with that take-back's script and owner, it is what send() hands to MULTI", () => {
  const chunk = new WriteChunk();
  const keys = ["member:1:2", "presence:1:2", "voice:1:2"];
  chunk.writesUnder("guild:1");
  for (const key of keys) {
    chunk.writesUnder("guild:1", key).set(key, "{}").sadd("g", key);
  }
  chunk.writesUnder(undefined);
  const chars = chunk.chars;
  const commands = sent(chunk);
  assert.equal(takeBacks(commands).length, 1);
  assert.equal(
    chars + "eval".length + CLEAR_ORPHANED.length + "guild:1".length,
    charsOf(commands),
  );
});

Deno.test("WriteChunk: a run of writes under one owner owes one take-back, naming each key, sent after them and before the next write under no owner; another owner starts another", () => {
  const chunk = new WriteChunk();
  for (const id of ["2", "3", "4"]) {
    chunk.writesUnder("guild:1", `member:1:${id}`).set(`member:1:${id}`, "{}");
    chunk.writesUnder(undefined);
  }
  // A write under no owner after the run (a READY's placeholder of the
  // guild, say) must not come before its take-back: it could bring the
  // owner back, and what was written under it while it was gone would stay.
  chunk.set("guild:1", "{}");
  chunk.writesUnder("guild:9", "member:9:2").set("member:9:2", "{}");
  const commands = sent(chunk);
  assert.deepEqual(
    takeBacks(commands).map((command) => command.slice(2)),
    [
      [1, "guild:1", "member:1:2", "member:1:3", "member:1:4"],
      [1, "guild:9", "member:9:2"],
    ],
  );
  // Each after the writes it takes back.
  assert.deepEqual(
    commands.map((command) => command[0] === "eval" ? "take back" : command[1]),
    [
      "member:1:2",
      "member:1:3",
      "member:1:4",
      "take back",
      "guild:1",
      "member:9:2",
      "take back",
    ],
  );
});
