// The bounds a members request keeps against a hostile gateway besides the
// reply's shape: the frame text of the chunks it holds (a chunk of 10,000
// members held 2.7 MB of heap, and 1,000 of them ran a 1 GB heap out),
// members a chunk, chunk_count, indices remembered out of order (descending
// indices under chunk_count 2^53 - 1 grew the heap 126 MB in 3 million
// chunks and never ended the request), and one nonce for two requests on a
// shard (each got the other's chunks).
import assert from "node:assert/strict";
import { GatewayError } from "../../gateway/errors.ts";
import {
  DEFAULT_MEMBER_REQUEST_BACKLOG_CHARS,
  type MemberRequestShard,
  requestGuildMemberChunks,
} from "../../gateway/member_request.ts";
import {
  MAX_CHUNK_MEMBERS,
  MAX_MEMBER_CHUNK_COUNT,
} from "../../gateway/payload_guards.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { startedRequest } from "../_fakes/started_request.ts";
import type { GuildMembersChunkDispatch } from "../../types/dispatch_payloads.ts";

type Listener = Parameters<MemberRequestShard["on"]>[1];
type Chunks = AsyncGenerator<GuildMembersChunkDispatch, void, undefined>;

/** A shard that lets the test play the gateway to every listener. */
class FakeShard implements MemberRequestShard {
  readonly scheduler = new VirtualScheduler();
  readonly sent: { nonce: string; query?: string }[] = [];
  readonly listeners = new Set<Listener>();

  constructor(readonly id = 3) {}

  on(_event: "dispatch", listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(command: { d: unknown }): Promise<void> {
    this.sent.push(command.d as { nonce: string; query?: string });
    return Promise.resolve();
  }

  /** A GUILD_MEMBERS_CHUNK to every listener, its frame `size` long. */
  chunk(
    fields: Record<string, unknown>,
    size?: number,
  ): void {
    const data = {
      guild_id: "1",
      members: [],
      chunk_index: 0,
      chunk_count: 1,
      nonce: "n",
      ...fields,
    };
    for (const listener of [...this.listeners]) {
      listener({ name: "GUILD_MEMBERS_CHUNK", data, size: size ?? 0 });
    }
  }
}

/**
 * Starts a request for guild 1 (nonce "n" unless given): it has sent and
 * listens. The first read is handed back as the first chunk.
 */
async function start(
  shard: FakeShard,
  options: {
    maxBacklog?: number;
    maxBacklogChars?: number;
    nonce?: string;
    query?: string;
  } = {},
): Promise<Chunks> {
  const request = requestGuildMemberChunks(
    shard,
    {
      guild_id: "1",
      query: options.query ?? "",
      limit: 0,
      nonce: options.nonce ?? "n",
    },
    {
      ...(options.maxBacklog === undefined
        ? {}
        : { maxBacklog: options.maxBacklog }),
      ...(options.maxBacklogChars === undefined
        ? {}
        : { maxBacklogChars: options.maxBacklogChars }),
    },
  );
  return await startedRequest(request, shard.scheduler);
}

async function readAll(
  request: AsyncIterable<GuildMembersChunkDispatch>,
): Promise<{ chunks: GuildMembersChunkDispatch[]; error: unknown }> {
  const chunks: GuildMembersChunkDispatch[] = [];
  try {
    for await (const chunk of request) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

function assertKind(error: unknown, kind: string, message: RegExp): void {
  assert.ok(error instanceof GatewayError, `${error}`);
  assert.equal(error.kind, kind);
  assert.equal(error.shardId, 3);
  assert.match(error.message, message);
}

Deno.test("A members request holds at most maxBacklogChars of chunk frames for its reader", async (t) => {
  await t.step("past it the request fails with backlog_full", async () => {
    const shard = new FakeShard();
    const request = await start(shard);
    const size = DEFAULT_MEMBER_REQUEST_BACKLOG_CHARS / 4;
    let index = 0;
    // Four chunks of a quarter each fit; the fifth would pass the bound,
    // though far fewer than maxBacklog (1,000) chunks are held.
    while (index < 100 && shard.listeners.size > 0) {
      shard.chunk({ chunk_index: index++, chunk_count: 100 }, size);
    }
    assert.equal(index, 5, "stopped listening at the fifth chunk");
    assert.equal(shard.scheduler.pending, 0, "its timeout is left");
    const { chunks, error } = await readAll(request);
    assert.deepEqual(chunks.map((c) => c.chunk_index), [0, 1, 2, 3]);
    assertKind(
      error,
      "backlog_full",
      /characters of chunk frames its reader had not taken, and one of 16777216 more would pass 67108864 \(maxBacklogChars\)/,
    );
  });
  await t.step("the option sets it", async () => {
    const shard = new FakeShard();
    const request = await start(shard, { maxBacklogChars: 1_000 });
    for (let index = 0; index < 3; index++) {
      shard.chunk({ chunk_index: index, chunk_count: 3 }, 400);
    }
    const { chunks, error } = await readAll(request);
    assert.equal(chunks.length, 2);
    assertKind(error, "backlog_full", /would pass 1000 \(maxBacklogChars\)/);
  });
  await t.step("one that is not a positive integer is a RangeError", () => {
    const shard = new FakeShard();
    for (const maxBacklogChars of [0, -1, 1.5, NaN, Infinity]) {
      assert.throws(
        () =>
          requestGuildMemberChunks(
            shard,
            { guild_id: "1", query: "", limit: 0 },
            { maxBacklogChars },
          ),
        RangeError,
      );
    }
  });
  await t.step("one chunk over it alone is taken", async () => {
    const shard = new FakeShard();
    const request = await start(shard);
    shard.chunk(
      { chunk_index: 0, chunk_count: 1 },
      DEFAULT_MEMBER_REQUEST_BACKLOG_CHARS + 1,
    );
    const { chunks, error } = await readAll(request);
    assert.equal(error, undefined);
    assert.equal(chunks.length, 1);
  });
  await t.step("a reader that keeps up is not cut off", async () => {
    const shard = new FakeShard();
    const request = await start(shard);
    const size = DEFAULT_MEMBER_REQUEST_BACKLOG_CHARS / 2;
    let read = 0;
    for (let index = 0; index < 20; index += 2) {
      shard.chunk({ chunk_index: index, chunk_count: 20 }, size);
      shard.chunk({ chunk_index: index + 1, chunk_count: 20 }, size);
      for (let i = 0; i < 2; i++) if (!(await request.next()).done) read++;
    }
    assert.equal(read, 20);
    assert.deepEqual(await request.next(), { done: true, value: undefined });
  });
});

Deno.test("A members request fails with decode on a chunk of more than 1,000 members, or members not an array", async (t) => {
  const rows: [string, unknown, RegExp][] = [
    [
      "1,001 members",
      Array.from({ length: MAX_CHUNK_MEMBERS + 1 }, () => ({})),
      /'members' must have at most 1000 entries: current length 1001/,
    ],
    ["members missing", undefined, /'members' must be an array/],
    ["members an object", {}, /'members' must be an array/],
  ];
  for (const [name, members, message] of rows) {
    await t.step(name, async () => {
      const shard = new FakeShard();
      const request = await start(shard);
      shard.chunk({ members, chunk_index: 0, chunk_count: 2 });
      assert.equal(shard.listeners.size, 0, "still listening");
      const { chunks, error } = await readAll(request);
      assert.equal(chunks.length, 0);
      assertKind(error, "decode", message);
    });
  }
  await t.step("1,000 members are taken", async () => {
    const shard = new FakeShard();
    const request = await start(shard);
    const members = Array.from({ length: MAX_CHUNK_MEMBERS }, () => ({}));
    shard.chunk({ members });
    const { chunks, error } = await readAll(request);
    assert.equal(error, undefined);
    assert.equal(chunks[0]?.members.length, MAX_CHUNK_MEMBERS);
  });
});

Deno.test("A members request fails with decode on a chunk_count over MAX_MEMBER_CHUNK_COUNT", async () => {
  for (const count of [MAX_MEMBER_CHUNK_COUNT + 1, Number.MAX_SAFE_INTEGER]) {
    const shard = new FakeShard();
    const request = await start(shard);
    shard.chunk({ chunk_index: 0, chunk_count: count });
    assert.equal(shard.listeners.size, 0, "still listening");
    const { chunks, error } = await readAll(request);
    assert.equal(chunks.length, 0);
    assertKind(error, "decode", /'chunk_count' must be an integer from 1 to/);
  }
  // The largest is taken.
  const shard = new FakeShard();
  const request = await start(shard);
  shard.chunk({ chunk_index: 0, chunk_count: MAX_MEMBER_CHUNK_COUNT });
  assert.equal(shard.listeners.size, 1, "listening for the rest");
  assert.equal((await request.next()).done, false);
});

Deno.test("A members request remembers at most maxBacklog indices out of order, then fails with decode", async () => {
  const shard = new FakeShard();
  const request = await start(shard, { maxBacklog: 3 });
  // Read as they come, so the backlog of chunks never fills: only the
  // indices remembered out of order grow.
  const read: number[] = [];
  for (const index of [99, 98, 97]) {
    shard.chunk({ chunk_index: index, chunk_count: 100 });
    read.push((await request.next()).value!.chunk_index);
  }
  assert.deepEqual(read, [99, 98, 97]);
  // In order, they are forgotten as they come: no limit.
  for (let index = 0; index < 10; index++) {
    shard.chunk({ chunk_index: index, chunk_count: 100 });
    await request.next();
  }
  assert.equal(shard.listeners.size, 1, "in-order chunks are taken");
  shard.chunk({ chunk_index: 96, chunk_count: 100 });
  assert.equal(shard.listeners.size, 0, "still listening");
  assert.equal(shard.scheduler.pending, 0, "its timeout is left");
  const { error } = await readAll(request);
  assertKind(
    error,
    "decode",
    /came out of order more than 3 times \(maxBacklog\) before chunk 10: current value '96'/,
  );
});

Deno.test("A members request refuses a nonce a request on the same shard still listens with", async (t) => {
  await t.step("at the call, while the other listens", async () => {
    const shard = new FakeShard();
    const alice = await start(shard, { query: "alice" });
    assert.throws(
      () =>
        requestGuildMemberChunks(shard, {
          guild_id: "1",
          query: "bob",
          limit: 0,
          nonce: "n",
        }),
      (error: unknown) =>
        error instanceof TypeError &&
        /nonce 'n' is already in use by a request on shard 3/.test(
          error.message,
        ),
    );
    assert.deepEqual(shard.sent.map((d) => d.query), ["alice"]);
    // The first request gets its reply, and only it.
    shard.chunk({ members: [{ user: { id: "alice" } }] });
    const { chunks, error } = await readAll(alice);
    assert.equal(error, undefined);
    assert.deepEqual(chunks.map((c) => c.members[0]?.user?.id), ["alice"]);
    // Once it stopped listening, the nonce is free again.
    const again = await start(shard, { query: "bob" });
    shard.chunk({ members: [{ user: { id: "bob" } }] });
    assert.equal((await readAll(again)).chunks.length, 1);
  });
  await t.step(
    "at the first read, when the other began after the call",
    async () => {
      const shard = new FakeShard();
      const late = requestGuildMemberChunks(shard, {
        guild_id: "1",
        query: "late",
        limit: 0,
        nonce: "n",
      });
      const first = await start(shard);
      await assert.rejects(late.next(), TypeError);
      assert.equal(shard.sent.length, 1, "the late one sent nothing");
      assert.equal(shard.listeners.size, 1);
      shard.chunk({});
      assert.equal((await readAll(first)).chunks.length, 1);
    },
  );
  await t.step("a failed or aborted request frees its nonce", async () => {
    const shard = new FakeShard();
    const failed = await start(shard);
    shard.chunk({ chunk_index: 5, chunk_count: 1 });
    assert.ok((await readAll(failed)).error instanceof GatewayError);
    const controller = new AbortController();
    const aborted = requestGuildMemberChunks(
      shard,
      { guild_id: "1", query: "", limit: 0, nonce: "n" },
      { signal: controller.signal },
    );
    const next = aborted.next();
    await shard.scheduler.flushMicrotasks();
    controller.abort(new Error("stop"));
    await assert.rejects(next, /stop/);
    const after = await start(shard);
    shard.chunk({});
    assert.equal((await readAll(after)).chunks.length, 1);
  });
  await t.step(
    "other shards, and requests without a nonce, are apart",
    async () => {
      const one = new FakeShard(3);
      const two = new FakeShard(4);
      const a = await start(one);
      const b = await start(two);
      one.chunk({});
      two.chunk({});
      assert.equal((await readAll(a)).chunks.length, 1);
      assert.equal((await readAll(b)).chunks.length, 1);
      const shard = new FakeShard();
      const x = requestGuildMemberChunks(shard, {
        guild_id: "1",
        query: "",
        limit: 0,
      });
      const y = requestGuildMemberChunks(shard, {
        guild_id: "1",
        query: "",
        limit: 0,
      });
      const nextX = x.next();
      const nextY = y.next();
      await shard.scheduler.flushMicrotasks();
      const [nonceX, nonceY] = shard.sent.map((d) => d.nonce);
      assert.notEqual(nonceX, nonceY);
      shard.chunk({ nonce: nonceX });
      shard.chunk({ nonce: nonceY });
      assert.equal((await nextX).done, false);
      assert.equal((await nextY).done, false);
    },
  );
});
