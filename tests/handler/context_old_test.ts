// ctx.old is typed per event (OldState) in Handler methods and `on`
// listeners: compile-time checks (a wrong type fails `deno check`), and a
// Client run where the typed value is the cached previous state.
import assert from "node:assert/strict";
import type {
  CachedChannel,
  CachedMember,
  CachedMessage,
  OldState,
} from "../../cache/mod.ts";
import type { CachedGuild } from "../../cache/cached_guild.ts";
import { Client, type EventListener } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import type { UnavailableGuildCreate } from "../../types/dispatch_payloads.ts";
import type { GatewayEventName } from "../../types/events.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { Emoji } from "../../types/objects/emoji.ts";
import type { PresenceUpdate } from "../../types/objects/presence.ts";
import type { Role } from "../../types/objects/role.ts";
import type { User } from "../../types/objects/user.ts";
import type { VoiceState } from "../../types/objects/voice.ts";
import type { IsExact } from "../_fakes/is_exact.ts";

// The Handler methods' ctx types are checked with their payloads in
// handler_types_test.ts.

/** Events whose `on` listener's ctx is not exactly Context<OldState<K>>. */
type ListenerMismatch = {
  [K in GatewayEventName]: IsExact<
    Parameters<EventListener<K>>[1],
    Context<OldState<K>>
  > extends true ? never : K;
}[GatewayEventName];

const noListenerMismatch: Record<ListenerMismatch, never> = {};

/** The type per event, spelt out (each line fails to compile when wrong). */
const expected: {
  [K in keyof typeof EXPECTED]: IsExact<OldState<K>, typeof EXPECTED[K]>;
} = {
  MESSAGE_UPDATE: true,
  MESSAGE_DELETE: true,
  MESSAGE_DELETE_BULK: true,
  MESSAGE_REACTION_ADD: true,
  GUILD_MEMBER_UPDATE: true,
  GUILD_MEMBER_REMOVE: true,
  CHANNEL_UPDATE: true,
  CHANNEL_DELETE: true,
  THREAD_UPDATE: true,
  THREAD_LIST_SYNC: true,
  GUILD_CREATE: true,
  GUILD_UPDATE: true,
  GUILD_DELETE: true,
  GUILD_ROLE_UPDATE: true,
  GUILD_ROLE_DELETE: true,
  GUILD_EMOJIS_UPDATE: true,
  PRESENCE_UPDATE: true,
  VOICE_STATE_UPDATE: true,
  READY: true,
  USER_UPDATE: true,
  MESSAGE_CREATE: true,
  GUILD_MEMBER_ADD: true,
  TYPING_START: true,
  RESUMED: true,
};
// Only the types of these values matter.
declare const EXPECTED: {
  MESSAGE_UPDATE: CachedMessage | undefined;
  MESSAGE_DELETE: CachedMessage | undefined;
  MESSAGE_DELETE_BULK: CachedMessage[] | undefined;
  MESSAGE_REACTION_ADD: CachedMessage | undefined;
  GUILD_MEMBER_UPDATE: CachedMember | undefined;
  GUILD_MEMBER_REMOVE: CachedMember | undefined;
  CHANNEL_UPDATE: CachedChannel | undefined;
  CHANNEL_DELETE: CachedChannel | undefined;
  THREAD_UPDATE: CachedChannel | undefined;
  THREAD_LIST_SYNC: CachedChannel[] | undefined;
  GUILD_CREATE: CachedGuild | UnavailableGuildCreate | undefined;
  GUILD_UPDATE: CachedGuild | UnavailableGuildCreate | undefined;
  GUILD_DELETE: CachedGuild | UnavailableGuildCreate | undefined;
  GUILD_ROLE_UPDATE: Role | undefined;
  GUILD_ROLE_DELETE: Role | undefined;
  GUILD_EMOJIS_UPDATE: Emoji[] | undefined;
  PRESENCE_UPDATE: PresenceUpdate | undefined;
  VOICE_STATE_UPDATE: VoiceState | undefined;
  READY: User | undefined;
  USER_UPDATE: User | undefined;
  MESSAGE_CREATE: undefined;
  GUILD_MEMBER_ADD: undefined;
  TYPING_START: undefined;
  RESUMED: undefined;
};

/** Reads that compile only with the precise type, and ones that must not. */
function typedReads(
  deleted: Context<OldState<"MESSAGE_DELETE">>,
  bulk: Context<OldState<"MESSAGE_DELETE_BULK">>,
  created: Context<OldState<"MESSAGE_CREATE">>,
): unknown[] {
  const content: string | undefined = deleted.old?.content;
  const count: number | undefined = bulk.old?.length;
  // @ts-expect-error -- the message may not have been cached
  const unchecked: string = deleted.old.content;
  // @ts-expect-error -- a create has no previous state
  const none: string = created.old;
  // A plain Context still takes any handler's context (old: unknown).
  const plain: Context = deleted;
  return [content, count, unchecked, none, plain];
}

Deno.test("ctx.old is typed per event in every on listener, and as spelt out for the common events", () => {
  assert.deepEqual(Object.keys(noListenerMismatch), []);
  assert.ok(Object.values(expected).every((same) => same));
  assert.equal(typeof typedReads, "function");
});

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent | GatewayIntent.GuildWebhooks;

Deno.test("Client: ctx.old in a Handler method and an on listener is the typed previous value; an event without one sees undefined", async () => {
  await using discord = await FakeDiscord.start();
  const fromMethod: (string | undefined)[] = [];
  const fromListener: (string | undefined)[] = [];
  const roles: (string | undefined)[] = [];
  const afterwards: unknown[] = [];
  class Bot extends Handler {
    override onMessageDelete(
      _data: unknown,
      ctx: Context<OldState<"MESSAGE_DELETE">>,
    ): void {
      fromMethod.push(ctx.old?.content);
    }
    override onGuildRoleDelete(
      _data: unknown,
      ctx: Context<OldState<"GUILD_ROLE_DELETE">>,
    ): void {
      roles.push(ctx.old?.name);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels", "roles", "messages"] },
  });
  client.on("MESSAGE_DELETE", (_data, ctx) => {
    // Inferred: CachedMessage | undefined, no cast.
    fromListener.push(ctx.old?.content);
  });
  client.on("WEBHOOKS_UPDATE", (_data, ctx) => {
    afterwards.push(ctx.old);
  });
  await client.start(new Bot());
  const message = discord.postMessage("said before");
  await client.idle();
  const route = { guildId: discord.guildId };
  discord.gateway.dispatch("GUILD_ROLE_CREATE", {
    guild_id: discord.guildId,
    role: { id: "77", name: "mods" },
  }, route);
  discord.gateway.dispatch("GUILD_ROLE_DELETE", {
    guild_id: discord.guildId,
    role_id: "77",
  }, route);
  discord.gateway.dispatch("MESSAGE_DELETE", {
    id: message.id,
    channel_id: discord.channelId,
    guild_id: discord.guildId,
  }, route);
  // Not reduced by the cache: must not see the deleted message as its old.
  discord.gateway.dispatch("WEBHOOKS_UPDATE", {
    guild_id: discord.guildId,
    channel_id: discord.channelId,
  }, route);
  await client.idle();
  assert.deepEqual(roles, ["mods"]);
  assert.deepEqual(fromMethod, ["said before"]);
  assert.deepEqual(fromListener, ["said before"]);
  assert.deepEqual(afterwards, [undefined]);
});

Deno.test("Client: a handler editing ctx.old (a nested object) edits its own copy, not the cache", async () => {
  await using discord = await FakeDiscord.start();
  let edited = 0;
  await using client = new Client({
    token: discord.token,
    intents: INTENTS | GatewayIntent.GuildMessageReactions,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels", "messages"] },
  });
  client.on("MESSAGE_REACTION_ADD", (_data, ctx) => {
    // The message before the reaction: its embed is an object the cache's
    // message after the reaction shares unless ctx.old is a copy.
    const embed = ctx.old?.embeds?.[0] as { title?: string } | undefined;
    if (embed) {
      embed.title = "edited";
      edited++;
    }
  });
  await client.start();
  const message = discord.postMessage("with an embed");
  const route = { guildId: discord.guildId };
  const at = { channel_id: discord.channelId, guild_id: discord.guildId };
  discord.gateway.dispatch("MESSAGE_UPDATE", {
    ...at,
    id: message.id,
    embeds: [{ title: "kept" }],
  }, route);
  discord.gateway.dispatch("MESSAGE_REACTION_ADD", {
    ...at,
    user_id: "5",
    message_id: message.id,
    emoji: { id: null, name: "👍" },
    burst: false,
    type: 0,
  }, route);
  await client.idle();
  assert.equal(edited, 1);
  const cached = client.cache!.message(discord.channelId, message.id)!;
  assert.equal(cached.reactions?.length, 1, "the reaction was applied");
  assert.equal(cached.embeds?.[0]?.title, "kept");
});
