import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/memory_store.ts";
import { resolveCacheOptions } from "../../cache/options.ts";

Deno.test("cache options refuse a key they do not have, naming the nearest", async (t) => {
  const rows: [string, Record<string, unknown>, RegExp][] = [
    // Each was ignored: every resource, or 100 messages a channel, kept.
    [
      "resourcs",
      {
        resourcs: ["guilds"],
      },
      /^Cannot create cache as 'resourcs' is not one of its options \(did you mean 'resources'\?\)$/,
    ],
    [
      "messages.perchannel",
      {
        messages: { perchannel: 5 },
      },
      /^Cannot create cache as 'messages\.perchannel' is not one of its options \(did you mean 'messages\.perChannel'\?\)$/,
    ],
    [
      "messages.maxage",
      {
        messages: { maxage: 5 },
      },
      /'messages\.maxage' is not one of its options \(did you mean 'messages\.maxAge'\?\)$/,
    ],
    [
      "a key like no option",
      {
        zzzzzzzz: 1,
      },
      /'zzzzzzzz' is not one of its options; the options are 'resources', 'messages'/,
    ],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new MemoryCache(options as never),
        (error) => error instanceof TypeError && message.test(error.message),
      );
    });
  }
  await t.step("a store's own keys pass when it names them", () => {
    resolveCacheOptions({ ttl: { messages: 60 } } as never, ["ttl"]);
    for (
      const refuse of [
        () => resolveCacheOptions({ ttl: { messages: 60 } } as never),
        () => new MemoryCache({ ttl: { messages: 60 } } as never),
      ]
    ) {
      assert.throws(
        refuse,
        /^TypeError: Cannot create cache as 'ttl' is not one of its options: 'ttl' is an option of RedisCache only$/,
      );
    }
  });
  await t.step("every key of CacheOptions passes", () => {
    new MemoryCache({
      resources: ["messages"],
      messages: { perChannel: 10, maxAge: 1000, dmChannels: 10 },
    });
  });
});

Deno.test("cache options of the wrong shape get a TypeError naming them", async (t) => {
  const rows: [string, unknown, RegExp][] = [
    // Was "Cannot read properties of null".
    [
      "options null",
      null,
      /^Cannot create cache as 'options' must be an object: current value 'options=null'$/,
    ],
    ["options a number", 5, /'options' must be an object.*'options=5'/],
    ["options a list", [], /'options' must be an object.*'options=array'/],
    // Was "object is not iterable".
    [
      "resources an object",
      { resources: {} },
      /^Cannot create cache as 'resources' must be a list of cache resource names: current value 'resources=object'$/,
    ],
    // Was "'m' is not a cache resource".
    [
      "resources a string",
      { resources: "messages" },
      /'resources' must be a list of cache resource names: current value 'resources=messages'$/,
    ],
    // Was taken as no bound at all.
    [
      "messages a number",
      { messages: 5 },
      /^Cannot create cache as 'messages' must be an object: current value 'messages=5'$/,
    ],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new MemoryCache(options as never),
        (error) => error instanceof TypeError && message.test(error.message),
      );
    });
  }
  await t.step("a misspelt resource names the nearest", () => {
    assert.throws(
      () => new MemoryCache({ resources: ["guild" as never] }),
      /^TypeError: Cannot create cache as 'resources' has 'guild', which is not a cache resource \(did you mean 'guilds'\?\): use one of guilds, /,
    );
  });
});

Deno.test("cache message bounds given as strings are a TypeError quoting them; bad numbers a RangeError", async (t) => {
  const rows: [string, Record<string, unknown>, ErrorConstructor, string][] = [
    // Was "must be a positive integer: current value '100'": a contradiction.
    [
      "perChannel a string",
      { perChannel: "100" },
      TypeError,
      `Cannot create cache as 'messages.perChannel' must be a positive integer: current value 'messages.perChannel="100"'`,
    ],
    [
      "dmChannels a string",
      { dmChannels: "1000" },
      TypeError,
      `Cannot create cache as 'messages.dmChannels' must be a positive integer: current value 'messages.dmChannels="1000"'`,
    ],
    [
      "maxAge a string",
      { maxAge: "60000" },
      TypeError,
      `Cannot create cache as 'messages.maxAge' must be a positive number of milliseconds: current value 'messages.maxAge="60000"'`,
    ],
    [
      "perChannel 0",
      { perChannel: 0 },
      RangeError,
      `Cannot create cache as 'messages.perChannel' must be a positive integer: current value 'messages.perChannel=0'`,
    ],
    [
      "maxAge negative",
      { maxAge: -1 },
      RangeError,
      `Cannot create cache as 'messages.maxAge' must be a positive number of milliseconds: current value 'messages.maxAge=-1'`,
    ],
    // A bound that is not a whole count, or past what a double counts.
    [
      "perChannel a fraction",
      { perChannel: 1.5 },
      RangeError,
      `Cannot create cache as 'messages.perChannel' must be a positive integer: current value 'messages.perChannel=1.5'`,
    ],
    [
      "dmChannels past the safe integers",
      { dmChannels: 2 ** 53 },
      RangeError,
      `Cannot create cache as 'messages.dmChannels' must be a positive integer: current value 'messages.dmChannels=9007199254740992'`,
    ],
    [
      "maxAge infinite",
      { maxAge: Infinity },
      RangeError,
      `Cannot create cache as 'messages.maxAge' must be a positive number of milliseconds: current value 'messages.maxAge=Infinity'`,
    ],
    [
      "maxAge NaN",
      { maxAge: NaN },
      RangeError,
      `Cannot create cache as 'messages.maxAge' must be a positive number of milliseconds: current value 'messages.maxAge=NaN'`,
    ],
  ];
  for (const [name, messages, type, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => resolveCacheOptions({ messages } as never),
        (error) => {
          assert.equal((error as Error).constructor, type, String(error));
          assert.equal((error as Error).message, message);
          return true;
        },
      );
    });
  }
});
