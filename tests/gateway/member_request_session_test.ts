// A members request whose reply is cut off by a new session. Discord sends a
// big guild's list as chunks over time, and only a RESUME replays the ones a
// dropped connection missed: after op 9 d:false, a close 4007/4009 or any
// other new IDENTIFY, the rest of the reply never comes. The request waited
// out its whole no-chunk timeout (30 s) and then failed with `timeout`
// ("got no chunk for 30000 ms"), which pointed away from the cause; one
// with no chunk yet would have been answered had it been asked again.
import assert from "node:assert/strict";
import { GatewayError } from "../../gateway/errors.ts";
import { DEFAULT_MEMBER_REQUEST_TIMEOUT } from "../../gateway/member_request.ts";
import type { FakeSocket } from "../../testing/fake_socket.ts";
import type { GuildMembersChunkDispatch } from "../../types/dispatch_payloads.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { startedRequest } from "../_fakes/started_request.ts";
import {
  type Harness,
  hello,
  ready,
  readyHarness,
} from "../_fakes/shard_harness.ts";

const GUILD = "41771983423143937";
const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMembers;

/** The op 8 payloads a socket sent. */
function op8s(socket: FakeSocket): { nonce: string; guild_id: string }[] {
  return socket.sentPayloads().filter((p) => p.op === 8).map((p) =>
    p.d as { nonce: string; guild_id: string }
  );
}

/** Play GUILD_MEMBERS_CHUNK `index` of `count` for `nonce` on `socket`. */
function chunk(
  socket: FakeSocket,
  s: number,
  nonce: string,
  index: number,
  count = 3,
): void {
  socket.receive({
    op: 0,
    s,
    t: "GUILD_MEMBERS_CHUNK",
    d: {
      guild_id: GUILD,
      members: [],
      chunk_index: index,
      chunk_count: count,
      nonce,
    },
  });
}

/**
 * End the session with `end`, let the shard reconnect and IDENTIFY, and
 * play HELLO and a fresh READY on the new socket.
 */
async function newSession(
  h: Harness,
  end: (socket: FakeSocket) => void,
  sessionId: string,
  meanwhile?: () => void,
): Promise<FakeSocket> {
  const before = h.socket();
  end(before);
  await h.settle();
  meanwhile?.();
  // op 9's 1-5 s wait, and the identify queue's 5.25 s spacing.
  await h.scheduler.advance(6_000);
  await h.settle();
  const socket = h.socket();
  assert.notEqual(socket, before, "a new connection");
  hello(socket);
  await h.settle();
  assert.ok(socket.sentPayloads().some((p) => p.op === 2), "it identified");
  ready(socket, 1, sessionId);
  await h.settle();
  return socket;
}

/** Read a request in the background: its chunk indices and how it ended. */
function collect(
  h: Harness,
  chunks: AsyncIterable<GuildMembersChunkDispatch>,
): { indices: number[]; error: unknown; endedAt: number | undefined } {
  const result = {
    indices: [] as number[],
    error: undefined as unknown,
    endedAt: undefined as number | undefined,
  };
  (async () => {
    try {
      for await (const c of chunks) result.indices.push(c.chunk_index);
    } catch (error) {
      result.error = error;
    }
    result.endedAt = h.scheduler.now();
  })();
  return result;
}

const invalidSession = (socket: FakeSocket) =>
  socket.receive({ op: 9, d: false });

Deno.test("A members request written, then a new session before any chunk: asked again on the new session (same nonce), once a session", async () => {
  const h = await readyHarness({ intents: INTENTS });
  try {
    const first = h.socket();
    const result = collect(
      h,
      h.shard.requestGuildMembers({ guild_id: GUILD, query: "", limit: 0 }),
    );
    await h.settle();
    const [sent] = op8s(first);
    assert.ok(sent, "written on the first session");
    const nonce = sent.nonce;
    const writtenAt = h.scheduler.now();
    await h.scheduler.advance(1_000);
    // A second request made during the outage waits in the queue: it goes
    // out once, on the new session, and is not asked twice.
    const second = await newSession(h, invalidSession, "session-2", () => {
      collect(
        h,
        h.shard.requestGuildMembers({
          guild_id: GUILD,
          user_ids: "1",
          nonce: "queued",
        }),
      );
    });
    const resentAt = h.scheduler.now();
    assert.deepEqual(
      op8s(second).map((d) => d.nonce).sort(),
      [nonce, "queued"].sort(),
      "the request asked again with its nonce, the queued one once",
    );
    // The no-chunk timer counts from the resend: past 30 s from the first
    // write it is still waiting. (It runs on through an outage, so the next
    // session's READY has to come within 30 s of the resend.)
    await h.scheduler.advance(
      writtenAt + DEFAULT_MEMBER_REQUEST_TIMEOUT + 500 - resentAt,
    );
    await h.settle();
    assert.equal(result.endedAt, undefined, "still waiting");
    // Another new session before any chunk: asked once more there.
    const third = await newSession(h, invalidSession, "session-3");
    // Both requests, each once: the queued one was written on the second
    // session and has no chunk either.
    assert.deepEqual(
      op8s(third).map((d) => d.nonce).sort(),
      [nonce, "queued"].sort(),
    );
    chunk(third, 2, nonce, 0);
    chunk(third, 3, nonce, 1);
    chunk(third, 4, nonce, 2);
    await h.settle();
    assert.equal(result.error, undefined);
    assert.deepEqual(result.indices, [0, 1, 2]);
    assert.notEqual(result.endedAt, undefined, "complete");
    assert.equal(
      [first, second, third].flatMap(op8s).filter((d) => d.nonce === nonce)
        .length,
      3,
      "one op 8 a session",
    );
  } finally {
    await h.shard.close();
    await h.settle();
  }
});

Deno.test("A members request asked again on a new session still times out 30 s after the resend when nothing comes", async () => {
  const h = await readyHarness({ intents: INTENTS });
  try {
    const result = collect(
      h,
      h.shard.requestGuildMembers({ guild_id: GUILD, query: "", limit: 0 }),
    );
    await h.settle();
    const second = await newSession(
      h,
      (socket) => socket.serverClose(4007),
      "session-2",
    );
    assert.equal(op8s(second).length, 1, "asked again");
    const resentAt = h.scheduler.now();
    await h.scheduler.advance(DEFAULT_MEMBER_REQUEST_TIMEOUT);
    await h.settle();
    assert.ok(result.error instanceof GatewayError);
    assert.equal(result.error.kind, "timeout");
    assert.equal(result.endedAt, resentAt + DEFAULT_MEMBER_REQUEST_TIMEOUT);
  } finally {
    await h.shard.close();
    await h.settle();
  }
});

for (
  const [how, end] of [
    ["close 4009", (socket: FakeSocket) => socket.serverClose(4009)],
    ["op 9 d:false", invalidSession],
  ] as const
) {
  Deno.test(`A members request with chunk 0 of 3, then ${how} and a new READY: fails at once with session_lost after yielding chunk 0`, async () => {
    const h = await readyHarness({ intents: INTENTS });
    try {
      const first = h.socket();
      const result = collect(
        h,
        h.shard.requestGuildMembers({ guild_id: GUILD, query: "", limit: 0 }),
      );
      await h.settle();
      const nonce = op8s(first)[0]!.nonce;
      chunk(first, 2, nonce, 0);
      await h.settle();
      const cutAt = h.scheduler.now();
      const second = await newSession(h, end, "session-2");
      assert.deepEqual(result.indices, [0], "chunk 0 was yielded");
      assert.ok(result.error instanceof GatewayError, String(result.error));
      assert.equal(result.error.kind, "session_lost");
      assert.equal(result.error.shardId, 0);
      assert.match(result.error.message, new RegExp(GUILD));
      assert.match(result.error.message, /1 of 3 chunks/);
      assert.match(result.error.message, /does not replay/);
      assert.ok(
        result.endedAt! - cutAt < DEFAULT_MEMBER_REQUEST_TIMEOUT / 2,
        "well before the timeout",
      );
      assert.equal(op8s(second).length, 0, "not asked again");
    } finally {
      await h.shard.close();
      await h.settle();
    }
  });
}

Deno.test("A members request's reader that has not read yet gets the chunks held, then session_lost", async () => {
  const h = await readyHarness({ intents: INTENTS });
  try {
    const first = h.socket();
    const request = await startedRequest(
      h.shard.requestGuildMembers(
        { guild_id: GUILD, query: "", limit: 0, nonce: "held" },
      ),
      h.scheduler,
    );
    chunk(first, 2, "held", 0, 4);
    chunk(first, 3, "held", 1, 4);
    await h.settle();
    await newSession(h, (socket) => socket.serverClose(4009), "session-2");
    const indices: number[] = [];
    await assert.rejects(
      async () => {
        for await (const c of request) indices.push(c.chunk_index);
      },
      (error: unknown) =>
        error instanceof GatewayError && error.kind === "session_lost" &&
        /2 of 4 chunks/.test(error.message),
    );
    assert.deepEqual(indices, [0, 1]);
  } finally {
    await h.shard.close();
    await h.settle();
  }
});

Deno.test("A members request cut by a resumable close completes from the RESUME's replay, nothing asked again", async (t) => {
  for (const before of [1, 0]) {
    await t.step(`${before} chunk(s) before the close`, async () => {
      const h = await readyHarness({ intents: INTENTS });
      try {
        const first = h.socket();
        const result = collect(
          h,
          h.shard.requestGuildMembers({
            guild_id: GUILD,
            query: "",
            limit: 0,
          }),
        );
        await h.settle();
        const nonce = op8s(first)[0]!.nonce;
        let s = 2;
        for (let i = 0; i < before; i++) chunk(first, s++, nonce, i);
        await h.settle();
        first.serverClose(4000);
        await h.settle();
        await h.scheduler.advance(6_000);
        await h.settle();
        const second = h.socket();
        assert.notEqual(second, first);
        hello(second);
        await h.settle();
        assert.deepEqual(
          second.sentPayloads().map((p) => p.op),
          [6],
          "RESUME",
        );
        for (let i = before; i < 3; i++) chunk(second, s++, nonce, i);
        second.receive({ op: 0, s, t: "RESUMED", d: {} });
        await h.settle();
        assert.equal(result.error, undefined);
        assert.deepEqual(result.indices, [0, 1, 2]);
        assert.notEqual(result.endedAt, undefined);
        assert.equal(op8s(second).length, 0, "nothing asked again");
      } finally {
        await h.shard.close();
        await h.settle();
      }
    });
  }
});

Deno.test("A new session after a members request completed changes nothing, even for chunks its reader has not read", async () => {
  const h = await readyHarness({ intents: INTENTS });
  try {
    const first = h.socket();
    const request = await startedRequest(
      h.shard.requestGuildMembers(
        { guild_id: GUILD, query: "", limit: 0, nonce: "done" },
      ),
      h.scheduler,
    );
    chunk(first, 2, "done", 0);
    chunk(first, 3, "done", 1);
    chunk(first, 4, "done", 2);
    await h.settle();
    const second = await newSession(h, invalidSession, "session-2");
    assert.equal(op8s(second).length, 0, "not asked again");
    const indices: number[] = [];
    for await (const c of request) indices.push(c.chunk_index);
    assert.deepEqual(indices, [0, 1, 2]);
  } finally {
    await h.shard.close();
    await h.settle();
  }
});

Deno.test("A members request waiting out a RATE_LIMITED when a new session starts is sent once, when the wait ends", async () => {
  const h = await readyHarness({ intents: INTENTS });
  try {
    const first = h.socket();
    const result = collect(
      h,
      h.shard.requestGuildMembers({ guild_id: GUILD, query: "", limit: 0 }),
    );
    await h.settle();
    const nonce = op8s(first)[0]!.nonce;
    first.receive({
      op: 0,
      s: 2,
      t: "RATE_LIMITED",
      d: { opcode: 8, retry_after: 20, meta: { guild_id: GUILD, nonce } },
    });
    await h.settle();
    const limitedAt = h.scheduler.now();
    const second = await newSession(h, invalidSession, "session-2");
    assert.equal(op8s(second).length, 0, "still waiting out retry_after");
    await h.scheduler.advance(limitedAt + 20_000 - h.scheduler.now());
    await h.settle();
    assert.deepEqual(op8s(second).map((d) => d.nonce), [nonce], "sent once");
    chunk(second, 2, nonce, 0, 1);
    await h.settle();
    assert.equal(result.error, undefined);
    assert.deepEqual(result.indices, [0]);
  } finally {
    await h.shard.close();
    await h.settle();
  }
});
