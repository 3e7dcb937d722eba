// Integer snowflakes in `gateway.send` bodies, as discord.py writes them:
// kept exact by parseCommand and sent as the strings Discord's builders
// take, routed to their guild's shard; the other numbers left as they are.
import assert from "node:assert/strict";
import {
  type CommandMessage,
  type CommandShard,
  parseCommand,
} from "../../dispatch/command_handler.ts";
import { countedHandler } from "./_counted_handler.ts";
import {
  parseExactJson,
  withStringSnowflakes,
} from "../../dispatch/command_json.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A guild id above 2^53, as discord.py sends it (an int). */
const GUILD = "1258291200000000000";
const CHANNEL = "1258291200004194305";

Deno.test("parseExactJson: integer literals beyond 2^53 keep their digits (as strings); every other number is JSON.parse's", () => {
  assert.deepEqual(
    parseExactJson(
      `{"a":${GUILD},"b":[1,2.5,-3,1e21,-${GUILD},${GUILD}.0],"c":"${GUILD}"}`,
    ),
    {
      a: GUILD,
      b: [1, 2.5, -3, 1e21, -Number(GUILD), Number(GUILD)],
      c: GUILD,
    },
  );
});

Deno.test("parseCommand: discord.py's op 4 with integer guild_id and channel_id keeps them exact, as strings; op, shard and other numbers stay numbers", () => {
  const command = parseCommand(
    `{"op":0,"shard":0,"data":{"op":4,"d":{"guild_id":${GUILD},"channel_id":${CHANNEL},"self_mute":false,"self_deaf":false}}}`,
  );
  assert.deepEqual(command, {
    op: 0,
    shard: 0,
    data: {
      op: 4,
      d: {
        guild_id: GUILD,
        channel_id: CHANNEL,
        self_mute: false,
        self_deaf: false,
      },
    },
  });
  // Ids small enough to be safe integers are snowflakes too.
  assert.deepEqual(
    parseCommand(
      `{"op":0,"shard":0,"data":{"op":8,"d":{"guild_id":41771983,"user_ids":[80351110,"80351111"],"limit":0,"presences":false}}}`,
    ).data,
    {
      op: 8,
      d: {
        guild_id: "41771983",
        user_ids: ["80351110", "80351111"],
        limit: 0,
        presences: false,
      },
    },
  );
  assert.deepEqual(
    withStringSnowflakes({ op: 31, d: { guild_ids: [7, GUILD] } }),
    { op: 31, d: { guild_ids: ["7", GUILD] } },
  );
  // Not ids: left for the builders to refuse.
  assert.deepEqual(
    withStringSnowflakes({ op: 43, d: { guild_id: -1, fields: ["status"] } }),
    { op: 43, d: { guild_id: -1, fields: ["status"] } },
  );
  const presence = { op: 3, d: { since: 1_700_000_000_000, afk: false } };
  assert.equal(withStringSnowflakes(presence), presence);
});

/** A delivery of a raw body, settled once. */
function delivery(text: string): CommandMessage & { settled?: string } {
  const message: CommandMessage & { settled?: string } = {
    bodySize: text.length,
    bodyToString: () => text,
    ack: () => {
      message.settled = "ack";
      return Promise.resolve();
    },
    nack: () => {
      message.settled = "requeue";
      return Promise.resolve();
    },
    reject: () => {
      message.settled = "reject";
      return Promise.resolve();
    },
  };
  return message;
}

Deno.test("CommandHandler: integer snowflakes (discord.py) are sent exactly, on their guild's shard; a guild_id that is no snowflake is refused as failed", async () => {
  const scheduler = new VirtualScheduler();
  const total = 4;
  const sent = new Map<number, unknown[]>();
  const shards = new Map<number, CommandShard>();
  for (let id = 0; id < total; id++) {
    sent.set(id, []);
    shards.set(id, {
      status: "ready",
      send: (command: unknown) => {
        sent.get(id)!.push(command);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
      connect: () => Promise.resolve(),
    } as unknown as CommandShard);
  }
  const { handler: commands, results } = countedHandler({
    shard: (id) => shards.get(id),
    shardCount: total,
    scheduler,
  });
  const home = shardForGuild(GUILD, total);
  const wrong = (home + 1) % total;
  const voice = delivery(
    `{"op":0,"shard":${wrong},"data":{"op":4,"d":{"guild_id":${GUILD},"channel_id":${CHANNEL},"self_mute":false,"self_deaf":true}}}`,
  );
  await commands.handle(voice);
  assert.equal(voice.settled, "ack");
  assert.deepEqual(sent.get(home), [{
    op: 4,
    d: {
      guild_id: GUILD,
      channel_id: CHANNEL,
      self_mute: false,
      self_deaf: true,
    },
  }]);
  // A safe integer id too, routed by its value.
  const small = 41771983423;
  const members = delivery(
    `{"op":0,"shard":0,"data":{"op":8,"d":{"guild_id":${small},"query":"","limit":0}}}`,
  );
  await commands.handle(members);
  assert.equal(members.settled, "ack");
  assert.deepEqual(sent.get(shardForGuild(String(small), total))!.at(-1), {
    op: 8,
    d: { guild_id: String(small), query: "", limit: 0 },
  });
  // No snowflake: the builder refuses it (failed), never sent.
  const negative = delivery(
    `{"op":0,"shard":0,"data":{"op":4,"d":{"guild_id":-5,"channel_id":null,"self_mute":false,"self_deaf":false}}}`,
  );
  await commands.handle(negative);
  assert.equal(negative.settled, "reject");
  assert.deepEqual(results, { done: 2, failed: 1 });
});

Deno.test("parseCommand: an op or shard that is an object (with a toString of its own) is named as such, not a failed conversion", () => {
  assert.throws(
    () => parseCommand(`{"op":{"toString":1},"shard":0}`),
    {
      name: "TypeError",
      message: "'op' must be 0, 1 or 2: current value an object",
    },
  );
  assert.throws(
    () => parseCommand(`{"op":1,"shard":{"valueOf":1,"toString":1}}`),
    {
      name: "TypeError",
      message:
        "'shard' must be a non-negative integer: current value an object",
    },
  );
  assert.throws(() => parseCommand(`{"op":"1","shard":0}`), {
    message: `'op' must be 0, 1 or 2: current value "1"`,
  });
});

Deno.test("CommandHandler: a command its shard refuses with backlog_full (its own queue full) goes back to the queue, not rejected as failed", async () => {
  const scheduler = new VirtualScheduler();
  const shard = {
    status: "ready",
    send: () =>
      Promise.reject(
        new GatewayError("backlog_full", "1000 commands already wait"),
      ),
    close: () => Promise.resolve(),
    connect: () => Promise.resolve(),
  } as unknown as CommandShard;
  const { handler: commands, results } = countedHandler({
    shard: (id) => id === 0 ? shard : undefined,
    shardCount: 1,
    scheduler,
  });
  const message = delivery(
    `{"op":0,"shard":0,"data":{"op":4,"d":{"guild_id":"1","channel_id":null,"self_mute":false,"self_deaf":false}}}`,
  );
  await commands.handle(message);
  await scheduler.flushMicrotasks();
  assert.notEqual(message.settled, "reject");
  assert.equal(results.failed, undefined);
  assert.equal(results.retried, 1);
});

Deno.test("CommandHandler: after a command refused with backlog_full, the shard's later commands held here go back in their turns, none passing it", async () => {
  const scheduler = new VirtualScheduler();
  const sent: string[] = [];
  const pending: (() => void)[] = [];
  const shard = {
    status: "ready",
    send: (command: { d: { guild_id: string } }) => {
      const guild = command.d.guild_id;
      if (guild === "11") {
        return Promise.reject(new GatewayError("backlog_full", "full"));
      }
      sent.push(guild);
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    close: () => Promise.resolve(),
    connect: () => Promise.resolve(),
  } as unknown as CommandShard;
  const { handler: commands, results } = countedHandler({
    shard: (id) => id === 0 ? shard : undefined,
    shardCount: 1,
    scheduler,
  });
  for (let guild = 1; guild <= 12; guild++) {
    void commands.handle(delivery(
      `{"op":0,"shard":0,"data":{"op":4,"d":{"guild_id":"${guild}","channel_id":null,"self_mute":false,"self_deaf":false}}}`,
    ));
  }
  await scheduler.flushMicrotasks();
  // Ten given to the shard; 11 and 12 held here.
  assert.deepEqual(sent, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
  pending.shift()!();
  await scheduler.flushMicrotasks();
  await scheduler.advance(10);
  await scheduler.flushMicrotasks();
  assert.equal(sent.includes("12"), false, "12 did not pass 11");
  assert.equal(results.retried, 2);
});

Deno.test("parseCommand: JSON nested too deeply to read is refused as such, not as 'not JSON'", () => {
  // Valid JSON (JSON.parse reads it), deeper than the reviver's recursion.
  const depth = 20_000;
  const body = `{"op":0,"shard":0,"data":{"op":3,"d":${"[".repeat(depth)}${
    "]".repeat(depth)
  }}}`;
  assert.throws(
    () => parseCommand(body),
    (error: Error) =>
      error instanceof TypeError && /nested too deeply/.test(error.message) &&
      !/not JSON/.test(error.message),
  );
  // What is not JSON is still said so.
  assert.throws(() => parseCommand(`{"op":0,${"[".repeat(depth)}`), {
    message: "the body is not JSON",
  });
});

Deno.test("withStringSnowflakes: op 4's guild_id and channel_id and op 43's guild_id as safe integers become strings; the command given is left as it was", () => {
  const voice = {
    op: 4,
    d: { guild_id: 41771983, channel_id: 41771984, self_mute: false },
  };
  assert.deepEqual(withStringSnowflakes(voice), {
    op: 4,
    d: { guild_id: "41771983", channel_id: "41771984", self_mute: false },
  });
  assert.deepEqual(voice, {
    op: 4,
    d: { guild_id: 41771983, channel_id: 41771984, self_mute: false },
  });
  const sounds = { op: 43, d: { guild_id: 41771983, fields: ["status"] } };
  assert.deepEqual(withStringSnowflakes(sounds), {
    op: 43,
    d: { guild_id: "41771983", fields: ["status"] },
  });
  assert.equal(sounds.d.guild_id, 41771983);
  // 0 is a non-negative integer too: a string like the others.
  assert.deepEqual(withStringSnowflakes({ op: 43, d: { guild_id: 0 } }), {
    op: 43,
    d: { guild_id: "0" },
  });
  // Nothing to change: the same command, not a copy.
  const strings = { op: 31, d: { guild_ids: ["7", "8"] } };
  assert.equal(withStringSnowflakes(strings), strings);
});
