import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { ClientStoppedError } from "../../handler/client_stopped_error.ts";
import { Handler } from "../../handler/handler.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

Deno.test("Client validates every numeric option at construction, naming it", async (t) => {
  const base = { token: "fake-token", intents: 1 };
  const rows: [string, Record<string, unknown>, RegExp][] = [
    ["intents 1.5", { intents: 1.5 }, /'intents'/],
    ["intents NaN", { intents: NaN }, /'intents'/],
    ["intents an undocumented bit", { intents: 2 ** 40 }, /'intents'/],
    ["shards 0", { shards: 0 }, /'shards'/],
    ["shards 2.5", { shards: 2.5 }, /'shards'/],
    ["shards a word", { shards: "many" }, /'shards'/],
    // Every shard is built at start(): 1,000,000 ran out of memory there.
    ["shards 65,537 without shardIds", {
      shards: 65_537,
    }, /'shards' must be at most 65536 without 'shardIds'.*'shards=65537'/],
    ["shardIds with -1", { shardIds: [-1] }, /'shardIds\[\]'/],
    ["largeThreshold 10", { largeThreshold: 10 }, /'largeThreshold'/],
    ["sessionSaveInterval 0", {
      sessionSaveInterval: 0,
    }, /'sessionSaveInterval'/],
    ["timeouts.connect NaN", {
      timeouts: { connect: NaN },
    }, /'timeouts\.connect'/],
    ["timeouts.hello negative", {
      timeouts: { hello: -1 },
    }, /'timeouts\.hello'/],
    ["timeouts.ready 0", { timeouts: { ready: 0 } }, /'timeouts\.ready'/],
    ["maxInflatedBytes NaN", {
      maxInflatedBytes: NaN,
    }, /'maxInflatedBytes'/],
    ["maxInflatedBytes 0", { maxInflatedBytes: 0 }, /'maxInflatedBytes'/],
    ["maxInflatedBytes 1.5", {
      maxInflatedBytes: 1.5,
    }, /'maxInflatedBytes'/],
    ["gatewayUrl not a URL", { gatewayUrl: "nope" }, /'gatewayUrl'/],
    ["token empty", { token: "" }, /'token'/],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new Client({ ...base, ...options } as never),
        message,
      );
    });
  }
  await t.step("good options pass", () => {
    new Client({
      ...base,
      shards: "recommended",
      timeouts: { connect: 5000 },
      largeThreshold: 250,
    });
    // A bigger bot lists the shards this process runs.
    new Client({ ...base, shards: 1_000_000, shardIds: [0, 1] });
    new Client({ ...base, shards: 65_536 });
  });
});

Deno.test("Client refuses untyped signal, cache, events and seam options at construction, naming them", async (t) => {
  const base = { token: "fake-token", intents: 1 };
  const rows: [string, Record<string, unknown>, RegExp][] = [
    [
      "signal a string",
      {
        signal: "x",
      },
      /^Cannot create client as 'signal' must be an AbortSignal: current value 'signal=x'$/,
    ],
    ["signal a number", { signal: 5 }, /'signal' must be an AbortSignal/],
    ["signal a plain object", {
      signal: {},
    }, /'signal' must be an AbortSignal: current value 'signal=object'$/],
    [
      "signal the controller itself",
      {
        signal: new AbortController(),
      },
      /^Cannot create client as 'signal' must be an AbortSignal \(pass the controller's \.signal\): current value 'signal=AbortController'$/,
    ],
    [
      "cache true",
      {
        cache: true,
      },
      /^Cannot create client as 'cache' must be an object \(`cache: \{\}` keeps every resource; leave it out for no cache\): current value 'cache=true'$/,
    ],
    // Was a full cache: the opposite of what it says.
    [
      "cache false",
      { cache: false },
      /'cache' must be an object.*'cache=false'/,
    ],
    ["cache null", { cache: null }, /'cache' must be an object.*'cache=null'/],
    [
      "cache a string",
      { cache: "all" },
      /'cache' must be an object.*'cache=all'/,
    ],
    ["cache a list", {
      cache: ["guilds"],
    }, /'cache' must be an object.*'cache=array'/],
    // Was "'g' is not a cache resource".
    [
      "cache.resources a string",
      {
        cache: { resources: "guilds" },
      },
      /^Cannot create client as 'cache\.resources' must be a list of cache resource names: current value 'cache\.resources=guilds'$/,
    ],
    ["cache.messages a number", {
      cache: { messages: 100 },
    }, /'cache\.messages' must be an object.*'cache\.messages=100'/],
    // Was a set of its letters: no event parsed, no error.
    [
      "events a word",
      {
        events: "none",
      },
      /^Cannot create client as 'events' must be "auto", "all" or a list of gateway event names: current value 'events=none'$/,
    ],
    ["events true", { events: true }, /'events' must be "auto", "all"/],
    [
      "events a misspelt name",
      {
        events: ["MESSAGE_CREATED"],
      },
      /^Cannot create client as 'events\[\]' must be a gateway event name \(did you mean 'MESSAGE_CREATE'\?\): current value 'events\[\]=MESSAGE_CREATED'$/,
    ],
    ["events with a number", {
      events: [42],
    }, /'events\[\]' must be a gateway event name.*'events\[\]=42'/],
    // Was a start() that never settled.
    [
      "fetch a string",
      {
        fetch: "x",
      },
      /^Cannot create client as 'fetch' must be a function: current value 'fetch=string'$/,
    ],
    [
      "scheduler without timers",
      {
        scheduler: {},
      },
      /^Cannot create client as 'scheduler' must be a Scheduler \(now, setTimeout and clearTimeout functions\): current value 'scheduler=object'$/,
    ],
    [
      "rest a string",
      {
        rest: "token",
      },
      /^Cannot create client as 'rest' must be a RestClient: current value 'rest=string'$/,
    ],
    [
      "restBaseUrl a number",
      {
        restBaseUrl: 5,
      },
      /^Cannot create client as 'restBaseUrl' must be an http: or https: URL: current value 'restBaseUrl=5'$/,
    ],
    ["restBaseUrl not a URL", {
      restBaseUrl: "discord.com/api",
    }, /'restBaseUrl' must be an http: or https: URL/],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new Client({ ...base, ...options } as never),
        (error) => {
          assert.ok(error instanceof TypeError, String(error));
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
  await t.step("good options pass", () => {
    new Client({ ...base, signal: new AbortController().signal });
    new Client({ ...base, signal: AbortSignal.abort() });
    new Client({ ...base, cache: {} });
    new Client({
      ...base,
      cache: { resources: ["guilds"], messages: { perChannel: 5 } },
    });
    new Client({ ...base, events: "auto" });
    new Client({ ...base, events: "all" });
    new Client({ ...base, events: ["MESSAGE_CREATE", "READY"] });
    new Client({ ...base, events: [] });
    new Client({ ...base, fetch: globalThis.fetch });
    new Client({ ...base, scheduler: new VirtualScheduler() });
    new Client({ ...base, rest: new RestClient({ token: "fake-token" }) });
    new Client({ ...base, restBaseUrl: "http://127.0.0.1:1/api/v10" });
  });
});

Deno.test("start() refuses a Handler class or a non-handler at once, naming the fix", async (t) => {
  class PingBot extends Handler {
    override onMessageCreate(): void {}
  }
  const clock = new VirtualScheduler();
  let sockets = 0;
  const client = new Client({
    token: "fake-token",
    intents: 1,
    gatewayUrl: "wss://gateway.invalid",
    shards: 1,
    scheduler: clock,
    // A gateway that never answers; closing a socket reports its close.
    transport: (_url, listener) => {
      sockets++;
      return {
        send: () => {},
        close: () => queueMicrotask(() => listener.onClose(1006, "closed")),
      };
    },
  });
  const rows: [string, unknown, RegExp][] = [
    [
      "the class instead of an instance",
      PingBot,
      /^Cannot start client as 'handler' must be a Handler instance, not a class \(pass an instance: new PingBot\(\)\): current value 'handler=class PingBot'$/,
    ],
    [
      "a function",
      () => {},
      /^Cannot start client as 'handler' must be a Handler instance: current value 'handler=function anonymous'$/,
    ],
    [
      "a number",
      42,
      /^Cannot start client as 'handler' must be a Handler instance: current value 'handler=42'$/,
    ],
    // As discord.js's login(token): never echoed.
    [
      "a token",
      "secret-token",
      /^Cannot start client as 'handler' must be a Handler instance \(the token goes in the Client's options\): current value 'handler=string'$/,
    ],
    [
      "null",
      null,
      /'handler' must be a Handler instance: current value 'handler=null'$/,
    ],
    // Each crashed inside start() on a missing method.
    [
      "an empty object",
      {},
      /^Cannot start client as 'handler' must be a Handler instance \(class Bot extends Handler, then start\(new Bot\(\)\)\): current value 'handler=object without onRaw\(\)'$/,
    ],
    [
      "an object with one method",
      {
        onMessageCreate(): void {},
      },
      /'handler' must be a Handler instance \(class Bot extends Handler.*'handler=object without onRaw\(\)'$/,
    ],
  ];
  for (const [name, handler, message] of rows) {
    await t.step(name, async () => {
      let refused: unknown;
      // Already rejected when start() returns: one turn delivers it.
      client.start(handler as never).catch((error) => refused = error);
      await Promise.resolve();
      assert.ok(refused instanceof TypeError, String(refused));
      assert.match(refused.message, message);
      assert.equal(client.shards, undefined);
    });
  }
  await t.step(
    "nothing was started: an instance starts afterwards",
    async () => {
      assert.equal(sockets, 0);
      assert.equal(clock.pending, 0);
      const starting = client.start(new PingBot());
      await clock.flushMicrotasks();
      assert.equal(sockets, 1);
      await client.stop();
      await assert.rejects(starting, ClientStoppedError);
    },
  );
});

Deno.test("start() still takes an object with every Handler method (a Handler of another copy of the library)", async () => {
  await using discord = await FakeDiscord.start();
  const seen: string[] = [];
  const handler: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Handler.prototype)) {
    if (name !== "constructor") handler[name] = () => {};
  }
  handler.onMessageCreate = (message: { content: string }) => {
    seen.push(message.content);
  };
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  // Quiet: every method counts as overridden, so some are warned about.
  await captureStderr(() => client.start(handler as unknown as Handler));
  const handled = new Promise<void>((resolve) =>
    client.on("MESSAGE_CREATE", (message) => {
      if (message.content === "again") resolve();
    })
  );
  discord.postMessage("hello");
  discord.postMessage("again");
  await handled;
  await client.idle();
  assert.deepEqual(seen, ["hello", "again"]);
});
