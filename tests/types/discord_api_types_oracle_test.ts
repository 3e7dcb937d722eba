/**
 * discord-api-types (npm, 0.38.57) as an oracle for the event registry:
 * the same 79 dispatch names, and every payload discord-api-types describes
 * is accepted by our `GatewayEventMap[K]` (compile-time checks: a mismatch
 * fails `deno check`).
 */
import { GatewayDispatchEvents } from "discord-api-types/v10";
import type * as D from "discord-api-types/v10";
import assert from "node:assert/strict";
import {
  GATEWAY_EVENT_NAMES,
  type GatewayEventMap,
  type GatewayEventName,
} from "../../types/events.ts";
import type * as O from "../../types/objects/mod.ts";

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

/**
 * The JSON-observable form of a discord-api-types type. Only typing
 * artifacts that JSON cannot express are removed: arrays never hold
 * `undefined`, a tuple with optional elements (`[string, string?, ...]`,
 * their encoding of "up to N items") is an array, and a property typed only
 * `undefined` (e.g. `data?: undefined` on PING interactions) is absent.
 */
type Wire<T> = T extends readonly unknown[]
  ? number extends T["length"] ? Wire<Exclude<T[number], undefined>>[]
  : T extends Required<T> ? { [I in keyof T]: Wire<T[I]> }
  : Wire<Exclude<T[number], undefined>>[]
  : T extends object
    ? { [K in keyof T as [T[K]] extends [undefined] ? never : K]: Wire<T[K]> }
  : T;

/** discord-api-types' type of `d` for each dispatch event. */
interface OracleMap {
  READY: D.GatewayReadyDispatchData;
  RESUMED: D.GatewayResumedDispatch["d"];
  APPLICATION_COMMAND_PERMISSIONS_UPDATE:
    D.GatewayApplicationCommandPermissionsUpdateDispatchData;
  AUTO_MODERATION_RULE_CREATE: D.GatewayAutoModerationRuleCreateDispatchData;
  AUTO_MODERATION_RULE_UPDATE: D.GatewayAutoModerationRuleUpdateDispatchData;
  AUTO_MODERATION_RULE_DELETE: D.GatewayAutoModerationRuleDeleteDispatchData;
  AUTO_MODERATION_ACTION_EXECUTION:
    D.GatewayAutoModerationActionExecutionDispatchData;
  CHANNEL_CREATE: D.GatewayChannelCreateDispatchData;
  CHANNEL_UPDATE: D.GatewayChannelUpdateDispatchData;
  CHANNEL_DELETE: D.GatewayChannelDeleteDispatchData;
  CHANNEL_INFO: D.GatewayChannelInfoDispatchData;
  VOICE_CHANNEL_STATUS_UPDATE: D.GatewayVoiceChannelStatusUpdateDispatchData;
  VOICE_CHANNEL_START_TIME_UPDATE:
    D.GatewayVoiceChannelStartTimeUpdateDispatchData;
  THREAD_CREATE: D.GatewayThreadCreateDispatchData;
  THREAD_UPDATE: D.GatewayThreadUpdateDispatchData;
  THREAD_DELETE: D.GatewayThreadDeleteDispatchData;
  THREAD_LIST_SYNC: D.GatewayThreadListSyncDispatchData;
  THREAD_MEMBER_UPDATE: D.GatewayThreadMemberUpdateDispatchData;
  THREAD_MEMBERS_UPDATE: D.GatewayThreadMembersUpdateDispatchData;
  CHANNEL_PINS_UPDATE: D.GatewayChannelPinsUpdateDispatchData;
  ENTITLEMENT_CREATE: D.GatewayEntitlementCreateDispatchData;
  ENTITLEMENT_UPDATE: D.GatewayEntitlementUpdateDispatchData;
  ENTITLEMENT_DELETE: D.GatewayEntitlementDeleteDispatchData;
  GUILD_CREATE: D.GatewayGuildCreateDispatchData;
  GUILD_UPDATE: D.GatewayGuildUpdateDispatchData;
  GUILD_DELETE: D.GatewayGuildDeleteDispatchData;
  GUILD_AUDIT_LOG_ENTRY_CREATE: D.GatewayGuildAuditLogEntryCreateDispatchData;
  GUILD_BAN_ADD: D.GatewayGuildBanAddDispatchData;
  GUILD_BAN_REMOVE: D.GatewayGuildBanRemoveDispatchData;
  GUILD_EMOJIS_UPDATE: D.GatewayGuildEmojisUpdateDispatchData;
  GUILD_STICKERS_UPDATE: D.GatewayGuildStickersUpdateDispatchData;
  GUILD_INTEGRATIONS_UPDATE: D.GatewayGuildIntegrationsUpdateDispatchData;
  GUILD_MEMBER_ADD: D.GatewayGuildMemberAddDispatchData;
  GUILD_MEMBER_REMOVE: D.GatewayGuildMemberRemoveDispatchData;
  GUILD_MEMBER_UPDATE: D.GatewayGuildMemberUpdateDispatchData;
  GUILD_MEMBERS_CHUNK: D.GatewayGuildMembersChunkDispatchData;
  GUILD_ROLE_CREATE: D.GatewayGuildRoleCreateDispatchData;
  GUILD_ROLE_UPDATE: D.GatewayGuildRoleUpdateDispatchData;
  GUILD_ROLE_DELETE: D.GatewayGuildRoleDeleteDispatchData;
  GUILD_SCHEDULED_EVENT_CREATE: D.GatewayGuildScheduledEventCreateDispatchData;
  GUILD_SCHEDULED_EVENT_UPDATE: D.GatewayGuildScheduledEventUpdateDispatchData;
  GUILD_SCHEDULED_EVENT_DELETE: D.GatewayGuildScheduledEventDeleteDispatchData;
  GUILD_SCHEDULED_EVENT_USER_ADD:
    D.GatewayGuildScheduledEventUserAddDispatchData;
  GUILD_SCHEDULED_EVENT_USER_REMOVE:
    D.GatewayGuildScheduledEventUserRemoveDispatchData;
  GUILD_SOUNDBOARD_SOUND_CREATE:
    D.GatewayGuildSoundboardSoundCreateDispatchData;
  GUILD_SOUNDBOARD_SOUND_UPDATE:
    D.GatewayGuildSoundboardSoundUpdateDispatchData;
  GUILD_SOUNDBOARD_SOUND_DELETE:
    D.GatewayGuildSoundboardSoundDeleteDispatchData;
  GUILD_SOUNDBOARD_SOUNDS_UPDATE:
    D.GatewayGuildSoundboardSoundsUpdateDispatchData;
  SOUNDBOARD_SOUNDS: D.GatewaySoundboardSoundsDispatchData;
  INTEGRATION_CREATE: D.GatewayIntegrationCreateDispatchData;
  INTEGRATION_UPDATE: D.GatewayIntegrationUpdateDispatchData;
  INTEGRATION_DELETE: D.GatewayIntegrationDeleteDispatchData;
  INVITE_CREATE: D.GatewayInviteCreateDispatchData;
  INVITE_DELETE: D.GatewayInviteDeleteDispatchData;
  MESSAGE_CREATE: D.GatewayMessageCreateDispatchData;
  MESSAGE_UPDATE: D.GatewayMessageUpdateDispatchData;
  MESSAGE_DELETE: D.GatewayMessageDeleteDispatchData;
  MESSAGE_DELETE_BULK: D.GatewayMessageDeleteBulkDispatchData;
  MESSAGE_REACTION_ADD: D.GatewayMessageReactionAddDispatchData;
  MESSAGE_REACTION_REMOVE: D.GatewayMessageReactionRemoveDispatchData;
  MESSAGE_REACTION_REMOVE_ALL: D.GatewayMessageReactionRemoveAllDispatchData;
  MESSAGE_REACTION_REMOVE_EMOJI:
    D.GatewayMessageReactionRemoveEmojiDispatchData;
  PRESENCE_UPDATE: D.GatewayPresenceUpdateDispatchData;
  TYPING_START: D.GatewayTypingStartDispatchData;
  USER_UPDATE: D.GatewayUserUpdateDispatchData;
  VOICE_CHANNEL_EFFECT_SEND: D.GatewayVoiceChannelEffectSendDispatchData;
  VOICE_STATE_UPDATE: D.GatewayVoiceStateUpdateDispatchData;
  VOICE_SERVER_UPDATE: D.GatewayVoiceServerUpdateDispatchData;
  WEBHOOKS_UPDATE: D.GatewayWebhooksUpdateDispatchData;
  INTERACTION_CREATE: D.GatewayInteractionCreateDispatchData;
  STAGE_INSTANCE_CREATE: D.GatewayStageInstanceCreateDispatchData;
  STAGE_INSTANCE_UPDATE: D.GatewayStageInstanceUpdateDispatchData;
  STAGE_INSTANCE_DELETE: D.GatewayStageInstanceDeleteDispatchData;
  SUBSCRIPTION_CREATE: D.GatewaySubscriptionCreateDispatchData;
  SUBSCRIPTION_UPDATE: D.GatewaySubscriptionUpdateDispatchData;
  SUBSCRIPTION_DELETE: D.GatewaySubscriptionDeleteDispatchData;
  MESSAGE_POLL_VOTE_ADD: D.GatewayMessagePollVoteDispatchData;
  MESSAGE_POLL_VOTE_REMOVE: D.GatewayMessagePollVoteDispatchData;
  RATE_LIMITED: D.GatewayRateLimitedDispatchData;
}

/** The events whose discord-api-types payload is not assignable to ours. */
type Failing<M extends Record<GatewayEventName, unknown>> = {
  [K in GatewayEventName]: [Wire<M[K]>] extends [GatewayEventMap[K]] ? never
    : K;
}[GatewayEventName];

// Deliberate differences from discord-api-types. Each is patched in
// PatchedOracleMap below, replacing only the disputed field, so the rest of
// these payloads is still checked.
//
// - RESUMED: discord-api-types types `d` as `undefined`. The docs document no
//   payload; production sends `{ _trace: [...] }` (and fakes may send null),
//   so ours is `Record<string, unknown> | null`.
// - STAGE_INSTANCE_* and GUILD_CREATE `stage_instances`: the stage
//   instance's `guild_scheduled_event_id` is optional there; the docs list it
//   as always present and nullable (`?snowflake`).
// - PRESENCE_UPDATE, GUILD_CREATE and GUILD_MEMBERS_CHUNK presences: the
//   activity emoji's `name` and `id` are nullable there (derived from the
//   emoji object); the docs' activity emoji has `name: string, id?: snowflake`.
//   The activity's `buttons` may be `{label, url}` objects there; the docs say
//   that received over the gateway they are the labels only.
// - GUILD_MEMBERS_CHUNK: `not_found` is `unknown[]` there; ours is
//   `Snowflake[]` (the requested IDs that were not found).
type Exceptions =
  | "RESUMED"
  | "STAGE_INSTANCE_CREATE"
  | "STAGE_INSTANCE_UPDATE"
  | "STAGE_INSTANCE_DELETE"
  | "PRESENCE_UPDATE"
  | "GUILD_CREATE"
  | "GUILD_MEMBERS_CHUNK";

type DocActivity = Omit<D.GatewayActivity, "emoji" | "buttons"> & {
  emoji?: Pick<D.GatewayActivityEmoji, "animated"> & {
    name: string;
    id?: string;
  };
  buttons?: string[];
};
type DocChunkPresence =
  & Omit<D.GatewayGuildMembersChunkPresence, "activities">
  & {
    activities?: DocActivity[];
  };
type DocStageInstance = Omit<D.APIStageInstance, "guild_scheduled_event_id"> & {
  guild_scheduled_event_id: string | null;
};

/** {@linkcode OracleMap} with the documented differences applied. */
interface PatchedOracleMap extends Omit<OracleMap, Exceptions> {
  RESUMED: { _trace: string[] } | null;
  STAGE_INSTANCE_CREATE: DocStageInstance;
  STAGE_INSTANCE_UPDATE: DocStageInstance;
  STAGE_INSTANCE_DELETE: DocStageInstance;
  PRESENCE_UPDATE: Omit<D.GatewayPresenceUpdate, "activities"> & {
    activities?: DocActivity[];
  };
  GUILD_CREATE:
    & Omit<D.GatewayGuildCreateDispatchData, "presences" | "stage_instances">
    & {
      presences: (DocChunkPresence & { guild_id: string })[];
      stage_instances: DocStageInstance[];
    };
  GUILD_MEMBERS_CHUNK:
    & Omit<D.GatewayGuildMembersChunkDispatchData, "not_found" | "presences">
    & { not_found?: string[]; presences?: DocChunkPresence[] };
}

// Both maps cover exactly the 79 event names.
const oracleKeys: IsExact<keyof OracleMap, GatewayEventName> = true;
const patchedKeys: IsExact<keyof PatchedOracleMap, GatewayEventName> = true;
const oracleNames: IsExact<`${GatewayDispatchEvents}`, GatewayEventName> = true;

// Unpatched, exactly the listed events fail. An error on the first constant
// names events that fail without being listed; on the second, listed events
// that no longer fail (remove them from Exceptions).
const noUnlistedFailures: Record<
  Exclude<Failing<OracleMap>, Exceptions>,
  never
> = {};
const noStaleExceptions: Record<
  Exclude<Exceptions, Failing<OracleMap>>,
  never
> = {};
// With the documented differences applied, every payload is accepted (an
// error here names the failing events).
const allPatchedAccepted: Record<Failing<PatchedOracleMap>, never> = {};

/** Objects used outside dispatch payloads (REST), checked the same way. */
interface ObjectOracle {
  ApplicationCommand: [D.APIApplicationCommand, O.ApplicationCommand];
  GuildApplicationCommandPermissions: [
    D.APIGuildApplicationCommandPermissions,
    O.GuildApplicationCommandPermissions,
  ];
  Invite: [D.APIInvite, O.Invite];
  Application: [D.APIApplication, O.Application];
  Guild: [D.APIGuild, O.Guild];
  Message: [D.APIMessage, O.Message];
  Channel: [D.APIChannel, O.Channel];
  GuildMember: [D.APIGuildMember, O.GuildMember];
  Role: [D.APIRole, O.Role];
  Emoji: [D.APIEmoji, O.Emoji];
  Sticker: [D.APISticker, O.Sticker];
  User: [D.APIUser, O.User];
  Poll: [D.APIPoll, O.Poll];
  Interaction: [D.APIInteraction, O.Interaction];
  AuditLogEntry: [D.APIAuditLogEntry, O.AuditLogEntry];
  AuditLog: [D.APIAuditLog, O.AuditLog];
  Webhook: [D.APIWebhook, O.Webhook];
}
type FailingObjects = {
  [K in keyof ObjectOracle]: [Wire<ObjectOracle[K][0]>] extends
    [ObjectOracle[K][1]] ? never : K;
}[keyof ObjectOracle];
const allObjectsAccepted: Record<FailingObjects, never> = {};

Deno.test("GATEWAY_EVENT_NAMES matches discord-api-types' GatewayDispatchEvents", () => {
  const theirs = new Set<string>(Object.values(GatewayDispatchEvents));
  const ours = new Set<string>(GATEWAY_EVENT_NAMES);
  assert.equal(theirs.size, 79);
  assert.equal(ours.size, 79);
  assert.deepEqual([...ours].filter((name) => !theirs.has(name)), []);
  assert.deepEqual([...theirs].filter((name) => !ours.has(name)), []);
});

Deno.test("discord-api-types payloads are assignable to GatewayEventMap", () => {
  // The real checks are the compile-time constants above (`deno check`
  // fails when one does not hold); this keeps them referenced.
  assert.deepEqual([oracleKeys, patchedKeys, oracleNames], [true, true, true]);
  for (
    const failures of [
      noUnlistedFailures,
      noStaleExceptions,
      allPatchedAccepted,
      allObjectsAccepted,
    ]
  ) {
    assert.deepEqual(Object.keys(failures), []);
  }
});
