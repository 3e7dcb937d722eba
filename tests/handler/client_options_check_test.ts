import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { ClientStoppedError } from "../../handler/client_stopped_error.ts";
import { Handler } from "../../handler/handler.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeTransport } from "../../testing/fake_socket.ts";
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

Deno.test("Client refuses a number option given as a string with a TypeError that quotes it", async (t) => {
  const base = { token: "fake-token", intents: 1 };
  const rows: [string, Record<string, unknown>, string][] = [
    // Was a RangeError showing 'intents=513', which looks right.
    [
      "intents",
      { intents: "513" },
      `Cannot create client as 'intents' must be an integer made of documented intent bits (build it from GatewayIntent): current value 'intents="513"'`,
    ],
    [
      "intents an object",
      { intents: { guilds: true } },
      `Cannot create client as 'intents' must be an integer made of documented intent bits (build it from GatewayIntent): current value 'intents=object'`,
    ],
    [
      "shards",
      { shards: "4" },
      `Cannot create client as 'shards' must be an integer >= 1 or "recommended" (GET /gateway/bot's count): current value 'shards="4"'`,
    ],
    [
      "largeThreshold",
      { largeThreshold: "100" },
      `Cannot create client as 'largeThreshold' must be an integer from 50 to 250: current value 'largeThreshold="100"'`,
    ],
    [
      "shardIds[]",
      { shards: 2, shardIds: ["0"] },
      `Cannot create client as 'shardIds[]' must be an integer >= 0: current value 'shardIds[]="0"'`,
    ],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new Client({ ...base, ...options } as never),
        { name: "TypeError", message },
      );
    });
  }
  await t.step("a number out of range is still a RangeError", () => {
    assert.throws(() => new Client({ ...base, intents: 1.5 }), {
      name: "RangeError",
      message: /current value 'intents=1\.5'$/,
    });
    assert.throws(() => new Client({ ...base, shards: 0 }), {
      name: "RangeError",
      message: /current value 'shards=0'$/,
    });
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
    [
      "restBaseUrl with a query",
      {
        restBaseUrl: "http://127.0.0.1:9/api/v10?v=10",
      },
      /^Cannot create client as 'restBaseUrl' must be a URL that paths are appended to: .*'restBaseUrl=http:\/\/127\.0\.0\.1:9\/api\/v10\?v=10'$/,
    ],
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

Deno.test("Client refuses an option key it does not take, at every level, naming the nearest", async (t) => {
  const base = { token: "fake-token", intents: 1 };
  const rows: [string, Record<string, unknown>, RegExp][] = [
    // Each was ignored: the default stayed in force without a word.
    [
      "shard for shards",
      {
        shard: 4,
      },
      /^Cannot create client as 'shard' is not one of its options \(did you mean 'shards'\?\)$/,
    ],
    [
      "timeouts.conect",
      {
        timeouts: { conect: 1 },
      },
      /^Cannot create client as 'timeouts\.conect' is not one of its options \(did you mean 'timeouts\.connect'\?\)$/,
    ],
    [
      "cache.resourcs",
      {
        cache: { resourcs: ["guilds"] },
      },
      /^Cannot create client as 'cache\.resourcs' is not one of its options \(did you mean 'cache\.resources'\?\)$/,
    ],
    [
      "cache.messages.perchannel",
      {
        cache: { messages: { perchannel: 5 } },
      },
      /'cache\.messages\.perchannel' is not one of its options \(did you mean 'cache\.messages\.perChannel'\?\)$/,
    ],
    [
      "presence.stauts",
      {
        presence: { since: null, activities: [], stauts: "idle", afk: false },
      },
      /'presence\.stauts' is not one of its options \(did you mean 'presence\.status'\?\)$/,
    ],
    // Keys of other classes' options say what to use instead.
    [
      "shardCount",
      {
        shardCount: 2,
      },
      /'shardCount' is not one of its options: the Client's shard count is 'shards'$/,
    ],
    [
      "cache.ttl",
      {
        cache: { ttl: { messages: 60 } },
      },
      /'cache\.ttl' is not one of its options: 'ttl' is an option of RedisCache only$/,
    ],
    [
      "a key like no option",
      {
        zzzzzzzz: 1,
      },
      /'zzzzzzzz' is not one of its options; the options are 'token', 'intents'/,
    ],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new Client({ ...base, ...options } as never),
        (error) => error instanceof TypeError && message.test(error.message),
      );
    });
  }
  await t.step("every key of ClientOptions passes", () => {
    const scheduler = new VirtualScheduler();
    new Client({
      ...base,
      shards: 2,
      shardIds: [1],
      gatewayUrl: "wss://gateway.example",
      restBaseUrl: "https://api.example",
      fetch: () => Promise.resolve(new Response()),
      events: "all",
      signal: new AbortController().signal,
      cache: {
        resources: ["guilds", "messages"],
        messages: { perChannel: 10, maxAge: 60_000, dmChannels: 10 },
      },
      compress: "none",
      presence: { since: null, activities: [], status: "idle", afk: false },
      largeThreshold: 100,
      shardOptions: () => ({}),
      identifyQueue: new MemoryIdentifyQueue({ scheduler }),
      sessionStore: new MemorySessionStore(),
      sessionSaveInterval: 1000,
      transport: new FakeTransport().connect,
      scheduler,
      random: Math.random,
      timeouts: { connect: 1, hello: 1, ready: 1, close: 1 },
      maxInflatedBytes: 1024,
    });
    new Client({ ...base, rest: new RestClient({ token: "fake-token" }) });
  });
});

Deno.test("Client checks shardIds against a numeric shards at construction", async (t) => {
  const base = { token: "fake-token", intents: 1 };
  const rows: [string, Record<string, unknown>, RegExp][] = [
    // Was "Cannot create shard manager" from start().
    [
      "an id not below shards",
      {
        shards: 2,
        shardIds: [5],
      },
      /^Cannot create client as 'shardIds\[\]' must be an integer from 0 to 'shards' - 1: current values 'shardIds\[\]=5', 'shards=2'$/,
    ],
    ["an id equal to shards", {
      shards: 2,
      shardIds: [0, 2],
    }, /'shardIds\[\]=2', 'shards=2'/],
    [
      "an id twice",
      {
        shards: 2,
        shardIds: [0, 0],
      },
      /^Cannot create client as 'shardIds' must not repeat: current value 'shardIds\[\]=0' appears twice$/,
    ],
    ["an empty list", {
      shardIds: [],
    }, /^Cannot create client as 'shardIds' must not be empty/],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new Client({ ...base, ...options } as never),
        (error) => error instanceof RangeError && message.test(error.message),
      );
    });
  }
  await t.step(
    "ids below shards, or with the count not known yet, pass",
    () => {
      new Client({ ...base, shards: 2, shardIds: [1, 0] });
      // Only GET /gateway/bot tells the count: checked at start().
      new Client({ ...base, shards: "recommended", shardIds: [5] });
      new Client({ ...base, shardIds: [5] });
    },
  );
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
