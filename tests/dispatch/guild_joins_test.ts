// GuildJoins: what a shard that resumed a saved session (no READY in this
// process) takes for a join.
import assert from "node:assert/strict";
import { GuildJoins, RECENT_JOIN_MS } from "../../dispatch/guild_joins.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const iso = (ms: number): string => new Date(ms).toISOString();

Deno.test("GuildJoins: a guild back from an outage (GUILD_DELETE unavailable, then GUILD_CREATE) is no join on a resumed shard", () => {
  const joins = new GuildJoins(() => NOW);
  // No READY: the shard resumed a session of the previous process.
  assert.equal(
    joins.update(0, "GUILD_DELETE", { id: "41", unavailable: true }),
    undefined,
  );
  // Without joined_at: only the GUILD_DELETE says the guild is the bot's.
  assert.equal(
    joins.update(0, "GUILD_CREATE", { id: "41", name: "Back" }),
    undefined,
  );
  // Left for good later: a leave.
  assert.deepEqual(joins.update(0, "GUILD_DELETE", { id: "41" }), {
    type: "Leave",
    id: "41",
  });
});

Deno.test("GuildJoins: on a resumed shard a GUILD_CREATE is a join only when its joined_at is recent", () => {
  const joins = new GuildJoins(() => NOW);
  // Back from an outage that began before the restart: joined long ago.
  assert.equal(
    joins.update(0, "GUILD_CREATE", {
      id: "42",
      name: "Old friends",
      joined_at: "2021-03-04T05:06:07.123456+00:00",
    }),
    undefined,
  );
  // And remembered: not a join the next time either.
  assert.equal(
    joins.update(0, "GUILD_CREATE", { id: "42", joined_at: iso(NOW) }),
    undefined,
  );
  // Joined now (or replayed on RESUME, a little earlier): a join.
  assert.deepEqual(
    joins.update(0, "GUILD_CREATE", {
      id: "43",
      name: "Newcomers",
      joined_at: iso(NOW - RECENT_JOIN_MS),
    }),
    { type: "Join", id: "43", name: "Newcomers" },
  );
  // A clock a little behind Discord's: still a join.
  assert.equal(
    joins.update(1, "GUILD_CREATE", {
      id: "44",
      joined_at: iso(NOW + 1_000),
    })?.type,
    "Join",
  );
  assert.equal(
    joins.update(1, "GUILD_CREATE", {
      id: "45",
      joined_at: iso(NOW - RECENT_JOIN_MS - 1),
    }),
    undefined,
  );
  // Nothing readable to tell by: taken for a join, as on any shard.
  assert.equal(
    joins.update(1, "GUILD_CREATE", { id: "46", joined_at: "soon" })?.type,
    "Join",
  );
});

Deno.test("GuildJoins: after a READY every unknown guild's GUILD_CREATE is a join, whatever its joined_at", () => {
  const joins = new GuildJoins(() => NOW);
  joins.update(0, "READY", { guilds: [{ id: "50", unavailable: true }] });
  assert.equal(
    joins.update(0, "GUILD_CREATE", { id: "50", joined_at: iso(NOW) }),
    undefined,
  );
  // An old joined_at (a rejoin keeps none, but a gateway may say anything):
  // the READY's list is complete, so this guild is new.
  assert.equal(
    joins.update(0, "GUILD_CREATE", {
      id: "51",
      joined_at: "2021-03-04T05:06:07+00:00",
    })?.type,
    "Join",
  );
});

Deno.test("GuildJoins: a guild left, then joined again, is a join; a new READY forgets the guilds of the session before", () => {
  const joins = new GuildJoins(() => NOW);
  joins.update(0, "READY", { guilds: [{ id: "60" }, { id: "61" }] });
  assert.deepEqual(joins.update(0, "GUILD_DELETE", { id: "60" }), {
    type: "Leave",
    id: "60",
  });
  assert.equal(joins.update(0, "GUILD_CREATE", { id: "60" })?.type, "Join");
  // Removed from guild 61 while the shard was away: the new session's READY
  // no longer lists it, and its next GUILD_CREATE is a join again.
  joins.update(0, "READY", { guilds: [{ id: "60" }] });
  assert.equal(joins.update(0, "GUILD_CREATE", { id: "60" }), undefined);
  assert.equal(joins.update(0, "GUILD_CREATE", { id: "61" })?.type, "Join");
});

Deno.test("GuildJoins: GUILD_CREATE and GUILD_DELETE of an ID that is no snowflake are neither join nor leave", () => {
  const joins = new GuildJoins(() => NOW);
  joins.update(0, "READY", { guilds: [] });
  for (const id of ["guild", "", 70, "1".repeat(21), null]) {
    assert.equal(joins.update(0, "GUILD_CREATE", { id }), undefined);
    assert.equal(joins.update(0, "GUILD_DELETE", { id }), undefined);
  }
});

Deno.test("GuildJoins: on a resumed shard a joined_at more than five minutes ahead of the clock is no join either", () => {
  const joins = new GuildJoins(() => NOW);
  const minute = 60_000;
  assert.equal(
    joins.update(0, "GUILD_CREATE", {
      id: "80",
      joined_at: iso(NOW + RECENT_JOIN_MS + 1),
    }),
    undefined,
  );
  // Five minutes, either way, as documented.
  assert.equal(
    joins.update(0, "GUILD_CREATE", {
      id: "81",
      joined_at: iso(NOW - 5 * minute),
    })
      ?.type,
    "Join",
  );
  assert.equal(
    joins.update(0, "GUILD_CREATE", {
      id: "82",
      joined_at: iso(NOW - 5 * minute - 1),
    }),
    undefined,
  );
});

Deno.test("GuildJoins: a shard remembers 10,000 guilds, not one more, and says so once", async () => {
  await withLogRecords(async (records) => {
    const joins = new GuildJoins(() => NOW);
    const id = (i: number): string => String(100_000 + i);
    const guilds = Array.from({ length: 10_000 }, (_, i) => ({
      id: id(i),
    }));
    joins.update(0, "READY", { guilds });
    assert.equal(records.length, 0, "10,000 guilds: nothing said");
    // The documented limit: the 10,000th guild was remembered: its GUILD_CREATE is no join.
    assert.equal(
      joins.update(0, "GUILD_CREATE", { id: id(9_999) }),
      undefined,
    );
    // Past the limit: a join each time, never remembered, said once.
    for (let i = 0; i < 2; i++) {
      assert.equal(
        joins.update(0, "GUILD_CREATE", { id: id(10_000) })?.type,
        "Join",
      );
      assert.equal(
        joins.update(0, "GUILD_CREATE", { id: id(10_001) })
          ?.type,
        "Join",
      );
    }
    assert.equal(records.length, 1);
    assert.match(records[0]!.message.join(""), /Shard 0 reported more than/);
    // Each shard has its own limit, and says it once too.
    joins.update(1, "READY", { guilds });
    joins.update(1, "GUILD_CREATE", { id: id(10_000) });
    assert.equal(records.length, 2);
    await Promise.resolve();
  });
});
