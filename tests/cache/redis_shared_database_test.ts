// Two bots on one Redis database: the layout is twilight-dispatch's, without
// a prefix, so one bot's READY removed the other's guilds and replaced its
// bot_user, and nothing said so.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testRedis } from "../_fakes/servers.ts";
import { withPrivateRedis } from "./_private_redis_store.ts";

const server = testRedis();

/** Bot `id`'s READY, its session listing guild `guildId`. */
const ready = (id: string, guildId: string) => ({
  v: 10,
  user: { id, username: `bot${id}` },
  guilds: [{ id: guildId, unavailable: true }],
  session_id: `s${id}`,
  shard: [0, 1],
});

const guild = (id: string) => ({
  id,
  name: `g${id}`,
  channels: [{ id: `${id}1`, type: 0, name: "c" }],
  roles: [],
  members: [],
});

Deno.test({
  name:
    "RedisCache: a READY of another bot than the bot_user stored says so once on stderr (both ids, one database per bot) and marks the cache stale",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const staleB: unknown[] = [];
      const a = new RedisCache(redis);
      const b = new RedisCache(redis, { onStale: (e) => staleB.push(e) });
      await a.apply("READY", ready("100", "1"));
      await a.apply("GUILD_CREATE", guild("1"));
      await a.flush();
      assert.equal(a.stale, false);

      const first = await captureStderr(async () => {
        await b.apply("READY", ready("200", "2"));
        await b.flush();
      });
      assert.equal(b.stale, true, first.join("\n"));
      assert.equal(staleB.length, 1);
      assert.equal(first.length, 1, first.join("\n"));
      assert.match(first[0]!, /^\[ERR\] /);
      assert.match(first[0]!, /\b100\b/);
      assert.match(first[0]!, /\b200\b/);
      assert.match(
        first[0]!,
        /each bot needs its own Redis database \(the db number in the URL/i,
      );

      // Its own next READY (the stored bot_user is its own now): fresh.
      await b.apply("READY", ready("200", "2"));
      assert.equal(b.stale, false);

      // Bot A's next READY finds bot B's user: said by A's store.
      const second = await captureStderr(async () => {
        await a.apply("READY", ready("100", "1"));
        await a.flush();
      });
      assert.equal(a.stale, true);
      assert.equal(second.length, 1, second.join("\n"));

      // Said once per store: B sees it again, stale again, nothing printed.
      const third = await captureStderr(async () => {
        await b.apply("READY", ready("200", "2"));
        await b.flush();
      });
      assert.equal(b.stale, true);
      assert.deepEqual(third, []);
      assert.equal(staleB.length, 2);
    }),
});

Deno.test({
  name:
    "RedisCache: a READY of the bot_user stored (a restart of the same bot) says nothing and leaves the cache fresh",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const before = new RedisCache(redis);
      await before.apply("READY", ready("100", "1"));
      await before.flush();
      const after = new RedisCache(redis);
      const lines = await captureStderr(async () => {
        await after.apply("READY", ready("100", "1"));
        await after.flush();
      });
      assert.deepEqual(lines, []);
      assert.equal(after.stale, false);
    }),
});
