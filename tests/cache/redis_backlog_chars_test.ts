// The Redis store's backlog weighed by size, not only by count: long
// messages behind a Redis that does not answer (stopped, its connection
// still ready) held 355 MB of heap, 3.2 GB at the store's largest, within
// the bounds on dispatches and entities.
import assert from "node:assert/strict";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { RedisCache } from "../../cache/mod.ts";
import {
  charsOf,
  MAX_UNANSWERED_CHARS,
  MAX_WAITING,
  MAX_WAITING_CHARS,
  RedisBacklog,
} from "../../cache/redis_backlog.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { guildMessage } from "./_guild_message.ts";
import { hungConnection, writesHungConnection } from "./_hung_connections.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

/** Content of 16,000 characters: within the store's bound (32,000). */
const LONG = "x".repeat(16_000);

/** A MESSAGE_CREATE in channel 2 of guild 1 with {@linkcode LONG} content. */
const longMessage = (id: number) =>
  guildMessage(String(10_000 + id), "2", "1", { content: LONG });

Deno.test("charsOf: every string at any depth, without recursion, past throwing getters, and bounded on a payload that refers to itself", () => {
  assert.equal(
    charsOf([{ data: { a: "xy", b: [{ c: "z" }, 4, null, "uvw"] } }, {
      data: "q",
    }]),
    7,
  );
  let deep: unknown = "end";
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.equal(charsOf([{ data: deep }]), 3);
  const hostile = {
    before: "ab",
    get thrown(): string {
      throw new Error("hostile");
    },
  };
  assert.equal(charsOf([{ data: hostile }, { data: "cd" }]), 4);
  const cyclic: Record<string, unknown> = { name: "x" };
  cyclic.self = cyclic;
  assert.equal(charsOf([{ data: cyclic }]), MAX_WAITING_CHARS);
});

Deno.test("RedisBacklog: one call past MAX_WAITING_CHARS is taken when nothing waits; behind others, a call past it is refused", () => {
  const backlog = new RedisBacklog();
  assert.equal(backlog.admit(1, 1, MAX_WAITING_CHARS + 1), undefined);
  assert.match(
    backlog.admit(1, 1, 1) ?? "",
    /1 dispatches of \d+ characters are waiting for it/,
  );
  backlog.reduced(1, MAX_WAITING_CHARS + 1);
  assert.equal(backlog.admit(1, 1, MAX_WAITING_CHARS - 1), undefined);
  assert.notEqual(backlog.admit(1, 1, 2), undefined);
  assert.equal(backlog.admit(1, 1, 1), undefined);
});

Deno.test("RedisCache: long messages waiting behind an unanswered read are bounded by their characters (MAX_WAITING_CHARS); before, all 20,000 were held", async () => {
  const stale: unknown[] = [];
  const cache = new RedisCache(hungConnection(), {
    scheduler: new VirtualScheduler(),
    onStale: (error) => stale.push(error),
  });
  let taken = 0;
  await captureStderr(() => {
    // Not awaited, as the dispatch service calls it: each waits its turn.
    for (; taken < MAX_WAITING && !cache.stale; taken++) {
      void cache.apply("MESSAGE_CREATE", longMessage(taken));
    }
  });
  assert.equal(cache.stale, true, `${taken} taken, none dropped`);
  const weight = charsOf([{ data: longMessage(0) }]);
  assert.equal(taken, Math.floor(MAX_WAITING_CHARS / weight) + 1);
  assert.match(String(stale[0]), /dispatches of \d+ characters are waiting/);
  // A call when none waits is taken whatever it carries.
  const lone = new RedisCache(hungConnection(), {
    scheduler: new VirtualScheduler(),
  });
  void lone.applyBatch(
    Array.from({ length: 4_001 }, (_, i) => ({
      event: "MESSAGE_CREATE",
      data: longMessage(i),
    })),
  );
  assert.equal(lone.stale, false);
});

Deno.test("RedisCache: the writes Redis has not answered are bounded by their characters too (MAX_UNANSWERED_CHARS), not only by their commands", async () => {
  const stale: unknown[] = [];
  const cache = new RedisCache(writesHungConnection(), {
    scheduler: new VirtualScheduler(),
    resources: ["guilds", "channels", "messages"],
    onStale: (error) => stale.push(error),
  });
  // Each resolves once its reads are answered and its writes sent, as the
  // gateway awaits them. 100,000 commands (the bound on them) were about
  // 11,000 such messages, 176 million characters.
  const most = Math.ceil(MAX_UNANSWERED_CHARS / LONG.length) + 1;
  let taken = 0;
  await captureStderr(async () => {
    for (; taken <= 2 * most; taken++) {
      const update = await cache.apply("MESSAGE_CREATE", longMessage(taken));
      if (update.changes.length === 0) break;
    }
  });
  assert.ok(taken > 1 && taken <= most, `${taken} taken`);
  assert.equal(cache.stale, true);
  assert.match(
    String(stale[0]),
    /Redis is too slow: \d+ writes of \d+ characters are unanswered/,
  );
});

Deno.test({
  name:
    "RedisCache: a Redis stopped (SIGSTOP, its connection still ready) holds long messages to MAX_WAITING_CHARS, the next dropped and the cache stale; answered again, those taken are written",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (server, redis, admin) => {
      const stale: unknown[] = [];
      const cache = new RedisCache(redis, {
        resources: ["guilds", "channels", "messages"],
        onStale: (error) => stale.push(error),
      });
      await cache.apply("GUILD_CREATE", {
        id: "1",
        name: "g",
        channels: [{ id: "2", type: 0, name: "c" }],
        roles: [],
        members: [],
      });
      await cache.flush();
      server.signal("SIGSTOP");
      const pending: Promise<unknown>[] = [];
      let taken = 0;
      try {
        await captureStderr(() => {
          for (; taken < MAX_WAITING && !cache.stale; taken++) {
            pending.push(cache.apply("MESSAGE_CREATE", longMessage(taken)));
          }
        });
      } finally {
        server.signal("SIGCONT");
      }
      const weight = charsOf([{ data: longMessage(0) }]);
      assert.equal(taken, Math.floor(MAX_WAITING_CHARS / weight) + 1);
      assert.match(String(stale[0]), /characters are waiting/);
      await captureStderr(async () => {
        await Promise.all(pending);
        await cache.flush();
      });
      assert.equal(cache.stale, true, "until a READY and its guilds");
      // Those taken were written once it answered again.
      assert.equal(await admin.scard("channel_keys:2"), 100);
    }),
});
