import assert from "node:assert/strict";
import { GatewayError } from "../../gateway/errors.ts";
import {
  DEFAULT_MEMBER_REQUEST_TIMEOUT,
  requestGuildMemberChunks,
} from "../../gateway/member_request.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { GuildMembersChunkDispatch } from "../../types/dispatch_payloads.ts";
import { GatewayIntent } from "../../types/intents.ts";

const SHARDS = 2;
/** A guild the fake does not know (routed to shard 0): never answered. */
const UNKNOWN_GUILD = "1";

interface Setup {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  manager: ShardManager;
  /** A guild on shard 0 and one on shard 1. */
  guilds: [string, string];
}

async function setup(membersPerGuild = 2500): Promise<Setup> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 4,
    membersPerGuild,
    maxConcurrency: SHARDS,
  });
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMembers,
    shardCount: SHARDS,
    maxConcurrency: SHARDS,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
  });
  const started = manager.start();
  await scheduler.advance(0);
  await started;
  const onShard = (id: number) =>
    gateway.guildIds.find((g) => shardForGuild(g, SHARDS) === id)!;
  return { scheduler, gateway, manager, guilds: [onShard(0), onShard(1)] };
}

async function teardown(s: Setup): Promise<void> {
  await s.manager.close();
  s.gateway.close();
  assert.equal(s.scheduler.pending, 0, "no timer is left behind");
}

interface SentRequest {
  shardId: number;
  at: number;
  d: { guild_id: string; nonce?: string };
}

/** Op 8 frames the fake received: shard, time and data. */
function requests(gateway: FakeGateway): SentRequest[] {
  return gateway.allConnections.flatMap((conn) =>
    conn.received.filter((frame) => frame.op === 8).map((frame) => ({
      shardId: conn.shard![0],
      at: frame.at,
      d: frame.d as { guild_id: string; nonce?: string },
    }))
  );
}

/** Collect a request's chunks in the background, recording when each came. */
interface Collected {
  result: {
    chunks: GuildMembersChunkDispatch[];
    times: number[];
    error: unknown;
    done: boolean;
  };
  finished: Promise<void>;
}

function collect(
  scheduler: VirtualScheduler,
  chunks: AsyncIterable<GuildMembersChunkDispatch>,
): Collected {
  const result: Collected["result"] = {
    chunks: [],
    times: [],
    error: undefined,
    done: false,
  };
  const finished = (async () => {
    try {
      for await (const chunk of chunks) {
        result.chunks.push(chunk);
        result.times.push(scheduler.now());
      }
    } catch (error) {
      result.error = error;
    } finally {
      result.done = true;
    }
  })();
  return { result, finished };
}

Deno.test("ShardManager.requestGuildMembers yields every chunk of the reply, matched by nonce", async () => {
  const s = await setup(2500);
  try {
    for (const [shardId, guildId] of s.guilds.entries()) {
      const chunks: GuildMembersChunkDispatch[] = [];
      for await (
        const chunk of s.manager.requestGuildMembers({
          guild_id: guildId,
          query: "",
          limit: 0,
        })
      ) chunks.push(chunk);
      assert.deepEqual(chunks.map((c) => [c.chunk_index, c.chunk_count]), [
        [0, 3],
        [1, 3],
        [2, 3],
      ]);
      assert.deepEqual(chunks.map((c) => c.members.length), [1000, 1000, 500]);
      assert.ok(chunks.every((c) => c.guild_id === guildId));
      const sent = requests(s.gateway).filter((r) => r.d.guild_id === guildId);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.shardId, shardId, "sent on the guild's shard");
      assert.match(sent[0]!.d.nonce!, /^[0-9a-f]{32}$/);
      assert.ok(chunks.every((c) => c.nonce === sent[0]!.d.nonce));
    }
  } finally {
    await teardown(s);
  }
});

Deno.test("Shard.requestGuildMembers keeps concurrent requests apart by nonce", async () => {
  const s = await setup(5);
  try {
    const shard = s.manager.shard(0)!;
    const guildId = s.guilds[0];
    // The fake's generated member IDs: guild + 1000 + i.
    const member3 = String(BigInt(guildId) + 1003n);
    const missing = "1200000000000000009";
    const byIds = collect(
      s.scheduler,
      shard.requestGuildMembers({
        guild_id: guildId,
        user_ids: [member3, missing],
        nonce: "by-ids",
      }),
    );
    const byQuery = collect(
      s.scheduler,
      shard.requestGuildMembers({
        guild_id: guildId,
        query: "member",
        limit: 2,
      }),
    );
    // A chunk with a foreign nonce must not reach either request.
    s.gateway.dispatch("GUILD_MEMBERS_CHUNK", {
      guild_id: guildId,
      members: [],
      chunk_index: 0,
      chunk_count: 1,
      nonce: "someone-else",
    });
    await s.scheduler.advance(0);
    await Promise.all([byIds.finished, byQuery.finished]);
    assert.equal(byIds.result.error, undefined);
    assert.equal(byIds.result.chunks.length, 1);
    const idChunk = byIds.result.chunks[0]!;
    assert.equal(idChunk.nonce, "by-ids");
    assert.deepEqual(
      idChunk.members.map((m) => m.user?.id),
      [member3],
    );
    assert.deepEqual(idChunk.not_found, [missing]);
    assert.equal(byQuery.result.chunks.length, 1);
    assert.deepEqual(
      byQuery.result.chunks[0]!.members.map((m) => m.user?.username),
      ["member1", "member2"],
    );
    assert.notEqual(byQuery.result.chunks[0]!.nonce, "by-ids");
  } finally {
    await teardown(s);
  }
});

Deno.test("A members request that gets RATE_LIMITED waits retry_after and asks again", async () => {
  const s = await setup(1500);
  try {
    const guildId = s.guilds[1];
    const first = collect(
      s.scheduler,
      s.manager.requestGuildMembers({ guild_id: guildId, query: "", limit: 0 }),
    );
    await s.scheduler.advance(0);
    await first.finished;
    assert.equal(first.result.chunks.length, 2);

    await s.scheduler.advance(10_000);
    const limited: { at: number; retryAfter: number }[] = [];
    s.manager.on("dispatch", (event) => {
      limited.push({
        at: s.scheduler.now(),
        retryAfter: (event.data as { retry_after: number }).retry_after,
      });
    }, { events: ["RATE_LIMITED"] });
    const second = collect(
      s.scheduler,
      s.manager.requestGuildMembers({ guild_id: guildId, query: "", limit: 0 }),
    );
    await s.scheduler.advance(0);
    assert.deepEqual(limited, [{ at: 10_000, retryAfter: 20 }]);
    assert.equal(second.result.chunks.length, 0);

    // The wait does not count against the 30 s chunk timeout.
    await s.scheduler.advance(19_999);
    assert.equal(requests(s.gateway).length, 2, "no retry before retry_after");
    assert.equal(second.result.done, false);
    await s.scheduler.advance(1);
    await second.finished;
    assert.equal(second.result.error, undefined);
    const sent = requests(s.gateway);
    assert.deepEqual(sent.map((r) => r.at), [0, 10_000, 30_000]);
    assert.equal(
      sent[2]!.d.nonce,
      sent[1]!.d.nonce,
      "the retry keeps its nonce",
    );
    assert.ok(sent[2]!.at - limited[0]!.at >= limited[0]!.retryAfter * 1000);
    assert.deepEqual(
      second.result.chunks.map((c) => [c.chunk_index, c.chunk_count]),
      [[0, 2], [1, 2]],
    );
    assert.deepEqual(second.result.times, [30_000, 30_000]);
    assert.equal(limited.length, 1);
  } finally {
    await teardown(s);
  }
});

Deno.test("A members request with no reply fails with a timeout GatewayError", async (t) => {
  const s = await setup(5);
  try {
    // A guild the fake does not know (on shard 0): it never answers.
    await t.step("after 30 s by default", async () => {
      const request = collect(
        s.scheduler,
        s.manager.shard(0)!.requestGuildMembers({
          guild_id: UNKNOWN_GUILD,
          query: "",
          limit: 0,
        }),
      );
      const start = s.scheduler.now();
      await s.scheduler.advance(DEFAULT_MEMBER_REQUEST_TIMEOUT - 1);
      assert.equal(request.result.done, false);
      await s.scheduler.advance(1);
      await request.finished;
      assert.ok(request.result.error instanceof GatewayError);
      assert.equal(request.result.error.kind, "timeout");
      assert.equal(request.result.error.shardId, 0);
      assert.match(
        request.result.error.message,
        new RegExp(`guild ${UNKNOWN_GUILD} got no chunk for 30000 ms`),
      );
      assert.equal(s.scheduler.now() - start, 30_000);
    });
    await t.step("after the given timeout", async () => {
      const request = collect(
        s.scheduler,
        s.manager.shard(0)!.requestGuildMembers(
          { guild_id: UNKNOWN_GUILD, user_ids: "1" },
          { timeout: 5_000 },
        ),
      );
      await s.scheduler.advance(4_999);
      assert.equal(request.result.done, false);
      await s.scheduler.advance(1);
      await request.finished;
      assert.equal((request.result.error as GatewayError).kind, "timeout");
    });
  } finally {
    await teardown(s);
  }
});

Deno.test("A members request ends with shard_closed when the manager closes", async () => {
  const s = await setup(5);
  // Guild "1" is unknown to the fake (and on shard 0): no reply ever comes.
  const request = collect(
    s.scheduler,
    s.manager.requestGuildMembers({ guild_id: UNKNOWN_GUILD, user_ids: "1" }),
  );
  await s.scheduler.advance(1_000);
  assert.equal(requests(s.gateway).length, 1);
  assert.equal(request.result.done, false);
  await s.manager.close();
  await request.finished;
  assert.ok(request.result.error instanceof GatewayError);
  assert.equal(request.result.error.kind, "shard_closed");
  assert.equal(request.result.error.shardId, 0);
  s.gateway.close();
  assert.equal(s.scheduler.pending, 0, "the request's timer is gone");
});

Deno.test("A members request can be aborted or left early", async (t) => {
  const s = await setup(2500);
  try {
    await t.step("abort before the reply", async () => {
      const controller = new AbortController();
      const request = collect(
        s.scheduler,
        s.manager.requestGuildMembers(
          { guild_id: UNKNOWN_GUILD, user_ids: "1" },
          { signal: controller.signal },
        ),
      );
      // Run the generator up to its first wait, then abort.
      await s.scheduler.flushMicrotasks();
      controller.abort(new Error("not needed"));
      await request.finished;
      assert.equal((request.result.error as Error).message, "not needed");
      assert.equal(request.result.chunks.length, 0);
    });
    await t.step("an aborted signal sends nothing", async () => {
      const before = requests(s.gateway).length;
      const request = collect(
        s.scheduler,
        s.manager.requestGuildMembers(
          { guild_id: s.guilds[0], query: "", limit: 0 },
          { signal: AbortSignal.abort(new Error("too late")) },
        ),
      );
      await request.finished;
      assert.equal((request.result.error as Error).message, "too late");
      await s.scheduler.advance(0);
      assert.equal(requests(s.gateway).length, before);
    });
    await t.step("break after the first chunk", async () => {
      const pendingBefore = s.scheduler.pending;
      let seen = 0;
      for await (
        const _ of s.manager.requestGuildMembers({
          guild_id: s.guilds[0],
          query: "",
          limit: 0,
        })
      ) {
        seen++;
        break;
      }
      assert.equal(seen, 1);
      assert.equal(s.scheduler.pending, pendingBefore, "its timer is cleared");
    });
  } finally {
    await teardown(s);
  }
});

Deno.test("Members request validation errors surface as TypeError and RangeError", async (t) => {
  const s = await setup(5);
  try {
    const shard = s.manager.shard(0)!;
    const guildId = s.guilds[0];
    const cases: [string, unknown, ErrorConstructor | RangeErrorConstructor][] =
      [
        ["a query without limit", { guild_id: guildId, query: "" }, TypeError],
        [
          "both query and user_ids",
          { guild_id: guildId, query: "", limit: 0, user_ids: ["1"] },
          TypeError,
        ],
        ["neither query nor user_ids", { guild_id: guildId }, TypeError],
        [
          "a malformed guild ID",
          { guild_id: "abc", query: "", limit: 0 },
          TypeError,
        ],
        [
          "an unknown field",
          { guild_id: guildId, query: "", limit: 0, extra: 1 },
          TypeError,
        ],
        [
          "a negative limit",
          { guild_id: guildId, query: "", limit: -1 },
          RangeError,
        ],
        [
          "101 user IDs",
          {
            guild_id: guildId,
            user_ids: Array.from({ length: 101 }, (_, i) => String(i + 1)),
          },
          RangeError,
        ],
        [
          "a nonce over 32 bytes",
          { guild_id: guildId, query: "", limit: 0, nonce: "n".repeat(33) },
          RangeError,
        ],
      ];
    for (const [name, data, type] of cases) {
      await t.step(name, () => {
        // deno-lint-ignore no-explicit-any
        assert.throws(() => shard.requestGuildMembers(data as any), type);
        // deno-lint-ignore no-explicit-any
        assert.throws(() => s.manager.requestGuildMembers(data as any), type);
      });
    }
    await t.step("a guild of a shard the manager does not run", () => {
      const partial = new ShardManager({
        token: "fake-token",
        intents: GatewayIntent.Guilds,
        shardCount: SHARDS,
        shardIds: [0],
        transport: s.gateway.transport,
        scheduler: s.scheduler,
      });
      assert.throws(
        () =>
          partial.requestGuildMembers({
            guild_id: s.guilds[1],
            query: "",
            limit: 0,
          }),
        RangeError,
      );
    });
    await s.scheduler.advance(0);
    assert.equal(requests(s.gateway).length, 0, "nothing was sent");
  } finally {
    await teardown(s);
  }
});

Deno.test("requestGuildMemberChunks works with any shard-like object", async () => {
  const scheduler = new VirtualScheduler();
  const sent: unknown[] = [];
  let listener: ((event: { name: string; data: unknown }) => void) | undefined;
  const shardLike = {
    id: 7,
    scheduler,
    on(_event: "dispatch", l: typeof listener): () => void {
      listener = l;
      return () => listener = undefined;
    },
    send(command: unknown): Promise<void> {
      sent.push(command);
      return Promise.resolve();
    },
  };
  const request = collect(
    scheduler,
    requestGuildMemberChunks(
      // deno-lint-ignore no-explicit-any
      shardLike as any,
      { guild_id: "1", user_ids: "2", nonce: "n1" },
    ),
  );
  await scheduler.flushMicrotasks();
  assert.deepEqual(sent, [{
    op: 8,
    d: { guild_id: "1", user_ids: "2", nonce: "n1" },
  }]);
  // RATE_LIMITED for another nonce is ignored; ours sets a retry.
  listener!({
    name: "RATE_LIMITED",
    data: { opcode: 8, retry_after: 1.5, meta: { guild_id: "1", nonce: "x" } },
  });
  listener!({
    name: "RATE_LIMITED",
    data: { opcode: 8, retry_after: 1.5, meta: { guild_id: "1", nonce: "n1" } },
  });
  await scheduler.advance(1_499);
  assert.equal(sent.length, 1);
  await scheduler.advance(1);
  assert.equal(sent.length, 2);
  for (const index of [0, 1]) {
    listener!({
      name: "GUILD_MEMBERS_CHUNK",
      data: {
        guild_id: "1",
        members: [],
        chunk_index: index,
        chunk_count: 2,
        nonce: "n1",
      },
    });
  }
  await request.finished;
  assert.equal(request.result.chunks.length, 2);
  assert.equal(listener, undefined, "unsubscribed at the end");
  assert.equal(scheduler.pending, 0);
});

Deno.test("A members request on a shard ends when the shard closes", async () => {
  const { VirtualScheduler } = await import(
    "../../testing/virtual_scheduler.ts"
  );
  const { FakeGateway } = await import("../../testing/fake_gateway.ts");
  const { Shard } = await import("../../gateway/shard.ts");
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const shard = new Shard({
    token: "fake-token",
    intents: 1 | 2, // GUILDS, GUILD_MEMBERS: the whole list
    transport: gateway.transport,
    scheduler,
  });
  const ready = shard.connect();
  await scheduler.advance(0);
  await ready;
  gateway.close(); // nobody will answer
  await scheduler.advance(0);
  const chunks = shard.requestGuildMembers({
    guild_id: gateway.guildIds[0]!,
    query: "",
    limit: 0,
  });
  const next = chunks.next();
  await shard.close();
  await assert.rejects(
    next,
    (error: Error & { kind?: string }) => error.kind === "shard_closed",
  );
  assert.equal(scheduler.pending, 0);
});

Deno.test("A members request queued behind other commands: its timeout starts when it is written, and one given up while queued is never sent", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1, membersPerGuild: 5 });
  const { Shard } = await import("../../gateway/shard.ts");
  const shard = new Shard({
    token: "fake-token",
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMembers,
    transport: gateway.transport,
    scheduler,
  });
  const ready = shard.connect();
  await scheduler.advance(0);
  await ready;
  const guild = gateway.guildIds[0]!;
  // 200 commands first: the send limit lets the last of them out only
  // after about 60 s.
  for (let i = 0; i < 200; i++) {
    shard.updateVoiceState({
      guild_id: guild,
      channel_id: null,
      self_mute: false,
      self_deaf: false,
    }).catch(() => {});
  }
  const start = scheduler.now();
  const whole = collect(
    scheduler,
    shard.requestGuildMembers({ guild_id: guild, query: "", limit: 0 }),
  );
  const giveUp = new AbortController();
  const abandoned = collect(
    scheduler,
    shard.requestGuildMembers(
      { guild_id: guild, user_ids: "1", nonce: "abandoned" },
      { signal: giveUp.signal },
    ),
  );
  await scheduler.advance(5_000);
  giveUp.abort(new Error("the caller gave up"));
  await abandoned.finished;
  assert.match(String(abandoned.result.error), /the caller gave up/);
  await scheduler.advance(120_000);
  await whole.finished;
  assert.equal(whole.result.error, undefined, "no timeout while queued");
  assert.equal(whole.result.chunks.length, 1);
  const sent = requests(gateway);
  assert.equal(sent.length, 1, "the abandoned request was taken back");
  assert.notEqual(sent[0]!.d.nonce, "abandoned");
  assert.ok(sent[0]!.at - start > 30_000, "it did wait in the queue");
  await shard.close();
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("A members request Discord would not answer as asked is refused at once: a guild of another shard, the whole list without GUILD_MEMBERS, presences without GUILD_PRESENCES", async () => {
  const s = await setup(5);
  try {
    const shard0 = s.manager.shard(0)!;
    assert.throws(
      () =>
        shard0.requestGuildMembers({ guild_id: s.guilds[1], user_ids: "1" }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.includes(`is on shard 1, not on shard 0`),
    );
    // The setup's shards have GUILD_MEMBERS but not GUILD_PRESENCES.
    assert.throws(
      () =>
        shard0.requestGuildMembers({
          guild_id: s.guilds[0],
          user_ids: "1",
          presences: true,
        }),
      /GUILD_PRESENCES/,
    );
    assert.equal(requests(s.gateway).length, 0, "nothing was sent");
  } finally {
    await teardown(s);
  }
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const { Shard } = await import("../../gateway/shard.ts");
  const shard = new Shard({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    transport: gateway.transport,
    scheduler,
  });
  assert.throws(
    () =>
      shard.requestGuildMembers({
        guild_id: gateway.guildIds[0]!,
        query: "",
        limit: 0,
      }),
    /GUILD_MEMBERS/,
  );
  // A query by name prefix, or by ids, needs no privileged intent.
  const byName = shard.requestGuildMembers({
    guild_id: gateway.guildIds[0]!,
    query: "a",
    limit: 1,
  });
  await byName.return();
  await shard.close();
  gateway.close();
});
