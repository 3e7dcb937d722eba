/**
 * When the session-start budget runs out Discord resets the bot's token:
 * FakeDiscord's gateway closes with 4004 from then on, and its REST side
 * refuses the token too (401), as Discord does for a token it reset.
 */
import assert from "node:assert/strict";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const PROPERTIES = { os: "linux", browser: "test", device: "test" };

/** IDENTIFY with `token` on a fresh connection; the close code. */
async function identify(
  discord: FakeDiscord,
  scheduler: VirtualScheduler,
  token: string,
): Promise<number | undefined> {
  let closeCode: number | undefined;
  const socket = discord.gateway.transport(
    `${discord.gateway.url}/?v=10&encoding=json`,
    {
      onOpen: () => {},
      onMessage: () => {},
      onClose: (code) => closeCode = code,
      onError: () => {},
    },
  );
  await scheduler.flushMicrotasks();
  socket.send(JSON.stringify({
    op: 2,
    d: { token, intents: 1, properties: PROPERTIES },
  }));
  await scheduler.flushMicrotasks();
  return closeCode;
}

async function gatewayBot(
  discord: FakeDiscord,
): Promise<{ status: number; json: unknown }> {
  const response = await discord.rest.fetch(
    "https://discord.com/api/v10/gateway/bot",
    { headers: { authorization: `Bot ${discord.token}` } },
  );
  return { status: response.status, json: await response.json() };
}

Deno.test("FakeDiscord's REST refuses the token its gateway reset when the session starts ran out", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    scheduler,
    gateway: { sessionStartLimit: { total: 1, remaining: 0 } },
  });
  assert.equal((await gatewayBot(discord)).status, 200);
  // Another token's 4004 resets nothing.
  assert.equal(await identify(discord, scheduler, "not-the-token"), 4004);
  assert.equal((await gatewayBot(discord)).status, 200);

  assert.equal(await identify(discord, scheduler, discord.token), 4004);
  assert.deepEqual(await gatewayBot(discord), {
    status: 401,
    json: { message: "401: Unauthorized", code: 0 },
  });
  // For good: a new budget window does not bring the token back.
  await scheduler.advance(86_400_000);
  assert.equal((await gatewayBot(discord)).status, 401);
});

Deno.test("FakeDiscord keeps the user's gateway hooks while watching for a token reset", async () => {
  const scheduler = new VirtualScheduler();
  const frames: number[] = [];
  const identifies: (number | null)[] = [];
  await using discord = await FakeDiscord.start({
    scheduler,
    gateway: {
      sessionStartLimit: { total: 1, remaining: 0 },
      onClientFrame: (_id, frame) => frames.push(frame.op ?? -1),
      onIdentify: (event) => identifies.push(event.closeCode),
    },
  });
  await identify(discord, scheduler, discord.token);
  assert.deepEqual(frames, [2]);
  assert.deepEqual(identifies, [4004]);
  assert.equal((await gatewayBot(discord)).status, 401);
});
