// A crash loop without a session store spends a session start per shard at
// each start; only the budget's end was said (the identify queue's
// "exhausted"), so a bot could spend the day's budget unseen and then wait
// hours offline. A start that finds few left now says so on stderr.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

/**
 * The warnings about few session starts that a start with `remaining` left
 * says; with `shards`, of a bot of that many (GET /gateway/bot still asked,
 * shard 0 alone run).
 */
async function fewStartsWarnings(
  remaining: number,
  shards?: number,
): Promise<string[]> {
  let said: string[] = [];
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({
      gateway: { sessionStartLimit: { total: 1000, remaining } },
    });
    // Without a gateway URL, GET /gateway/bot is asked for any shard count.
    const { gatewayUrl: _given, ...asking } = discord.clientOptions;
    await using client = new Client({
      token: discord.token,
      intents: GatewayIntent.Guilds,
      ...(shards === undefined
        ? discord.clientOptions
        : { ...asking, shards, shardIds: [0] }),
    });
    await client.start();
    said = records
      .filter((record) => record.level === "warning")
      .map((record) => record.message.join(""))
      .filter((message) => message.includes("session starts are left"));
  });
  return said;
}

Deno.test("Client.start() says on stderr when the day's session starts run low, not when many are left", async () => {
  const low = await fewStartsWarnings(60);
  assert.equal(low.length, 1, low.join("\n"));
  assert.match(low[0]!, /^Only 60 of the day's 1000 session starts are left/);
  assert.deepEqual(await fewStartsWarnings(500), []);
});

Deno.test("Client.start() warns with fewer session starts left than a tenth of the day's or than its shards, not otherwise", async () => {
  // 150 of 1000: over a tenth, but fewer than 200 shards, each spending one.
  const fewerThanShards = await fewStartsWarnings(150, 200);
  assert.equal(fewerThanShards.length, 1, fewerThanShards.join("\n"));
  assert.match(fewerThanShards[0]!, /^Only 150 of the day's 1000/);
  // The same 150 for one shard: over a tenth, and plenty.
  assert.deepEqual(await fewStartsWarnings(150, 1), []);
  // A tenth exactly still warns.
  assert.equal((await fewStartsWarnings(100, 1)).length, 1);
});
