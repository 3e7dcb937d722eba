// What a hostile or broken gateway's GUILD_MEMBERS_CHUNKs do to a members
// request. Discord answers with chunk_count chunks, indexed 0 to
// chunk_count - 1; a gateway that sent chunk_count 1e9 with the right nonce
// kept a request going for ever, holding every chunk its reader had not
// taken (200,000 took 26.7 s to drain, the queue was an array shifted from
// the front, and the heap grew meanwhile).
import assert from "node:assert/strict";
import { GatewayError } from "../../gateway/errors.ts";
import {
  DEFAULT_MEMBER_REQUEST_BACKLOG,
  type MemberRequestShard,
  requestGuildMemberChunks,
} from "../../gateway/member_request.ts";
import { MAX_MEMBER_CHUNK_COUNT } from "../../gateway/payload_guards.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { startedRequest } from "../_fakes/started_request.ts";
import type { GuildMembersChunkDispatch } from "../../types/dispatch_payloads.ts";

type Listener = Parameters<MemberRequestShard["on"]>[1];

/** A shard that records what is sent and lets the test play the gateway. */
class FakeShard implements MemberRequestShard {
  readonly id = 3;
  readonly scheduler = new VirtualScheduler();
  readonly sent: unknown[] = [];
  /** The request's dispatch listener while it listens. */
  listener: Listener | undefined;

  on(_event: "dispatch", listener: Listener): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  send(command: unknown): Promise<void> {
    this.sent.push(command);
    return Promise.resolve();
  }

  /** A GUILD_MEMBERS_CHUNK for nonce "n", if the request still listens. */
  chunk(index: unknown, count: unknown): void {
    this.listener?.({
      name: "GUILD_MEMBERS_CHUNK",
      data: {
        guild_id: "1",
        members: [],
        chunk_index: index,
        chunk_count: count,
        nonce: "n",
      },
    });
  }
}

/** Starts a request for guild 1 with nonce "n": it has sent and listens. */
async function start(
  shard: FakeShard,
  maxBacklog?: number,
): Promise<AsyncGenerator<GuildMembersChunkDispatch, void, undefined>> {
  const request = requestGuildMemberChunks(
    shard,
    { guild_id: "1", query: "", limit: 0, nonce: "n" },
    maxBacklog === undefined ? {} : { maxBacklog },
  );
  const started = await startedRequest(request, shard.scheduler);
  assert.equal(shard.sent.length, 1);
  assert.ok(shard.listener, "listening");
  return started;
}

/** The indices read until the request ends, and how it ended. */
async function readAll(
  request: AsyncIterable<GuildMembersChunkDispatch>,
): Promise<{ indices: number[]; error: unknown }> {
  const indices: number[] = [];
  try {
    for await (const chunk of request) indices.push(chunk.chunk_index);
  } catch (error) {
    return { indices, error };
  }
  return { indices, error: undefined };
}

function assertDecode(error: unknown, message: RegExp): void {
  assert.ok(error instanceof GatewayError, `${error}`);
  assert.equal(error.kind, "decode");
  assert.equal(error.shardId, 3);
  assert.match(error.message, message);
}

Deno.test("A members request ends with decode when a chunk does not fit the reply", async (t) => {
  const rows: [
    name: string,
    chunks: [index: unknown, count: unknown][],
    read: number[],
    message: RegExp,
  ][] = [
    [
      "an index repeated",
      [[0, 3], [1, 3], [0, 3]],
      [0, 1],
      /'chunk_index' must not repeat: current value '0'/,
    ],
    [
      "an index repeated out of order",
      [[2, 3], [0, 3], [2, 3]],
      [2, 0],
      /'chunk_index' must not repeat: current value '2'/,
    ],
    [
      "another chunk_count than the first chunk's",
      [[0, 3], [1, 99]],
      [0],
      /'chunk_count' must be the first chunk's 3: current value '99'/,
    ],
    [
      "an index equal to chunk_count",
      [[0, 3], [3, 3]],
      [0],
      /'chunk_index' must be an integer from 0 to 2: current value '3'/,
    ],
    [
      "a negative index",
      [[-1, 3]],
      [],
      /'chunk_index' must be an integer from 0 to 2: current value '-1'/,
    ],
    ["a fractional index", [[0.5, 3]], [], /current value '0.5'/],
    ["no index", [[undefined, 3]], [], /'chunk_index'/],
  ];
  for (const [name, chunks, read, message] of rows) {
    await t.step(name, async () => {
      const shard = new FakeShard();
      const request = await start(shard);
      for (const [index, count] of chunks) shard.chunk(index, count);
      // The request stopped listening at the bad chunk, before it is read.
      assert.equal(shard.listener, undefined, "still listening");
      assert.equal(shard.scheduler.pending, 0, "its timeout is left");
      const { indices, error } = await readAll(request);
      assert.deepEqual(indices, read, "the chunks before it are read");
      assertDecode(error, message);
    });
  }
});

Deno.test("A members request takes its chunks in any order, each once", async () => {
  const shard = new FakeShard();
  const request = await start(shard);
  for (const index of [3, 1, 0, 4, 2]) shard.chunk(index, 5);
  assert.equal(shard.listener, undefined, "stops listening once whole");
  assert.deepEqual(await readAll(request), {
    indices: [3, 1, 0, 4, 2],
    error: undefined,
  });
  assert.equal(shard.scheduler.pending, 0);
});

Deno.test("A members request whose reader stops reading holds at most maxBacklog chunks", async (t) => {
  await t.step(
    "the default bound, against the largest chunk_count",
    async () => {
      const shard = new FakeShard();
      const request = await start(shard);
      const sent = DEFAULT_MEMBER_REQUEST_BACKLOG + 5_000;
      let index = 0;
      while (index < sent && shard.listener) {
        shard.chunk(index++, MAX_MEMBER_CHUNK_COUNT);
      }
      // It stopped listening at the first chunk past the bound: nothing
      // more is held, and the gateway's later chunks go nowhere.
      assert.equal(index, DEFAULT_MEMBER_REQUEST_BACKLOG + 1);
      assert.equal(shard.scheduler.pending, 0, "its timeout is left");
      const { indices, error } = await readAll(request);
      assert.equal(indices.length, DEFAULT_MEMBER_REQUEST_BACKLOG);
      assert.ok(indices.every((chunk, i) => chunk === i), "out of order");
      assert.ok(error instanceof GatewayError, `${error}`);
      assert.equal(error.kind, "backlog_full");
      assert.equal(error.shardId, 3);
      assert.match(error.message, /held 1000 chunks its reader had not taken/);
    },
  );
  await t.step("a reader that keeps up is not cut off", async () => {
    const shard = new FakeShard();
    const request = await start(shard, 2);
    const read: number[] = [];
    // Two chunks held at a time, read as they come: a long reply.
    for (let index = 0; index < 1_000; index += 2) {
      shard.chunk(index, 1_000);
      shard.chunk(index + 1, 1_000);
      for (let i = 0; i < 2; i++) {
        const next = await request.next();
        if (!next.done) read.push(next.value.chunk_index);
      }
    }
    assert.equal(read.length, 1_000);
    assert.deepEqual(await request.next(), { done: true, value: undefined });
    assert.equal(shard.listener, undefined);
  });
});

Deno.test("A members request stops listening as soon as its reply is whole, read or not", async () => {
  const shard = new FakeShard();
  const request = await start(shard);
  shard.chunk(0, 3);
  assert.ok(shard.listener, "listening for the rest");
  assert.equal(shard.scheduler.pending, 1, "the chunk timeout runs");
  shard.chunk(1, 3);
  shard.chunk(2, 3);
  // An abandoned reader leaves no listener on the shard and no timer.
  assert.equal(shard.listener, undefined);
  assert.equal(shard.scheduler.pending, 0);
  assert.deepEqual(await readAll(request), {
    indices: [0, 1, 2],
    error: undefined,
  });
});

Deno.test("A members request drains a reply of 100,000 chunks held at once, in order", async () => {
  // The chunks were held in an array shifted from the front: 100,000 took
  // 9 s to read, 200,000 26.7 s; held in base's Fifo, 0.04 and 0.05 s.
  const count = 100_000;
  const shard = new FakeShard();
  const request = await start(shard, count);
  for (let index = 0; index < count; index++) shard.chunk(index, count);
  const { indices, error } = await readAll(request);
  assert.equal(error, undefined);
  assert.equal(indices.length, count);
  assert.ok(indices.every((chunk, i) => chunk === i), "out of order");
});

Deno.test("requestGuildMemberChunks refuses a maxBacklog that is not a positive integer", () => {
  const shard = new FakeShard();
  for (const maxBacklog of [0, -1, 1.5, NaN, Infinity]) {
    assert.throws(
      () =>
        requestGuildMemberChunks(
          shard,
          { guild_id: "1", query: "", limit: 0 },
          { maxBacklog },
        ),
      RangeError,
    );
  }
  assert.equal(shard.sent.length, 0);
});
