// `client.on(event, listener, { atArrival: true })`: listeners called as the
// event arrives, not in turn behind the shard's running handler (what the
// waiters of awaitMessage and awaitComponent need).
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import type { HandlerError } from "../../handler/handler_error.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

type Message = GatewayEventMap["MESSAGE_CREATE"];

/** Start `client` on the virtual clock. */
async function start(
  clock: VirtualScheduler,
  client: Client,
  handler?: Handler,
): Promise<void> {
  await runUntilSettled(clock, client.start(handler));
}

Deno.test("an atArrival listener sees each event as it arrives, once, with its own ctx.old, while the ordinary ones keep their order", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  class Bot extends Handler {
    override async onMessageCreate(message: Message): Promise<void> {
      order.push(`handler ${message.content}`);
      if (message.content === "1") await gate;
    }
  }
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    cache: { resources: ["guilds", "channels", "messages"] },
    ...discord.clientOptions,
  });
  const arrived: string[] = [];
  const olds: unknown[] = [];
  client.on("MESSAGE_CREATE", (m) => void order.push(`listener ${m.content}`));
  client.on("MESSAGE_CREATE", (m) => void arrived.push(m.content), {
    atArrival: true,
  });
  client.on("MESSAGE_UPDATE", (m, ctx) => {
    arrived.push(`edit ${m.content}`);
    olds.push(ctx.old?.content);
  }, { atArrival: true });
  await start(clock, client, new Bot());
  try {
    const first = discord.postMessage("1");
    discord.postMessage("2");
    discord.editMessage(first, "1 edited");
    await clock.flushMicrotasks();
    // The handler of "1" still awaits: the ordinary listeners wait behind
    // it, the atArrival ones do not.
    assert.deepEqual(order, ["handler 1"]);
    assert.deepEqual(arrived, ["1", "2", "edit 1 edited"]);
    assert.deepEqual(olds, ["1"], "ctx.old is the edited message's");
    release();
    await client.idle();
    assert.deepEqual(order, [
      "handler 1",
      "listener 1",
      "handler 2",
      "listener 2",
    ]);
    assert.deepEqual(arrived, ["1", "2", "edit 1 edited"], "each once");
  } finally {
    let stopped = false;
    const stopping = client.stop().finally(() => stopped = true);
    await runUntil(clock, () => stopped);
    await stopping;
  }
});

Deno.test("an atArrival listener that throws or rejects is reported as a handler's error, and the Client carries on", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const seen: string[] = [];
  client.on("MESSAGE_CREATE", (m) => {
    if (m.content === "throw") throw new Error("waiter bug");
  }, { atArrival: true });
  client.on("MESSAGE_CREATE", (m) => {
    return m.content === "reject"
      ? Promise.reject(new Error("async bug"))
      : undefined;
  }, { atArrival: true });
  client.on("MESSAGE_CREATE", (m) => void seen.push(`early ${m.content}`), {
    atArrival: true,
  });
  client.on("MESSAGE_CREATE", (m) => void seen.push(m.content));
  const lines = await captureStderr(async () => {
    await start(clock, client);
    discord.postMessage("throw");
    discord.postMessage("reject");
    discord.postMessage("after");
    await clock.flushMicrotasks();
    await client.idle();
  });
  assert.deepEqual(seen, [
    "early throw",
    "throw",
    "early reject",
    "reject",
    "early after",
    "after",
  ]);
  const reported = lines.filter((line) => line.includes("MESSAGE_CREATE"));
  assert.equal(reported.length, 2, lines.join("\n"));
  assert.match(reported[0]!, /waiter bug/);
  assert.match(reported[1]!, /async bug/);
  await client.stop();

  // With onError, it goes there as a HandlerError.
  const errors: HandlerError[] = [];
  class Bot extends Handler {
    override onError(error: HandlerError): void {
      errors.push(error);
    }
  }
  await start(clock, client, new Bot());
  discord.postMessage("throw");
  await clock.flushMicrotasks();
  await client.idle();
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.event, "MESSAGE_CREATE");
  assert.match(String((errors[0]!.cause as Error).message), /waiter bug/);
  await client.stop();
});

Deno.test("on() refuses options that are not { atArrival?: boolean } instead of ignoring them", () => {
  const client = new Client({ token: "t", intents: INTENTS });
  const listener = (_: Message, __: Context): void => {};
  assert.throws(
    () => client.on("MESSAGE_CREATE", listener, { atArrival: "yes" } as never),
    {
      name: "TypeError",
      message:
        "Cannot listen to 'MESSAGE_CREATE' as 'atArrival' must be a boolean: current value 'atArrival=\"yes\"'",
    },
  );
  assert.throws(
    () => client.on("MESSAGE_CREATE", listener, { atarrival: true } as never),
    {
      name: "TypeError",
      message:
        "Cannot listen to 'MESSAGE_CREATE' as 'atarrival' is not one of its options (did you mean 'atArrival'?)",
    },
  );
  assert.throws(
    () => client.on("MESSAGE_CREATE", listener, null as never),
    /Cannot listen to 'MESSAGE_CREATE' as 'options' must be an object/,
  );
  // Either value, or none, is fine; each returns its remover.
  client.on("MESSAGE_CREATE", listener, { atArrival: false })();
  client.on("MESSAGE_CREATE", listener, { atArrival: true })();
  client.on("MESSAGE_CREATE", listener, {})();
});

Deno.test("an atArrival listener removed by an earlier one for the same event is not called for it, nor after; one added then waits for the next event", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const seen: string[] = [];
  let offSecond: () => void = () => {};
  client.on("MESSAGE_CREATE", (m) => {
    seen.push(`first ${m.content}`);
    if (m.content === "1") {
      offSecond();
      client.on("MESSAGE_CREATE", (n) => void seen.push(`third ${n.content}`), {
        atArrival: true,
      });
    }
  }, { atArrival: true });
  offSecond = client.on(
    "MESSAGE_CREATE",
    (m) => void seen.push(`second ${m.content}`),
    { atArrival: true },
  );
  await start(clock, client);
  try {
    discord.postMessage("1");
    await clock.flushMicrotasks();
    discord.postMessage("2");
    await clock.flushMicrotasks();
    await client.idle();
    assert.deepEqual(seen, ["first 1", "first 2", "third 2"]);
  } finally {
    await client.stop();
  }
});
