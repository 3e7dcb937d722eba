import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { DEFAULT_GATEWAY_URL } from "../../gateway/shard_options.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { within } from "../_fakes/watchdog.ts";

Deno.test("FakeDiscord.clientOptions point at the fake in both modes", async (t) => {
  for (const loopback of [false, true]) {
    await t.step(loopback ? "loopback" : "in-process", async () => {
      await using discord = await FakeDiscord.start({ loopback });
      const options = discord.clientOptions;
      if (loopback) {
        assert.match(options.gatewayUrl ?? "", /^ws:\/\/127\.0\.0\.1:\d+/);
      } else {
        // No URL can lead past the fake's own transport.
        assert.equal(options.transport, discord.gateway.transport);
        assert.equal(discord.gateway.url, DEFAULT_GATEWAY_URL);
      }
      // A bare Shard built from the options reaches the fake.
      const shard = new Shard({ token: discord.token, intents: 1, ...options });
      try {
        await within(shard.connect(), "the shard to be ready");
        assert.equal(shard.status, "ready");
        assert.equal(discord.gateway.counters.identifies, 1);
      } finally {
        await shard.close();
      }
    });
  }
});
