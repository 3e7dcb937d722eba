// countState: the `state_*` gauges read from twilight-dispatch's index sets
// in one pipeline, on a fake connection whose set sizes the test chooses.
import assert from "node:assert/strict";
import type { RedisConnection } from "../../redis/connection.ts";
import { countState } from "../../dispatch/state_counts.ts";

/** The gauges' names, as `state_<name>`, and the set each counts. */
const SETS: Record<string, string> = {
  guilds: "guild_keys",
  channels: "channel_keys",
  messages: "message_keys",
  members: "member_keys",
  presences: "presence_keys",
  roles: "role_keys",
  emojis: "emoji_keys",
  voices: "voice_keys",
};

/**
 * A connection in `status` whose SCARD of each set answers `sizes` (a set
 * not in it: 0), or whose pipeline fails with `failure`; `pipelines`
 * counts the pipelines run.
 */
function fakeRedis(
  status: string,
  sizes: Record<string, number>,
  failure?: Error,
): { redis: RedisConnection; pipelines: number } {
  const fake = {
    pipelines: 0,
    redis: {
      status,
      pipeline(): object {
        fake.pipelines++;
        const keys: string[] = [];
        return {
          scard(key: string): void {
            keys.push(key);
          },
          exec: () =>
            failure
              ? Promise.reject(failure)
              : Promise.resolve(keys.map((key) => [null, sizes[key] ?? 0])),
        };
      },
    } as unknown as RedisConnection,
  };
  return fake;
}

interface Gauge {
  value: number | undefined;
  set(value: number): void;
}

/** Gauges by name that remember the value each was set to. */
function gauges(): Record<string, Gauge> {
  const gauge = (): Gauge => ({
    value: undefined,
    set(value: number): void {
      this.value = value;
    },
  });
  return Object.fromEntries(Object.keys(SETS).map((name) => [name, gauge()]));
}

/** The value of each gauge, by name. */
function values(set: Record<string, Gauge>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(set).map(([name, g]) => [name, g.value]),
  );
}

Deno.test("countState: each state_* gauge is set to the size of its own index set", async () => {
  // A different size for each set: a gauge reading another's set shows.
  const sizes = Object.fromEntries(
    Object.values(SETS).map((key, i) => [key, 10 + i]),
  );
  const set = gauges();
  const fake = fakeRedis("ready", sizes);
  await countState(fake.redis, set);
  assert.deepEqual(
    values(set),
    Object.fromEntries(
      Object.entries(SETS).map(([name, key]) => [name, sizes[key]]),
    ),
  );
  assert.equal(fake.pipelines, 1, "one round trip");
});

Deno.test("countState: a connection not ready is not asked, and a failed read leaves the gauges as they were, without throwing", async () => {
  for (const status of ["connecting", "reconnecting", "wait", "end"]) {
    const fake = fakeRedis(status, { guild_keys: 3 });
    const set = gauges();
    set.guilds!.set(7);
    await countState(fake.redis, set);
    assert.equal(fake.pipelines, 0, status);
    assert.equal(set.guilds!.value, 7, status);
  }
  const set = gauges();
  set.guilds!.set(7);
  await countState(
    fakeRedis("ready", {}, new Error("Connection is closed.")).redis,
    set,
  );
  assert.equal(set.guilds!.value, 7);
  assert.equal(set.channels!.value, undefined);
  await countState(undefined, set);
  assert.equal(set.guilds!.value, 7);
});
