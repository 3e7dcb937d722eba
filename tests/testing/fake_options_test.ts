/**
 * The fakes refuse a wrong option value when they are created, with a
 * message naming the option, instead of failing later inside (the fake's
 * own crash answered to the bot as a 405, rate limiting silently off, a
 * 401, a heap exhausted building guilds).
 */
import assert from "node:assert/strict";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { FakeTransport } from "../../testing/fake_socket.ts";
/** The documented cap on generated guilds (`MAX_GENERATED_GUILDS`). */
const MAX_GENERATED_GUILDS = 100_000;
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** One refused value: the options, the error's class and its message. */
type Row = readonly [
  options: Record<string, unknown> | null,
  error: typeof TypeError | typeof RangeError,
  message: RegExp,
];

/** The table's label for a row's options (a Symbol and a bigint included). */
function label(options: Row[0]): string {
  if (options === null) return "null";
  return Object.entries(options).map(([key, value]) =>
    `${key}=${
      typeof value === "object" && value !== null
        ? JSON.stringify(value, (_, v) => typeof v === "symbol" ? "Symbol" : v)
        : String(value)
    }`
  ).join(", ");
}

const GATEWAY_ROWS: readonly Row[] = [
  // Refused before a single guild is built (2 ** 31 exhausted the heap).
  [
    { guilds: 2 ** 31 },
    RangeError,
    /^Cannot create FakeGateway as 'guilds' must be a non-negative integer of at most 100000: current value 'guilds=2147483648'$/,
  ],
  [
    { guilds: 2 ** 53 },
    RangeError,
    /'guilds' .*at most 100000.*guilds=9007199254740992'$/,
  ],
  [{ guilds: 1e21 }, RangeError, /'guilds' .*at most 100000.*guilds=1e\+21'$/],
  [{ guilds: MAX_GENERATED_GUILDS + 1 }, RangeError, /'guilds=100001'$/],
  [
    { guilds: Symbol("g") },
    TypeError,
    /^Cannot create FakeGateway as 'guilds' must be a count or an array of guild IDs: current value 'guilds=Symbol\(g\)'$/,
  ],
  // null gave the default token, a string one token per character.
  [
    { tokens: null },
    TypeError,
    /^Cannot create FakeGateway as 'tokens' must be an array of tokens or an object of per-token settings: current value 'tokens=null'$/,
  ],
  [{ tokens: "fake-token" }, TypeError, /'tokens="fake-token"'$/],
  [
    { membersPerGuild: 100_001 },
    RangeError,
    /^Cannot create FakeGateway as 'membersPerGuild' must be a positive integer of at most 100000: current value 'membersPerGuild=100001'$/,
  ],
  [
    { scheduler: {} },
    TypeError,
    /^Cannot create FakeGateway as 'scheduler' must be a Scheduler .*'scheduler=object'$/,
  ],
  [{ scheduler: null }, TypeError, /'scheduler' must be a Scheduler/],
  [
    { url: Symbol("u") },
    TypeError,
    /^Cannot create FakeGateway as 'url' must be a URL: current value 'url=Symbol\(u\)'$/,
  ],
  [
    { resumeUrl: null },
    TypeError,
    /'resumeUrl' must be a URL: .*'resumeUrl=null'$/,
  ],
  [
    { heartbeatInterval: Symbol("h") },
    TypeError,
    /^Cannot create FakeGateway as 'heartbeatInterval' must be a positive integer: current value 'heartbeatInterval=Symbol\(h\)'$/,
  ],
  [
    { heartbeatInterval: 1e21 },
    RangeError,
    /^Cannot create FakeGateway as 'heartbeatInterval' must be a positive integer of at most 2147483647: current value 'heartbeatInterval=1e\+21'$/,
  ],
  [{ heartbeatInterval: null }, TypeError, /'heartbeatInterval=null'$/],
  [
    { heartbeatTolerance: 2 ** 31 },
    RangeError,
    /'heartbeatTolerance' must be a non-negative integer of at most 2147483647/,
  ],
  [{ heartbeatTolerance: null }, TypeError, /'heartbeatTolerance=null'$/],
  [{ sessionTtl: 1e21 }, RangeError, /'sessionTtl' .*at most 2147483647/],
  [{ sessionTtl: null }, TypeError, /'sessionTtl=null'$/],
  [{ reconnectCloseDelay: 1e21 }, RangeError, /at most 2147483647/],
  [
    { heartbeatTimeoutCode: Symbol("c") },
    TypeError,
    /'heartbeatTimeoutCode' must be a close code: .*'heartbeatTimeoutCode=Symbol\(c\)'$/,
  ],
  [
    { maxConcurrency: 1e21 },
    RangeError,
    /'maxConcurrency' .*at most 9007199254740991/,
  ],
  [
    { replayBufferSize: Symbol("r") },
    TypeError,
    /'replayBufferSize=Symbol\(r\)'$/,
  ],
  [
    { rateLimit: { window: "60000" } },
    TypeError,
    /'rateLimit\.window="60000"'$/,
  ],
  [
    { sessionStartLimit: { total: Symbol("t") } },
    TypeError,
    /'sessionStartLimit\.total=Symbol\(t\)'$/,
  ],
  [{ filterIntents: "false" }, TypeError, /'filterIntents' must be a boolean/],
];

const REST_ROWS: readonly Row[] = [
  [
    { token: 5 },
    TypeError,
    /^Cannot create FakeRest as 'token' must be a non-empty string .*'token=a number'$/,
  ],
  [{ token: " " }, TypeError, /'token' must be a non-empty string/],
  [
    { scheduler: {} },
    TypeError,
    /^Cannot create FakeRest as 'scheduler' must be a Scheduler/,
  ],
  [
    { botUser: 5 },
    TypeError,
    /'botUser' must be an object: current value 'botUser=5'$/,
  ],
  [{ applicationId: 5 }, TypeError, /'applicationId' must be a snowflake/],
  [
    { limit: -1 },
    RangeError,
    /^Cannot create FakeRest as 'limit' must be an integer >= 0: current value 'limit=-1'$/,
  ],
  [{ limit: NaN }, RangeError, /'limit=NaN'$/],
  [{ limit: "10" }, TypeError, /'limit="10"'$/],
  [{ limit: Symbol("l") }, TypeError, /'limit=Symbol\(l\)'$/],
  [
    { resetAfter: NaN },
    RangeError,
    /'resetAfter' must be a number of seconds above 0/,
  ],
  [{ resetAfter: 0 }, RangeError, /'resetAfter=0'$/],
  [
    { globalLimit: -1 },
    RangeError,
    /'globalLimit' must be an integer >= 0, or Infinity/,
  ],
  [{ globalLimit: NaN }, RangeError, /'globalLimit=NaN'$/],
  [{ latency: "10" }, TypeError, /'latency' must be a number of milliseconds/],
  [{ latency: -1 }, RangeError, /'latency=-1'$/],
  [
    { gatewayUrl: "http://x" },
    TypeError,
    /'gatewayUrl' must be a ws: or wss: URL/,
  ],
  [{ shards: 0 }, RangeError, /'shards' must be an integer >= 1/],
  [
    { sessionStartLimit: 5 },
    TypeError,
    /'sessionStartLimit' must be an object or a function/,
  ],
  [
    { channels: "all" },
    TypeError,
    /'channels' must be "any" or "known": current value 'channels="all"'$/,
  ],
  [{ interactions: Symbol("i") }, TypeError, /'interactions=Symbol\(i\)'$/],
];

const TRANSPORT_ROWS: readonly Row[] = [
  [
    null,
    TypeError,
    /^Cannot create FakeTransport as 'options' must be an object: current value 'options=null'$/,
  ],
  [{ autoOpen: "false" }, TypeError, /'autoOpen' must be a boolean/],
  [{ onConnect: 5 }, TypeError, /'onConnect' must be a function/],
];

const DISCORD_ROWS: readonly Row[] = [
  [
    { scheduler: {} },
    TypeError,
    /^Cannot create FakeDiscord as 'scheduler' must be a Scheduler/,
  ],
  [
    { token: 5 },
    TypeError,
    /^Cannot create FakeDiscord as 'token' must be a non-empty string/,
  ],
];

function check(error: unknown, row: Row): true {
  const [, expected, message] = row;
  assert.ok(error instanceof expected, `${error}`);
  assert.match((error as Error).message, message);
  return true;
}

for (const row of GATEWAY_ROWS) {
  Deno.test(`FakeGateway refuses ${label(row[0])}`, () => {
    assert.throws(() => new FakeGateway(row[0] as never), (e) => check(e, row));
  });
}

for (const row of REST_ROWS) {
  Deno.test(`FakeRest refuses ${label(row[0])}`, () => {
    assert.throws(() => new FakeRest(row[0] as never), (e) => check(e, row));
  });
}

for (const row of TRANSPORT_ROWS) {
  Deno.test(`FakeTransport refuses ${label(row[0])}`, () => {
    assert.throws(
      () => new FakeTransport(row[0] as never),
      (e) => check(e, row),
    );
  });
}

for (const row of DISCORD_ROWS) {
  Deno.test(`FakeDiscord.start refuses ${label(row[0])}`, async () => {
    await assert.rejects(
      FakeDiscord.start(row[0] as never),
      (e) => check(e, row),
    );
  });
}

Deno.test("the fakes still take the edges of their ranges", () => {
  const gateway = new FakeGateway({
    guilds: MAX_GENERATED_GUILDS,
    membersPerGuild: 100_000,
    heartbeatInterval: 2 ** 31 - 1,
    scheduler: new VirtualScheduler(),
  });
  assert.equal(gateway.guildIds.length, MAX_GENERATED_GUILDS);
  new FakeRest({
    limit: 0,
    globalLimit: Infinity,
    resetAfter: 2.5,
    latency: 0.5,
    gatewayUrl: "ws://127.0.0.1:1",
    sessionStartLimit: () => ({
      total: 1,
      remaining: 1,
      reset_after: 0,
      max_concurrency: 1,
    }),
    channels: "known",
    interactions: "any",
  });
  new FakeTransport({ autoOpen: false, onConnect: () => {} });
});
