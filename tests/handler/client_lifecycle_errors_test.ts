// Where what the Handler's lifecycle methods throw goes: logged (stderr
// without a LogTape sink), naming the method, and not to `onError`, as
// Handler's JSDoc and the README's Logging section say: a HandlerError
// names an event, which they have none of, and an onError fed its own
// failures could loop.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import type { HandlerError } from "../../handler/handler_error.ts";
import type { ShardStateChange } from "../../gateway/shard.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

Deno.test("Client: what onShardStateChange and onGatewayError throw is said on stderr naming the method, and never reaches onError", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const toOnError: HandlerError[] = [];
  class Bot extends Handler {
    override onShardStateChange(change: ShardStateChange): void {
      if (change.current === "ready") throw new Error("state-boom");
    }
    override onGatewayError(): Promise<void> {
      return Promise.reject(new Error("gateway-boom"));
    }
    override onError(error: HandlerError): void {
      toOnError.push(error);
    }
  }
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
  });
  const lines = await captureStderr(async () => {
    await runUntilSettled(clock, client.start(new Bot()));
    await client.idle();
    // A token reset mid-run: a fatal close, reported to onGatewayError.
    discord.gateway.closeWith(4004, "token reset");
    await clock.advance(0);
    await clock.flushMicrotasks();
    await client.idle();
  });
  const text = lines.join("\n");
  assert.match(text, /Handler\.onShardStateChange threw: .*state-boom/);
  assert.match(text, /Handler\.onGatewayError threw: .*gateway-boom/);
  assert.deepEqual(toOnError, [], "onError is for event methods only");
  await runUntilSettled(clock, client.stop());
});
