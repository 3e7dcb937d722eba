// Handlers that reach back into the Client while they run: subscribing or
// unsubscribing, returning odd thenables, throwing odd values. Each event
// is still handed out once, and the shard goes on.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import type { HandlerError } from "../../handler/handler_error.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

type Message = GatewayEventMap["MESSAGE_CREATE"];

Deno.test("Client: a listener that subscribes or unsubscribes while it runs gets its event once, and a listener added then waits for the next event", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start(new (class extends Handler {})());
  const seen: string[] = [];
  const answers: string[] = [];
  let asked = 0;
  // The "wait for an answer" pattern: on a question, listen for the next
  // message (re-registering the Client's shard listener mid-delivery).
  client.on("MESSAGE_CREATE", (m: Message) => {
    seen.push(m.content);
    if (m.content !== "question") return;
    asked++;
    const off = client.on("MESSAGE_CREATE", (answer: Message) => {
      answers.push(answer.content);
      off();
    });
  });
  const done = new Promise<void>((resolve) =>
    client.on("MESSAGE_CREATE", (m: Message) => {
      if (m.content === "end") resolve();
    })
  );
  discord.postMessage("question");
  discord.postMessage("answer");
  discord.postMessage("end");
  await done;
  await client.idle();
  assert.deepEqual(seen, ["question", "answer", "end"], "each event once");
  assert.equal(asked, 1);
  assert.deepEqual(answers, ["answer"], "not fed the question itself");
});

Deno.test("Client: a listener removed by an earlier listener of the same event is not called for it", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start(new (class extends Handler {})());
  const calls: string[] = [];
  let offSecond = (): void => {};
  client.on("MESSAGE_CREATE", (m: Message) => {
    calls.push(`first:${m.content}`);
    offSecond();
  });
  offSecond = client.on("MESSAGE_CREATE", (m: Message) => {
    calls.push(`second:${m.content}`);
  });
  const done = new Promise<void>((resolve) =>
    client.on("MESSAGE_CREATE", (m: Message) => {
      if (m.content === "end") resolve();
    })
  );
  discord.postMessage("hello");
  discord.postMessage("end");
  await done;
  await client.idle();
  assert.deepEqual(calls, ["first:hello", "first:end"]);
});

Deno.test("Client: a handler returning a thenable whose then() returns null, or throwing a value String() cannot print, reaches onError; the shard goes on", async () => {
  await using discord = await FakeDiscord.start();
  const errors: HandlerError[] = [];
  const handled: string[] = [];
  class Bot extends Handler {
    override onMessageCreate(m: Message): void {
      handled.push(m.content);
      if (m.content === "thenable") {
        return {
          then(_: unknown, reject: (error: unknown) => void): null {
            reject(new Error("thenable failed"));
            return null;
          },
        } as unknown as void;
      }
      if (m.content === "bare") throw Object.create(null);
    }
    override onError(error: HandlerError): void {
      errors.push(error);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start(new Bot());
  const done = new Promise<void>((resolve) =>
    client.on("MESSAGE_CREATE", (m: Message) => {
      if (m.content === "after") resolve();
    })
  );
  discord.postMessage("thenable");
  discord.postMessage("bare");
  discord.postMessage("after");
  await done;
  await client.idle();
  assert.deepEqual(handled, ["thenable", "bare", "after"]);
  assert.equal(errors.length, 2);
  assert.match(errors[0]!.message, /threw: thenable failed/);
  assert.match(errors[1]!.message, /threw: \[object Object\]/);
  assert.equal(client.shards!.shard(0)!.status, "ready");
});
