// What on() and its off() do to a listener's registration: removed and
// added again while its events are queued (a plugin reload), or added
// twice.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

type Message = GatewayEventMap["MESSAGE_CREATE"];

/** Run `body` with a started Client on the virtual clock, then stop it. */
async function withClient(
  body: (
    client: Client,
    discord: FakeDiscord,
    clock: VirtualScheduler,
  ) => Promise<void>,
): Promise<void> {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await runUntilSettled(clock, client.start());
  try {
    await body(client, discord, clock);
  } finally {
    let stopped = false;
    const stopping = client.stop().finally(() => stopped = true);
    await runUntil(clock, () => stopped);
    await stopping;
  }
}

/** Post each message, then run until every listener call is done. */
async function post(
  client: Client,
  discord: FakeDiscord,
  clock: VirtualScheduler,
  ...contents: string[]
): Promise<void> {
  for (const content of contents) discord.postMessage(content);
  await runUntilSettled(
    clock,
    (async () => {
      await discord.delivered();
      await client.idle();
    })(),
  );
}

for (const withAnother of [false, true]) {
  Deno.test(
    `Client: a listener removed and added again while its events are queued gets them all (${
      withAnother ? "with another listener" : "its event's only listener"
    })`,
    async () => {
      await withClient(async (client, discord, clock) => {
        const calls: string[] = [];
        let release!: () => void;
        const gate = new Promise<void>((resolve) => release = resolve);
        const listener = async (m: Message): Promise<void> => {
          calls.push(m.content);
          if (m.content !== "1") return;
          await gate;
          // A plugin reload: the same listener unsubscribed and subscribed.
          off();
          off = client.on("MESSAGE_CREATE", listener);
        };
        let off = client.on("MESSAGE_CREATE", listener);
        if (withAnother) client.on("MESSAGE_CREATE", () => {});
        discord.postMessage("1");
        discord.postMessage("2");
        discord.postMessage("3");
        await runUntilSettled(clock, discord.delivered());
        // "2" and "3" are queued behind the listener's call of "1".
        assert.deepEqual(calls, ["1"]);
        release();
        await post(client, discord, clock);
        assert.deepEqual(calls, ["1", "2", "3"]);
        off();
        await post(client, discord, clock, "4");
        assert.deepEqual(calls, ["1", "2", "3"], "removed for good");
      });
    },
  );
}

Deno.test("Client: an atArrival listener removed and added again by an earlier one, both emptying the event's listeners, still gets that event", async () => {
  await withClient(async (client, discord, clock) => {
    const calls: string[] = [];
    const second = (m: Message): void => void calls.push(`second ${m.content}`);
    let offSecond = (): void => {};
    const offFirst = client.on("MESSAGE_CREATE", (m) => {
      calls.push(`first ${m.content}`);
      offFirst();
      offSecond();
      offSecond = client.on("MESSAGE_CREATE", second, { atArrival: true });
    }, { atArrival: true });
    offSecond = client.on("MESSAGE_CREATE", second, { atArrival: true });
    await post(client, discord, clock, "1", "2");
    assert.deepEqual(calls, ["first 1", "second 1", "second 2"]);
  });
});

Deno.test("Client: a function added twice with on() is called once per event, until each of its off() is called", async () => {
  await withClient(async (client, discord, clock) => {
    const calls: string[] = [];
    const listener = (m: Message): void => void calls.push(m.content);
    const off1 = client.on("MESSAGE_CREATE", listener);
    const off2 = client.on("MESSAGE_CREATE", listener);
    await post(client, discord, clock, "both");
    off1();
    off1(); // a second call of the same off() removes nothing more
    await post(client, discord, clock, "one left");
    off2();
    await post(client, discord, clock, "none");
    assert.deepEqual(calls, ["both", "one left"]);
  });
});
