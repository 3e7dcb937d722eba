/**
 * A bot's loopback test in miniature, run in a subprocess by
 * tests/testing/loopback_exit_test.ts: a Client against FakeDiscord on
 * 127.0.0.1, a TCP drop and a resume, a message answered, everything
 * closed. Prints `closed` when done; the process should exit right after.
 */
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";

{
  await using discord = await FakeDiscord.start({ loopback: true });
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  await client.start();
  const shard = client.shards!.shard(0)!;
  const resumed = new Promise<void>((resolve) => {
    const off = shard.on("dispatch", (event) => {
      if (event.name !== "RESUMED") return;
      off();
      resolve();
    });
  });
  discord.gateway.dropConnection();
  await resumed;
  const seen = new Promise<void>((resolve) => {
    const off = client.on("MESSAGE_CREATE", () => {
      off();
      resolve();
    });
  });
  discord.postMessage("after the drop");
  await seen;
}
// deno-lint-ignore no-console -- the parent test waits for this line
console.log("closed");
