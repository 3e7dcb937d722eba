import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import type { ClientOptions } from "../../handler/client_options.ts";
import type { GatewaySocket, SocketListener } from "../../gateway/transport.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/** A gateway socket that never opens: the warnings come before any IDENTIFY. */
function silentSocket(_url: string, listener: SocketListener): GatewaySocket {
  let closed = false;
  return {
    send: () => {},
    close: () => {
      if (closed) return;
      closed = true;
      queueMicrotask(() => listener.onClose(1006, "closed before opening"));
    },
  };
}

/**
 * What starting a Client with `options` writes to stderr: the start-up
 * warnings are written once its shards exist, before any connects.
 */
async function startupLines(
  options: Partial<ClientOptions>,
  handler: Handler = new class extends Handler {}(),
): Promise<string[]> {
  return await captureStderr(async () => {
    const clock = new VirtualScheduler();
    const client = new Client({
      token: "t",
      intents: GatewayIntent.Guilds,
      gatewayUrl: "wss://gateway.invalid",
      shards: 1,
      transport: silentSocket,
      scheduler: clock,
      ...options,
    });
    const starting = client.start(handler);
    starting.catch(() => {}); // stopped below
    await clock.flushMicrotasks();
    await client.stop();
  });
}

const ALL = GatewayIntent.Guilds | GatewayIntent.GuildMembers |
  GatewayIntent.GuildPresences;

Deno.test("Client start: cache intent warnings judge the intents shardOptions gives a shard, naming the shards that lack them", async () => {
  const lines = await startupLines({
    intents: ALL,
    shards: 2,
    shardOptions: (id) => id === 1 ? { intents: GatewayIntent.Guilds } : {},
    cache: { resources: ["members", "presences"] },
  });
  const warnings = lines.filter((line) => line.includes("disruption·cache"));
  assert.equal(warnings.length, 1, lines.join("\n"));
  assert.match(warnings[0]!, /On shard 1: The cache keeps /);
  assert.match(warnings[0]!, /presences \(needs GuildPresences\)/);
});

Deno.test("Client start: every shard given the same intents by shardOptions is judged on them, without naming shards", async () => {
  const lines = await startupLines({
    intents: ALL,
    shardOptions: () => ({ intents: GatewayIntent.Guilds }),
    cache: { resources: ["members", "presences"] },
  });
  const warnings = lines.filter((line) => line.includes("disruption·cache"));
  assert.equal(warnings.length, 1, lines.join("\n"));
  assert.match(warnings[0]!, /^.*The cache keeps .*presences/);
  assert.doesNotMatch(warnings[0]!, /shard/);
});

Deno.test("Client start: a handler method whose event a shard's own intents do not deliver is warned about for that shard", async () => {
  class Bot extends Handler {
    override onPresenceUpdate(
      _data: GatewayEventMap["PRESENCE_UPDATE"],
    ): void {}
  }
  const lines = await startupLines({
    intents: ALL,
    shards: 3,
    shardOptions: (id) => id > 0 ? { intents: GatewayIntent.Guilds } : {},
  }, new Bot());
  const warnings = lines.filter((line) => line.includes("onPresenceUpdate"));
  assert.equal(warnings.length, 1, lines.join("\n"));
  assert.match(
    warnings[0]!,
    /onPresenceUpdate\(\) will never be called on shards 1 and 2: PRESENCE_UPDATE needs the GuildPresences intent/,
  );
});

Deno.test("Client start: resources ['users'] alone keeps nothing and says so", async () => {
  const lines = await startupLines({ cache: { resources: ["users"] } });
  const warnings = lines.filter((line) => line.includes("disruption·cache"));
  assert.equal(warnings.length, 1, lines.join("\n"));
  assert.match(
    warnings[0]!,
    /keeps "users" without "members" or "messages": it keeps nothing/,
  );
});

Deno.test("new Client: a wrong cache bound is named by its path in the Client's options", () => {
  const make = (cache: unknown) =>
    new Client({
      token: "Bot aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbb.cccccccccccccccccccccccccccc",
      intents: GatewayIntent.Guilds,
      cache: cache as NonNullable<ClientOptions["cache"]>,
    });
  assert.throws(() => make({ messages: { perChannel: 0 } }), {
    name: "RangeError",
    message:
      "Cannot create client as 'cache.messages.perChannel' must be a positive integer: current value 'cache.messages.perChannel=0'",
  });
  assert.throws(() => make({ resources: ["guild"] }), {
    name: "TypeError",
    message:
      /^Cannot create client as 'cache\.resources' has 'guild', which is not a cache resource \(did you mean 'guilds'\?\)/,
  });
  // Kept nothing, said nothing, and parsed every cache event for nothing.
  assert.throws(() => make({ resources: [] }), {
    name: "RangeError",
    message:
      "Cannot create client as 'cache.resources' is empty, which keeps nothing: leave 'cache' out to keep no gateway state, or list the resources to keep",
  });
});

/** What starting a Client says about `method` of `handler`. */
async function methodWarnings(
  method: string,
  options: Partial<ClientOptions>,
  handler: Handler,
): Promise<string[]> {
  const lines = await startupLines(options, handler);
  return lines.filter((line) => line.includes(`${method}()`));
}

Deno.test("Client start: a method whose event is outside 'events' is warned about for that alone, not also for its intents", async () => {
  class Bot extends Handler {
    override onPresenceUpdate(
      _data: GatewayEventMap["PRESENCE_UPDATE"],
    ): void {}
  }
  const warnings = await methodWarnings("onPresenceUpdate", {
    events: ["GUILD_CREATE"],
  }, new Bot());
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(
    warnings[0]!,
    /onPresenceUpdate\(\) will never be called: PRESENCE_UPDATE is not in the Client's 'events' option/,
  );
});

Deno.test("Client start: an event any of several intents delivers is said to need one or the other", async () => {
  class Bot extends Handler {
    override onMessageReactionAdd(
      _data: GatewayEventMap["MESSAGE_REACTION_ADD"],
    ): void {}
  }
  const warnings = await methodWarnings("onMessageReactionAdd", {}, new Bot());
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(
    warnings[0]!,
    /MESSAGE_REACTION_ADD needs the GuildMessageReactions or DirectMessageReactions intent, which is not requested/,
  );
});

Deno.test("Client start: onMessageUpdate is warned that guild message content is empty without MESSAGE_CONTENT, and not with DMs only", async () => {
  class Bot extends Handler {
    override onMessageUpdate(
      _data: GatewayEventMap["MESSAGE_UPDATE"],
    ): void {}
  }
  const guild = await methodWarnings("onMessageUpdate", {
    intents: GatewayIntent.GuildMessages,
  }, new Bot());
  assert.equal(guild.length, 1, guild.join("\n"));
  assert.match(
    guild[0]!,
    /onMessageUpdate\(\): without the MESSAGE_CONTENT intent, message content is empty/,
  );
  assert.deepEqual(
    await methodWarnings("onMessageUpdate", {
      intents: GatewayIntent.GuildMessages | GatewayIntent.MessageContent,
    }, new Bot()),
    [],
  );
  assert.deepEqual(
    await methodWarnings("onMessageUpdate", {
      intents: GatewayIntent.DirectMessages,
    }, new Bot()),
    [],
  );
});

Deno.test("Client start: a warning lists up to ten shards, and counts them beyond", async () => {
  class Bot extends Handler {
    override onPresenceUpdate(
      _data: GatewayEventMap["PRESENCE_UPDATE"],
    ): void {}
  }
  const ten = await methodWarnings("onPresenceUpdate", {
    intents: ALL,
    shards: 12,
    shardOptions: (id) =>
      id > 0 && id < 11 ? { intents: GatewayIntent.Guilds } : {},
  }, new Bot());
  assert.equal(ten.length, 1, ten.join("\n"));
  assert.match(
    ten[0]!,
    /will never be called on shards 1, 2, 3, 4, 5, 6, 7, 8, 9 and 10: /,
  );
  const eleven = await methodWarnings("onPresenceUpdate", {
    intents: ALL,
    shards: 12,
    shardOptions: (id) => id > 0 ? { intents: GatewayIntent.Guilds } : {},
  }, new Bot());
  assert.equal(eleven.length, 1, eleven.join("\n"));
  assert.match(
    eleven[0]!,
    /will never be called on shards 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … \(11 shards\): /,
  );
});
