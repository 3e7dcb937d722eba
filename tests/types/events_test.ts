import assert from "node:assert/strict";
import {
  GATEWAY_EVENT_NAMES,
  type GatewayEventMap,
  type GatewayEventName,
  HANDLER_METHOD_NAMES,
  type HandlerMethodName,
  handlerMethodName,
  isGatewayEventName,
} from "../../types/events.ts";
import type * as P from "../../types/dispatch_payloads.ts";
import type {
  InteractionType,
  PartialGuildMember,
  User,
} from "../../types/objects/mod.ts";
import {
  readDispatchEventsReference,
  readSharedDispatchEvents,
} from "../_fakes/dispatch_events_reference.ts";

// --- Local type-test helpers (std `@std/testing/types` style) --------------

/** `true` when `A` and `B` are the same type, otherwise `false`. */
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

/** Compiles only when called with `true` as the type argument's value. */
function assertType<T extends true>(_expectTrue: T): void {}

type UnionToIntersection<U> =
  (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I
    : never;
type LastOf<U> =
  UnionToIntersection<U extends unknown ? () => U : never> extends () => infer R
    ? R
    : never;
/** The members of a union as a tuple (order unspecified; tail-recursive). */
type UnionToTuple<U, Acc extends unknown[] = []> = [U] extends [never] ? Acc
  : UnionToTuple<Exclude<U, LastOf<U>>, [LastOf<U>, ...Acc]>;

// --- Compile-time pins ------------------------------------------------------

// The registry has exactly 79 events, and the runtime list covers them all.
assertType<IsExact<UnionToTuple<GatewayEventName>["length"], 79>>(true);
assertType<IsExact<typeof GATEWAY_EVENT_NAMES[number], GatewayEventName>>(
  true,
);

// Payload shapes of the most used events.
type MessageCreate = GatewayEventMap["MESSAGE_CREATE"];
assertType<IsExact<MessageCreate, P.MessageCreateDispatch>>(true);
assertType<IsExact<MessageCreate["content"], string>>(true);
assertType<IsExact<MessageCreate["author"], User>>(true);
assertType<IsExact<MessageCreate["guild_id"], string | undefined>>(true);
assertType<
  IsExact<
    MessageCreate["mentions"][number]["member"],
    PartialGuildMember | undefined
  >
>(true);
assertType<IsExact<GatewayEventMap["MESSAGE_UPDATE"], MessageCreate>>(true);
assertType<IsExact<GatewayEventMap["READY"]["session_id"], string>>(true);
assertType<
  IsExact<GatewayEventMap["READY"]["shard"], [number, number] | undefined>
>(true);
assertType<
  IsExact<GatewayEventMap["READY"]["guilds"][number]["unavailable"], boolean>
>(
  true,
);
assertType<
  IsExact<GatewayEventMap["INTERACTION_CREATE"]["type"], InteractionType>
>(
  true,
);
assertType<IsExact<InteractionType, 1 | 2 | 3 | 4 | 5>>(true);
assertType<IsExact<GatewayEventMap["RESUMED"], Record<string, unknown> | null>>(
  true,
);
assertType<
  IsExact<
    Extract<GatewayEventMap["RATE_LIMITED"], { opcode: 8 }>["meta"]["guild_id"],
    string
  >
>(true);
assertType<IsExact<GatewayEventMap["TYPING_START"]["timestamp"], number>>(true);
assertType<
  IsExact<GatewayEventMap["VOICE_SERVER_UPDATE"]["endpoint"], string | null>
>(true);
assertType<
  IsExact<
    GatewayEventMap["GUILD_CREATE"],
    P.AvailableGuildCreate | P.UnavailableGuildCreate
  >
>(true);

// Fields that must not exist on a payload.
// @ts-expect-error MESSAGE_CREATE carries no session_id
type _NoSessionId = MessageCreate["session_id"];
// @ts-expect-error MESSAGE_DELETE is not a full message
type _NoContent = GatewayEventMap["MESSAGE_DELETE"]["content"];
// @ts-expect-error not a dispatch event (op 10 is not a dispatch)
type _NoHello = GatewayEventMap["HELLO"];

// Handler method names derived from event names.
assertType<IsExact<HandlerMethodName<"MESSAGE_CREATE">, "onMessageCreate">>(
  true,
);
assertType<IsExact<HandlerMethodName<"READY">, "onReady">>(true);
assertType<
  IsExact<
    HandlerMethodName<"GUILD_AUDIT_LOG_ENTRY_CREATE">,
    "onGuildAuditLogEntryCreate"
  >
>(true);
assertType<
  IsExact<
    HandlerMethodName<"VOICE_CHANNEL_START_TIME_UPDATE">,
    "onVoiceChannelStartTimeUpdate"
  >
>(true);
// 79 distinct method names: no two events share a handler.
assertType<
  IsExact<UnionToTuple<HandlerMethodName<GatewayEventName>>["length"], 79>
>(true);
assertType<
  IsExact<typeof HANDLER_METHOD_NAMES["TYPING_START"], "onTypingStart">
>(
  true,
);
const inferredName = handlerMethodName("MESSAGE_REACTION_REMOVE_EMOJI");
assertType<IsExact<typeof inferredName, "onMessageReactionRemoveEmoji">>(true);
const looseName = handlerMethodName("SOME_FUTURE_EVENT" as string);
assertType<IsExact<typeof looseName, string>>(true);

// Realistic payloads (trimmed from Discord's docs) fit the registry.
const messageCreate: GatewayEventMap["MESSAGE_CREATE"] = {
  id: "1000",
  channel_id: "2000",
  guild_id: "3000",
  author: {
    id: "4000",
    username: "nelly",
    discriminator: "0",
    global_name: "Nelly",
    avatar: null,
  },
  member: {
    roles: [],
    joined_at: "2024-01-01T00:00:00.000000+00:00",
    deaf: false,
    mute: false,
    flags: 0,
  },
  content: "hello",
  timestamp: "2024-01-01T00:00:00.000000+00:00",
  edited_timestamp: null,
  tts: false,
  mention_everyone: false,
  mentions: [],
  mention_roles: [],
  attachments: [],
  embeds: [],
  pinned: false,
  type: 0,
  channel_type: 0,
};
const ready: GatewayEventMap["READY"] = {
  v: 10,
  user: {
    id: "1",
    username: "bot",
    discriminator: "0",
    global_name: null,
    avatar: null,
    bot: true,
  },
  guilds: [{ id: "3000", unavailable: true }],
  session_id: "abc",
  resume_gateway_url: "wss://gateway-us-east1-b.discord.gg",
  shard: [0, 1],
  application: { id: "1", flags: 0 },
};

// --- Runtime tests ----------------------------------------------------------

Deno.test("GATEWAY_EVENT_NAMES equals dispatch-events.json, in order", async () => {
  const reference = await readDispatchEventsReference();
  assert.equal(reference.length, 79);
  assert.deepEqual(
    [...GATEWAY_EVENT_NAMES],
    reference.map((row) => row.name),
  );
  assert.equal(new Set(GATEWAY_EVENT_NAMES).size, 79);
  assert.ok(Object.isFrozen(GATEWAY_EVENT_NAMES));
});

Deno.test("isGatewayEventName accepts exactly the 79 names", async (t) => {
  for (const name of GATEWAY_EVENT_NAMES) {
    assert.equal(isGatewayEventName(name), true, name);
  }
  const rows: [unknown, boolean][] = [
    ["MESSAGE_CREATE", true],
    ["RATE_LIMITED", true],
    ["HELLO", false],
    ["message_create", false],
    ["", false],
    [undefined, false],
    [42, false],
    ["toString", false],
  ];
  for (const [value, expected] of rows) {
    await t.step(`${String(value)} -> ${expected}`, () => {
      assert.equal(isGatewayEventName(value), expected);
    });
  }
});

Deno.test("handlerMethodName maps UPPER_SNAKE_CASE to on + PascalCase", async (t) => {
  const rows: [string, string][] = [
    ["READY", "onReady"],
    ["RESUMED", "onResumed"],
    ["MESSAGE_CREATE", "onMessageCreate"],
    ["GUILD_AUDIT_LOG_ENTRY_CREATE", "onGuildAuditLogEntryCreate"],
    [
      "APPLICATION_COMMAND_PERMISSIONS_UPDATE",
      "onApplicationCommandPermissionsUpdate",
    ],
    ["MESSAGE_POLL_VOTE_ADD", "onMessagePollVoteAdd"],
    ["SOME_FUTURE_EVENT", "onSomeFutureEvent"],
  ];
  for (const [event, expected] of rows) {
    await t.step(`${event} -> ${expected}`, () => {
      assert.equal(handlerMethodName(event), expected);
    });
  }
});

Deno.test("handlerMethodName rejects names that are not UPPER_SNAKE_CASE", async (t) => {
  for (
    const bad of [
      "messageCreate",
      "Message_Create",
      "",
      "_READY",
      "READY_",
      "MESSAGE__CREATE",
      "MESSAGE CREATE",
    ]
  ) {
    await t.step(JSON.stringify(bad), () => {
      assert.throws(() => handlerMethodName(bad), {
        name: "TypeError",
        message:
          `Cannot derive a handler method name as 'event' must be an UPPER_SNAKE_CASE event name: current value 'event=${bad}'`,
      });
    });
  }
});

Deno.test("HANDLER_METHOD_NAMES has one distinct method per event", () => {
  assert.deepEqual(Object.keys(HANDLER_METHOD_NAMES), [...GATEWAY_EVENT_NAMES]);
  for (const name of GATEWAY_EVENT_NAMES) {
    assert.equal(HANDLER_METHOD_NAMES[name], handlerMethodName(name));
    assert.match(HANDLER_METHOD_NAMES[name], /^on(?:[A-Z][a-z]+)+$/);
  }
  assert.equal(new Set(Object.values(HANDLER_METHOD_NAMES)).size, 79);
  assert.ok(Object.isFrozen(HANDLER_METHOD_NAMES));
  assert.equal(HANDLER_METHOD_NAMES.GUILD_CREATE, "onGuildCreate");
});

Deno.test("GUILD_CREATE narrows to an available guild on !unavailable", () => {
  const payloads: GatewayEventMap["GUILD_CREATE"][] = [
    { id: "1", unavailable: true },
  ];
  const names = payloads.map((d) => {
    if (!d.unavailable) {
      // Narrowed: the available guild's fields are there without casts.
      assertType<IsExact<typeof d, P.AvailableGuildCreate>>(true);
      return `${d.name} (${d.member_count})`;
    }
    assertType<IsExact<typeof d, P.UnavailableGuildCreate>>(true);
    return `unavailable ${d.id}`;
  });
  const withIn = payloads.map((d) =>
    "name" in d ? d.name : `unavailable ${d.id}`
  );
  assert.deepEqual(names, ["unavailable 1"]);
  assert.deepEqual(withIn, ["unavailable 1"]);
});

Deno.test("typed fixtures keep their values", () => {
  assert.equal(messageCreate.content, "hello");
  assert.equal(messageCreate.member?.roles.length, 0);
  assert.equal(ready.guilds[0]?.id, "3000");
  assert.deepEqual(ready.shard, [0, 1]);
});

Deno.test("The tests' copy of dispatch-events.json equals the shared reference, where there is one", async () => {
  const copy = await readDispatchEventsReference();
  assert.equal(copy.length, 79);
  const shared = await readSharedDispatchEvents();
  // A clone without ../shared (CI) has only the copy; beside it, they match.
  if (shared !== undefined) assert.deepEqual(copy, shared);
});
