// Every one of the 79 dispatch events reaches both a Handler method and a
// typed `on` listener, end to end through the fake gateway.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import {
  GATEWAY_EVENT_NAMES,
  type GatewayEventName,
  HANDLER_METHOD_NAMES,
} from "../../types/events.ts";
import { ALL_INTENTS } from "../../types/intents.ts";

Deno.test("All 79 events reach their Handler method and their on() listener", async () => {
  assert.equal(GATEWAY_EVENT_NAMES.length, 79);
  const byMethod: string[] = [];
  class EveryEvent extends Handler {}
  for (const event of GATEWAY_EVENT_NAMES) {
    const method = HANDLER_METHOD_NAMES[event];
    assert.equal(
      typeof (Handler.prototype as unknown as Record<string, unknown>)[method],
      "function",
      `Handler has ${method}`,
    );
    Object.defineProperty(EveryEvent.prototype, method, {
      value(): void {
        byMethod.push(event);
      },
    });
  }
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: ALL_INTENTS,
    ...discord.clientOptions,
  });
  const byListener = new Set<string>();
  for (const event of GATEWAY_EVENT_NAMES) {
    client.on(event, () => void byListener.add(event));
  }
  await client.start(new EveryEvent());
  const shard = client.shards!.shard(0)!;
  const others = GATEWAY_EVENT_NAMES.filter((event) =>
    event !== "READY" && event !== "RESUMED"
  );
  for (const event of others) {
    discord.gateway.dispatch(event, { guild_id: discord.guildId }, {
      shardId: 0,
      ignoreIntents: true,
    });
  }
  // A drop and a resume bring RESUMED.
  const resumed = new Promise<void>((resolve) =>
    client.on("RESUMED", () => resolve())
  );
  discord.gateway.dropConnection();
  await resumed;
  await client.idle();
  const missing = (seen: Iterable<string>): GatewayEventName[] => {
    const set = new Set(seen);
    return GATEWAY_EVENT_NAMES.filter((event) => !set.has(event));
  };
  assert.deepEqual(missing(byMethod), [], "Handler methods not called");
  assert.deepEqual(missing(byListener), [], "on() listeners not called");
  assert.equal(shard.status, "ready");
});
