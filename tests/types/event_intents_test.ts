import assert from "node:assert/strict";
import { EVENT_INTENTS, eventDeliverable } from "../../types/event_intents.ts";
import {
  GATEWAY_EVENT_NAMES,
  type GatewayEventName,
} from "../../types/events.ts";
import {
  ALL_INTENTS,
  GatewayIntent,
  type GatewayIntentName,
} from "../../types/intents.ts";
import { readDispatchEventsReference } from "../_fakes/dispatch_events_reference.ts";

/** `"GUILD_MESSAGE_REACTIONS"` (the docs' name) -> `"GuildMessageReactions"`. */
function intentKey(docName: string): GatewayIntentName {
  const key = docName.split("_").map((word) =>
    word.charAt(0) + word.slice(1).toLowerCase()
  ).join("");
  assert.ok(Object.hasOwn(GatewayIntent, key), `unknown intent ${docName}`);
  return key as GatewayIntentName;
}

const {
  Guilds,
  GuildMembers,
  GuildMessages,
  DirectMessages,
  GuildPresences,
  MessageContent,
} = GatewayIntent;

Deno.test("EVENT_INTENTS equals dispatch-events.json", async (t) => {
  const reference = await readDispatchEventsReference();
  assert.equal(reference.length, 79);
  assert.deepEqual(
    Object.keys(EVENT_INTENTS),
    reference.map((row) => row.name),
  );
  for (const row of reference) {
    await t.step(row.name, () => {
      assert.deepEqual(
        EVENT_INTENTS[row.name as GatewayEventName],
        row.intents.map(intentKey),
      );
    });
  }
});

Deno.test("EVENT_INTENTS covers every event and is frozen", () => {
  assert.deepEqual(Object.keys(EVENT_INTENTS), [...GATEWAY_EVENT_NAMES]);
  assert.ok(Object.isFrozen(EVENT_INTENTS));
  for (const name of GATEWAY_EVENT_NAMES) {
    assert.ok(Object.isFrozen(EVENT_INTENTS[name]), name);
  }
  // The intent table of the reference (§8): MESSAGE_CONTENT gates no event,
  // and these are the 16 always-sent events of §8.1.
  const gatedBy = (intent: GatewayIntentName): GatewayEventName[] =>
    GATEWAY_EVENT_NAMES.filter((name) => EVENT_INTENTS[name].includes(intent));
  assert.deepEqual(gatedBy("MessageContent"), []);
  assert.deepEqual(gatedBy("GuildMembers"), [
    "THREAD_MEMBERS_UPDATE",
    "GUILD_MEMBER_ADD",
    "GUILD_MEMBER_REMOVE",
    "GUILD_MEMBER_UPDATE",
  ]);
  assert.deepEqual(
    GATEWAY_EVENT_NAMES.filter((name) => EVENT_INTENTS[name].length === 0),
    [
      "READY",
      "RESUMED",
      "APPLICATION_COMMAND_PERMISSIONS_UPDATE",
      "CHANNEL_INFO",
      "ENTITLEMENT_CREATE",
      "ENTITLEMENT_UPDATE",
      "ENTITLEMENT_DELETE",
      "GUILD_MEMBERS_CHUNK",
      "SOUNDBOARD_SOUNDS",
      "USER_UPDATE",
      "VOICE_SERVER_UPDATE",
      "INTERACTION_CREATE",
      "SUBSCRIPTION_CREATE",
      "SUBSCRIPTION_UPDATE",
      "SUBSCRIPTION_DELETE",
      "RATE_LIMITED",
    ],
  );
});

Deno.test("eventDeliverable follows the table", async (t) => {
  const rows: [GatewayEventName, number, boolean][] = [
    ["READY", 0, true],
    ["INTERACTION_CREATE", 0, true],
    ["GUILD_MEMBERS_CHUNK", 0, true],
    ["GUILD_CREATE", 0, false],
    ["GUILD_CREATE", Guilds, true],
    ["MESSAGE_CREATE", GuildMessages, true],
    ["MESSAGE_CREATE", DirectMessages, true],
    ["MESSAGE_CREATE", Guilds, false],
    ["MESSAGE_CREATE", MessageContent, false],
    ["MESSAGE_DELETE_BULK", DirectMessages, false],
    ["MESSAGE_DELETE_BULK", GuildMessages, true],
    ["CHANNEL_PINS_UPDATE", DirectMessages, true],
    ["PRESENCE_UPDATE", ALL_INTENTS & ~GuildPresences, false],
    ["PRESENCE_UPDATE", GuildPresences, true],
    // Special cases (reference §8.1) follow the table, not the exceptions:
    ["THREAD_MEMBERS_UPDATE", Guilds, true],
    ["THREAD_MEMBERS_UPDATE", GuildMembers, true],
    ["THREAD_MEMBERS_UPDATE", 0, false],
    ["GUILD_MEMBER_UPDATE", Guilds, false],
    // Bit 31 set: intents above 2^31 still work.
    ["GUILD_CREATE", 2 ** 31 + Guilds, true],
    ["MESSAGE_POLL_VOTE_ADD", GatewayIntent.DirectMessagePolls, true],
  ];
  for (const [event, intents, expected] of rows) {
    await t.step(`${event} with ${intents} -> ${expected}`, () => {
      assert.equal(eventDeliverable(event, intents), expected);
    });
  }
});

Deno.test("eventDeliverable: no intents means only ungated events; all intents means all", () => {
  for (const name of GATEWAY_EVENT_NAMES) {
    const ungated = EVENT_INTENTS[name].length === 0;
    assert.equal(eventDeliverable(name, 0), ungated, name);
    assert.equal(eventDeliverable(name, MessageContent), ungated, name);
    assert.equal(eventDeliverable(name, ALL_INTENTS), true, name);
    for (const intent of EVENT_INTENTS[name]) {
      assert.equal(
        eventDeliverable(name, GatewayIntent[intent]),
        true,
        `${name} ${intent}`,
      );
      assert.equal(
        eventDeliverable(name, ALL_INTENTS & ~GatewayIntent[intent]),
        ungated || EVENT_INTENTS[name].length > 1,
        `${name} without ${intent}`,
      );
    }
  }
});

Deno.test("eventDeliverable rejects bad arguments", async (t) => {
  for (const intents of [-1, 1.5, Number.NaN, 2 ** 32]) {
    await t.step(`intents=${intents}`, () => {
      assert.throws(() => eventDeliverable("READY", intents), {
        name: "RangeError",
        message:
          `Cannot check delivery as 'intents' must be a non-negative 32-bit integer: current value 'intents=${intents}'`,
      });
    });
  }
  await t.step("unknown event", () => {
    assert.throws(
      // @ts-expect-error HELLO is an opcode, not a dispatch event
      () => eventDeliverable("HELLO", 1),
      {
        name: "TypeError",
        message:
          "Cannot check delivery as 'event' must be a documented dispatch event name: current value 'event=HELLO'",
      },
    );
  });
  await t.step("inherited property names are not events", () => {
    // @ts-expect-error not an event name
    assert.throws(() => eventDeliverable("toString", 1), TypeError);
  });
});
