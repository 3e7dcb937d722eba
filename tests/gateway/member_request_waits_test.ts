// A members request's waits and bookkeeping at the edges mutation testing
// found unpinned: the no-chunk wait restarts at each chunk and again for a
// request asked anew after RATE_LIMITED, a frame written after the request
// ended arms no timer, a second READY before the re-sent frame is written
// sends it no third time, out-of-order indices once filled in stop
// counting against maxBacklog, a signal is left with no listener, a nonce
// stays taken while its request listens beside others, and a reader that
// stops reading ends the request.
import assert from "node:assert/strict";
import { GatewayError } from "../../gateway/errors.ts";
import {
  type MemberRequestShard,
  requestGuildMemberChunks,
} from "../../gateway/member_request.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { GuildMembersChunkDispatch } from "../../types/dispatch_payloads.ts";

type Listener = Parameters<MemberRequestShard["on"]>[1];

/**
 * A shard whose sends the test completes (`written`), or that completes
 * them itself when `autoWrite`.
 */
class FakeShard implements MemberRequestShard {
  readonly id = 2;
  readonly scheduler = new VirtualScheduler();
  readonly sent: unknown[] = [];
  readonly #writes: (() => void)[] = [];
  readonly #listeners = new Set<Listener>();

  constructor(readonly autoWrite = true) {}

  on(_event: "dispatch", listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  send(command: { d: unknown }): Promise<void> {
    this.sent.push(command.d);
    if (this.autoWrite) return Promise.resolve();
    return new Promise((resolve) => this.#writes.push(resolve));
  }

  /** Completes the oldest send not written yet. */
  async written(): Promise<void> {
    this.#writes.shift()!();
    await this.scheduler.flushMicrotasks();
  }

  dispatch(name: string, data: unknown): void {
    for (const listener of [...this.#listeners]) listener({ name, data });
  }

  chunk(index: number, count: number): void {
    this.dispatch("GUILD_MEMBERS_CHUNK", {
      guild_id: "1",
      members: [],
      chunk_index: index,
      chunk_count: count,
      nonce: "n",
    });
  }
}

/** A request for guild 1, read to its end into `chunks`, `error` set on failure. */
function read(
  shard: FakeShard,
  options: { timeout?: number; maxBacklog?: number; signal?: AbortSignal } = {},
): {
  chunks: GuildMembersChunkDispatch[];
  error: unknown;
  done: boolean;
  finished: Promise<void>;
} {
  const state = {
    chunks: [] as GuildMembersChunkDispatch[],
    error: undefined as unknown,
    done: false,
    finished: Promise.resolve(),
  };
  state.finished = (async () => {
    try {
      for await (
        const chunk of requestGuildMemberChunks(shard, {
          guild_id: "1",
          query: "",
          limit: 0,
          nonce: "n",
        }, options)
      ) state.chunks.push(chunk);
    } catch (error) {
      state.error = error;
    } finally {
      state.done = true;
    }
  })();
  return state;
}

Deno.test("A members request's no-chunk wait starts again at each chunk: a reply slower in all than the timeout completes", async () => {
  const shard = new FakeShard();
  const request = read(shard, { timeout: 1_000 });
  for (let index = 0; index < 4; index++) {
    await shard.scheduler.advance(900);
    shard.chunk(index, 4);
  }
  await request.finished;
  assert.equal(request.error, undefined);
  assert.equal(request.chunks.length, 4);
});

Deno.test("A members request asked again after RATE_LIMITED fails with timeout when no chunk answers the new frame", async () => {
  const shard = new FakeShard();
  const request = read(shard, { timeout: 1_000 });
  await shard.scheduler.advance(10);
  shard.dispatch("RATE_LIMITED", {
    opcode: 8,
    retry_after: 2,
    meta: { guild_id: "1", nonce: "n" },
  });
  await shard.scheduler.advance(2_000);
  assert.equal(shard.sent.length, 2, "asked again");
  await shard.scheduler.advance(999);
  assert.equal(request.done, false);
  await shard.scheduler.advance(1);
  await request.finished;
  assert.ok(request.error instanceof GatewayError, `${request.error}`);
  assert.equal(request.error.kind, "timeout");
  assert.equal(shard.scheduler.pending, 0);
});

Deno.test("A members request whose frame is written only after it completed or failed leaves no timer behind", async () => {
  const complete = new FakeShard(false);
  const done = read(complete, { timeout: 1_000 });
  await complete.scheduler.flushMicrotasks();
  complete.chunk(0, 1);
  await done.finished;
  assert.equal(done.chunks.length, 1);
  await complete.written();
  assert.equal(complete.scheduler.pending, 0, "after completing");

  const failed = new FakeShard(false);
  const abort = new AbortController();
  const aborted = read(failed, { timeout: 1_000, signal: abort.signal });
  await failed.scheduler.flushMicrotasks();
  abort.abort(new Error("not wanted"));
  await aborted.finished;
  assert.equal((aborted.error as Error).message, "not wanted");
  await failed.written();
  assert.equal(failed.scheduler.pending, 0, "after failing");
});

Deno.test("A members request cut off by two READYs before its re-sent frame is written is sent once more, not twice", async () => {
  const shard = new FakeShard(false);
  const request = read(shard, { timeout: 1_000 });
  await shard.scheduler.flushMicrotasks();
  await shard.written();
  shard.dispatch("READY", {});
  assert.equal(shard.sent.length, 2, "asked again on the new session");
  shard.dispatch("READY", {});
  assert.equal(shard.sent.length, 2, "still queued: it goes out as it is");
  await shard.written();
  shard.chunk(0, 1);
  await request.finished;
  assert.equal(request.error, undefined);
});

Deno.test("A members request forgets out-of-order chunk indices once the ones before them came: maxBacklog bounds those still missing, not all ever seen", async () => {
  const shard = new FakeShard();
  const request = read(shard, { maxBacklog: 2 });
  await shard.scheduler.flushMicrotasks();
  for (const index of [1, 0, 3, 2, 5, 4]) {
    shard.chunk(index, 6);
    await shard.scheduler.flushMicrotasks();
  }
  await request.finished;
  assert.equal(request.error, undefined);
  assert.deepEqual(
    request.chunks.map((chunk) => chunk.chunk_index),
    [1, 0, 3, 2, 5, 4],
  );
});

Deno.test("A members request takes a RATE_LIMITED by its nonce, by its guild only when it names no nonce, and waits it out even when its frame's write completes after it", async () => {
  const other = new FakeShard();
  const ignored = read(other, { timeout: 1_000 });
  await other.scheduler.flushMicrotasks();
  other.dispatch("RATE_LIMITED", {
    opcode: 8,
    retry_after: 0.5,
    meta: { guild_id: "1", nonce: "another" },
  });
  other.dispatch("RATE_LIMITED", {
    opcode: 3,
    retry_after: 0.5,
    meta: { guild_id: "1", nonce: "n" },
  });
  await other.scheduler.advance(999);
  assert.equal(other.sent.length, 1, "another request's, another opcode's");
  other.chunk(0, 1);
  await ignored.finished;
  assert.equal(ignored.error, undefined);

  const bare = new FakeShard();
  const byGuild = read(bare, { timeout: 1_000 });
  await bare.scheduler.flushMicrotasks();
  bare.dispatch("RATE_LIMITED", {
    opcode: 8,
    retry_after: 0.5,
    meta: { guild_id: "1" },
  });
  await bare.scheduler.advance(500);
  assert.equal(bare.sent.length, 2, "its guild's, without a nonce");
  bare.chunk(0, 1);
  await byGuild.finished;

  const late = new FakeShard(false);
  const waiting = read(late, { timeout: 1_000 });
  await late.scheduler.flushMicrotasks();
  late.dispatch("RATE_LIMITED", {
    opcode: 8,
    retry_after: 0.5,
    meta: { guild_id: "1", nonce: "n" },
  });
  await late.written();
  late.dispatch("READY", {});
  assert.equal(late.sent.length, 1, "not asked again before retry_after");
  await late.scheduler.advance(500);
  assert.equal(late.sent.length, 2);
  await late.written();
  late.chunk(0, 1);
  await waiting.finished;
  assert.equal(waiting.error, undefined);
});

Deno.test("A members request leaves no abort listener on its signal once it completes", async () => {
  const shard = new FakeShard();
  const signal = new AbortController().signal;
  let listening = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => {
    listening++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    listening--;
    remove(...args);
  };
  const request = read(shard, { signal });
  await shard.scheduler.flushMicrotasks();
  assert.equal(listening, 1);
  shard.chunk(0, 1);
  await request.finished;
  assert.equal(request.error, undefined);
  assert.equal(listening, 0);
});

Deno.test("A members request's nonce stays taken while it listens, beside others on its shard, however those end", async () => {
  const shard = new FakeShard();
  const abort = new AbortController();
  const start = (nonce: string) =>
    requestGuildMemberChunks(shard, {
      guild_id: "1",
      query: "",
      limit: 0,
      nonce,
    }, { signal: abort.signal });
  const other = start("c").next();
  const first = start("n");
  const firstChunk = first.next();
  await shard.scheduler.flushMicrotasks();
  // Its reply complete: the nonce is free again, though not all read yet.
  shard.chunk(0, 1);
  assert.equal((await firstChunk).done, false);
  const second = start("n").next();
  await shard.scheduler.flushMicrotasks();
  assert.throws(() => start("c"), TypeError, "taken before the others came");
  // The first's reader finishing gives back nothing of the second's.
  assert.equal((await first.next()).done, true);
  assert.throws(() => start("n"), TypeError, "the second's");
  abort.abort(new Error("done"));
  await assert.rejects(other, { message: "done" });
  await assert.rejects(second, { message: "done" });
});

Deno.test("A members request whose reader stops reading stops listening, frees its nonce and leaves no timer", async () => {
  const shard = new FakeShard();
  const request = requestGuildMemberChunks(shard, {
    guild_id: "1",
    query: "",
    limit: 0,
    nonce: "n",
  });
  const first = request.next();
  await shard.scheduler.flushMicrotasks();
  shard.chunk(0, 3);
  assert.equal((await first).done, false);
  await request.return();
  assert.equal(shard.scheduler.pending, 0);
  const again = requestGuildMemberChunks(shard, {
    guild_id: "1",
    query: "",
    limit: 0,
    nonce: "n",
  });
  await again.return();
});
