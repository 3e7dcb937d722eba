// The options the Client passes on to its shards and REST calls are checked
// when it is created, as its module doc and constructor promise: each of
// these failed only inside start(), some as a raw TypeError naming no option.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { FakeTransport } from "../../testing/fake_socket.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { RestClient } from "../../rest/rest_client.ts";

const base = { token: "fake-token", intents: 1 };

Deno.test("Client refuses a passed-on option of the wrong type or shape at construction, naming it", async (t) => {
  const rows: [string, Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [
      "compress a number",
      { compress: 1 },
      TypeError,
      /^Cannot create client as 'compress' must be "none", "zlib-stream" or "zstd-stream": current value 'compress=1'$/,
    ],
    [
      "compress an unknown word",
      { compress: "zlib" },
      RangeError,
      /^Cannot create client as 'compress' must be .*: current value 'compress="zlib"'$/,
    ],
    [
      "presence a number",
      { presence: 5 },
      TypeError,
      /^Cannot create client as 'presence' must be an object with since, activities, status and afk: current value 'presence=5'$/,
    ],
    [
      "presence with a wrong status",
      {
        presence: { since: null, activities: [], status: "busy", afk: false },
      },
      TypeError,
      /^Cannot create client as 'presence' must be a presence the gateway takes \(.*'status'/,
    ],
    // A number out of bounds keeps its RangeError through the wrapping.
    [
      "presence with a negative since",
      {
        presence: { since: -1, activities: [], status: "idle", afk: false },
      },
      RangeError,
      /^Cannot create client as 'presence' must be a presence the gateway takes \(.*'since'/,
    ],
    [
      "shardIds a number",
      { shardIds: 3 },
      TypeError,
      /^Cannot create client as 'shardIds' must be an array or a function: current value 'shardIds=number'$/,
    ],
    [
      "random a number",
      { random: 0.5 },
      TypeError,
      /'random' must be a function/,
    ],
    [
      "shardOptions an object",
      { shardOptions: { presence: {} } },
      TypeError,
      /^Cannot create client as 'shardOptions' must be a function: current value 'shardOptions=object'$/,
    ],
    [
      "transport a number",
      { transport: 5 },
      TypeError,
      /^Cannot create client as 'transport' must be a function: current value 'transport=number'$/,
    ],
    [
      "identifyQueue without acquire",
      { identifyQueue: {} },
      TypeError,
      /^Cannot create client as 'identifyQueue' must be an IdentifyQueue \(an acquire function\): current value 'identifyQueue=object without acquire\(\)'$/,
    ],
    [
      "sessionStore without its methods",
      { sessionStore: { load: () => {} } },
      TypeError,
      /^Cannot create client as 'sessionStore' must be a SessionStore \(load, loadAll, save and delete functions\): current value 'sessionStore=object without loadAll\(\)'$/,
    ],
    [
      "sessionStore a string",
      { sessionStore: "redis" },
      TypeError,
      /^Cannot create client as 'sessionStore' must be a SessionStore .*: current value 'sessionStore="redis"'$/,
    ],
    [
      "rest an empty object",
      { rest: {} },
      TypeError,
      /^Cannot create client as 'rest' must be a RestClient \(getGatewayBot and request functions\): current value 'rest=object without getGatewayBot\(\)'$/,
    ],
  ];
  for (const [name, options, type, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new Client({ ...base, ...options } as never),
        (error) => {
          assert.equal((error as Error).constructor, type, String(error));
          assert.match((error as Error).message, message);
          return true;
        },
      );
    });
  }
  await t.step("good values pass", () => {
    const scheduler = new VirtualScheduler();
    new Client({
      ...base,
      compress: "zstd-stream",
      presence: { since: null, activities: [], status: "idle", afk: false },
      shardOptions: () => ({}),
      transport: new FakeTransport().connect,
      identifyQueue: new MemoryIdentifyQueue({ scheduler }),
      sessionStore: new MemorySessionStore(),
      rest: new RestClient({ token: "fake-token" }),
      scheduler,
    });
  });
});

Deno.test("A shardIds function that returns no list fails start() naming shardIds", async () => {
  await using discord = await FakeDiscord.start();
  const client = new Client({
    ...discord.clientOptions,
    token: discord.token,
    intents: 1,
    shardIds: (() => 5) as never,
  });
  await assert.rejects(client.start(), (error) => {
    assert.ok(error instanceof TypeError, String(error));
    assert.match(
      error.message,
      /^Cannot start client as 'shardIds' must return a list of shard IDs: current value 'shardIds\(1, 1\)=5'$/,
    );
    return true;
  });
  assert.equal(client.shards, undefined);
});
