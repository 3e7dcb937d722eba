// A HandlerError says what threw: a Handler method (named), onRaw, an `on`
// listener or an `atArrival` one. Before, all of them were "Handler for
// MESSAGE_CREATE (shard 0, sequence 3) threw: …", told apart only by the
// thrown text.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { HandlerError } from "../../handler/handler_error.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

Deno.test("a method, onRaw, a listener and an atArrival listener that all throw each name their source", async () => {
  const errors: HandlerError[] = [];
  class Bot extends Handler {
    override onRaw(dispatch: { name: string }): void {
      if (dispatch.name === "MESSAGE_CREATE") throw new Error("raw boom");
    }
    override onMessageCreate(): void {
      throw new Error("method boom");
    }
    override onError(error: HandlerError): void {
      errors.push(error);
    }
  }
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  client.on("MESSAGE_CREATE", () => {
    throw new Error("listener boom");
  });
  client.on("MESSAGE_CREATE", () => {
    throw new Error("arrival boom");
  }, { atArrival: true });
  const lines = await captureStderr(async () => {
    await client.start(new Bot());
    discord.postMessage("x");
    await discord.delivered();
    await client.idle();
  });
  assert.deepEqual(lines, []);
  const seen = errors.map((e) => [e.source, e.method, e.message]);
  seen.sort((a, b) => String(a[0]) < String(b[0]) ? -1 : 1);
  const where = /\(shard 0, sequence \d+\)/.source;
  assert.equal(seen.length, 4, JSON.stringify(seen));
  const expected: [string, string | undefined, RegExp][] = [
    ["atArrival", undefined, /^An atArrival listener for MESSAGE_CREATE /],
    ["listener", undefined, /^A listener for MESSAGE_CREATE /],
    ["method", "onMessageCreate", /^Handler method onMessageCreate for /],
    ["raw", "onRaw", /^Handler method onRaw for MESSAGE_CREATE /],
  ];
  const thrown = ["arrival boom", "listener boom", "method boom", "raw boom"];
  for (const [i, [source, method, start]] of expected.entries()) {
    assert.equal(seen[i]![0], source);
    assert.equal(seen[i]![1], method);
    assert.match(String(seen[i]![2]), start);
    assert.match(
      String(seen[i]![2]),
      new RegExp(`MESSAGE_CREATE ${where} threw: ${thrown[i]}$`),
    );
  }
});

Deno.test("a HandlerError built without a source keeps the plain wording", () => {
  const error = new HandlerError({
    cause: new Error("boom"),
    event: "MESSAGE_CREATE",
    shardId: 0,
    sequence: 3,
  });
  assert.equal(error.source, undefined);
  assert.equal(error.method, undefined);
  assert.equal(
    error.message,
    "Handler for MESSAGE_CREATE (shard 0, sequence 3) threw: boom",
  );
  const named = new HandlerError({
    cause: new Error("boom"),
    event: "MESSAGE_CREATE",
    shardId: 0,
    sequence: 3,
    source: "method",
    method: "onMessageCreate",
  });
  assert.equal(
    named.message,
    "Handler method onMessageCreate for MESSAGE_CREATE (shard 0, sequence 3) threw: boom",
  );
});

Deno.test("a HandlerError is named HandlerError and keeps the event, shard and sequence; a raw one without a method names onRaw", () => {
  const cause = new Error("boom");
  const error = new HandlerError({
    cause,
    event: "GUILD_CREATE",
    shardId: 2,
    sequence: 41,
    source: "raw",
  });
  assert.equal(error.name, "HandlerError");
  assert.equal(error.event, "GUILD_CREATE");
  assert.equal(error.shardId, 2);
  assert.equal(error.sequence, 41);
  assert.equal(error.cause, cause);
  assert.equal(
    error.message,
    "Handler method onRaw for GUILD_CREATE (shard 2, sequence 41) threw: boom",
  );
});
