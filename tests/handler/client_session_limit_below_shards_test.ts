// A day's session start limit smaller than the shard count leaves shards
// waiting for Discord's reset from the first start, with nothing spent:
// "only N of the day's N are left ... restarting in a loop?" sent the reader
// looking for a crash loop that never happened.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

/**
 * The warnings about session starts that a start of a bot of `shards`
 * shards (shard 0 alone run) says, with `remaining` of `total` left and the
 * reset an hour away.
 */
async function sessionStartWarnings(
  total: number,
  remaining: number,
  shards: number,
): Promise<string[]> {
  let said: string[] = [];
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({
      gateway: {
        sessionStartLimit: { total, remaining, resetAfter: 3_600_000 },
      },
    });
    // Without a gateway URL, GET /gateway/bot is asked for any shard count.
    const { gatewayUrl: _given, ...asking } = discord.clientOptions;
    await using client = new Client({
      token: discord.token,
      intents: GatewayIntent.Guilds,
      ...asking,
      shards,
      shardIds: [0],
    });
    await client.start();
    said = records
      .filter((record) => record.level === "warning")
      .map((record) => record.message.join(""))
      .filter((message) => /session start/.test(message));
  });
  return said;
}

Deno.test("Client.start() says a day's whole session start limit below the shard count is, not a restart loop", async () => {
  const full = await sessionStartWarnings(20, 20, 25);
  assert.equal(full.length, 1, full.join("\n"));
  assert.match(
    full[0]!,
    /^The day's session start limit \(20, 20 left\) is smaller than the shard count \(25\): 5 shards wait for Discord's reset in 60 min/,
  );
  assert.doesNotMatch(full[0]!, /restarting in a loop/);
  // Some spent, but the whole limit could not have covered the shards.
  const spent = await sessionStartWarnings(20, 10, 25);
  assert.equal(spent.length, 1, spent.join("\n"));
  assert.match(
    spent[0]!,
    /^The day's session start limit \(20, 10 left\) is smaller than the shard count \(25\): 15 shards wait/,
  );
});

Deno.test("Client.start() says a whole session start limit equal to the shard count is, not a restart loop", async () => {
  const said = await sessionStartWarnings(20, 20, 20);
  assert.equal(said.length, 1, said.join("\n"));
  assert.match(
    said[0]!,
    /^The day's session start limit \(20, 20 left\) is no larger than the shard count \(20\)/,
  );
  assert.doesNotMatch(said[0]!, /restarting in a loop/);
});

Deno.test("Client.start() still asks about a restart loop when a limit above the shard count was spent", async () => {
  const said = await sessionStartWarnings(30, 10, 25);
  assert.equal(said.length, 1, said.join("\n"));
  assert.match(said[0]!, /^Only 10 of the day's 30 session starts are left/);
  assert.match(said[0]!, /restarting in a loop/);
});
