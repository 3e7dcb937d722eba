// Each handler call of an event gets its own `ctx.old`: a Handler method,
// onRaw, each `on` listener and each `atArrival` listener read a copy of
// their own, so what one edits is not what a later one sees.
import assert from "node:assert/strict";
import type { CachedMessage } from "../../cache/mod.ts";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import type { ShardDispatch } from "../../gateway/shard.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** Read `ctx.old` as a message, record it, then edit it in two reads. */
function readAndEdit(
  seen: unknown[],
  who: string,
  ctx: Context<unknown>,
): void {
  const old = ctx.old as CachedMessage | undefined;
  seen.push([who, old?.content, old?.embeds?.length]);
  if (old === undefined) return;
  (ctx.old as CachedMessage).content = `edited by ${who}`;
  // A second read in the same call is the same copy: the edit is there.
  (ctx.old as CachedMessage).embeds!.push({ title: who });
  assert.equal((ctx.old as CachedMessage).content, `edited by ${who}`);
}

Deno.test("Client: a Handler method, onRaw and each listener of one event edit their own ctx.old, not the next one's nor the cache's", async () => {
  await using discord = await FakeDiscord.start();
  const seen: unknown[] = [];
  class Bot extends Handler {
    override onRaw(event: ShardDispatch, ctx: Context): void {
      if (event.name === "MESSAGE_DELETE") readAndEdit(seen, "raw", ctx);
    }
    override onMessageDelete(_data: unknown, ctx: Context<unknown>): void {
      readAndEdit(seen, "method", ctx);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels", "messages"] },
  });
  for (const who of ["early 1", "early 2"]) {
    client.on("MESSAGE_DELETE", (_d, ctx) => readAndEdit(seen, who, ctx), {
      atArrival: true,
    });
  }
  for (const who of ["listener 1", "listener 2"]) {
    client.on("MESSAGE_DELETE", (_d, ctx) => readAndEdit(seen, who, ctx));
  }
  await client.start(new Bot());
  const message = discord.postMessage("original");
  await client.idle();
  discord.gateway.dispatch("MESSAGE_DELETE", {
    id: message.id,
    channel_id: discord.channelId,
    guild_id: discord.guildId,
  }, { guildId: discord.guildId });
  await client.idle();
  const callers = [
    "early 1",
    "early 2",
    "raw",
    "method",
    "listener 1",
    "listener 2",
  ];
  assert.deepEqual(seen, callers.map((who) => [who, "original", 0]));
});

Deno.test("Client: a later event's handlers see its own old, whatever an earlier handler edited", async () => {
  await using discord = await FakeDiscord.start();
  const seen: unknown[] = [];
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels", "messages"] },
  });
  client.on("MESSAGE_UPDATE", (_d, ctx) => readAndEdit(seen, "update", ctx));
  client.on("MESSAGE_DELETE", (_d, ctx) => readAndEdit(seen, "delete", ctx));
  await client.start();
  const message = discord.postMessage("original");
  const at = {
    id: message.id,
    channel_id: discord.channelId,
    guild_id: discord.guildId,
  };
  const route = { guildId: discord.guildId };
  discord.gateway.dispatch(
    "MESSAGE_UPDATE",
    { ...at, content: "second" },
    route,
  );
  discord.gateway.dispatch("MESSAGE_DELETE", at, route);
  await client.idle();
  assert.deepEqual(seen, [["update", "original", 0], ["delete", "second", 0]]);
  assert.equal(client.cache.message(discord.channelId, message.id), undefined);
});

Deno.test("Client: ctx.old read after the handler returned (work it did not await) is still its own event's, for a method, onRaw and a listener", async () => {
  await using discord = await FakeDiscord.start();
  const kept: [string, string, Context<unknown>][] = [];
  class Bot extends Handler {
    override onRaw(event: ShardDispatch, ctx: Context): void {
      if (event.name !== "MESSAGE_DELETE") return;
      kept.push(["raw", (event.data as { id: string }).id, ctx]);
    }
    override onMessageDelete(
      data: { id: string },
      ctx: Context<unknown>,
    ): void {
      kept.push(["method", data.id, ctx]);
    }
    override onMessageCreate(
      data: { id: string },
      ctx: Context<unknown>,
    ): void {
      kept.push(["create", data.id, ctx]);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels", "messages"] },
  });
  client.on("MESSAGE_DELETE", (d, ctx) => void kept.push(["on", d.id, ctx]));
  await client.start(new Bot());
  const first = discord.postMessage("first");
  const second = discord.postMessage("second");
  await client.idle();
  for (const { id } of [first, second]) {
    discord.gateway.dispatch("MESSAGE_DELETE", {
      id,
      channel_id: discord.channelId,
      guild_id: discord.guildId,
    }, { guildId: discord.guildId });
  }
  await client.idle();
  const content = new Map([[first.id, "first"], [second.id, "second"]]);
  assert.equal(kept.length, 2 * 4); // a create; raw, method and on a delete
  for (const [who, id, ctx] of kept) {
    const old = ctx.old as CachedMessage | undefined;
    if (who === "create") {
      // A create has no previous state, read whenever.
      assert.equal(old, undefined, `${who} ${id}`);
      continue;
    }
    assert.equal(old?.id, id, `${who}: the deleted message's own state`);
    assert.equal(old?.content, content.get(id), who);
  }
});
